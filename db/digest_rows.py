"""The rows the monthly digest is computed from, each chosen by SQL.

- `assignment_rows`: who owes what, directive by directive, in the digest's order;
- `latest_reports`: each assignment's latest report version of a period as of a time, with
  the reporter's name and the version that stood when the period closed;
- `done_runs`: when the unbroken run of "done" reports behind a period's latest "done" began.

Only the period's own rows are read, and the older history only for the assignments whose
latest report says "done" (how long it has been done is all the digest needs of it).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session

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

_AGENCY = Agency.__table__  # type: ignore[attr-defined]
_ASSIGNMENT = Assignment.__table__  # type: ignore[attr-defined]
_CONTACT = Contact.__table__  # type: ignore[attr-defined]
_DIRECTIVE = Directive.__table__  # type: ignore[attr-defined]
_PERIOD = ReportingPeriod.__table__  # type: ignore[attr-defined]
_REPORT = StatusReport.__table__  # type: ignore[attr-defined]
_TASK = Task.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DirectiveRow:
    """An active directive as the digest heads it."""

    id: int
    code: str
    subject: str
    issuer: str
    issued_on: date | None
    tracker: str | None  # the name of the agency that follows it up


@dataclass(frozen=True)
class LatestReport:
    """An assignment's latest report version of a period, and the one of the period's close."""

    id: int
    status: Status | None
    note: str | None
    reported_at: datetime
    reporter: str | None  # the contact's display name, as stored
    close_id: int | None  # the latest version made by the close, if any
    close_status: Status | None
    close_note: str | None


# (directive id, task id, number, title, deadline, assignment id, role, agency name, code, kind)
AssignmentRow = tuple[
    int, int, str, str, date | None, int, AssignmentRole, str, str, str
]


def assignment_rows(
    session: Session, directive_code: str | None
) -> tuple[list[DirectiveRow], list[AssignmentRow]]:
    """The active directives that have assignments, and every assignment of theirs.

    Assignments come directive by directive, task by task, lead agencies first.
    """
    d, t, a, ag = _DIRECTIVE, _TASK, _ASSIGNMENT, _AGENCY
    query = (
        sa_select(
            t.c.directive_id,
            t.c.id,
            t.c.number,
            t.c.title,
            t.c.deadline,
            a.c.id,
            a.c.role,
            ag.c.name,
            ag.c.code,
            ag.c.kind,
        )
        .select_from(d)
        .join(t, t.c.directive_id == d.c.id)
        .join(a, a.c.task_id == t.c.id)
        .join(ag, ag.c.id == a.c.agency_id)
        .where(d.c.active.is_(True))
        .order_by(d.c.id, t.c.position, a.c.role.desc(), ag.c.id, a.c.id)
    )
    if directive_code:
        query = query.where(d.c.code == directive_code)
    rows: list[AssignmentRow] = [tuple(row) for row in session.execute(query)]  # type: ignore[misc]
    used = {row[0] for row in rows}
    tracker = ag.alias("tracker")
    heads = session.execute(
        sa_select(
            d.c.id, d.c.code, d.c.subject, d.c.issuer, d.c.issued_on, tracker.c.name
        )
        .outerjoin(tracker, tracker.c.id == d.c.tracker_agency_id)
        .where(d.c.id.in_(used))
        .order_by(d.c.id)
    )
    return [DirectiveRow(*head) for head in heads], rows


def latest_reports(
    session: Session, *, period_id: int, as_of: datetime, closed_at: datetime
) -> dict[int, LatestReport]:
    """Per assignment, its latest report version of the period made by `as_of` (the highest
    id), with the latest made by `closed_at` (the period's close) beside it."""
    r, closing = _REPORT, _REPORT.alias("closing")
    ranked = (
        sa_select(
            r.c.id,
            r.c.assignment_id,
            r.c.status,
            r.c.note,
            r.c.reported_at,
            r.c.contact_id,
            func.row_number()
            .over(partition_by=r.c.assignment_id, order_by=r.c.id.desc())
            .label("rank"),
            func.max(case((r.c.reported_at <= closed_at, r.c.id)))
            .over(partition_by=r.c.assignment_id)
            .label("close_id"),
        )
        .where(r.c.period_id == period_id, r.c.reported_at <= as_of)
        .subquery()
    )
    query = (
        sa_select(
            ranked.c.assignment_id,
            ranked.c.id,
            ranked.c.status,
            ranked.c.note,
            ranked.c.reported_at,
            _CONTACT.c.display_name,
            ranked.c.close_id,
            closing.c.status,
            closing.c.note,
        )
        .outerjoin(_CONTACT, _CONTACT.c.id == ranked.c.contact_id)
        .outerjoin(closing, closing.c.id == ranked.c.close_id)
        .where(ranked.c.rank == 1)
    )
    return {row[0]: LatestReport(*row[1:]) for row in session.execute(query)}


def latest_statuses(
    session: Session, *, period_id: int, as_of: datetime
) -> dict[int, tuple[int, Status | None]]:
    """Per assignment, the id and status of its latest report version of the period by
    `as_of`."""
    r = _REPORT
    ranked = (
        sa_select(
            r.c.id,
            r.c.assignment_id,
            r.c.status,
            func.row_number()
            .over(partition_by=r.c.assignment_id, order_by=r.c.id.desc())
            .label("rank"),
        )
        .where(r.c.period_id == period_id, r.c.reported_at <= as_of)
        .subquery()
    )
    query = sa_select(ranked.c.assignment_id, ranked.c.id, ranked.c.status).where(
        ranked.c.rank == 1
    )
    return {aid: (rid, status) for aid, rid, status in session.execute(query)}


def done_runs(
    session: Session, *, report_ids: Collection[int], month: str, as_of: datetime
) -> dict[int, tuple[datetime, datetime]]:
    """For each of `report_ids` (versions that say "done"), when the unbroken run of "done"
    reports ending with it began, and the due time of the period that first "done" was for.

    The run is read in the order the versions were made (time, then id), among the versions
    made by `as_of` for `month` and the months before; a version without a status does not
    break it, any other status does.
    """
    if not report_ids:
        return {}
    r, p, target = _REPORT, _PERIOD, _REPORT.alias("target")
    targets = sa_select(target.c.id, target.c.assignment_id).where(
        target.c.id.in_(sorted(report_ids))
    )
    # A version's run: how many breaking versions were made up to and including it.
    breaking = and_(r.c.status.is_not(None), r.c.status != Status.DONE)
    history = (
        sa_select(
            r.c.id,
            r.c.assignment_id,
            r.c.status,
            r.c.reported_at,
            p.c.due_at,
            func.sum(case((breaking, 1), else_=0))
            .over(
                partition_by=r.c.assignment_id,
                order_by=(r.c.reported_at, r.c.id),
                rows=(None, 0),
            )
            .label("run"),
        )
        .join(p, p.c.id == r.c.period_id)
        .where(
            r.c.assignment_id.in_(targets.with_only_columns(target.c.assignment_id)),
            r.c.reported_at <= as_of,
            p.c.month <= month,
        )
        .cte("history")
    )
    firsts = (
        sa_select(
            history.c.assignment_id,
            history.c.run,
            history.c.reported_at,
            history.c.due_at,
            func.row_number()
            .over(
                partition_by=(history.c.assignment_id, history.c.run),
                order_by=(history.c.reported_at, history.c.id),
            )
            .label("rank"),
        )
        .where(history.c.status == Status.DONE)
        .subquery()
    )
    query = (
        sa_select(history.c.id, firsts.c.reported_at, firsts.c.due_at)
        .join(
            firsts,
            and_(
                firsts.c.assignment_id == history.c.assignment_id,
                firsts.c.run == history.c.run,
                firsts.c.rank == 1,
            ),
        )
        .where(or_(*_in_chunks(history.c.id, sorted(report_ids))))
    )
    return {rid: (started, due) for rid, started, due in session.execute(query)}
