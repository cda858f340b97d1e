"""Sending owed messages under Telegram's flood limits, each row by whoever claims it first.

A `Pacer` hands out send slots: about 30 a second overall, one a second per
private chat, 20 a minute per group. A 429 holds only the chat it named for its
`retry_after`, so the rest of a send-out goes on. 5xx and network errors are
retried with a bounded backoff, then left for a later run (`retry_at`). A 403
or "chat not found" marks the contact unreachable, and the secretariat is told.

A row is claimed (db/outbox.py) just before it is sent, so concurrent send-outs
share the rows and never send one twice. A send that may have reached Telegram
without its answer reaching us (a 5xx, a time-out after the request left, a claim
left by a dead process) is "in doubt": it is sent again, counted and logged, and
may arrive twice — the Bot API has no idempotency key.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Engine
from sqlmodel import Session
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.compose import (
    Outgoing,
    contact_lost_message,
    deadline_message,
    escalation_messages,
    late_copy_messages,
    nudge_messages,
    question_messages,
    request_messages,
)
from db import contacts, outbox, periods, questions, reports
from db.engine import session_scope
from db.models import MessageKind, Status
from db.outbox import Claim, OutboundInfo
from dondoc.config import Config, DeliverySettings
from jobs.digest import build_digest
from jobs.digest_text import render_html

log = logging.getLogger(__name__)

NETWORK_RETRIES = 3
NETWORK_BACKOFF_SECONDS = 0.5
RETRY_LATER = timedelta(minutes=5)
MAX_RETRY_AFTER_ROUNDS = 5
REFUSED_ATTEMPTS = 3  # a message Telegram answers 400 this many times is given up (and logged)


class Pacer:
    """Send slots under the flood limits; `clock` and `sleep` are injectable for tests.

    Overall, evenly spaced slots at `overall_per_second`, and a sliding window on top so
    that timing noise never puts more than that in any rolling second. Per chat, a gap:
    one a second to a private chat, 20 a minute to a group.
    """

    def __init__(
        self,
        limits: DeliverySettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits, self.clock, self.sleep = limits, clock, sleep
        self._window: deque[float] = deque()
        self._next_overall = 0.0
        self._next_chat: dict[int, float] = {}
        self._last_slot: dict[int, float] = {}

    def _chat_gap(self, chat_id: int) -> float:
        if chat_id < 0:  # groups and channels
            return 60.0 / self.limits.group_per_minute
        return self.limits.per_chat_seconds

    async def wait_turn(self, chat_id: int) -> None:
        """Wait until a message may go to this chat.

        A chat that must wait (its last message was just now, or Telegram said "retry
        after") does not hold back the others: the overall slot is taken only once the
        chat itself is free.
        """
        while (ready := self._next_chat.get(chat_id, 0.0)) > self.clock():
            await self.sleep(ready - self.clock())
        now = self.clock()
        limit = max(int(self.limits.overall_per_second), 1)
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        slot = max(now, self._next_overall)
        if len(self._window) >= limit:
            slot = max(slot, self._window[-limit] + 1.0)
        self._next_overall = slot + 1.0 / self.limits.overall_per_second
        self._window.append(slot)
        self._last_slot[chat_id] = slot
        self._next_chat[chat_id] = slot + self._chat_gap(chat_id)
        if slot > now:
            await self.sleep(slot - now)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said to wait: nothing goes to this chat for `seconds`.

        The refused call was not delivered, so its place in the overall window is freed.
        """
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), self.clock() + seconds)
        refused = self._last_slot.pop(chat_id, None)
        if refused is not None and refused in self._window:
            self._window.remove(refused)
            interval = 1.0 / self.limits.overall_per_second
            self._next_overall = max(self._next_overall - interval, self.clock())


@dataclass
class DeliveryResult:
    """What a send-out did."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried_after_429: int = 0
    in_doubt: int = 0  # rows that may reach their chat twice (see the module's docstring)
    claimed_elsewhere: int = 0  # rows another send-out was sending: left to it
    unreachable: list[str] = field(default_factory=list)

    def add(self, other: DeliveryResult) -> None:
        """Fold another send-out's figures into these."""
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.retried_after_429 += other.retried_after_429
        self.in_doubt += other.in_doubt
        self.claimed_elsewhere += other.claimed_elsewhere
        self.unreachable.extend(other.unreachable)


def compose_owed(*, session: Session, config: Config, message: OutboundInfo) -> list[Outgoing]:
    """The message(s) to send for an owed row, or none if it is no longer useful."""
    zone, locale = config.schedule.zone, config.bot.locale
    if message.kind is MessageKind.QUESTION:
        return _question_messages(session=session, message=message, locale=locale)
    period = periods.period_by_id(session=session, period_id=message.period_id or 0)
    contact = contacts.contact_by_id(session=session, contact_id=message.contact_id)
    if period is None or contact is None:
        return []
    agency_name = contact.agency_name
    kind = message.kind
    if kind is MessageKind.REQUEST:
        # What the agency still owes: a late joiner is not asked for what was reported.
        owed = reports.pending_assignments(
            session=session, agency_id=message.agency_id, period_id=period.id
        )
        if not owed:
            return []
        return request_messages(
            agency_name=agency_name,
            period=period,
            assignments=owed,
            zone=zone,
            locale=locale,
        )
    if kind is MessageKind.NUDGE:
        pending = reports.pending_assignments(
            session=session, agency_id=message.agency_id, period_id=period.id
        )
        if not pending:
            return []
        return nudge_messages(
            agency_name=agency_name,
            period=period,
            pending=pending,
            zone=zone,
            locale=locale,
        )
    if kind is MessageKind.LATE_COPY:
        pending = reports.pending_assignments(
            session=session, agency_id=message.agency_id, period_id=period.id
        )
        if not pending:
            return []
        return late_copy_messages(
            agency_name=agency_name, period=period, pending=pending, zone=zone, locale=locale
        )
    if kind is MessageKind.DEADLINE and message.task_id is not None:
        assignment = reports.assignment_of(
            session=session, task_id=message.task_id, agency_id=message.agency_id
        )
        if assignment is None:
            return []
        latest = reports.latest_reports(
            session=session, period_id=period.id, assignment_ids=[assignment.id]
        )
        report = latest.get(assignment.id)
        if report is not None and report.status is Status.DONE:
            return []
        return [
            deadline_message(
                agency_name=agency_name,
                assignment=assignment,
                period_id=period.id,
                locale=locale,
            )
        ]
    if kind is MessageKind.ESCALATION:
        late = reports.late_agencies(session=session, period_id=period.id)
        if not late:
            return []
        return escalation_messages(period=period, late=late, zone=zone, locale=locale)
    if kind is MessageKind.DIGEST:
        digest = build_digest(session=session, period=period, as_of=message.due_at)
        return [Outgoing(part) for part in render_html(digest, zone=zone, locale=locale)]
    if kind is MessageKind.CONTACT_LOST and message.about_contact_id is not None:
        lost = contacts.contact_by_id(session=session, contact_id=message.about_contact_id)
        if lost is None:
            return []
        return [
            contact_lost_message(
                agency_name=lost.agency_name, contact_name=lost.display_name, locale=locale
            )
        ]
    return []


def _question_messages(*, session: Session, message: OutboundInfo, locale: str) -> list[Outgoing]:
    """The Office's question to one officer (its id is in the row's key)."""
    contact = contacts.contact_by_id(session=session, contact_id=message.contact_id)
    asked = questions.question_by_id(session=session, question_id=int(message.key.split(":")[1]))
    if contact is None or asked is None:
        return []
    return question_messages(
        question_id=asked.id,
        text=asked.text,
        due_on=asked.due_on,
        agency_name=contact.agency_name,
        locale=locale,
    )


class _Unreachable(Exception):
    """The chat cannot be written to any more."""


class _GiveUpForNow(Exception):
    """A transient failure that outlasted this run's retries."""


def may_have_arrived(exc: NetworkError) -> bool:
    """Whether a failed call may still have reached Telegram.

    Only a failure to connect (or no free connection) proves the request never left;
    a 5xx answer or a time-out while waiting for the answer does not.
    """
    cause = exc.__cause__
    return not isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def wall_clock() -> datetime:
    """The real time: claims are timed by it, whatever clock the schedule runs on."""
    return datetime.now(UTC)


@dataclass
class _SendOut:
    """What every row of one send-out shares."""

    bot: Bot
    engine: Engine
    config: Config
    pacer: Pacer
    now: datetime
    owner: str
    result: DeliveryResult
    wall: Callable[[], datetime] = wall_clock
    stopping: Callable[[], bool] = lambda: False

    @property
    def claim_timeout(self) -> timedelta:
        return timedelta(seconds=self.config.delivery.claim_timeout_seconds)


async def _send_one(
    send: _SendOut, message: OutboundInfo, outgoing: Outgoing, chat_id: int
) -> tuple[int, int]:
    """Send one message, honouring 429s and retrying transient errors.

    Returns the chat it went to (a group upgraded to a supergroup has a new id) and
    Telegram's message id.
    """
    pacer = send.pacer
    network_failures = 0
    retry_rounds = 0
    doubted = False
    while True:
        await pacer.wait_turn(chat_id)
        try:
            sent = await send.bot.send_message(
                chat_id=chat_id, text=outgoing.text, parse_mode="HTML", reply_markup=outgoing.markup
            )
            return chat_id, sent.message_id
        except ChatMigrated as exc:
            # The group became a supergroup: its contact follows it, the message goes there.
            new_chat_id = int(exc.new_chat_id)
            log.info("%s: chat %s moved to %s", message.key, chat_id, new_chat_id)
            with session_scope(send.engine) as session:
                contacts.move_chat(
                    session=session, old_chat_id=chat_id, new_chat_id=new_chat_id, now=send.now
                )
                outbox.follow_chat(session=session, old_chat_id=chat_id, new_chat_id=new_chat_id)
            chat_id = new_chat_id
            continue
        except RetryAfter as exc:
            retry_rounds += 1
            send.result.retried_after_429 += 1
            delay = exc.retry_after
            seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
            if (
                retry_rounds > MAX_RETRY_AFTER_ROUNDS
                or seconds > pacer.limits.max_retry_after_seconds
            ):
                raise _GiveUpForNow(f"flood control: retry after {seconds:.0f} s") from exc
            pacer.hold(chat_id, seconds)
        except Forbidden as exc:
            raise _Unreachable(exc.message) from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise _Unreachable(exc.message) from exc
            raise
        except NetworkError as exc:  # 5xx answers, time-outs and connection failures
            network_failures += 1
            if may_have_arrived(exc) and not doubted:
                doubted = True
                send.result.in_doubt += 1
                log.warning("%s: in doubt, may have arrived: %s", message.key, exc)
                with session_scope(send.engine) as session:
                    outbox.mark_in_doubt(session=session, message_id=message.id)
            if network_failures >= NETWORK_RETRIES:
                raise _GiveUpForNow(str(exc)) from exc
            await pacer.sleep(NETWORK_BACKOFF_SECONDS * 2 ** (network_failures - 1))
        except TelegramError as exc:
            network_failures += 1
            if network_failures >= NETWORK_RETRIES:
                raise _GiveUpForNow(str(exc)) from exc
            await pacer.sleep(NETWORK_BACKOFF_SECONDS * 2 ** (network_failures - 1))
        # Still ours: a claim renewed before each retry never looks abandoned.
        with session_scope(send.engine) as session:
            outbox.renew_claim(
                session=session, message_id=message.id, owner=send.owner, at=send.wall()
            )


def _claim_and_compose(
    send: _SendOut, message: OutboundInfo
) -> tuple[list[Outgoing], dict[int, int]] | None:
    """Claim the row and compose it, in one unit of work: its parts and those already sent.

    None if another send-out has it; no parts if it is no longer owed (then marked so).
    """
    with session_scope(send.engine) as session:
        outcome = outbox.claim(
            session=session,
            message_id=message.id,
            owner=send.owner,
            at=send.wall(),
            stale_before=send.wall() - send.claim_timeout,
        )
        if outcome is Claim.LOST:
            send.result.claimed_elsewhere += 1
            return None
        parts = compose_owed(session=session, config=send.config, message=message)
        if not parts:
            outbox.mark_skipped(session=session, message_id=message.id, reason="no longer owed")
            send.result.skipped += 1
            return parts, {}
        done = outbox.parts_sent(session=session, message_id=message.id)
    if outcome is Claim.TAKEN_OVER:
        # Its sender died after claiming it: it may have reached the chat already.
        send.result.in_doubt += 1
        log.warning("%s: in doubt after an interrupted send; sending it again", message.key)
    return parts, done


def _lost_contact(send: _SendOut, message: OutboundInfo, error: str) -> None:
    """The chat is gone: stop writing to it and tell the secretariat once."""
    log.warning("%s: contact unreachable: %s", message.key, error)
    with session_scope(send.engine) as session:
        outbox.mark_failed(session=session, message_id=message.id, error=f"unreachable: {error}")
        contacts.mark_unreachable(session=session, contact_id=message.contact_id, now=send.now)
        for secretary in contacts.secretariat_contacts(session=session):
            if secretary.id != message.contact_id:
                outbox.plan_message(
                    session=session,
                    key=f"contact_lost:{message.contact_id}:contact:{secretary.id}",
                    kind=MessageKind.CONTACT_LOST,
                    contact=secretary,
                    period_id=message.period_id,
                    due_at=send.now,
                    about_contact_id=message.contact_id,
                )
    send.result.unreachable.append(message.key)


def _retry_later(send: _SendOut, message: OutboundInfo, error: Exception) -> None:
    """Not sent this time: the claim is freed and a later sweep tries again."""
    log.warning("%s: not sent, will retry later: %s", message.key, error)
    with session_scope(send.engine) as session:
        outbox.mark_failed(
            session=session,
            message_id=message.id,
            error=str(error),
            retry_at=send.now + RETRY_LATER,
        )
    send.result.failed += 1


async def _deliver_row(send: _SendOut, message: OutboundInfo) -> None:
    """Claim, compose, send and record one owed row."""
    claimed = _claim_and_compose(send, message)
    if claimed is None or not claimed[0]:
        return
    parts, done = claimed
    chat_id, earlier = message.chat_id, len(done)
    try:
        for number, part in enumerate(parts):
            if number in done:
                continue  # delivered by an earlier attempt: never twice
            chat_id, telegram_id = await _send_one(send, message, part, chat_id)
            done[number] = telegram_id
            with session_scope(send.engine) as session:
                outbox.record_part(
                    session=session,
                    message_id=message.id,
                    part=number,
                    chat_id=chat_id,
                    telegram_message_id=telegram_id,
                    now=send.now,
                )
                if len(done) == len(parts):  # the last part: the message is sent
                    outbox.mark_sent(
                        session=session,
                        message_id=message.id,
                        telegram_message_id=done[0],
                        now=send.now,
                    )
    except _Unreachable as exc:
        _lost_contact(send, message, str(exc))
        return
    except BadRequest as exc:
        if message.attempts + 1 >= REFUSED_ATTEMPTS:
            # Telegram refused it each time (not a network matter): trying on helps nobody.
            log.error(
                "%s: refused by Telegram %d times, given up: %s", message.key, REFUSED_ATTEMPTS, exc
            )
            with session_scope(send.engine) as session:
                outbox.mark_skipped(
                    session=session, message_id=message.id, reason=f"refused by Telegram: {exc}"
                )
            send.result.failed += 1
            return
        _retry_later(send, message, exc)
        return
    except _GiveUpForNow as exc:
        _retry_later(send, message, exc)
        return
    if earlier == len(parts):
        # Every part went out in an earlier attempt that ended before saying so.
        with session_scope(send.engine) as session:
            outbox.mark_sent(
                session=session, message_id=message.id, telegram_message_id=done[0], now=send.now
            )
    send.result.sent += 1


async def _worker(send: _SendOut, queue: asyncio.Queue[OutboundInfo]) -> None:
    """Take owed rows off the queue until it is empty or the send-out winds down."""
    while not queue.empty() and not send.stopping():
        await _deliver_row(send, queue.get_nowait())


async def deliver_owed(
    *,
    bot: Bot,
    engine: Engine,
    config: Config,
    now: datetime,
    pacer: Pacer | None = None,
    owner: str | None = None,
    wall: Callable[[], datetime] = wall_clock,
    stopping: Callable[[], bool] = lambda: False,
) -> DeliveryResult:
    """Send every owed row whose time has come and that this send-out claims first.

    Once `stopping()` turns true, rows already claimed are finished and no more are taken.
    """
    send = _SendOut(
        bot=bot,
        engine=engine,
        config=config,
        pacer=pacer or Pacer(config.delivery),
        now=now,
        owner=owner or outbox.this_sender(),
        result=DeliveryResult(),
        wall=wall,
        stopping=stopping,
    )
    tried: set[int] = set()
    while not stopping():
        with session_scope(engine) as session:
            batch = outbox.due_messages(
                session=session, now=now, stale_before=wall() - send.claim_timeout
            )
        fresh = [message for message in batch if message.id not in tried]
        if not fresh:
            # Rows written during the send-out (lost-contact notices) went in a later
            # round; failures wait for `retry_at`; rows another send-out holds are its own.
            return send.result
        tried.update(message.id for message in fresh)
        queue: asyncio.Queue[OutboundInfo] = asyncio.Queue()
        for message in fresh:
            queue.put_nowait(message)
        await asyncio.gather(*(_worker(send, queue) for _ in range(config.delivery.concurrency)))
    return send.result
