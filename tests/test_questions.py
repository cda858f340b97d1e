"""The Office's one-off questions (báo cáo đột xuất): asked in chat, sent at once to each
asked agency's officers, answered with a button and a reply, gathered in the digest."""

from __future__ import annotations

from sqlmodel import select

from db.engine import session_scope
from db.models import AuditEntry, QuestionAnswer, Role
from db.periods import period_by_month
from dondoc.stage import Stage
from jobs.digest import build_digest
from jobs.digest_text import render_text
from tests.conftest import HANOI
from tests.test_agency_people import after
from tests.test_chat_flows import button_data

ASKED = "Báo cáo đột xuất"


async def test_the_office_asks_two_agencies_and_the_digest_gathers_the_answers(
    stage: Stage,
) -> None:
    secretary = await stage.join(1001, "Hà", "vp-ubnd", Role.SECRETARIAT)
    lan = await stage.join(2001, "Lan", "cuc-qltt")
    tuan = await stage.join(2002, "Tuấn", "cong-an-tp")
    marks = {person.id: person.mark() for person in (lan, tuan)}

    refused = await lan.send_and_wait("/ask cuc-qltt 20/08/2021 Báo cáo số vụ vi phạm")
    assert ASKED not in refused["text"] and "Văn phòng" in refused["text"]
    late = await secretary.send_and_wait("/ask cuc-qltt 01/08/2021 Báo cáo số vụ")
    assert "đã qua" in late["text"]
    usage = await secretary.send_and_wait("/ask cuc-qltt")
    assert "Cú pháp" in usage["text"]
    done = await secretary.send_and_wait(
        "/ask cuc-qltt,cong-an-tp 20/08/2021 Đề nghị báo cáo nhanh số vụ vi phạm về giá "
        "vật tư y tế đã phát hiện trong tuần."
    )
    assert "2 đơn vị" in done["text"] and "20/08/2021" in done["text"]
    await stage.settle()

    # Each asked agency's officer gets the question with the status buttons.
    for person in (lan, tuan):
        asked = [m for m in after(person, marks[person.id]) if ASKED in m.get("text", "")]
        assert len(asked) == 1 and "vật tư y tế" in asked[0]["text"]
    question = next(m for m in after(lan, marks[lan.id]) if ASKED in m.get("text", ""))
    await lan.press(question, button_data(question, "Đang thực hiện"))
    pressed = await lan.wait_for_message()
    assert "Đã ghi nhận trả lời" in pressed["text"]
    mark = lan.mark()
    await lan.reply(question, "Phát hiện 7 vụ, đã xử phạt 3 vụ.")
    await stage.server.wait_until(lambda: bool(after(lan, mark)), 15)
    assert "Đã ghi nhận nội dung trả lời" in after(lan, mark)[-1]["text"]

    with session_scope(stage.engine) as session:
        versions = session.exec(select(QuestionAnswer)).all()
        audit = session.exec(
            select(AuditEntry.action).where(AuditEntry.action.like("question.%"))  # type: ignore[attr-defined]
        ).all()
        period = period_by_month(session=session, month="2021-08")
        assert period is not None
        digest = build_digest(session=session, period=period, as_of=stage.clock(), zone=HANOI)
    assert [(v.status.value if v.status else None, v.note) for v in versions] == [
        ("in_progress", None),
        ("in_progress", "Phát hiện 7 vụ, đã xử phạt 3 vụ."),
    ]
    assert audit == ["question.asked", "question.answered", "question.answered"]
    text = render_text(digest, zone=HANOI)
    section = text[text.index("BÁO CÁO ĐỘT XUẤT (hạn 20/08/2021)") :]
    assert "Cục Quản lý thị trường thành phố Hà Nội: Đang thực hiện — Phát hiện 7 vụ" in section
    assert "Lan)" in section
    assert "Công an thành phố Hà Nội: chưa trả lời" in section
