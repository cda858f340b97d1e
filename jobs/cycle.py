"""The reporting cycle: open the month's period, decide what is owed, send it once.

Every message is a row in `outboundmessage` before it is sent (unique on what
it is for), then sent, then its Telegram message id is stored. The database,
not the scheduler's memory, decides what is owed, so `run_cycle` can run at any
time, as often as wanted, and after downtime it sends only what is still owed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.compose import Outgoing, nudge_message, request_message
from db import queries
from db.engine import session_scope
from db.models import MessageKind, Role
from dondoc.config import Config
from jobs.calendar import month_of, period_times

log = logging.getLogger(__name__)

MAX_RETRY_AFTER_WAITS = 5


@dataclass
class CycleResult:
    """What one run of the cycle did."""

    period: str | None = None
    planned: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    unreachable: list[str] = field(default_factory=list)


def plan_owed(*, engine: Engine, config: Config, now: datetime) -> tuple[str | None, int]:
    """Open this month's period once its request time has come and write every owed message."""
    schedule = config.schedule
    times = period_times(month_of(now, schedule), schedule)
    if now < times.request_at:
        return None, 0
    planned = 0
    with session_scope(engine) as session:
        period = queries.ensure_period(
            session=session,
            month=times.month,
            request_at=times.request_at,
            due_at=times.due_at,
            digest_at=times.digest_at,
            now=now,
        )
        past_nudges = [t for t in times.nudges if t <= now]
        for agency_id in queries.owing_agencies(session=session):
            officers = queries.contacts_of_agency(
                session=session, agency_id=agency_id, role=Role.OFFICER
            )
            for contact in officers:
                planned += queries.plan_message(
                    session=session,
                    key=f"request:{period.month}:contact:{contact.id}",
                    kind=MessageKind.REQUEST,
                    contact=contact,
                    period_id=period.id,
                    due_at=period.request_at,
                )
                if past_nudges:
                    # After downtime only the latest nudge is still useful.
                    index = len(past_nudges)
                    planned += queries.plan_message(
                        session=session,
                        key=f"nudge:{period.month}:{index}:contact:{contact.id}",
                        kind=MessageKind.NUDGE,
                        contact=contact,
                        period_id=period.id,
                        due_at=past_nudges[-1],
                    )
    return times.month, planned


def compose_owed(
    *, engine: Engine, config: Config, message: queries.OutboundInfo
) -> Outgoing | None:
    """The text of an owed message, or None if it is no longer useful."""
    zone, locale = config.schedule.zone, config.bot.locale
    with session_scope(engine) as session:
        period = queries.period_by_id(session=session, period_id=message.period_id or 0)
        agency = queries.contacts_of_agency(session=session, agency_id=message.agency_id)
        if period is None or not agency:
            return None
        agency_name = agency[0].agency_name
        if message.kind is MessageKind.REQUEST:
            owed = queries.assignments_of_agency(session=session, agency_id=message.agency_id)
            if not owed:
                return None
            return request_message(
                agency_name=agency_name, period=period, assignments=owed, zone=zone, locale=locale
            )
        if message.kind is MessageKind.NUDGE:
            pending = queries.pending_assignments(
                session=session, agency_id=message.agency_id, period_id=period.id
            )
            if not pending:
                return None
            return nudge_message(
                agency_name=agency_name, period=period, pending=pending, zone=zone, locale=locale
            )
    return None


async def deliver_owed(*, bot: Bot, engine: Engine, config: Config, now: datetime) -> CycleResult:
    """Send every owed message whose time has come; each row is sent at most once."""
    result = CycleResult()
    with session_scope(engine) as session:
        owed = queries.due_messages(session=session, now=now)
    for message in owed:
        outgoing = compose_owed(engine=engine, config=config, message=message)
        if outgoing is None:
            with session_scope(engine) as session:
                queries.mark_skipped(
                    session=session, message_id=message.id, reason="no longer owed"
                )
            result.skipped += 1
            continue
        with session_scope(engine) as session:
            queries.mark_attempt(session=session, message_id=message.id)
        outcome = await _send(bot, message, outgoing)
        with session_scope(engine) as session:
            if isinstance(outcome, int):
                queries.mark_sent(
                    session=session, message_id=message.id, telegram_message_id=outcome, now=now
                )
                result.sent += 1
            elif outcome == "unreachable":
                queries.mark_unreachable(session=session, contact_id=message.contact_id, now=now)
                queries.mark_failed(session=session, message_id=message.id, error="unreachable")
                result.unreachable.append(message.key)
            else:
                queries.mark_failed(session=session, message_id=message.id, error=outcome)
                result.failed += 1
    return result


async def _send(bot: Bot, message: queries.OutboundInfo, outgoing: Outgoing) -> int | str:
    """Send one message: its Telegram id, "unreachable", or the error to retry later."""
    for _ in range(MAX_RETRY_AFTER_WAITS):
        try:
            sent = await bot.send_message(
                chat_id=message.chat_id,
                text=outgoing.text,
                parse_mode="HTML",
                reply_markup=outgoing.markup,
            )
            return sent.message_id
        except RetryAfter as exc:
            delay = exc.retry_after
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            log.info("flood control: waiting %.0f s before %s", seconds, message.key)
            await asyncio.sleep(seconds)
        except Forbidden as exc:
            log.warning("%s: contact unreachable: %s", message.key, exc.message)
            return "unreachable"
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return "unreachable"
            log.error("%s: rejected by Telegram: %s", message.key, exc.message)
            return exc.message
        except (NetworkError, TelegramError) as exc:
            log.warning("%s: will retry later: %s", message.key, exc)
            return str(exc)
    return "flood control: gave up for now"


async def run_cycle(*, bot: Bot, engine: Engine, config: Config, now: datetime) -> CycleResult:
    """Plan what is owed at `now`, then send it."""
    month, planned = plan_owed(engine=engine, config=config, now=now)
    result = await deliver_owed(bot=bot, engine=engine, config=config, now=now)
    result.period, result.planned = month, planned
    return result
