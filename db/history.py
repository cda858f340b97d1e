"""A task's or an agency's reports month by month: what each agency said in each period.

Each month shows the latest version an agency gave for it (edits after the month's
close included), and only the months in which the agency held the task: a task closed,
an agency relieved of it or given it later shows in the months it was owed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.lifecycle import Refused, find_task, owed_during
from db.models import (
    Agency,
    Assignment,
    AssignmentRole,
    Contact,
    Directive,
    ReportingPeriod,
    Status,
    StatusReport,
    Task,
)
from db.periods import month_label


@dataclass(frozen=True)
class MonthReport:
    """One agency's word on one task for one month (no status: not reported)."""

    month: str  # "2021-08"
    directive_code: str
    number: str
    title: str
    agency_code: str
    agency_name: str
    role: AssignmentRole
    status: Status | None
    note: str | None
    reporter: str | None

    @property
    def label(self) -> str:
        """The month as the Office writes it: 08/2021."""
        return month_label(self.month)


def task_history(*, session: Session, directive_code: str, number: str) -> list[MonthReport]:
    """Every month of a task, oldest first, each of its agencies in the task's order."""
    _, task = find_task(session, directive_code, number)
    return _history(session, col(Assignment.task_id) == task.id)


def agency_history(*, session: Session, agency_code: str) -> list[MonthReport]:
    """Every month of an agency's tasks, oldest first, the tasks in document order."""
    agency = session.exec(select(Agency).where(Agency.code == agency_code)).first()
    if agency is None:
        raise Refused("lifecycle.unknown_agency", agency=agency_code)
    return _history(session, col(Assignment.agency_id) == agency.id)


def _history(session: Session, which: object) -> list[MonthReport]:
    held = list(
        session.exec(
            select(Assignment, Task, Directive, Agency)
            .join(Task, col(Task.id) == Assignment.task_id)
            .join(Directive, col(Directive.id) == Task.directive_id)
            .join(Agency, col(Agency.id) == Assignment.agency_id)
            .where(which)  # type: ignore[arg-type]
            .order_by(col(Directive.id), col(Task.position), col(Assignment.id))
        )
    )
    if not held:
        return []
    months = list(session.exec(select(ReportingPeriod).order_by(col(ReportingPeriod.month))))
    latest = _latest_reports(session, [assignment.id or 0 for assignment, *_ in held])
    rows = []
    for period in months:
        for assignment, task, directive, agency in held:
            if not owed_during(
                period.request_at,
                period.digest_at,
                since=assignment.since,
                ended_at=assignment.ended_at,
                closed_at=_first(task.closed_at, directive.closed_at),
            ):
                continue
            said = latest.get((assignment.id or 0, period.id or 0))
            status, note, reporter = said if said is not None else (None, None, None)
            rows.append(
                MonthReport(
                    period.month,
                    directive.code,
                    task.number,
                    task.title,
                    agency.code,
                    agency.name,
                    assignment.role,
                    status,
                    note,
                    reporter,
                )
            )
    return rows


def _first(*moments: datetime | None) -> datetime | None:
    """The earliest of the moments given (None when none is)."""
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


def _latest_reports(
    session: Session, assignment_ids: Iterable[int]
) -> dict[tuple[int, int], tuple[Status | None, str | None, str]]:
    """(status, note, reporter) of the latest version per (assignment, period)."""
    latest = (
        select(func.max(StatusReport.id).label("report_id"))
        .where(col(StatusReport.assignment_id).in_(list(assignment_ids)))
        .group_by(col(StatusReport.assignment_id), col(StatusReport.period_id))
        .subquery()
    )
    rows = session.connection().execute(
        sa_select(
            col(StatusReport.assignment_id),
            col(StatusReport.period_id),
            col(StatusReport.status),
            col(StatusReport.note),
            col(Contact.display_name),
        )
        .join(latest, latest.c.report_id == StatusReport.id)
        .join(Contact, col(Contact.id) == StatusReport.contact_id)
    )
    return {(a, p): (status, note, name) for a, p, status, note, name in rows}
