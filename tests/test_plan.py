"""The plan of a period: what is owed when, and what is still worth sending after downtime."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from db.contacts import ContactInfo, create_invite, redeem_invite
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data, read_data_file
from db.models import MessageKind, OutboundMessage, Role
from dondoc.config import Config
from dondoc.fanout import fanout_city
from dondoc.stage import REFERENCE_FILES
from jobs.plan import PlanMemo, Planned, owed_now, plan_owed
from tests.conftest import hanoi

OFFICER = ContactInfo(1, 1, "so-y-te", "Sở Y tế", Role.OFFICER, 11, 11, "Lan")


def planned(kind: MessageKind, due: datetime, expires: datetime | None = None) -> Planned:
    return Planned(f"{kind.value}:{due.isoformat()}", kind, OFFICER, due, expires_at=expires)


def test_only_the_latest_passed_nudge_is_owed_after_downtime() -> None:
    due = hanoi(2021, 8, 21, 0, 0)
    plan = [
        planned(MessageKind.REQUEST, hanoi(2021, 8, 16, 8, 30)),
        planned(MessageKind.NUDGE, hanoi(2021, 8, 18, 8, 30), due),
        planned(MessageKind.NUDGE, hanoi(2021, 8, 20, 8, 30), due),
    ]

    owed = owed_now(plan, hanoi(2021, 8, 20, 9, 0))

    assert [(item.kind, item.due_at.day) for item in owed] == [
        (MessageKind.REQUEST, 16),
        (MessageKind.NUDGE, 20),
    ]
    # The planner hands the plan over unsorted: the latest nudge is still the one owed.
    shuffled = owed_now(plan[::-1], hanoi(2021, 8, 20, 9, 0))
    assert sorted((item.kind, item.due_at.day) for item in shuffled) == [
        (MessageKind.NUDGE, 20),
        (MessageKind.REQUEST, 16),
    ]


def test_nothing_is_owed_before_its_time_or_after_it_expired() -> None:
    reminder = planned(MessageKind.DEADLINE, hanoi(2021, 9, 27, 8, 30), hanoi(2021, 10, 1, 0, 0))

    assert owed_now([reminder], hanoi(2021, 9, 27, 8, 0)) == []
    assert owed_now([reminder], hanoi(2021, 9, 28, 9, 0)) == [reminder]
    assert owed_now([reminder], hanoi(2021, 10, 1, 9, 0)) == []


def test_dondoc_schedule_prints_the_plan_of_a_month(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        for path in REFERENCE_FILES:
            load_data(session=session, data=read_data_file(path), source=path.name)
        for user_id, agency, role in [
            (11, "so-y-te", Role.OFFICER),
            (12, "vp-ubnd", Role.SECRETARIAT),
        ]:
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
    engine.dispose()

    shown = subprocess.run(
        [sys.executable, "-m", "dondoc.cli", "schedule", "--period", "08/2021"],
        env={**os.environ, "DATABASE_URL": url, "COLUMNS": "200"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    rows = [line for line in shown.splitlines() if "/08 " in line]
    assert [row.split("│")[2].strip() for row in rows] == [
        "request",
        "nudge",
        "nudge",
        "digest",
        "escalation",
    ]
    assert "Mon 16/08 08:30" in rows[0] and "Sở Y tế — Cán bộ 11" in rows[0]
    assert "Mon 23/08 08:00" in rows[3] and "Cán bộ 12" in rows[3]


def test_a_sweep_with_nothing_new_plans_nothing_and_a_late_joiner_is_planned_at_the_next(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade_schema(engine)
    registry, directive = fanout_city(3)
    with session_scope(engine) as session:
        load_data(session=session, data=registry, source="registry")
        load_data(session=session, data=directive, source="directive")
    join_officer(engine, "dv-00000", 701)
    join_officer(engine, "dv-00001", 702)
    config = Config()
    memo = PlanMemo()
    after_request = hanoi(2021, 8, 16, 9, 0)

    assert plan_owed(engine=engine, config=config, now=after_request, memo=memo) == ("2021-08", 2)
    # Ten minutes later nothing changed: nothing is read or written but the revisions.
    later = after_request + timedelta(minutes=10)
    assert plan_owed(engine=engine, config=config, now=later, memo=memo) == ("2021-08", 0)
    assert memo.seen is not None
    # An officer joins (in any process): the next sweep plans that officer's request only.
    join_officer(engine, "dv-00002", 703)
    assert plan_owed(engine=engine, config=config, now=later, memo=memo) == ("2021-08", 1)
    # A nudge's time comes: one per officer whose request went out before it (none was
    # sent here, so none is owed), and planning ran again because a moment passed.
    seen_before = memo.seen
    nudge_time = hanoi(2021, 8, 20, 9, 0)
    assert plan_owed(engine=engine, config=config, now=nudge_time, memo=memo) == ("2021-08", 0)
    assert memo.seen != seen_before
    with session_scope(engine) as session:
        keys = session.exec(select(OutboundMessage.key)).all()
    assert sorted(key.split(":")[0] for key in keys) == ["request"] * 3
    engine.dispose()


def join_officer(engine: Engine, agency: str, user_id: int) -> None:
    """An officer of `agency` redeems an invite, as `/start CODE` would."""
    with session_scope(engine) as session:
        made = create_invite(
            session=session,
            agency_code=agency,
            role=Role.OFFICER,
            now=hanoi(2021, 8, 1),
            valid_days=7,
        )
        redeem_invite(
            session=session,
            code=made.code,
            user_id=user_id,
            chat_id=user_id,
            display_name=f"Cán bộ {user_id}",
            now=hanoi(2021, 8, 2),
        )
