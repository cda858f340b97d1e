"""A directive's life after it is loaded: tasks accepted as done, directives closed or
ended, deadlines extended, agencies given a task or relieved of it.

Each change is dated and audited, and nothing is deleted: the periods in which a task,
a directive or an assignment was open keep showing it in their digests, with the
deadline that was in force then. From the change on, what is closed is no longer
requested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from db.audit import record_audit
from db.models import (
    UNSENT,
    Agency,
    Assignment,
    AssignmentRole,
    DeadlineChange,
    Directive,
    MessageKind,
    OutboundMessage,
    Task,
)


class Refused(Exception):
    """A change that cannot be made, with the text key that says why and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key, values)
        self.key, self.values = key, values


@dataclass(frozen=True)
class TaskChange:
    """A task as a change left it."""

    directive_code: str
    number: str
    title: str
    deadline: date | None
    old_deadline: date | None = None


@dataclass(frozen=True)
class DirectiveChange:
    """A directive closed, with how many of its tasks were still open."""

    code: str
    open_tasks: int


@dataclass(frozen=True)
class AssignmentChange:
    """An agency given a task, or relieved of it."""

    directive_code: str
    number: str
    agency_code: str
    agency_name: str
    role: AssignmentRole


def owed_during(
    request_at: datetime,
    digest_at: datetime,
    *,
    since: datetime | None,
    ended_at: datetime | None,
    closed_at: datetime | None,
) -> bool:
    """Whether an agency owed a task in a period: given it by the period's close, and not
    relieved of it (nor the task or its directive closed) before the period's request."""
    given = since is None or since <= digest_at
    return given and all(end is None or end > request_at for end in (ended_at, closed_at))


def find_directive(session: Session, code: str) -> Directive:
    """The directive of a code as the Office writes it (case and spacing aside)."""
    wanted = "".join(code.split()).casefold()
    for directive in session.exec(select(Directive)):
        if "".join(directive.code.split()).casefold() == wanted:
            return directive
    raise Refused("lifecycle.unknown_directive", code=code)


def find_task(session: Session, directive_code: str, number: str) -> tuple[Directive, Task]:
    """A task by its directive's code and its number ("2.1", "2.1." or "II.2" alike)."""
    directive = find_directive(session, directive_code)
    wanted = number.strip().rstrip(".")
    task = session.exec(
        select(Task).where(Task.directive_id == directive.id, Task.number == wanted)
    ).first()
    if task is None:
        raise Refused("lifecycle.unknown_task", code=directive.code, number=number)
    return directive, task


def _open_directive(directive: Directive) -> None:
    if directive.closed_at is not None:
        raise Refused("lifecycle.directive_closed", code=directive.code)


def close_task(
    *, session: Session, directive_code: str, number: str, now: datetime, actor: str
) -> TaskChange:
    """The Office accepts a task as done: it is requested no more."""
    directive, task = find_task(session, directive_code, number)
    _open_directive(directive)
    if task.closed_at is not None:
        raise Refused("lifecycle.task_closed", code=directive.code, number=task.number)
    task.closed_at = now
    session.add(task)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="task.closed",
        subject=f"task:{task.id}",
        detail=f"{directive.code} {task.number}",
    )
    return TaskChange(directive.code, task.number, task.title, task.deadline)


def close_directive(*, session: Session, code: str, now: datetime, actor: str) -> DirectiveChange:
    """No more requests for any task of the directive; its past digests keep it."""
    directive = find_directive(session, code)
    _open_directive(directive)
    directive.closed_at = now
    session.add(directive)
    open_tasks = session.exec(
        select(func.count())
        .select_from(Task)
        .where(Task.directive_id == directive.id, col(Task.closed_at).is_(None))
    ).one()
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="directive.closed",
        subject=f"directive:{directive.id}",
        detail=f"{directive.code}, {open_tasks} task(s) still open",
    )
    return DirectiveChange(directive.code, int(open_tasks))


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The moment a day ends where the Office is."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def end_directives_due(*, session: Session, now: datetime, zone: ZoneInfo) -> list[str]:
    """Close the directives whose end date (from their data file) has passed, as of the
    moment that day ended; the codes closed."""
    ended = []
    due = session.exec(
        select(Directive).where(
            col(Directive.ends_on).is_not(None), col(Directive.closed_at).is_(None)
        )
    )
    for directive in list(due):
        assert directive.ends_on is not None
        moment = end_of_day(directive.ends_on, zone)
        if moment > now:
            continue
        directive.closed_at = moment
        session.add(directive)
        record_audit(
            session=session,
            now=now,
            actor="schedule",
            action="directive.ended",
            subject=f"directive:{directive.id}",
            detail=f"{directive.code}, ends on {directive.ends_on.isoformat()}",
        )
        ended.append(directive.code)
    return ended


def extend_deadline(
    *,
    session: Session,
    directive_code: str,
    number: str,
    deadline: date,
    now: datetime,
    actor: str,
) -> TaskChange:
    """A task's deadline moved later; the old one is kept for the periods it was in force."""
    directive, task = find_task(session, directive_code, number)
    _open_directive(directive)
    if task.closed_at is not None:
        raise Refused("lifecycle.task_closed", code=directive.code, number=task.number)
    old = task.deadline
    if old is not None and deadline <= old:
        raise Refused("lifecycle.not_later", code=directive.code, number=task.number, deadline=old)
    assert task.id is not None
    session.add(
        DeadlineChange(
            task_id=task.id, old_deadline=old, new_deadline=deadline, changed_at=now, actor=actor
        )
    )
    task.deadline = deadline
    session.add(task)
    # The reminders of the old deadline are not sent; the planner owes the new one's.
    session.connection().execute(
        update(OutboundMessage)
        .where(
            col(OutboundMessage.task_id) == task.id,
            col(OutboundMessage.kind) == MessageKind.DEADLINE,
            UNSENT,
        )
        .values(skipped_reason="deadline extended")
    )
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="task.extended",
        subject=f"task:{task.id}",
        detail=f"{directive.code} {task.number}: {old.isoformat() if old else '-'} → "
        f"{deadline.isoformat()}",
    )
    return TaskChange(directive.code, task.number, task.title, deadline, old)


def _agency(session: Session, code: str) -> Agency:
    agency = session.exec(select(Agency).where(Agency.code == code.strip().lower())).first()
    if agency is None:
        raise Refused("lifecycle.unknown_agency", agency=code)
    return agency


def add_assignment(
    *,
    session: Session,
    directive_code: str,
    number: str,
    agency_code: str,
    role: AssignmentRole,
    now: datetime,
    actor: str,
) -> AssignmentChange:
    """Give an agency a task from now on (requested from the next sweep)."""
    directive, task = find_task(session, directive_code, number)
    _open_directive(directive)
    if task.closed_at is not None:
        raise Refused("lifecycle.task_closed", code=directive.code, number=task.number)
    agency = _agency(session, agency_code)
    assert task.id is not None and agency.id is not None
    row = session.exec(
        select(Assignment).where(Assignment.task_id == task.id, Assignment.agency_id == agency.id)
    ).first()
    if row is not None and row.ended_at is None:
        raise Refused(
            "lifecycle.already_assigned",
            code=directive.code,
            number=task.number,
            agency=agency.name,
        )
    if row is None:
        row = Assignment(task_id=task.id, agency_id=agency.id, role=role, since=now)
    else:
        # Given back a task it was relieved of: owed again from now. (The months in
        # between show it again when their digest is made anew: one row per agency.)
        row.ended_at, row.role = None, role
    session.add(row)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="assignment.added",
        subject=f"task:{task.id}",
        agency_id=agency.id,
        detail=f"{directive.code} {task.number}: {agency.code} ({role.value})",
    )
    return AssignmentChange(directive.code, task.number, agency.code, agency.name, role)


def remove_assignment(
    *,
    session: Session,
    directive_code: str,
    number: str,
    agency_code: str,
    now: datetime,
    actor: str,
) -> AssignmentChange:
    """Relieve an agency of a task from now on; its reports stay with the past periods."""
    directive, task = find_task(session, directive_code, number)
    _open_directive(directive)
    agency = _agency(session, agency_code)
    row = session.exec(
        select(Assignment).where(Assignment.task_id == task.id, Assignment.agency_id == agency.id)
    ).first()
    if row is None or row.ended_at is not None:
        raise Refused(
            "lifecycle.not_assigned", code=directive.code, number=task.number, agency=agency.name
        )
    row.ended_at = now
    session.add(row)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="assignment.removed",
        subject=f"task:{task.id}",
        agency_id=agency.id,
        detail=f"{directive.code} {task.number}: {agency.code}",
    )
    return AssignmentChange(directive.code, task.number, agency.code, agency.name, row.role)
