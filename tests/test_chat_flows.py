"""End-to-end stories through the local Bot API server with the production bot."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from docx import Document
from openpyxl import load_workbook
from sqlmodel import func, select

from bot_api_server import SimUser
from db import contacts
from db.engine import session_scope
from db.models import Contact, OutboundMessage, Role, Status, StatusReport
from dondoc.stage import Stage
from tests.conftest import REFERENCE_TASK_NUMBERS


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button of a message."""
    markup = message.get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


def button_data(message: dict[str, Any], label_part: str) -> str:
    """The callback data of the button whose label contains `label_part`."""
    matches = [data for label, data in buttons(message) if label_part in label]
    assert matches, f"no button with {label_part!r} in {buttons(message)}"
    return matches[0]


def stored_reports(stage: Stage) -> list[StatusReport]:
    with session_scope(stage.engine) as session:
        return list(session.exec(select(StatusReport).order_by(StatusReport.id)))


async def request_for(stage: Stage, officer: SimUser) -> dict[str, Any]:
    """Run the cycle and return the latest request the officer received.

    An officer who joined after the request time has it already (sent on joining).
    """
    await stage.run_cycle()
    return [m for m in officer.messages() if "Đề nghị báo cáo" in m.get("text", "")][-1]


# --- joining ------------------------------------------------------------------------------------


async def test_an_officer_joins_with_an_invite_link_and_is_bound_to_the_agency(
    stage: Stage,
) -> None:
    lan = await stage.join(2001, "Lan", "so-khdt")

    assert "Sở Kế hoạch và Đầu tư" in lan.last_message()["text"]
    with session_scope(stage.engine) as session:
        contact = contacts.contact_for_chat(session=session, chat_id=lan.id)
    assert contact is not None
    assert (contact.agency_code, contact.role) == ("so-khdt", Role.OFFICER)


async def test_a_used_invite_code_is_refused_for_a_second_person(stage: Stage) -> None:
    code = stage.invite("so-y-te")
    first = stage.server.user(2002, "Bình")
    await first.start(code)
    await first.wait_for_message()

    second = stage.server.user(2003, "Cường")
    await second.start(code)
    reply = await second.wait_for_message()

    assert "đã được sử dụng" in reply["text"]
    with session_scope(stage.engine) as session:
        assert contacts.contact_for_chat(session=session, chat_id=second.id) is None


async def test_an_expired_invite_code_is_refused_with_its_date(stage: Stage) -> None:
    code = stage.invite("so-y-te", valid_days=7)
    stage.clock.advance(timedelta(days=8))
    late = stage.server.user(2004, "Dũng")
    await late.start(code)

    reply = await late.wait_for_message()

    assert "đã hết hạn ngày 23/08/2021" in reply["text"]
    with session_scope(stage.engine) as session:
        assert contacts.contact_for_chat(session=session, chat_id=late.id) is None


async def test_an_unknown_invite_code_is_refused(stage: Stage) -> None:
    guesser = stage.server.user(2005, "Giang")
    await guesser.start("not-a-real-code")

    reply = await guesser.wait_for_message()

    assert "Mã mời không đúng" in reply["text"]


# --- the monthly request and the answers --------------------------------------------------------


async def test_the_request_lists_every_task_of_the_agency_with_a_button_each(stage: Stage) -> None:
    officer = await stage.join(2010, "Hoa", "so-khdt")

    request = await request_for(stage, officer)

    assert "Đề nghị báo cáo tháng 08/2021" in request["text"]
    assert "chậm nhất trong ngày 20/08/2021" in request["text"]
    labels = [label for label, _ in buttons(request)]
    assert [label.split(" · ")[0] for label in labels] == ["2.1", "2.3", "2.11"]


async def test_a_single_task_agency_gets_the_four_status_buttons_directly(stage: Stage) -> None:
    officer = await stage.join(2011, "Khánh", "cuc-qltt")

    request = await request_for(stage, officer)

    labels = [label for label, _ in buttons(request)]
    assert labels == ["✅ Đã hoàn thành", "🔄 Đang thực hiện", "⚠️ Chậm tiến độ", "⛔ Có vướng mắc"]
    assert "2.5" in request["text"]


async def test_a_status_button_then_a_note_are_stored_with_history(
    stage_on_each_database: Stage,
) -> None:
    stage = stage_on_each_database
    officer = await stage.join(2012, "Linh", "so-khdt")
    request = await request_for(stage, officer)

    await officer.press(request, button_data(request, "2.1 "))
    status_prompt = await officer.wait_for_message()
    await officer.press(status_prompt, button_data(status_prompt, "Đang thực hiện"))
    asks_for_note = await officer.wait_for_message()
    assert "Đã ghi nhận" in asks_for_note["text"]
    assert "/skip" in asks_for_note["text"]
    saved = await officer.send_and_wait(
        "Đã cập nhật kịch bản tăng trưởng quý III, gửi UBND TP ngày 25/8."
    )

    assert "Đã ghi nhận ghi chú" in saved["text"]
    reports = stored_reports(stage)
    assert [(r.status, r.note) for r in reports] == [
        (Status.IN_PROGRESS, None),
        (Status.IN_PROGRESS, "Đã cập nhật kịch bản tăng trưởng quý III, gửi UBND TP ngày 25/8."),
    ]


async def test_skip_keeps_the_status_without_a_note(stage: Stage) -> None:
    officer = await stage.join(2013, "Minh", "cong-an-tp")
    request = await request_for(stage, officer)

    await officer.press(request, button_data(request, "Đã hoàn thành"))
    await officer.wait_for_message()
    skipped = await officer.send_and_wait("/skip")

    assert "không kèm ghi chú" in skipped["text"]
    assert [(r.status, r.note) for r in stored_reports(stage)] == [(Status.DONE, None)]


async def test_a_plain_reply_to_the_request_is_stored_and_the_status_is_asked(stage: Stage) -> None:
    officer = await stage.join(2014, "Nga", "bo-tu-lenh-thu-do")
    request = await request_for(stage, officer)

    await officer.reply(request, "Đã tổ chức diễn tập phòng thủ khu vực, đảm bảo an toàn.")
    asks_status = await officer.wait_for_message()

    assert "chọn tình trạng" in asks_status["text"]
    assert (
        stored_reports(stage)[-1].note == "Đã tổ chức diễn tập phòng thủ khu vực, đảm bảo an toàn."
    )
    await officer.press(asks_status, button_data(asks_status, "Đã hoàn thành"))
    await officer.wait_for_message()
    latest = stored_reports(stage)[-1]
    assert (latest.status, latest.note) == (
        Status.DONE,
        "Đã tổ chức diễn tập phòng thủ khu vực, đảm bảo an toàn.",
    )


async def test_a_reply_from_a_several_task_agency_asks_which_task_then_the_status(
    stage: Stage,
) -> None:
    officer = await stage.join(2015, "Oanh", "ubnd-ba-dinh")
    request = await request_for(stage, officer)

    await officer.reply(request, "Đã khai giảng trực tuyến cho 100% trường học.")
    which = await officer.wait_for_message()
    await officer.press(which, button_data(which, "2.8 "))
    status_prompt = await officer.wait_for_message()
    await officer.press(status_prompt, button_data(status_prompt, "Đã hoàn thành"))
    await officer.wait_for_message()

    [report] = stored_reports(stage)
    assert (report.status, report.note) == (
        Status.DONE,
        "Đã khai giảng trực tuyến cho 100% trường học.",
    )


async def test_pending_lists_only_what_the_agency_still_owes(stage: Stage) -> None:
    officer = await stage.join(2016, "Phúc", "so-khdt")
    request = await request_for(stage, officer)
    await officer.press(request, button_data(request, "2.1 "))
    prompt = await officer.wait_for_message()
    await officer.press(prompt, button_data(prompt, "Đã hoàn thành"))
    await officer.wait_for_message()
    await officer.send_and_wait("/skip")

    pending = await officer.send_and_wait("/pending")

    assert "còn 2 nhiệm vụ chưa báo cáo" in pending["text"]
    assert [label.split(" · ")[0] for label, _ in buttons(pending)] == ["2.3", "2.11"]


# --- the digest ---------------------------------------------------------------------------------


async def test_summary_shows_every_task_with_the_statuses_given(stage: Stage) -> None:
    secretary = await stage.join(3001, "Quyên", "vp-ubnd", Role.SECRETARIAT)
    police = await stage.join(2020, "Sơn", "cong-an-tp")
    market = await stage.join(2021, "Tâm", "cuc-qltt")
    for officer, status, note in [
        (
            police,
            "Đang thực hiện",
            "Ra quân cao điểm trấn áp tội phạm & <b>đua xe</b> trái phép. <script>x</script>",
        ),
        (market, "Có vướng mắc", "Thiếu kinh phí kiểm nghiệm mẫu; đề nghị TP bổ sung."),
    ]:
        await stage.run_cycle()
        request = officer.messages()[-1]
        await officer.press(request, button_data(request, status))
        await officer.wait_for_message()
        await officer.send_and_wait(note)

    # /summary gives one short message with a button for the whole text, then the files.
    mark = secretary.mark()
    await secretary.send("/summary 08/2021")
    await stage.server.wait_until(
        lambda: sum("document" in m for m in _after(secretary, mark)) == 2, 15
    )
    brief, *files = _after(secretary, mark)
    assert len(files) == 2 and "TỔNG HỢP" in brief["text"] and len(brief["text"]) < 1500
    assert "Có vướng mắc, đề xuất (1): 2.5" in brief["text"]
    mark = secretary.mark()
    await secretary.press(brief, text="Xem toàn văn từng nhiệm vụ")
    last = "Chưa có kỳ báo cáo trước để so sánh."  # the digest's last line (no July here)
    await stage.server.wait_until(lambda: last in _joined(secretary, mark), 15)
    digest = _joined(secretary, mark)
    full_mark = secretary.mark()
    await secretary.send("/summary full 08/2021")
    await stage.server.wait_until(lambda: last in _joined(secretary, full_mark), 15)
    assert _joined(secretary, full_mark) == digest

    for number in REFERENCE_TASK_NUMBERS:
        assert f"\n{number} " in digest, f"task {number} missing from the digest"
    assert "Công an thành phố Hà Nội (chủ trì): Đang thực hiện" in digest
    assert "trấn áp tội phạm & <b>đua xe</b> trái phép" in digest  # arrived as text, not markup
    assert "Cục Quản lý thị trường thành phố Hà Nội (chủ trì): Có vướng mắc" in digest
    assert "<script>x</script>" in digest
    assert all(len(m["text"]) <= 4096 for m in _after(secretary, mark) if "text" in m)


async def test_summary_comes_with_the_word_report_and_the_spreadsheet(stage: Stage) -> None:
    secretary = await stage.join(3002, "Quyên", "vp-ubnd", Role.SECRETARIAT)
    market = await stage.join(2022, "Tâm", "cuc-qltt")
    await stage.run_cycle()
    request = market.messages()[-1]
    await market.press(request, button_data(request, "Có vướng mắc"))
    await market.wait_for_message()
    await market.send_and_wait("Đề xuất: bổ sung kinh phí & <b>mẫu</b>")

    mark = secretary.mark()
    await secretary.send("/summary 08/2021")
    await stage.server.wait_until(
        lambda: sum("document" in m for m in _after(secretary, mark)) == 2, 15
    )

    received = _after(secretary, mark)
    report, spreadsheet = [m for m in received if "document" in m]
    assert report["document"]["file_name"] == "bao-cao-2021-08.docx"
    assert spreadsheet["document"]["file_name"] == "bao-cao-2021-08.xlsx"
    assert "Báo cáo tình hình thực hiện nhiệm vụ tháng 08/2021" in report["caption"]
    document = Document(io.BytesIO(secretary.document_bytes(report["document"])))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document.tables[0].rows[0].cells[1].text
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Đề xuất: bổ sung kinh phí & <b>mẫu</b>" in cells  # in the annex, as text
    annex = document.tables[-1]
    numbers = {row.cells[1].text.split(". ", 1)[0] for row in annex.rows[1:]}
    assert numbers == set(REFERENCE_TASK_NUMBERS)
    workbook = load_workbook(io.BytesIO(secretary.document_bytes(spreadsheet["document"])))
    assert workbook.sheetnames == ["Phân công", "Tổng hợp"]
    # One short message first, the files after it.
    assert [("text" in m) for m in received] == [True, False, False]


def _after(person: SimUser, mark: int) -> list[dict[str, Any]]:
    return [m for m in person.messages() if m["message_id"] > mark]


def _joined(person: SimUser, mark: int) -> str:
    return "\n".join(m.get("text", "") for m in _after(person, mark))


# --- refusals -----------------------------------------------------------------------------------


async def test_a_stranger_is_refused_for_summary_and_for_reporting_and_nothing_is_stored(
    stage: Stage,
) -> None:
    stranger = stage.server.user(9001, "Vinh")

    summary = await stranger.send_and_wait("/summary")
    note = await stranger.send_and_wait("Báo cáo: đã hoàn thành 100%")
    pending = await stranger.send_and_wait("/pending")

    for reply in (summary, note, pending):
        assert "chưa được đăng ký" in reply["text"]
    assert stored_reports(stage) == []


async def test_an_officer_removed_from_the_agency_cannot_report_with_an_old_request(
    stage: Stage,
) -> None:
    officer = await stage.join(2030, "Uyên", "cuc-qltt")
    request = await request_for(stage, officer)
    with session_scope(stage.engine) as session:
        contact = session.get(
            Contact, contacts.contact_for_chat(session=session, chat_id=officer.id).id
        )
        contact.active = False

    pressed = await officer.press(request, button_data(request, "Đã hoàn thành"))
    answer = await officer.wait_for_callback_answer(pressed)
    refusal = await officer.wait_for_message()

    assert answer["text"] == "Không hợp lệ"
    assert "chưa được đăng ký" in refusal["text"]
    assert stored_reports(stage) == []


async def test_an_officer_may_not_ask_for_the_summary(stage: Stage) -> None:
    officer = await stage.join(2031, "Xuân", "so-y-te")

    reply = await officer.send_and_wait("/summary")

    assert "chỉ dành cho Văn phòng" in reply["text"]


# --- restarts -----------------------------------------------------------------------------------


async def test_a_restart_sends_no_request_twice(stage: Stage) -> None:
    officers = [
        await stage.join(2040 + i, f"Cán bộ {i}", code)
        for i, code in enumerate(["so-khdt", "cuc-qltt", "cong-an-tp"])
    ]
    first = await stage.run_cycle()
    assert first.sent == 0  # each had the request on joining, after the request time

    await stage.stop_bot()
    await stage.start_bot()
    stage.clock.advance(timedelta(minutes=30))
    again = await stage.run_cycle()

    assert again.sent == 0
    for officer in officers:
        requests = [m for m in officer.messages() if "Đề nghị báo cáo" in m.get("text", "")]
        assert len(requests) == 1
    with session_scope(stage.engine) as session:
        rows = session.exec(select(func.count()).select_from(OutboundMessage)).one()
    assert rows == 3


async def test_an_edited_note_updates_the_report_and_keeps_the_old_one(stage: Stage) -> None:
    officer = await stage.join(2050, "Hạnh", "cuc-qltt")
    request = await request_for(stage, officer)
    await officer.press(request, button_data(request, "Đang thực hiện"))
    await officer.wait_for_message()
    note = await officer.send("Đã kiểm tra 120 cơ sở")
    await officer.wait_for_message()

    await officer.edit(note, "Đã kiểm tra 150 cơ sở, xử phạt 12 vụ")
    answer = await officer.wait_for_message()

    assert "Đã cập nhật ghi chú nhiệm vụ 2.5" in answer["text"]
    reports = stored_reports(stage)
    assert [(r.status, r.note) for r in reports[-2:]] == [
        (Status.IN_PROGRESS, "Đã kiểm tra 120 cơ sở"),
        (Status.IN_PROGRESS, "Đã kiểm tra 150 cơ sở, xử phạt 12 vụ"),
    ]
