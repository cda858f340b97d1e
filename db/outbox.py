"""The outbox: every message the bot owes is a row first, and a row is sent by whoever claims it.

Planning writes rows unique on their key (insert-or-ignore, so two planners at once
write each row once). Sending claims one row at a time with a conditional UPDATE
that exactly one caller can win, on SQLite and on PostgreSQL alike, so any number
of send-outs (the scheduler's jobs, `/remind`, `dondoc cycle` from cron, a second
instance) never send one row twice. A claim names its owner (host, process, run)
and carries a wall-clock time: a claim whose owner is known dead, or that outlived
the time-out, was left by an interrupted send, and the row is then "in doubt" —
it is sent again and marked so, because Telegram may already have it.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.contacts import ContactInfo, contacts_of_agency
from db.engine import Work, in_chunks, insert_ignoring, insert_or_ignore
from db.models import Contact, MessageKind, OutboundMessage, OutboundPart, ReportingPeriod, Role
from db.reports import owing_agencies, pending_assignments


@dataclass(frozen=True)
class OutboundInfo:
    """A message the bot owes and has not sent yet."""

    id: int
    key: str
    kind: MessageKind
    contact_id: int
    agency_id: int
    chat_id: int
    period_id: int | None
    due_at: datetime
    attempts: int
    task_id: int | None = None
    about_contact_id: int | None = None


def _outbound_info(message: OutboundMessage, contact: Contact) -> OutboundInfo:
    assert message.id is not None
    return OutboundInfo(
        message.id,
        message.key,
        message.kind,
        message.contact_id,
        contact.agency_id,
        message.chat_id,
        message.period_id,
        message.due_at,
        message.attempts,
        message.task_id,
        message.about_contact_id,
    )


# --- who claims ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def this_sender() -> str:
    """This process's name on its claims: host, process id and a token for this run."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _owner_is_dead(owner: str) -> bool:
    """Whether a claim's owner is a process of this host that no longer runs."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return owner != this_sender()  # an earlier run of this pid: the process was replaced
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


def _claim_is_stale(owner: str, claimed_at: datetime | None, stale_before: datetime) -> bool:
    """A claim left by a send-out that died: too old, or its process is gone."""
    return claimed_at is None or claimed_at < stale_before or _owner_is_dead(owner)


class Claim(StrEnum):
    """How a claim on a row ended."""

    WON = "won"  # ours to send
    TAKEN_OVER = "taken_over"  # ours, from a send-out that died: in doubt
    LOST = "lost"  # another send-out has it, or it is sent or no longer owed


# The statements every row of a send-out runs, built once (bind names differ from the columns).
_OPEN_ROW: ColumnElement[bool] = and_(
    col(OutboundMessage.id) == bindparam("row"),
    col(OutboundMessage.sent_at).is_(None),
    col(OutboundMessage.skipped_reason).is_(None),
)
_TAKE_FREE = (
    update(OutboundMessage)
    .where(_OPEN_ROW, col(OutboundMessage.claimed_by).is_(None))
    .values(
        claimed_by=bindparam("owner"),
        claimed_at=bindparam("at"),
        attempts=OutboundMessage.attempts + 1,
    )
)
_CURRENT_CLAIM = select(OutboundMessage.claimed_by, OutboundMessage.claimed_at).where(_OPEN_ROW)
_TAKE_OVER = (
    update(OutboundMessage)
    .where(_OPEN_ROW, col(OutboundMessage.claimed_by) == bindparam("previous"))
    .values(
        claimed_by=bindparam("owner"),
        claimed_at=bindparam("at"),
        attempts=OutboundMessage.attempts + 1,
        in_doubt=True,
    )
)
_PARTS_SENT = select(OutboundPart.part, OutboundPart.telegram_message_id).where(
    col(OutboundPart.outbound_id) == bindparam("row")
)
_MARK_SENT = (
    update(OutboundMessage)
    .where(col(OutboundMessage.id) == bindparam("row"))
    .values(
        sent_at=bindparam("sent"), telegram_message_id=bindparam("telegram_id"), last_error=None
    )
)
_NEW_PART: dict[str, Any] = {}  # per database kind


def claim(
    *, session: Session, message_id: int, owner: str, at: datetime, stale_before: datetime
) -> Claim:
    """Claim a row for sending; exactly one of any number of concurrent callers wins it.

    A free row is simply taken. A row claimed before `stale_before`, or by a process of
    this host that has died, is taken over and marked in doubt. Claims are timed by the
    wall clock, never by the schedule's clock, so send-outs on different clocks agree.
    """
    connection = session.connection()
    taken = connection.execute(_TAKE_FREE, {"row": message_id, "owner": owner, "at": at})
    if taken.rowcount == 1:
        return Claim.WON
    current = connection.execute(_CURRENT_CLAIM, {"row": message_id}).first()
    if current is None or current[0] is None:
        return Claim.LOST
    previous_owner, previous_at = current
    if not _claim_is_stale(previous_owner, previous_at, stale_before):
        return Claim.LOST
    # The same conditional form: if another caller took it over first, this matches nothing.
    taken = connection.execute(
        _TAKE_OVER, {"row": message_id, "owner": owner, "at": at, "previous": previous_owner}
    )
    return Claim.TAKEN_OVER if taken.rowcount == 1 else Claim.LOST


def renew_claim(*, session: Session, message_id: int, owner: str, at: datetime) -> None:
    """Still working on it (a retry after a wait): the claim's time moves on."""
    session.connection().execute(
        update(OutboundMessage)
        .where(col(OutboundMessage.id) == message_id, col(OutboundMessage.claimed_by) == owner)
        .values(claimed_at=at)
    )


# --- planning --------------------------------------------------------------------------------


def plan_message(
    *,
    session: Session,
    key: str,
    kind: MessageKind,
    contact: ContactInfo,
    period_id: int | None,
    due_at: datetime,
    task_id: int | None = None,
    about_contact_id: int | None = None,
) -> bool:
    """Write the row for a message the bot owes, unless one with this key exists."""
    return insert_or_ignore(
        session,
        OutboundMessage,
        {
            "key": key,
            "kind": kind,
            "contact_id": contact.id,
            "period_id": period_id,
            "chat_id": contact.chat_id,
            "due_at": due_at,
            "task_id": task_id,
            "about_contact_id": about_contact_id,
            "attempts": 0,
            "in_doubt": False,
        },
        unique=["key"],
    )


PLAN_BATCH = 1000  # rows per INSERT when planning


@dataclass(frozen=True)
class Owed:
    """A message the plan says is owed, before it is a row."""

    key: str
    kind: MessageKind
    contact: ContactInfo
    due_at: datetime
    task_id: int | None = None


def planned_keys(*, session: Session, period_id: int) -> set[str]:
    """The keys of every row already written for the period."""
    period_keys = select(OutboundMessage.key).where(col(OutboundMessage.period_id) == period_id)
    return {key for (key,) in in_chunks(session.connection().execute(period_keys))}


def plan_messages(*, session: Session, period_id: int, messages: list[Owed]) -> int:
    """Write the rows of these owed messages, a batch per statement; how many were new.

    The insert ignores a key another planner wrote meanwhile.
    """
    connection = session.connection()
    rows = [
        {
            "key": message.key,
            "kind": message.kind,
            "contact_id": message.contact.id,
            "period_id": period_id,
            "chat_id": message.contact.chat_id,
            "due_at": message.due_at,
            "task_id": message.task_id,
            "about_contact_id": None,
            "attempts": 0,
            "in_doubt": False,
        }
        for message in messages
    ]
    if not rows:
        return 0
    statement = insert_ignoring(connection.dialect.name, OutboundMessage, ["key"])
    written = 0
    for start in range(0, len(rows), PLAN_BATCH):  # a batch at a time: the loop runs between
        batch = rows[start : start + PLAN_BATCH]
        count = connection.execute(statement, batch).rowcount
        written += count if count >= 0 else len(batch)
    return written


def requests_sent(*, session: Session, period_id: int) -> dict[int, datetime]:
    """When each contact's request of the period was sent, for those sent."""
    rows = session.connection().execute(
        select(OutboundMessage.contact_id, OutboundMessage.sent_at).where(
            col(OutboundMessage.period_id) == period_id,
            col(OutboundMessage.kind) == MessageKind.REQUEST,
            col(OutboundMessage.sent_at).is_not(None),
        )
    )
    return {contact_id: sent_at for contact_id, sent_at in in_chunks(rows)}


def plan_reminders_now(*, session: Session, period_id: int, now: datetime) -> int:
    """A nudge, due now, to each officer of each agency that still owes a report."""
    period = session.get(ReportingPeriod, period_id)
    assert period is not None
    planned = 0
    for agency_id in owing_agencies(session=session):
        if not pending_assignments(session=session, agency_id=agency_id, period_id=period_id):
            continue
        for contact in contacts_of_agency(session=session, agency_id=agency_id, role=Role.OFFICER):
            planned += plan_message(
                session=session,
                key=f"remind:{period.month}:{now:%Y%m%dT%H%M}:contact:{contact.id}",
                kind=MessageKind.NUDGE,
                contact=contact,
                period_id=period_id,
                due_at=now,
            )
    return planned


# --- sending ---------------------------------------------------------------------------------


# Read on the event loop before each batch of a send-out: plain columns, no objects.
_DUE: Any = (  # typed loosely: its rows become OutboundInfo
    sa_select(
        col(OutboundMessage.id),
        col(OutboundMessage.key),
        col(OutboundMessage.kind),
        col(OutboundMessage.contact_id),
        col(Contact.agency_id),
        col(OutboundMessage.chat_id),
        col(OutboundMessage.period_id),
        col(OutboundMessage.due_at),
        col(OutboundMessage.attempts),
        col(OutboundMessage.task_id),
        col(OutboundMessage.about_contact_id),
        col(OutboundMessage.claimed_by),
        col(OutboundMessage.claimed_at),
    )
    .join(Contact, col(Contact.id) == OutboundMessage.contact_id)
    .where(
        col(OutboundMessage.sent_at).is_(None),
        col(OutboundMessage.skipped_reason).is_(None),
        col(OutboundMessage.due_at) <= bindparam("now"),
        or_(
            col(OutboundMessage.retry_at).is_(None),
            col(OutboundMessage.retry_at) <= bindparam("now"),
        ),
        col(Contact.active).is_(True),
        col(Contact.unreachable_since).is_(None),
    )
    .order_by(col(OutboundMessage.due_at), col(OutboundMessage.id))
    .limit(bindparam("limit"))
)


def due_messages(
    *, session: Session, now: datetime, stale_before: datetime, limit: int = 500
) -> list[OutboundInfo]:
    """Owed rows whose time has come, oldest first, to reachable contacts, free to claim.

    A row claimed by a live send-out is left to it; one whose claim went stale is
    offered again (the claim decides who takes it).
    """
    rows = session.connection().execute(_DUE, {"now": now, "limit": limit})
    return [
        OutboundInfo(*row[:-2])
        for row in in_chunks(rows)
        if row.claimed_by is None or _claim_is_stale(row.claimed_by, row.claimed_at, stale_before)
    ]


def parts_sent(*, session: Session, message_id: int) -> dict[int, int]:
    """The parts of a message already delivered: part number → Telegram message id."""
    rows = session.connection().execute(_PARTS_SENT, {"row": message_id})
    return {part: telegram_id for part, telegram_id in rows}


def record_part(
    *,
    session: Session,
    message_id: int,
    part: int,
    chat_id: int,
    telegram_message_id: int,
    now: datetime,
) -> None:
    """One part of a message reached Telegram: it is never sent again."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect not in _NEW_PART:
        _NEW_PART[dialect] = insert_ignoring(dialect, OutboundPart, ["outbound_id", "part"])
    connection.execute(
        _NEW_PART[dialect],
        {
            "outbound_id": message_id,
            "part": part,
            "chat_id": chat_id,
            "telegram_message_id": telegram_message_id,
            "sent_at": now,
        },
    )


def follow_chat(*, session: Session, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: the messages still owed to it go to its new id."""
    session.connection().execute(
        update(OutboundMessage)
        .where(
            col(OutboundMessage.chat_id) == old_chat_id,
            col(OutboundMessage.sent_at).is_(None),
        )
        .values(chat_id=new_chat_id)
    )


def mark_sent(
    *, session: Session, message_id: int, telegram_message_id: int, now: datetime
) -> None:
    """Record the Telegram message id of a sent message; the claim stays as who sent it."""
    session.connection().execute(
        _MARK_SENT, {"row": message_id, "sent": now, "telegram_id": telegram_message_id}
    )


def mark_failed(
    *,
    session: Session,
    message_id: int,
    error: str,
    retry_at: datetime | None = None,
    in_doubt: bool = False,
) -> None:
    """Keep the last error and free the claim; the row is tried again from `retry_at` on."""
    row = session.get(OutboundMessage, message_id)
    assert row is not None
    row.last_error, row.retry_at = error[:500], retry_at
    row.claimed_by, row.claimed_at = None, None
    row.in_doubt = row.in_doubt or in_doubt


def mark_in_doubt(*, session: Session, message_id: int) -> None:
    """A send may have reached Telegram without an answer: if sent again, maybe twice."""
    row = session.get(OutboundMessage, message_id)
    assert row is not None
    row.in_doubt = True


def mark_skipped(*, session: Session, message_id: int, reason: str) -> None:
    """A message no longer worth sending (e.g. the agency has reported since)."""
    row = session.get(OutboundMessage, message_id)
    assert row is not None
    row.skipped_reason = reason


# --- reading back ----------------------------------------------------------------------------


_REQUEST_OF_MESSAGE: Any = (  # typed loosely: its rows become OutboundInfo
    sa_select(
        col(OutboundMessage.id),
        col(OutboundMessage.key),
        col(OutboundMessage.kind),
        col(OutboundMessage.contact_id),
        col(Contact.agency_id),
        col(OutboundMessage.chat_id),
        col(OutboundMessage.period_id),
        col(OutboundMessage.due_at),
        col(OutboundMessage.attempts),
        col(OutboundMessage.task_id),
        col(OutboundMessage.about_contact_id),
    )
    .join(OutboundPart, col(OutboundPart.outbound_id) == OutboundMessage.id)
    .join(Contact, col(Contact.id) == OutboundMessage.contact_id)
    .where(
        col(OutboundPart.chat_id) == bindparam("chat_id"),
        col(OutboundPart.telegram_message_id) == bindparam("telegram_message_id"),
        col(OutboundMessage.kind).in_([MessageKind.REQUEST, MessageKind.NUDGE]),
    )
    .limit(1)
)


def request_for_message(
    *, session: Work, chat_id: int, telegram_message_id: int
) -> OutboundInfo | None:
    """The request or nudge that a replied-to message (any of its parts) was, if it was one."""
    params = {"chat_id": chat_id, "telegram_message_id": telegram_message_id}
    row = session.connection().execute(_REQUEST_OF_MESSAGE, params).first()
    return OutboundInfo(*row) if row else None


def sent_count(*, session: Session, kind: MessageKind | None = None) -> int:
    """How many owed messages have been sent (for progress and tests)."""
    query = (
        select(func.count())
        .select_from(OutboundMessage)
        .where(col(OutboundMessage.sent_at).is_not(None))
    )
    if kind is not None:
        query = query.where(OutboundMessage.kind == kind)
    return int(session.exec(query).one())


def message_states(*, session: Session, keys: list[str]) -> dict[str, tuple[str, datetime | None]]:
    """How far each planned message has got: ("sent", when), ("skipped: why", None), …"""
    states: dict[str, tuple[str, datetime | None]] = {}
    for row in session.exec(select(OutboundMessage).where(col(OutboundMessage.key).in_(keys))):
        doubt = " (in doubt: may have arrived twice)" if row.in_doubt else ""
        if row.sent_at is not None:
            states[row.key] = (f"sent{doubt}", row.sent_at)
        elif row.skipped_reason:
            states[row.key] = (f"skipped: {row.skipped_reason}", None)
        elif row.claimed_by is not None:
            states[row.key] = (f"sending ({row.claimed_by}){doubt}", row.claimed_at)
        elif row.last_error:
            states[row.key] = (f"failed: {row.last_error}{doubt}", row.retry_at)
        else:
            states[row.key] = ("owed", None)
    return states
