"""Assignments and status reports: what each agency owes and what it has said.

A report is stored in versions; the latest counts and the earlier ones stay as history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.audit import person_actor, record_audit
from db.contacts import ContactInfo
from db.engine import Work, in_chunks
from db.models import (
    Agency,
    Assignment,
    AssignmentRole,
    Contact,
    Directive,
    Role,
    Status,
    StatusReport,
    Task,
)
from db.revisions import Remembered


@dataclass(frozen=True)
class AssignmentInfo:
    """A task an agency owes, with what the request shows of it."""

    id: int
    agency_id: int
    task_id: int
    number: str
    title: str
    directive_code: str
    role: AssignmentRole
    deadline: date | None


@dataclass(frozen=True)
class ReportInfo:
    """The latest version of a report."""

    id: int
    assignment_id: int
    status: Status | None
    note: str | None
    reported_at: datetime
    contact_name: str


def _report_info(report: StatusReport, contact: Contact) -> ReportInfo:
    assert report.id is not None
    return ReportInfo(
        report.id,
        report.assignment_id,
        report.status,
        report.note,
        report.reported_at,
        contact.display_name,
    )


class AssignmentBook:
    """Assignments by id, remembered between updates until a task, an assignment or a
    directive changes (their revisions, read once per unit of work)."""

    def __init__(self, size: int = 10_000) -> None:
        tables = ("assignment", "task", "directive")
        self._by_id: Remembered[int, AssignmentInfo | None] = Remembered(tables, size)

    def by_id(self, *, session: Work, assignment_id: int) -> AssignmentInfo | None:
        """One assignment, if it exists and is still reported monthly."""
        return self._by_id.get(
            session,
            assignment_id,
            lambda: assignment_by_id(session=session, assignment_id=assignment_id),
        )


class AlreadyStored(Exception):
    """This Telegram update's report is stored already: Telegram delivered the update again."""


# What is still owed: a monthly task, not accepted as done, of an open directive, and
# not taken away from the agency (db/lifecycle.py).
OWED_NOW = (
    col(Directive.active).is_(True),
    col(Directive.closed_at).is_(None),
    col(Task.monthly).is_(True),
    col(Task.closed_at).is_(None),
    col(Assignment.ended_at).is_(None),
)

# The statements the bot runs on every update are built once.
_ASSIGNMENTS: Any = (  # typed loosely: its rows become AssignmentInfo
    sa_select(
        col(Assignment.id),
        col(Assignment.agency_id),
        col(Task.id),
        col(Task.number),
        col(Task.title),
        col(Directive.code),
        col(Assignment.role),
        col(Task.deadline),
    )
    .join(Task, col(Task.id) == Assignment.task_id)
    .join(Directive, col(Directive.id) == Task.directive_id)
    .where(*OWED_NOW)
    .order_by(col(Directive.id), col(Task.position))
)
_ASSIGNMENT_BY_ID = _ASSIGNMENTS.where(col(Assignment.id) == bindparam("assignment_id"))
_ASSIGNMENTS_OF_AGENCY = _ASSIGNMENTS.where(col(Assignment.agency_id) == bindparam("agency_id"))
_LATEST_STATUS = (
    select(StatusReport.status)
    .where(
        col(StatusReport.assignment_id) == bindparam("assignment_id"),
        col(StatusReport.period_id) == bindparam("period_id"),
    )
    .order_by(col(StatusReport.id).desc())
    .limit(1)
)
_NEW_REPORT = insert(StatusReport)


def assignments_of_agency(*, session: Work, agency_id: int) -> list[AssignmentInfo]:
    """The monthly-reported tasks an agency holds in active directives, in document order."""
    rows = session.connection().execute(_ASSIGNMENTS_OF_AGENCY, {"agency_id": agency_id})
    return [AssignmentInfo(*row) for row in rows]


def assignment_by_id(*, session: Work, assignment_id: int) -> AssignmentInfo | None:
    """One assignment, if it exists and is still reported monthly."""
    row = session.connection().execute(_ASSIGNMENT_BY_ID, {"assignment_id": assignment_id}).first()
    return AssignmentInfo(*row) if row else None


def latest_status(*, session: Work, assignment_id: int, period_id: int) -> Status | None:
    """The status of the latest version of a report (None if it has none yet)."""
    params = {"assignment_id": assignment_id, "period_id": period_id}
    return session.connection().execute(_LATEST_STATUS, params).scalar()


def latest_reports(
    *,
    session: Session,
    period_id: int,
    assignment_ids: Iterable[int] | None = None,
    as_of: datetime | None = None,
) -> dict[int, ReportInfo]:
    """The latest report version per assignment for a period (optionally as of a time)."""
    latest = (
        select(StatusReport.assignment_id, func.max(StatusReport.id).label("report_id"))
        .where(StatusReport.period_id == period_id)
        .group_by(col(StatusReport.assignment_id))
    )
    if as_of is not None:
        latest = latest.where(StatusReport.reported_at <= as_of)
    if assignment_ids is not None:
        latest = latest.where(col(StatusReport.assignment_id).in_(list(assignment_ids)))
    ids = latest.subquery()
    rows = session.exec(
        select(StatusReport, Contact)
        .join(ids, ids.c.report_id == StatusReport.id)
        .join(Contact, col(Contact.id) == StatusReport.contact_id)
    )
    return {r.assignment_id: _report_info(r, c) for r, c in rows}


_LATEST_OF_AGENCY = (
    select(StatusReport.assignment_id, func.max(StatusReport.id).label("report_id"))
    .join(Assignment, col(Assignment.id) == StatusReport.assignment_id)
    .where(
        col(StatusReport.period_id) == bindparam("period_id"),
        col(Assignment.agency_id) == bindparam("agency_id"),
    )
    .group_by(col(StatusReport.assignment_id))
    .subquery()
)
# The agency's assignments whose latest version this period carries a status.
_REPORTED_OF_AGENCY = (
    select(StatusReport.assignment_id)
    .join(_LATEST_OF_AGENCY, _LATEST_OF_AGENCY.c.report_id == StatusReport.id)
    .where(col(StatusReport.status).is_not(None))
)


def pending_assignments(*, session: Work, agency_id: int, period_id: int) -> list[AssignmentInfo]:
    """The agency's tasks with no report with a status yet this period."""
    owed = assignments_of_agency(session=session, agency_id=agency_id)
    params = {"agency_id": agency_id, "period_id": period_id}
    reported = set(session.connection().execute(_REPORTED_OF_AGENCY, params).scalars())
    return [a for a in owed if a.id not in reported]


def record_report(
    *,
    session: Work,
    assignment_id: int,
    period_id: int,
    reporter: ContactInfo,
    status: Status | None,
    note: str | None,
    now: datetime,
    update_id: int | None = None,
    message_id: int | None = None,
) -> ReportInfo:
    """Add a new version of the report; earlier versions stay as history.

    A report is stored once per Telegram update: the same update again (Telegram delivers
    at least once) raises `AlreadyStored`, and the unit of work is rolled back whole.
    """
    connection = session.connection()
    try:
        inserted = connection.execute(
            _NEW_REPORT,
            {
                "assignment_id": assignment_id,
                "period_id": period_id,
                "status": status,
                "note": note,
                "contact_id": reporter.id,
                "reported_at": now,
                "update_id": update_id,
                "message_id": message_id,
            },
        )
    except IntegrityError as exc:
        if update_id is not None and "update_id" in str(exc.orig):
            raise AlreadyStored(update_id) from exc
        raise
    report_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
    record_audit(
        session=session,
        now=now,
        actor=person_actor(reporter.user_id, reporter.display_name),
        action="report.recorded",
        subject=f"report:{report_id}",
        agency_id=reporter.agency_id,
        detail=f"assignment {assignment_id}, status {status.value if status else '-'}, "
        f"note {len(note or '')} chars",
        update_id=update_id,
    )
    return ReportInfo(report_id, assignment_id, status, note, now, reporter.display_name)


def report_history(*, session: Session, assignment_id: int, period_id: int) -> list[ReportInfo]:
    """Every version of a report, oldest first."""
    rows = session.exec(
        select(StatusReport, Contact)
        .join(Contact, col(Contact.id) == StatusReport.contact_id)
        .where(StatusReport.assignment_id == assignment_id, StatusReport.period_id == period_id)
        .order_by(col(StatusReport.id))
    )
    return [_report_info(r, c) for r, c in rows]


def owing_agencies(*, session: Session) -> list[int]:
    """Agencies that still owe at least one monthly task."""
    rows = session.connection().execute(
        select(Assignment.agency_id)
        .join(Task, col(Task.id) == Assignment.task_id)
        .join(Directive, col(Directive.id) == Task.directive_id)
        .where(*OWED_NOW)
        .distinct()
    )
    return sorted(agency_id for (agency_id,) in in_chunks(rows))


def agencies_not_reported(*, session: Session, period_id: int) -> list[str]:
    """Names of the agencies that still owe a report on some task this period."""
    return [name for name, _, _ in late_agencies(session=session, period_id=period_id)]


def late_agencies(*, session: Session, period_id: int) -> list[tuple[str, int, bool]]:
    """(name, tasks owed, every contact unreachable) of each agency that has not reported."""
    late = []
    for agency_id in owing_agencies(session=session):
        owed = pending_assignments(session=session, agency_id=agency_id, period_id=period_id)
        if not owed:
            continue
        agency = session.get(Agency, agency_id)
        contacts = session.exec(
            select(Contact).where(
                Contact.agency_id == agency_id,
                col(Contact.active).is_(True),
                Contact.role == Role.OFFICER,  # a leader who hears of it does not report
            )
        ).all()
        unreachable = bool(contacts) and all(c.unreachable_since is not None for c in contacts)
        late.append((agency.name if agency else str(agency_id), len(owed), unreachable))
    return late


def agencies_of_task(*, session: Session, task_id: int) -> list[int]:
    """The agencies that hold a task now (lead or coordinating)."""
    query = select(Assignment.agency_id).where(
        Assignment.task_id == task_id, col(Assignment.ended_at).is_(None)
    )
    return sorted(session.exec(query))


def assignment_of(*, session: Session, task_id: int, agency_id: int) -> AssignmentInfo | None:
    """An agency's assignment on a task."""
    query = _ASSIGNMENTS.where(
        col(Assignment.task_id) == task_id, col(Assignment.agency_id) == agency_id
    )
    row = session.connection().execute(query).first()
    return AssignmentInfo(*row) if row else None
