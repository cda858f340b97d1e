"""An agency with several officers and a leader: any officer reports for the agency,
each gets the requests and reminders, the leader gets a copy of the late notices and
never reports."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from db.engine import session_scope
from db.models import Contact, Role, StatusReport
from db.periods import period_by_month
from dondoc.stage import Stage
from jobs.digest import build_digest
from jobs.digest_text import render_text
from tests.conftest import HANOI, hanoi
from tests.test_chat_flows import button_data

REQUEST, REMINDER, COPY = "Đề nghị báo cáo", "Nhắc báo cáo", "Bản sao tin nhắc"


def after(person: Any, mark: int = 0) -> list[dict[str, Any]]:
    """What the bot sent the person after `mark` (a message id)."""
    return [m for m in person.messages() if m["message_id"] > mark]


def texts(person: Any, mark: int = 0) -> list[str]:
    return [m.get("text", "") for m in after(person, mark)]


async def test_two_officers_and_a_leader_of_one_agency(stage: Stage) -> None:
    lan = await stage.join(2001, "Lan", "cuc-qltt")
    minh = await stage.join(2002, "Minh", "cuc-qltt")
    leader = await stage.join(2003, "Giám đốc Sở", "cuc-qltt", Role.LEADER)

    assert "lãnh đạo đơn vị" in texts(leader)[-1] and "bản sao" in texts(leader)[-1]
    # The month's request goes to each officer, not to the leader.
    assert any(REQUEST in text for text in texts(lan))
    assert any(REQUEST in text for text in texts(minh))
    assert not any(REQUEST in text for text in texts(leader))

    # Nobody has reported by the first reminder: both officers are reminded, the leader
    # gets a copy to read (no buttons to press).
    marks = [person.mark() for person in (lan, minh, leader)]
    await stage.advance_to(hanoi(2021, 8, 18, 9, 0))
    assert any(REMINDER in text for text in texts(lan, marks[0]))
    assert any(REMINDER in text for text in texts(minh, marks[1]))
    copies = [m for m in after(leader, marks[2]) if COPY in m.get("text", "")]
    assert len(copies) == 1 and "Cục Quản lý thị trường" in copies[0]["text"]
    assert "2.5" in copies[0]["text"] and not copies[0].get("reply_markup")

    # The leader reads but does not report.
    refused = await leader.send_and_wait("Đã chỉ đạo phòng chuyên môn khẩn trương thực hiện.")
    assert "không gửi báo cáo" in refused["text"]
    owed = await leader.send_and_wait("/pending")
    assert "2.5" in owed["text"] and not owed.get("reply_markup")

    # Minh reports for the agency; Lan then owes nothing, and nobody is reminded again.
    request = [m for m in minh.messages() if REQUEST in m.get("text", "")][-1]
    await minh.press(request, button_data(request, "Đang thực hiện"))
    await minh.wait_for_message()
    await minh.send_and_wait("Đã kiểm tra 120 cơ sở kinh doanh, xử lý 14 vụ vi phạm.")
    done = await lan.send_and_wait("/pending")
    assert "đã báo cáo" in done["text"] or "Đã báo cáo" in done["text"]
    marks = [person.mark() for person in (lan, minh, leader)]
    await stage.advance_to(hanoi(2021, 8, 20, 9, 0))
    for person, mark in zip((lan, minh, leader), marks, strict=True):
        assert not any(REMINDER in t or COPY in t for t in texts(person, mark))

    with session_scope(stage.engine) as session:
        reporters = session.exec(
            select(Contact.display_name)
            .join(StatusReport, col(StatusReport.contact_id) == Contact.id)
            .order_by(col(StatusReport.id))
        ).all()
    assert set(reporters) == {"Minh"}
    # The digest says which of the agency's officers gave the report.
    with session_scope(stage.engine) as session:
        period = period_by_month(session=session, month="2021-08")
        assert period is not None
        digest = build_digest(session=session, period=period, as_of=stage.clock(), zone=HANOI)
    line = next(ln for ln in render_text(digest, zone=HANOI).splitlines() if "Cục Quản lý" in ln)
    assert "Đang thực hiện" in line and ", Minh)" in line
