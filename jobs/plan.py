"""What the bot owes in a period, and when: one plan for the sender and for `dondoc schedule`.

`plan_period` lists every message of a month's cycle (requests, nudges, deadline
reminders, the escalation and the digest) with its due time, whether or not its
time has come. `owed_now` keeps those due at `now` that are still useful, and
`plan_owed` writes them as outbound rows (unique on their key, inserted or
ignored, so running it again — or in two processes at once — writes each once).

Planning costs what changed, not what exists: what is owed depends only on the
data (contacts, tasks, assignments, directives: their revisions) and on which of
the cycle's moments have passed, so a `PlanMemo` that saw the same of both
plans nothing; when something changed, the period's keys are read in one query
and only the new rows inserted, a batch per statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db import contacts, lifecycle, outbox, periods, reports, revisions
from db.engine import session_scope
from db.models import Directive, MessageKind, Role, Task
from dondoc.config import Config
from jobs.calendar import (
    PeriodTimes,
    deadline_reminder_at,
    end_of_day,
    month_bounds,
    month_of,
    period_times,
)


@dataclass(frozen=True)
class Planned:
    """One message of the plan."""

    key: str
    kind: MessageKind
    contact: contacts.ContactInfo
    due_at: datetime
    task_id: int | None = None
    expires_at: datetime | None = None  # after this it is no longer worth sending


def _deadline_tasks(session: Session, start: datetime, end: datetime, config: Config) -> list[Task]:
    """Open tasks of open directives whose deadline reminder falls in [start, end)."""
    tasks = session.exec(
        select(Task)
        .join(Directive, col(Directive.id) == Task.directive_id)
        .where(
            col(Directive.active).is_(True),
            col(Directive.closed_at).is_(None),
            col(Task.closed_at).is_(None),
            col(Task.deadline).is_not(None),
        )
    )
    return [
        task
        for task in tasks
        if task.deadline is not None
        and start <= deadline_reminder_at(task.deadline, config.schedule) < end
    ]


def plan_period(
    *, session: Session, config: Config, times: PeriodTimes, in_order: bool = True
) -> list[Planned]:
    """Every message of the month's cycle, in due order (or as made, when `in_order` is off:
    sorting hundreds of thousands of messages holds the interpreter for a tenth of a second)."""
    schedule = config.schedule
    plan: list[Planned] = []
    officers = contacts.officers_by_agency(session=session)
    leaders = contacts.officers_by_agency(session=session, role=Role.LEADER)
    for agency_id in reports.owing_agencies(session=session):
        # An agency's leader gets a copy at each reminder time (sent if it is still late).
        for leader in leaders.get(agency_id, []):
            for index, moment in enumerate(times.nudges, start=1):
                plan.append(
                    Planned(
                        f"late-copy:{times.month}:{index}:contact:{leader.id}",
                        MessageKind.LATE_COPY,
                        leader,
                        moment,
                        expires_at=times.due_at,
                    )
                )
        for contact in officers.get(agency_id, []):
            plan.append(
                Planned(
                    f"request:{times.month}:contact:{contact.id}",
                    MessageKind.REQUEST,
                    contact,
                    times.request_at,
                )
            )
            for index, moment in enumerate(times.nudges, start=1):
                plan.append(
                    Planned(
                        f"nudge:{times.month}:{index}:contact:{contact.id}",
                        MessageKind.NUDGE,
                        contact,
                        moment,
                        expires_at=times.due_at,
                    )
                )
    start, end = month_bounds(times.month, schedule)
    for task in _deadline_tasks(session, start, end, config):
        assert task.id is not None and task.deadline is not None
        for agency_id in reports.agencies_of_task(session=session, task_id=task.id):
            for contact in officers.get(agency_id, []):
                plan.append(
                    Planned(
                        f"deadline:{task.id}:{task.deadline.isoformat()}:contact:{contact.id}",
                        MessageKind.DEADLINE,
                        contact,
                        deadline_reminder_at(task.deadline, schedule),
                        task_id=task.id,
                        expires_at=end_of_day(task.deadline, schedule),
                    )
                )
    for contact in contacts.secretariat_contacts(session=session):
        plan.append(
            Planned(
                f"digest:{times.month}:contact:{contact.id}",
                MessageKind.DIGEST,
                contact,
                times.digest_at,
            )
        )
        plan.append(
            Planned(
                f"escalation:{times.month}:contact:{contact.id}",
                MessageKind.ESCALATION,
                contact,
                times.escalation_at,
            )
        )
    return sorted(plan, key=lambda item: (item.due_at, item.key)) if in_order else plan


# Repeated reminders: after downtime only the latest passed one is worth sending.
REMINDERS = (MessageKind.NUDGE, MessageKind.LATE_COPY)


def owed_now(plan: list[Planned], now: datetime) -> list[Planned]:
    """The planned messages due at `now` and still useful.

    After downtime only the latest passed nudge (or leader's copy) of each contact is still
    worth sending,
    and nothing is sent after its expiry (a nudge after the due date, a reminder after
    the deadline).
    """
    due = [
        item
        for item in plan
        if item.due_at <= now and (item.expires_at is None or now < item.expires_at)
    ]
    latest_nudge: dict[int, Planned] = {}
    for item in due:
        if item.kind in REMINDERS and (
            item.contact.id not in latest_nudge
            or latest_nudge[item.contact.id].due_at < item.due_at
        ):
            latest_nudge[item.contact.id] = item
    return [
        item for item in due if item.kind not in REMINDERS or latest_nudge[item.contact.id] is item
    ]


def open_period(*, session: Session, times: PeriodTimes, now: datetime) -> periods.PeriodInfo:
    """The month's period with the schedule's times, opened at `now` if it is new."""
    return periods.ensure_period(
        session=session,
        month=times.month,
        request_at=times.request_at,
        due_at=times.due_at,
        digest_at=times.digest_at,
        now=now,
    )


@dataclass
class PlanMemo:
    """What the last planning of this process saw; the same again means nothing new is owed."""

    seen: tuple[object, ...] | None = None


def _moments(session: Session, config: Config, times: PeriodTimes) -> list[datetime]:
    """Every moment of the month at which what is owed can change (a due time, an expiry)."""
    start, end = month_bounds(times.month, config.schedule)
    moments = [times.request_at, *times.nudges, times.due_at, times.digest_at, times.escalation_at]
    for task in _deadline_tasks(session, start, end, config):
        assert task.deadline is not None
        moments.append(deadline_reminder_at(task.deadline, config.schedule))
        moments.append(end_of_day(task.deadline, config.schedule))
    return sorted(moments)


def plan_owed(
    *, engine: Engine, config: Config, now: datetime, memo: PlanMemo | None = None
) -> tuple[str, int]:
    """Open this month's period and write a row for every message owed at `now`.

    With a `memo`, nothing is planned when neither the data nor the passed moments changed
    since it was last filled.
    """
    times = period_times(month_of(now, config.schedule), config.schedule)
    with session_scope(engine) as session:
        period = open_period(session=session, times=times, now=now)
        # A directive whose end date has passed is closed before anything is planned.
        lifecycle.end_directives_due(session=session, now=now, zone=config.schedule.zone)
        passed = sum(1 for moment in _moments(session, config, times) if moment <= now)
        seen = (times.month, passed, sorted(revisions.data_revisions(session=session).items()))
        if memo is not None and memo.seen == seen:
            return times.month, 0
        plan = plan_period(session=session, config=config, times=times, in_order=False)
        owed = owed_now(plan, now)
        known = outbox.planned_keys(session=session, period_id=period.id)
        new = [item for item in owed if item.key not in known]
        nudges = any(item.kind is MessageKind.NUDGE for item in new)
        sent = outbox.requests_sent(session=session, period_id=period.id) if nudges else {}
        written = outbox.plan_messages(
            session=session,
            period_id=period.id,
            messages=[
                outbox.Owed(item.key, item.kind, item.contact, item.due_at, item.task_id)
                for item in new
                # A request that went out late (after downtime) makes its nudges pointless.
                if item.kind is not MessageKind.NUDGE
                or sent.get(item.contact.id, item.due_at) < item.due_at
            ],
        )
    if memo is not None:
        memo.seen = seen
    return times.month, written
