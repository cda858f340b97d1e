"""A directive's life: tasks accepted as done, directives closed or ended, deadlines
extended, agencies given a task or relieved of it — in chat, from the command line and
by reloading an edited data file."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from db.contacts import create_invite, redeem_invite
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data, read_data_file
from db.models import (
    Agency,
    Assignment,
    AssignmentRole,
    AuditEntry,
    Contact,
    DeadlineChange,
    Directive,
    MessageKind,
    OutboundMessage,
    Role,
    StatusReport,
    Task,
)
from db.reports import assignments_of_agency, owing_agencies
from dondoc.config import Config
from dondoc.stage import REFERENCE_FILES, Stage
from jobs.calendar import period_times
from jobs.plan import open_period, plan_owed
from tests.conftest import HANOI, hanoi

REQUEST = "Đề nghị báo cáo"


def reference_database(tmp_path: Path, url: str | None = None) -> tuple[Engine, str]:
    url = url or f"sqlite:///{tmp_path / 'life.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        for path in REFERENCE_FILES:
            load_data(session=session, data=read_data_file(path), source=path.name)
    return engine, url


def join(engine: Engine, agency: str, user_id: int, role: Role = Role.OFFICER) -> None:
    with session_scope(engine) as session:
        made = create_invite(
            session=session, agency_code=agency, role=role, now=hanoi(2021, 8, 1), valid_days=7
        )
        redeem_invite(
            session=session,
            code=made.code,
            user_id=user_id,
            chat_id=user_id,
            display_name=f"Cán bộ {user_id}",
            now=hanoi(2021, 8, 2),
        )


def task_numbers(engine: Engine, agency: str) -> list[str]:
    """The task numbers the agency owes now."""
    with session_scope(engine) as session:
        found = session.exec(select(Agency).where(Agency.code == agency)).one()
        assert found.id is not None
        return [a.number for a in assignments_of_agency(session=session, agency_id=found.id)]


def dondoc(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dondoc.cli", *args],
        env={**os.environ, "DATABASE_URL": url, "COLUMNS": "200"},
        capture_output=True,
        text=True,
    )


# --- in chat -------------------------------------------------------------------------------


async def test_a_task_the_secretariat_closes_is_no_longer_requested_and_an_officer_cannot(
    stage: Stage,
) -> None:
    secretary = await stage.join(1001, "Hà", "vp-ubnd", Role.SECRETARIAT)
    refused = await (await stage.join(2001, "Lan", "so-tai-chinh")).send_and_wait(
        "/close 2658/UBND-KT 2.1"
    )
    assert "Văn phòng" in refused["text"]  # the secretariat's command only

    answer = await secretary.send_and_wait("/close 2658/UBND-KT 2.1.")
    assert "nghiệm thu" in answer["text"] and "2.1" in answer["text"]
    again = await secretary.send_and_wait("/close 2658/UBND-KT 2.1")
    assert "đã được đóng" in again["text"]

    # The planning and investment officer joins after: the request lists the rest only.
    khdt = await stage.join(2002, "Minh", "so-khdt")
    request = [m["text"] for m in khdt.messages() if REQUEST in m.get("text", "")][-1]
    assert "2.3" in request and "2.1 " not in request
    with session_scope(stage.engine) as session:
        closed = session.exec(select(AuditEntry).where(AuditEntry.action == "task.closed")).all()
    assert [entry.actor for entry in closed] == ["user:1001 Hà"]


async def test_a_closed_directive_asks_nobody_any_more(stage: Stage) -> None:
    secretary = await stage.join(1001, "Hà", "vp-ubnd", Role.SECRETARIAT)
    usage = await secretary.send_and_wait("/close 2658/UBND-KT")
    assert "tatca" in usage["text"]  # a whole directive is closed only when said so

    answer = await secretary.send_and_wait("/close 2658/UBND-KT tatca")
    assert "kết thúc theo dõi" in answer["text"] and "12 nhiệm vụ chưa đóng" in answer["text"]

    officer = await stage.join(2001, "Lan", "so-y-te")
    await stage.run_cycle()
    assert not [m for m in officer.messages() if REQUEST in m.get("text", "")]
    pending = await officer.send_and_wait("/pending")
    assert REQUEST not in pending["text"]


async def test_a_deadline_is_extended_in_chat_with_the_old_one_said(stage: Stage) -> None:
    secretary = await stage.join(1001, "Hà", "vp-ubnd", Role.SECRETARIAT)

    first = await secretary.send_and_wait("/extend 2658/UBND-KT 2.2 30/9/2021")
    later = await secretary.send_and_wait("/extend 2658/UBND-KT 2.2 2021-10-31")
    earlier = await secretary.send_and_wait("/extend 2658/UBND-KT 2.2 15/10/2021")
    bad = await secretary.send_and_wait("/extend 2658/UBND-KT 2.2 31/13/2021")
    unknown = await secretary.send_and_wait("/extend 2658/UBND-KT 9.9 31/12/2021")

    assert "30/09/2021" in first["text"] and "hạn cũ: chưa có" in first["text"]
    assert "31/10/2021" in later["text"] and "hạn cũ: 30/09/2021" in later["text"]
    assert "phải sau hạn hiện hành" in earlier["text"] and "31/10/2021" in earlier["text"]
    assert "Ngày không hợp lệ" in bad["text"]
    assert "không có nhiệm vụ số 9.9" in unknown["text"]
    with session_scope(stage.engine) as session:
        changes = session.exec(select(DeadlineChange).order_by(col(DeadlineChange.id))).all()
    assert [(c.old_deadline, c.new_deadline) for c in changes] == [
        (None, hanoi(2021, 9, 30).date()),
        (hanoi(2021, 9, 30).date(), hanoi(2021, 10, 31).date()),
    ]


async def test_an_agency_given_a_task_in_chat_is_asked_for_it_and_relieved_of_it(
    stage: Stage,
) -> None:
    secretary = await stage.join(1001, "Hà", "vp-ubnd", Role.SECRETARIAT)
    given = await secretary.send_and_wait("/assign 2658/UBND-KT 2.2 so-y-te phoihop")
    assert "Sở Y tế" in given["text"] and "phối hợp" in given["text"]
    assert "2.2" in task_numbers(stage.engine, "so-y-te")

    taken = await secretary.send_and_wait("/unassign 2658/UBND-KT 2.2 so-y-te")
    assert "thôi thực hiện" in taken["text"]
    assert "2.2" not in task_numbers(stage.engine, "so-y-te")
    nobody = await secretary.send_and_wait("/unassign 2658/UBND-KT 2.2 so-khong-co")
    assert "Không có cơ quan" in nobody["text"]


# --- from the command line and the data file ----------------------------------------------


def test_the_administrator_closes_extends_and_assigns_from_the_command_line(
    tmp_path: Path,
) -> None:
    engine, url = reference_database(tmp_path)

    closed = dondoc(url, "close", "2658/UBND-KT", "2.1")
    extended = dondoc(url, "extend", "2658/UBND-KT", "2.2", "31/12/2021")
    refused = dondoc(url, "extend", "2658/UBND-KT", "2.2", "01/12/2021")
    unknown = dondoc(url, "close", "9999/UBND-KT", "1")
    whole = dondoc(url, "close", "2658/UBND-KT", "--directive")

    assert closed.returncode == 0 and "nghiệm thu" in closed.stdout
    assert extended.returncode == 0 and "31/12/2021" in extended.stdout
    assert refused.returncode == 2 and "phải sau hạn hiện hành" in refused.stderr
    assert unknown.returncode == 2 and "9999/UBND-KT" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert whole.returncode == 0 and "11 nhiệm vụ chưa đóng" in whole.stdout
    with session_scope(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))]
        assert owing_agencies(session=session) == []
    assert actions[-3:] == ["task.closed", "task.extended", "directive.closed"]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, then a PostgreSQL schema (skipped where no server runs)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'life.db'}"
    return str(request.getfixturevalue("postgresql_url"))


def test_an_extended_deadline_is_reminded_once_at_its_new_time(
    tmp_path: Path, any_database: str
) -> None:
    engine, url = reference_database(tmp_path, any_database)
    join(engine, "so-tai-chinh", 501)
    config = Config()
    assert dondoc(url, "extend", "2658/UBND-KT", "2.2", "30/09/2021").returncode == 0
    # The reminder of 30/09 is owed some working days before it.
    plan_owed(engine=engine, config=config, now=hanoi(2021, 9, 28, 9, 0))
    assert dondoc(url, "extend", "2658/UBND-KT", "2.2", "29/10/2021").returncode == 0
    plan_owed(engine=engine, config=config, now=hanoi(2021, 10, 27, 9, 0))

    with session_scope(engine) as session:
        reminders = session.exec(
            select(OutboundMessage)
            .where(OutboundMessage.kind == MessageKind.DEADLINE)
            .order_by(col(OutboundMessage.id))
        ).all()
    # September's reminder was planned, then not sent; October's is owed.
    assert [(r.due_at.astimezone(HANOI).month, r.skipped_reason) for r in reminders] == [
        (9, "deadline extended"),
        (10, None),
    ]


def test_a_directive_ends_on_the_date_its_file_sets(tmp_path: Path) -> None:
    engine, _ = reference_database(tmp_path)
    join(engine, "so-y-te", 501)
    directive = read_data_file(REFERENCE_FILES[1])
    directive["directive"]["ends"] = "2021-09-30"
    with session_scope(engine) as session:
        load_data(session=session, data=directive, source="2658-UBND-KT.toml")
    config = Config()

    assert plan_owed(engine=engine, config=config, now=hanoi(2021, 9, 15, 9, 0))[1] > 0
    assert plan_owed(engine=engine, config=config, now=hanoi(2021, 10, 15, 9, 0))[1] == 0

    with session_scope(engine) as session:
        ended = session.exec(select(Directive)).one()
        requests = session.exec(
            select(OutboundMessage.key).where(OutboundMessage.kind == MessageKind.REQUEST)
        ).all()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "directive.ended")).one()
    assert ended.closed_at == hanoi(2021, 10, 1, 0, 0)  # the moment 30/09 ended, in Hanoi
    assert [key.split(":")[1] for key in requests] == ["2021-09"]
    assert audit.actor == "schedule"


def test_reloading_an_edited_file_relieves_an_agency_that_has_reported_and_gives_back(
    tmp_path: Path,
) -> None:
    engine, _ = reference_database(tmp_path)
    original = read_data_file(REFERENCE_FILES[1])
    edited: dict[str, Any] = copy.deepcopy(original)
    task = next(t for t in edited["task"] if t["number"] == "2.1")
    task["coordinating"] = []  # Cục Thống kê taken off 2.1
    join(engine, "cuc-thong-ke", 601)
    with session_scope(engine) as session:
        row_id = session.exec(
            select(Assignment.id)
            .join(Task, col(Task.id) == Assignment.task_id)
            .where(Task.number == "2.1", Assignment.role == AssignmentRole.COORDINATING)
        ).one()
        period = open_period(
            session=session,
            times=period_times("2021-08", Config().schedule),
            now=hanoi(2021, 8, 16),
        )
        contact = session.exec(select(Contact).where(Contact.user_id == 601)).one()
        assert contact.id is not None
        # Its report on 2.1 is history to keep: the row stays, relieved.
        session.add(
            StatusReport(
                assignment_id=row_id,
                period_id=period.id,
                contact_id=contact.id,
                reported_at=hanoi(2021, 8, 17),
                note="Đã phối hợp cung cấp số liệu",
            )
        )

    with session_scope(engine) as session:
        result = load_data(
            session=session, data=edited, source="edited.toml", now=hanoi(2021, 9, 1)
        )
    assert any("relieved" in line for line in result.details)
    assert "2.1" not in task_numbers(engine, "cuc-thong-ke")
    with session_scope(engine) as session:
        relieved = session.get(Assignment, row_id)
        assert relieved is not None and relieved.ended_at == hanoi(2021, 9, 1)

    with session_scope(engine) as session:
        back = load_data(session=session, data=original, source="2658.toml", now=hanoi(2021, 10, 1))
    assert any("given the task again" in line for line in back.details)
    assert "2.1" in task_numbers(engine, "cuc-thong-ke")
