"""The outbox's rules: a row is written once and sent by whoever claims it first.

Each rule holds on SQLite and on PostgreSQL with the same code.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from threading import Barrier

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from db import contacts, outbox
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import load_data
from db.models import Contact, MessageKind, OutboundMessage, Role
from dondoc.fanout import fanout_city

WALL = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)  # claims run on the wall clock, injected here
TIMEOUT = timedelta(minutes=10)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database (SQLite, then PostgreSQL) with one officer and one owed request to them."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'outbox.db'}"
    else:
        url = request.getfixturevalue("postgresql_url")
    made = make_engine(url)
    upgrade_schema(made)
    registry, directive = fanout_city(1)
    with session_scope(made) as session:
        load_data(session=session, data=registry, source="registry")
        load_data(session=session, data=directive, source="directive")
        agency = contacts.agency_by_code(session=session, code="dv-00000")
        assert agency is not None and agency.id is not None
        session.add(
            Contact(
                agency_id=agency.id,
                role=Role.OFFICER,
                user_id=9001,
                chat_id=9001,
                display_name="Cán bộ",
                joined_at=WALL,
            )
        )
    with session_scope(made) as session:
        plan(session)
    yield made
    made.dispose()


def plan(session: object) -> bool:
    contact = contacts.contact_for_chat(session=session, chat_id=9001)  # type: ignore[arg-type]
    assert contact is not None
    return outbox.plan_message(
        session=session,  # type: ignore[arg-type]
        key="request:2021-08:contact:1",
        kind=MessageKind.REQUEST,
        contact=contact,
        period_id=None,
        due_at=WALL - timedelta(days=1),
    )


def claim(engine: Engine, owner: str, at: datetime = WALL) -> outbox.Claim:
    with session_scope(engine) as session:
        return outbox.claim(
            session=session, message_id=1, owner=owner, at=at, stale_before=at - TIMEOUT
        )


def row(engine: Engine) -> OutboundMessage:
    with session_scope(engine) as session:
        return session.exec(select(OutboundMessage)).one()


def test_planning_a_message_twice_writes_one_row(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert plan(session) is False
        assert len(session.exec(select(OutboundMessage)).all()) == 1


def test_of_many_send_outs_claiming_one_row_at_once_exactly_one_wins(engine: Engine) -> None:
    contenders = 8
    barrier = Barrier(contenders)

    def contend(number: int) -> outbox.Claim:
        barrier.wait()
        return claim(engine, f"elsewhere:{number}:run")

    with ThreadPoolExecutor(contenders) as pool:
        outcomes = list(pool.map(contend, range(contenders)))

    assert outcomes.count(outbox.Claim.WON) == 1
    assert outcomes.count(outbox.Claim.LOST) == contenders - 1
    assert row(engine).attempts == 1


def test_a_live_claim_is_left_to_its_sender_until_the_time_out(engine: Engine) -> None:
    assert claim(engine, "other-host:1:run") is outbox.Claim.WON
    assert claim(engine, "this-run", at=WALL + TIMEOUT - timedelta(seconds=1)) is outbox.Claim.LOST
    assert row(engine).in_doubt is False

    # Past the time-out the sender is taken for dead: its row may have arrived.
    assert claim(engine, "this-run", at=WALL + TIMEOUT + timedelta(seconds=1)) is (
        outbox.Claim.TAKEN_OVER
    )
    assert row(engine).claimed_by == "this-run"
    assert row(engine).in_doubt is True


def test_a_claim_of_a_process_gone_from_this_host_is_taken_over_at_once(engine: Engine) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = f"{socket.gethostname()}:{finished.stdout.strip()}:run"
    assert claim(engine, dead) is outbox.Claim.WON

    assert claim(engine, "this-run") is outbox.Claim.TAKEN_OVER
    assert row(engine).in_doubt is True


def test_a_claim_of_a_process_alive_on_this_host_is_left_to_it(engine: Engine) -> None:
    alive = f"{socket.gethostname()}:{os.getppid()}:run"
    assert claim(engine, alive) is outbox.Claim.WON
    assert claim(engine, "this-run") is outbox.Claim.LOST


def test_a_sent_row_is_never_claimed_again(engine: Engine) -> None:
    assert claim(engine, "first") is outbox.Claim.WON
    with session_scope(engine) as session:
        outbox.mark_sent(session=session, message_id=1, telegram_message_id=7, now=WALL)
    assert claim(engine, "second", at=WALL + 2 * TIMEOUT) is outbox.Claim.LOST
    with session_scope(engine) as session:
        assert outbox.due_messages(session=session, now=WALL, stale_before=WALL) == []


def test_a_failed_send_frees_the_row_for_a_later_send_out(engine: Engine) -> None:
    assert claim(engine, "first") is outbox.Claim.WON
    with session_scope(engine) as session:
        assert outbox.due_messages(session=session, now=WALL, stale_before=WALL - TIMEOUT) == []
        outbox.mark_failed(session=session, message_id=1, error="502", retry_at=WALL)
    with session_scope(engine) as session:
        due = outbox.due_messages(session=session, now=WALL, stale_before=WALL - TIMEOUT)
    assert [message.id for message in due] == [1]
    assert claim(engine, "second") is outbox.Claim.WON
    assert row(engine).in_doubt is False
