"""The plan of a period: what is owed when, and what is still worth sending after downtime."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from db.contacts import ContactInfo, create_invite, redeem_invite
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data, read_data_file
from db.models import MessageKind, Role
from dondoc.stage import REFERENCE_FILES
from jobs.plan import Planned, owed_now
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
