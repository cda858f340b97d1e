"""The digest: counts, escaping of hostile notes, splitting under Telegram's limit."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from db import contacts, periods, reports
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data, read_data_file
from db.models import Agency, Assignment, Contact, Role, Status, Task
from dondoc.config import ScheduleSettings
from dondoc.stage import REFERENCE_FILES
from jobs.calendar import period_times
from jobs.digest import Digest, build_digest
from jobs.digest_text import render_html, render_text, split_messages
from jobs.plan import open_period
from tests.conftest import HANOI, hanoi


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        for path in REFERENCE_FILES:
            load_data(session=session, data=read_data_file(path), source=path.name)
    yield engine
    engine.dispose()


def open_month(engine: Engine, month: str = "2021-08") -> periods.PeriodInfo:
    """The month's period with the default schedule, opened at its request time."""
    times = period_times(month, ScheduleSettings())
    with session_scope(engine) as session:
        return open_period(session=session, times=times, now=times.request_at)


def report(
    engine: Engine,
    period: periods.PeriodInfo,
    agency: str,
    number: str,
    status: Status | None,
    note: str | None,
    when_day: int = 17,
) -> None:
    with session_scope(engine) as session:
        agency_row = session.exec(select(Agency).where(Agency.code == agency)).one()
        assignment = session.exec(
            select(Assignment)
            .join(Task, Task.id == Assignment.task_id)
            .where(Assignment.agency_id == agency_row.id, Task.number == number)
        ).one()
        contact = session.exec(select(Contact).where(Contact.agency_id == agency_row.id)).first()
        if contact is None:
            contact = Contact(
                agency_id=agency_row.id,
                role=Role.OFFICER,
                user_id=agency_row.id,
                chat_id=agency_row.id,
                display_name="Cán bộ",
                joined_at=hanoi(2021, 8, 1),
            )
            session.add(contact)
            session.flush()
        assert contact.id is not None
        reporter = contacts.contact_by_id(session=session, contact_id=contact.id)
        assert reporter is not None
        reports.record_report(
            session=session,
            assignment_id=assignment.id,
            period_id=period.id,
            reporter=reporter,
            status=status,
            note=note,
            now=hanoi(2021, 8, when_day, 10),
        )


def digest_at(engine: Engine, period: periods.PeriodInfo, day: int = 22) -> Digest:
    with session_scope(engine) as session:
        return build_digest(session=session, period=period, as_of=hanoi(2021, 8, day, 8))


def test_counts_follow_each_agencys_latest_report(engine: Engine) -> None:
    period = open_month(engine)
    report(engine, period, "so-khdt", "2.1", Status.BEHIND, "Chưa có số liệu tháng 7")
    report(engine, period, "so-khdt", "2.1", Status.DONE, "Đã gửi báo cáo", when_day=18)
    report(engine, period, "cuc-qltt", "2.5", Status.BLOCKED, "Thiếu kinh phí")
    report(engine, period, "cong-an-tp", "2.10", Status.IN_PROGRESS, None)
    report(engine, period, "bo-tu-lenh-thu-do", "2.10", None, "Đang tổng hợp")

    counts = digest_at(engine, period).counts

    total = sum(counts.values())
    assert counts["done"] == 1
    assert counts["blocked"] == 1
    assert counts["in_progress"] == 1
    assert counts["unset"] == 1
    assert counts["none"] == total - 4


def test_the_digest_as_of_an_earlier_time_shows_the_report_of_then(engine: Engine) -> None:
    period = open_month(engine)
    report(engine, period, "so-khdt", "2.1", Status.BEHIND, "Chưa có số liệu", when_day=17)
    report(engine, period, "so-khdt", "2.1", Status.DONE, "Đã xong", when_day=20)

    assert digest_at(engine, period, day=18).counts["behind"] == 1
    assert digest_at(engine, period, day=22).counts["done"] == 1


def test_a_hostile_note_arrives_as_text(engine: Engine) -> None:
    period = open_month(engine)
    report(engine, period, "cuc-qltt", "2.5", Status.BLOCKED, "<script>alert(1)</script> & <b>x")

    parts = render_html(digest_at(engine, period), zone=HANOI)

    joined = "\n".join(parts)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x" in joined
    assert "<script>" not in joined


def test_blockers_are_gathered_in_their_own_section(engine: Engine) -> None:
    period = open_month(engine)
    report(engine, period, "cuc-qltt", "2.5", Status.BLOCKED, "Thiếu kinh phí kiểm nghiệm mẫu")

    text = render_text(digest_at(engine, period), zone=HANOI)

    section = text.split("KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT", 1)[1]
    assert "2.5 Cục Quản lý thị trường thành phố Hà Nội: Thiếu kinh phí kiểm nghiệm mẫu" in section


def test_every_part_is_under_the_limit_and_no_tag_is_cut(engine: Engine) -> None:
    period = open_month(engine)
    with session_scope(engine) as session:
        districts = list(
            session.exec(select(Agency.code).where(Agency.kind.in_(["quan", "huyen", "thi-xa"])))
        )  # type: ignore[attr-defined]
    for code in districts:
        report(
            engine, period, code, "2.3", Status.IN_PROGRESS, "Giải ngân đạt 45% kế hoạch vốn; " * 8
        )

    parts = render_html(digest_at(engine, period), zone=HANOI)

    assert len(parts) > 1
    for part in parts:
        assert len(part.encode("utf-16-le")) // 2 <= 4096
        assert part.count("<b>") == part.count("</b>")
        assert not re.search(r"<[^>]*$", part)


def test_split_keeps_whole_lines_and_packs_blocks() -> None:
    blocks = [["a" * 30, "b" * 30], ["c" * 30], ["<b>2.3</b> " + "Quận Ba Đình, " * 10]]

    parts = split_messages(blocks, limit=70)

    assert parts[:2] == ["a" * 30 + "\n" + "b" * 30, "c" * 30]
    assert all(len(part) <= 70 for part in parts)
    assert parts[2].startswith("<b>2.3</b> Quận Ba Đình,")
    assert "".join(parts[2:]).count("Ba Đình") == 10


def test_a_task_cut_in_two_repeats_its_heading_in_the_next_message() -> None:
    block = ["", "<b>2.3</b> Giải ngân", *(f"  Quận {n}: Đang thực hiện" for n in range(6))]

    parts = split_messages([block], limit=80)

    assert len(parts) > 1
    assert all(part.startswith("<b>2.3</b> Giải ngân") for part in parts)
    assert parts[1].startswith("<b>2.3</b> Giải ngân (tiếp)")
