"""Hostile and odd input: duplicate updates, racing presses, long notes, media, arbitrary text.

The property-based tests drive the real bot on the local server.  Hypothesis calls a plain
function per example, so the stage runs on its own event loop in a thread for the whole test
and each example is one coroutine sent to it.
"""

from __future__ import annotations

import asyncio
import csv
import io
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import col, func, select

from bot_api_server import SimUser
from bot_api_server.html import parse_html
from db import contacts, periods, reports
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data, read_data_file
from db.models import Contact, Role, Status, StatusReport
from dondoc.sanitize import clean_note
from dondoc.stage import REFERENCE_FILES, FakeClock, Stage, local_stage
from jobs.digest import build_digest
from jobs.digest_text import render_html
from reports import render_file
from tests.conftest import HANOI, hanoi
from tests.test_chat_flows import button_data, request_for

T = TypeVar("T")
TOO_LONG = "tối đa 1000 ký tự"
NOT_TEXT = "nhãn dán và tin nhắn thoại chưa được lưu"


def report_count(stage: Stage) -> int:
    with session_scope(stage.engine) as session:
        return session.exec(select(func.count()).select_from(StatusReport)).one()


async def status_prompt(stage: Stage, officer: SimUser) -> dict[str, Any]:
    """The single-task request of cuc-qltt: the four status buttons."""
    return await request_for(stage, officer)


# --- Telegram delivers an update twice ----------------------------------------------------------


async def test_a_status_press_delivered_twice_is_stored_once(stage_on_each_database: Stage) -> None:
    stage = stage_on_each_database
    officer = await stage.join(5001, "Khánh", "cuc-qltt")
    request = await status_prompt(stage, officer)
    await officer.press(request, button_data(request, "Đang thực hiện"))
    await officer.wait_for_message()

    officer.redeliver_last()
    after = await officer.send_and_wait("/skip")  # handled after the redelivered update

    assert "Đã ghi nhận báo cáo nhiệm vụ 2.5" in after["text"]
    assert report_count(stage) == 1
    assert sum("Đã ghi nhận:" in m["text"] for m in officer.messages()) == 1  # one status saved


async def test_a_note_delivered_twice_is_stored_once(stage_on_each_database: Stage) -> None:
    stage = stage_on_each_database
    officer = await stage.join(5002, "Khánh", "cuc-qltt")
    request = await status_prompt(stage, officer)
    await officer.press(request, button_data(request, "Có vướng mắc"))
    await officer.wait_for_message()
    await officer.send_and_wait("Thiếu kinh phí kiểm nghiệm mẫu.")

    officer.redeliver_last()
    after = await officer.send_and_wait("/pending")

    assert "đã báo cáo đủ" in after["text"]
    with session_scope(stage.engine) as session:
        notes = session.exec(select(StatusReport.note).order_by(StatusReport.id)).all()
    assert notes == [None, "Thiếu kinh phí kiểm nghiệm mẫu."]


async def test_two_quick_presses_on_the_same_task_leave_the_last_one_as_the_status(
    stage: Stage,
) -> None:
    officer = await stage.join(5003, "Khánh", "cuc-qltt")
    request = await status_prompt(stage, officer)

    first = await officer.press(request, button_data(request, "Chậm tiến độ"))
    second = await officer.press(request, button_data(request, "Đã hoàn thành"))
    await officer.wait_for_callback_answer(first)
    await officer.wait_for_callback_answer(second)

    with session_scope(stage.engine) as session:
        period = periods.current_period(session=session, now=stage.clock())
        assert period is not None
        (assignment,) = reports.assignments_of_agency(
            session=session,
            agency_id=contacts.contact_for_chat(session=session, chat_id=officer.id).agency_id,  # type: ignore[union-attr]
        )
        history = reports.report_history(
            session=session, assignment_id=assignment.id, period_id=period.id
        )
    assert [r.status for r in history] == [Status.BEHIND, Status.DONE]


# --- limits and media ---------------------------------------------------------------------------


async def test_a_note_over_the_limit_is_refused_with_the_limit_and_one_at_it_is_kept(
    stage: Stage,
) -> None:
    officer = await stage.join(5004, "Khánh", "cuc-qltt")
    request = await status_prompt(stage, officer)
    await officer.press(request, button_data(request, "Đang thực hiện"))
    await officer.wait_for_message()

    refused = await officer.send_and_wait("á" * 1001)
    assert TOO_LONG in refused["text"] and "1001" in refused["text"]
    assert report_count(stage) == 1
    kept = await officer.send_and_wait("ố" * 1000)
    assert "Đã ghi nhận ghi chú" in kept["text"]
    assert report_count(stage) == 2


@pytest.mark.parametrize("kind", ["sticker", "voice"])
async def test_media_instead_of_a_note_gets_a_polite_explanation(stage: Stage, kind: str) -> None:
    officer = await stage.join(5005, "Khánh", "cuc-qltt")
    request = await status_prompt(stage, officer)
    await officer.press(request, button_data(request, "Đang thực hiện"))
    await officer.wait_for_message()

    await officer.send_media(kind)
    reply = await officer.wait_for_message()

    assert NOT_TEXT in reply["text"]
    assert report_count(stage) == 1  # the status only; the note is still awaited
    saved = await officer.send_and_wait("Ghi chú bằng chữ.")
    assert "Đã ghi nhận ghi chú" in saved["text"]


@pytest.mark.parametrize("kind", ["photo", "document"])
async def test_a_photo_or_a_file_instead_of_a_note_is_kept_and_the_note_still_awaited(
    stage: Stage, kind: str
) -> None:
    officer = await stage.join(5005, "Khánh", "cuc-qltt")
    request = await status_prompt(stage, officer)
    await officer.press(request, button_data(request, "Đang thực hiện"))
    await officer.wait_for_message()

    await officer.send_media(kind)
    reply = await officer.wait_for_message()

    assert "Đã nhận tệp" in reply["text"] and "gửi thêm ghi chú" in reply["text"]
    assert report_count(stage) == 1  # the status only; the note is still awaited
    saved = await officer.send_and_wait("Ghi chú bằng chữ.")
    assert "Đã ghi nhận ghi chú" in saved["text"]


async def test_a_stranger_sending_a_photo_is_refused(stage: Stage) -> None:
    stranger = stage.server.user(5006, "Lạ")
    await stranger.send_media("photo")
    reply = await stranger.wait_for_message()
    assert "chưa được đăng ký" in reply["text"]


# --- properties, through the real bot -----------------------------------------------------------


class StageThread:
    """A stage running on its own event loop, for Hypothesis's synchronous examples."""

    def __init__(self, database_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.clock = FakeClock(hanoi(2021, 8, 16, 9, 0))
        self._context = local_stage(database_url=database_url, clock=self.clock)
        self.stage: Stage = self.run(self._context.__aenter__())
        self.stage.load_reference()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 20) -> T:
        """Run one coroutine on the stage's loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self._context.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def threaded(tmp_path: Path) -> Iterator[tuple[StageThread, SimUser, dict[str, Any]]]:
    """A stage in a thread, an officer of cuc-qltt and the request with its status buttons."""
    running = StageThread(f"sqlite:///{tmp_path / 'dondoc.db'}")

    async def set_up() -> tuple[SimUser, dict[str, Any]]:
        officer = await running.stage.join(6001, "Khánh", "cuc-qltt")
        return officer, await request_for(running.stage, officer)

    officer, request = running.run(set_up())
    try:
        yield running, officer, request
    finally:
        running.close()


# Any text a client may send: every plane, control characters, markup, up to Telegram's 4096.
NOTES = st.one_of(
    st.text(min_size=1, max_size=300),
    st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=50),
    st.sampled_from(["<b>đậm</b>", "<script>alert(1)</script>", "&amp;&lt;", "</i><a href=x>"]),
    st.text(alphabet="ắấđộ <>&\"'\n\t\u200b\u202e", min_size=990, max_size=1010),
    st.text(min_size=1001, max_size=4096),
).filter(lambda text: bool(text.strip()))
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(note=NOTES)
def test_any_note_is_stored_verbatim_or_refused_with_a_clear_message(
    threaded: tuple[StageThread, SimUser, dict[str, Any]], note: str
) -> None:
    running, officer, request = threaded

    async def example() -> tuple[str, int, int]:
        before = report_count(running.stage)
        await officer.press(request, button_data(request, "Đang thực hiện"))
        await officer.wait_for_message()
        reply = await officer.send_and_wait(note)
        return reply["text"], before, report_count(running.stage)

    text, before, after = running.run(example())
    assert "đã có lỗi" not in text
    if len(note) > 1000:
        assert TOO_LONG in text
        assert after == before + 1  # the status only
    elif note.startswith("/"):
        assert after == before + 1  # a command, not a note
    elif not clean_note(note):
        assert NOT_TEXT in text  # nothing but control characters
    else:
        assert "Đã ghi nhận ghi chú" in text
        with session_scope(running.stage.engine) as session:
            newest = select(StatusReport.note).order_by(col(StatusReport.id).desc())
            stored = session.exec(newest).first()
        assert stored == clean_note(note)


CALLBACKS = st.one_of(
    st.text(max_size=64),
    st.from_regex(r"\A(task|status):-?[0-9]{1,20}:-?[0-9]{1,20}(:[a-z_]{0,12})?\Z"),
    st.builds(
        lambda a, p, s: f"status:{a}:{p}:{s}",
        st.integers(-5, 60),
        st.integers(-2, 4),
        st.sampled_from([*Status, "hacked", ""]),
    ),
)


@PROPERTY
@given(data=CALLBACKS)
def test_any_callback_data_is_answered_and_stores_only_what_the_officer_owns(
    threaded: tuple[StageThread, SimUser, dict[str, Any]], data: str
) -> None:
    running, officer, request = threaded
    own = {d.rsplit(":", 1)[0] for _, d in _buttons(request)}

    async def example() -> tuple[dict[str, Any], int, int]:
        before = report_count(running.stage)
        pressed = await officer.press_forged(request, data)
        answer = await officer.wait_for_callback_answer(pressed)
        await officer.wait_for_message()
        return answer, before, report_count(running.stage)

    answer, before, after = running.run(example())
    accepted = data.startswith("status:") and data.rsplit(":", 1)[0] in own
    accepted = accepted and data.rsplit(":", 1)[1] in {s.value for s in Status}
    if accepted:
        assert (answer.get("text"), after) == ("Đã ghi nhận", before + 1)
    else:
        assert after == before, f"{data!r} stored a report"
        assert answer.get("text") in ("Không hợp lệ", None)


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = message["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def test_the_digest_still_sends_with_hostile_notes_from_every_agency(stage: Stage) -> None:
    secretary = await stage.join(5010, "Quyên", "vp-ubnd", Role.SECRETARIAT)
    hostile = [
        "<b>không đóng",
        "\x00\x01\x1b[31m đỏ \u202e đảo chiều",
        "&lt;script&gt; & <a href='javascript:x'>",
        "ắ" * 1000,
        "🇻🇳" * 300,
    ]
    for user_id, (code, note) in enumerate(
        zip(["cuc-qltt", "cong-an-tp", "so-khdt", "so-y-te", "so-tai-chinh"], hostile, strict=True)
    ):
        officer = await stage.join(5100 + user_id, f"Cán bộ {user_id}", code)
        request = await request_for(stage, officer)
        if "Chọn nhiệm vụ" in request["text"]:
            await officer.press(request, _buttons(request)[0][1])
            request = await officer.wait_for_message()
        await officer.press(request, button_data(request, "Có vướng mắc"))
        await officer.wait_for_message()
        await officer.send_and_wait(note)

    mark = secretary.mark()
    await secretary.send("/summary")
    await stage.server.wait_until(
        lambda: sum("document" in m for m in secretary.messages() if m["message_id"] > mark) == 2,
        20,
    )
    await secretary.send("/summary full")
    last = "Chưa có kỳ báo cáo trước để so sánh."  # the whole text's last line
    await stage.server.wait_until(
        lambda: any(last in m.get("text", "") for m in secretary.messages()), 20
    )
    texts = [m.get("text", "") for m in secretary.messages() if m["message_id"] > mark]
    assert not any("đã có lỗi" in t for t in texts)
    assert "<b>không đóng" in "\n".join(texts)


@pytest.fixture
def reporting_db(tmp_path: Path) -> Iterator[tuple[Engine, int, int, int]]:
    """A migrated database with the reference data, one officer of cuc-qltt and August open."""
    engine = make_engine(f"sqlite:///{tmp_path / 'digest.db'}")
    upgrade_schema(engine)
    now = hanoi(2021, 8, 16)
    with session_scope(engine) as session:
        for path in REFERENCE_FILES:
            load_data(session=session, data=read_data_file(path), source=path.name)
        code = contacts.create_invite(
            session=session, agency_code="cuc-qltt", role=Role.OFFICER, now=now, valid_days=7
        ).code
        contacts.redeem_invite(
            session=session, code=code, user_id=1, chat_id=1, display_name="Khánh", now=now
        )
        contact = contacts.contact_for_chat(session=session, chat_id=1)
        assert contact is not None
        period = periods.ensure_period(
            session=session, month="2021-08", request_at=now, due_at=now, digest_at=now, now=now
        )
        (assignment,) = reports.assignments_of_agency(session=session, agency_id=contact.agency_id)
    yield engine, contact.id, assignment.id, period.id
    engine.dispose()


@PROPERTY
@given(note=st.text(min_size=1, max_size=1000), name=st.text(min_size=1, max_size=80))
def test_the_digest_renders_any_note_and_name_as_valid_telegram_html_and_files(
    reporting_db: tuple[Engine, int, int, int], note: str, name: str
) -> None:
    # As given, not as the bot would clean it: whatever reaches the table must render.
    digest = digest_with(reporting_db, note=note, name=name, as_stored=str)

    for part in render_html(digest, zone=HANOI, locale="vi"):
        assert len(part) <= 4096
        parse_html(part)  # raises on markup Telegram would refuse
    for fmt in ("docx", "csv", "xlsx"):
        assert render_file(digest, fmt, zone=HANOI, locale="vi").content


def digest_with(
    reporting_db: tuple[Engine, int, int, int],
    *,
    note: str,
    name: str,
    as_stored: Callable[[str], str] = clean_note,
) -> Any:
    """August's digest after the officer (named `name`) reported with `note`, as stored."""
    engine, contact_id, assignment_id, period_id = reporting_db
    now = hanoi(2021, 8, 16)
    with session_scope(engine) as session:
        session.get(Contact, contact_id).display_name = as_stored(name)  # type: ignore[union-attr]
        reporter = contacts.contact_by_id(session=session, contact_id=contact_id)
        assert reporter is not None
        reports.record_report(
            session=session,
            assignment_id=assignment_id,
            period_id=period_id,
            reporter=reporter,
            status=Status.BLOCKED,
            note=as_stored(note),
            now=now,
        )
        period = periods.period_by_id(session=session, period_id=period_id)
        assert period is not None
        return build_digest(session=session, period=period, as_of=now, zone=HANOI)


FORMULAS = ['=HYPERLINK("http://x.example","bấm")', "\t=1+1", "+84 912", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("note", FORMULAS)
def test_a_note_or_name_that_looks_like_a_formula_stays_text_in_the_spreadsheets(
    reporting_db: tuple[Engine, int, int, int], note: str
) -> None:
    digest = digest_with(reporting_db, note=note, name="=cmd|' /C calc'!A0")

    workbook = load_workbook(io.BytesIO(render_file(digest, "xlsx", zone=HANOI).content))
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    rows = list(csv.reader(io.StringIO(render_file(digest, "csv", zone=HANOI).content.decode())))

    assert all(cell.data_type != "f" for cell in cells)
    assert clean_note(note) in [cell.value for cell in cells]  # kept as written, as text
    assert "=cmd|' /C calc'!A0" in [cell.value for cell in cells]
    fields = [field for row in rows for field in row]
    assert not any(field.startswith(("=", "+", "-", "@", "\t", "\r")) for field in fields)
    assert f"'{clean_note(note)}" in fields


def test_non_characters_in_a_note_never_stop_the_monthly_report(
    reporting_db: tuple[Engine, int, int, int],
) -> None:
    note = "Đã xong\ufffe phần 1\uffff, còn \ufdd0phần 2 \U0010ffff\ud800"
    digest = digest_with(reporting_db, note=note, name="Khánh\uffff")

    files = {fmt: render_file(digest, fmt, zone=HANOI).content for fmt in ("docx", "xlsx", "png")}

    assert clean_note(note) == "Đã xong phần 1, còn phần 2"
    assert all(files.values())
    assert "\ufffe" not in clean_note(note) and "\ud800" not in clean_note(note)
