"""What the bot owes in a period, and when: one plan for the sender and for `dondoc schedule`.

`plan_period` lists every message of a month's cycle (requests, nudges, deadline
reminders, the escalation and the digest) with its due time, whether or not its
time has come. `owed_now` keeps those due at `now` that are still useful, and
`plan_owed` writes them as outbound rows (unique on their key, inserted or
ignored, so running it again — or in two processes at once — writes each once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db import contacts, outbox, periods, reports
from db.engine import session_scope
from db.models import Directive, MessageKind, Task
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
    """Tasks of active directives whose deadline reminder falls in [start, end)."""
    tasks = session.exec(
        select(Task)
        .join(Directive, col(Directive.id) == Task.directive_id)
        .where(col(Directive.active).is_(True), col(Task.deadline).is_not(None))
    )
    return [
        task
        for task in tasks
        if task.deadline is not None
        and start <= deadline_reminder_at(task.deadline, config.schedule) < end
    ]


def plan_period(*, session: Session, config: Config, times: PeriodTimes) -> list[Planned]:
    """Every message of the month's cycle, in due order."""
    schedule = config.schedule
    plan: list[Planned] = []
    officers = contacts.officers_by_agency(session=session)
    for agency_id in reports.owing_agencies(session=session):
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
                        f"deadline:{task.id}:contact:{contact.id}",
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
    return sorted(plan, key=lambda item: (item.due_at, item.key))


def owed_now(plan: list[Planned], now: datetime) -> list[Planned]:
    """The planned messages due at `now` and still useful.

    After downtime only the latest passed nudge of each contact is still worth sending,
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
        if item.kind is MessageKind.NUDGE:
            latest_nudge[item.contact.id] = item
    return [
        item
        for item in due
        if item.kind is not MessageKind.NUDGE or latest_nudge[item.contact.id] is item
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


def plan_owed(*, engine: Engine, config: Config, now: datetime) -> tuple[str, int]:
    """Open this month's period and write a row for every message owed at `now`."""
    times = period_times(month_of(now, config.schedule), config.schedule)
    written = 0
    with session_scope(engine) as session:
        period = open_period(session=session, times=times, now=now)
        for item in owed_now(plan_period(session=session, config=config, times=times), now):
            request_key = f"request:{times.month}:contact:{item.contact.id}"
            if item.kind is MessageKind.NUDGE and not outbox.sent_before(
                session=session, key=request_key, moment=item.due_at
            ):
                continue  # the request went out late (after downtime): this nudge adds nothing
            written += outbox.plan_message(
                session=session,
                key=item.key,
                kind=item.kind,
                contact=item.contact,
                period_id=period.id,
                due_at=item.due_at,
                task_id=item.task_id,
            )
    return times.month, written
