"""The rows the monthly digest is computed from, each chosen by SQL.

- `assignment_rows`: who owes what, directive by directive, in the digest's order;
- `latest_reports`: each assignment's latest report version of a period as of a time, with
  the reporter's name and the version that stood when the period closed;
- `latest_statuses`: the same, the status only (the previous period, for the changes);
- `statuses_said_since`: the report versions that gave a status, for how long a "done" has
  stood: those of some periods and any made since the earliest of them, or every one;
- `officer_contacts`: the active officers of some agencies, to say who can be reached.

A report version's order is the order it was made in: its time, then its id.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import DateTime, and_, bindparam, case, func, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session

from db.models import (
    Agency,
    Assignment,
    AssignmentRole,
    Contact,
    DeadlineChange,
    Directive,
    ReportFile,
    ReportingPeriod,
    Role,
    Status,
    StatusReport,
    Task,
)

_AGENCY: Any = Agency.__table__  # type: ignore[attr-defined]
_ASSIGNMENT: Any = Assignment.__table__  # type: ignore[attr-defined]
_CONTACT: Any = Contact.__table__  # type: ignore[attr-defined]
_CHANGE: Any = DeadlineChange.__table__  # type: ignore[attr-defined]
_FILE: Any = ReportFile.__table__  # type: ignore[attr-defined]
_DIRECTIVE: Any = Directive.__table__  # type: ignore[attr-defined]
_PERIOD: Any = ReportingPeriod.__table__  # type: ignore[attr-defined]
_REPORT: Any = StatusReport.__table__  # type: ignore[attr-defined]
_TASK: Any = Task.__table__  # type: ignore[attr-defined]

CHUNK = 500  # ids bound in one IN (...): well under every database's limit


@dataclass(frozen=True)
class DirectiveRow:
    """An active directive as the digest heads it."""

    id: int
    code: str
    subject: str
    issuer: str
    issued_on: date | None
    tracker: str | None  # the name of the agency that follows it up


class PeriodRow(NamedTuple):
    """A period and its times (as the database gives them)."""

    id: int
    month: str
    request_at: datetime
    due_at: datetime
    digest_at: datetime


# An assignment in the digest's order: (directive id, task id, assignment id, role, agency id).
AssignmentRow = tuple[int, int, int, AssignmentRole, int]

# An assignment's latest report version of a period, and the one of the period's close: (id,
# status, note, reported at, the reporter's display name as stored, then the latest version
# made by the close when a later one stands: its id, status and note).
LatestReport = tuple[
    int, Status | None, str | None, datetime, str | None, int | None, Status | None, str | None
]


@dataclass(frozen=True)
class Owed:
    """Who owes what: the directives, their tasks, the agencies and each assignment."""

    directives: list[DirectiveRow]
    tasks: dict[int, tuple[str, str, date | None]]  # id: (number, title, deadline)
    agencies: dict[int, tuple[str, str, str]]  # id: (name, code, kind)
    rows: list[AssignmentRow]


# A report version that gave a status: (assignment id, id, whether it said "done", reported
# at, period id).
Said = tuple[int, int, bool, datetime, int]


_K = TypeVar("_K", int, str)


def _chunks(ids: Collection[_K]) -> Iterator[list[_K]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _utc(column: Any) -> Any:
    """A time column read as the database gives it (SQLite: naive UTC), not through the
    model's type: `jobs.digest` makes it aware where it is used."""
    return type_coerce(column, DateTime()).label(column.name)


# Built once: the digest is asked for in the chat, each statement's SQL is cached.
_D, _T, _A, _AG, _R = _DIRECTIVE, _TASK, _ASSIGNMENT, _AGENCY, _REPORT
_ACTIVE = _D.c.active.is_(True)
# Owed in the period (db/lifecycle.py `owed_during`): given by its close, and neither the
# assignment, its task nor its directive ended before its request.
_OWED_IN_PERIOD = and_(
    or_(_A.c.since.is_(None), _A.c.since <= bindparam("digest_at")),
    *(
        # Each comparison binds the time through its column's type (UTC, as stored).
        or_(end.is_(None), end > bindparam("request_at"))
        for end in (_A.c.ended_at, _T.c.closed_at, _D.c.closed_at)
    ),
)
_ASSIGNMENTS: Any = (
    sa_select(_T.c.directive_id, _T.c.id, _A.c.id, _A.c.role, _A.c.agency_id)
    .select_from(_D)
    .join(_T, _T.c.directive_id == _D.c.id)
    .join(_A, _A.c.task_id == _T.c.id)
    .where(_ACTIVE, _OWED_IN_PERIOD)
    .order_by(_D.c.id, _T.c.position, _A.c.role.desc(), _A.c.agency_id, _A.c.id)
)
_TASKS: Any = (
    sa_select(_T.c.id, _T.c.number, _T.c.title, _T.c.deadline)
    .join(_D, _D.c.id == _T.c.directive_id)
    .where(_ACTIVE)
)
_OWING: Any = (
    sa_select(_A.c.agency_id)
    .join(_T, _T.c.id == _A.c.task_id)
    .join(_D, _D.c.id == _T.c.directive_id)
    .where(_ACTIVE)
)
_ONE_DIRECTIVE = _D.c.code == bindparam("directive_code")
_AGENCIES: Any = sa_select(_AG.c.id, _AG.c.name, _AG.c.code, _AG.c.kind)
# Every active directive's, or one's: (assignments, tasks, agencies).
_OWED: dict[bool, tuple[Any, Any, Any]] = {
    one: (
        _ASSIGNMENTS.where(_ONE_DIRECTIVE) if one else _ASSIGNMENTS,
        _TASKS.where(_ONE_DIRECTIVE) if one else _TASKS,
        _AGENCIES.where(_AG.c.id.in_(_OWING.where(_ONE_DIRECTIVE) if one else _OWING)),
    )
    for one in (False, True)
}
_TRACKER = _AG.alias("tracker")
_HEADS: Any = (
    sa_select(_D.c.id, _D.c.code, _D.c.subject, _D.c.issuer, _D.c.issued_on, _TRACKER.c.name)
    .outerjoin(_TRACKER, _TRACKER.c.id == _D.c.tracker_agency_id)
    .where(_D.c.id.in_(bindparam("directive_ids", expanding=True)))
    .order_by(_D.c.id)
)
_MADE_BY = _R.c.reported_at <= bindparam("as_of")
_OF_PERIOD = _R.c.period_id == bindparam("period_id")
_LATEST = (
    sa_select(
        _R.c.assignment_id,
        func.max(_R.c.id).label("id"),
        func.max(case((_R.c.reported_at <= bindparam("closed_at"), _R.c.id))).label("close_id"),
    )
    .where(_OF_PERIOD, _MADE_BY)
    .group_by(_R.c.assignment_id)
    .subquery("latest")
)
_VERSION, _CLOSING = _R.alias("version"), _R.alias("closing")
_LATEST_REPORTS: Any = (
    sa_select(
        _LATEST.c.assignment_id,
        _VERSION.c.id,
        _VERSION.c.status,
        _VERSION.c.note,
        _utc(_VERSION.c.reported_at),
        _CONTACT.c.display_name,
        _CLOSING.c.id,
        _CLOSING.c.status,
        _CLOSING.c.note,
    )
    .join(_VERSION, _VERSION.c.id == _LATEST.c.id)
    .outerjoin(_CONTACT, _CONTACT.c.id == _VERSION.c.contact_id)
    .outerjoin(
        _CLOSING, and_(_CLOSING.c.id == _LATEST.c.close_id, _LATEST.c.close_id < _LATEST.c.id)
    )
)
_LATEST_IDS = (
    sa_select(func.max(_R.c.id).label("id"))
    .where(_OF_PERIOD, _MADE_BY)
    .group_by(_R.c.assignment_id)
    .subquery("latest")
)
_LATEST_STATUSES: Any = sa_select(_VERSION.c.assignment_id, _VERSION.c.id, _VERSION.c.status).join(
    _LATEST_IDS, _LATEST_IDS.c.id == _VERSION.c.id
)
_PERIODS_UNTIL: Any = (
    sa_select(
        _PERIOD.c.id,
        _PERIOD.c.month,
        _utc(_PERIOD.c.request_at),
        _utc(_PERIOD.c.due_at),
        _utc(_PERIOD.c.digest_at),
    )
    .where(_PERIOD.c.month <= bindparam("month"))
    .order_by(_PERIOD.c.month.desc())
)
# Whether a version said "done" is all a run needs of its status: compared in SQL, not read as
# an enum member for every version.
_SAID: Any = sa_select(
    _R.c.assignment_id,
    _R.c.id,
    (_R.c.status == Status.DONE).label("done"),
    _utc(_R.c.reported_at),
    _R.c.period_id,
).where(_R.c.status.is_not(None), _MADE_BY)
_OF_PERIODS = _R.c.period_id.in_(bindparam("period_ids", expanding=True))
_OF_ASSIGNMENTS = _R.c.assignment_id.in_(bindparam("assignment_ids", expanding=True))
_EARLIEST: Any = sa_select(func.min(_R.c.reported_at)).where(_OF_PERIODS, _MADE_BY)
_SAID_SINCE: Any = _SAID.where(
    _OF_ASSIGNMENTS, or_(_OF_PERIODS, _R.c.reported_at >= bindparam("since"))
)
_SAID_OF_ASSIGNMENTS: Any = _SAID.where(_OF_ASSIGNMENTS)
_OFFICERS: Any = (
    sa_select(_AG.c.code, _CONTACT.c.display_name, _utc(_CONTACT.c.unreachable_since))
    .join(_CONTACT, _CONTACT.c.agency_id == _AG.c.id)
    .where(
        # The officers of the period's time: joined by then, and active or revoked after it.
        _CONTACT.c.joined_at <= bindparam("moment"),
        or_(_CONTACT.c.active.is_(True), _CONTACT.c.revoked_at > bindparam("moment")),
        _CONTACT.c.role == Role.OFFICER,
        _AG.c.code.in_(bindparam("codes", expanding=True)),
    )
    .order_by(_CONTACT.c.id)
)


def assignment_rows(
    session: Session, directive_code: str | None, period: tuple[datetime, datetime]
) -> Owed:
    """The active directives (or the one of `directive_code`) that have assignments owed in
    the period (its request and digest times), and every such assignment of theirs.

    Assignments come directive by directive, task by task, lead agencies first.
    """
    assignments, tasks, agencies = _OWED[bool(directive_code)]
    request_at, digest_at = period
    params = {"directive_code": directive_code, "request_at": request_at, "digest_at": digest_at}
    rows: list[AssignmentRow] = session.execute(assignments, params).all()  # type: ignore[assignment]
    if not rows:
        return Owed([], {}, {}, [])
    directive_ids = sorted({row[0] for row in rows})
    return Owed(
        [DirectiveRow(*head) for head in session.execute(_HEADS, {"directive_ids": directive_ids})],
        {
            tid: (number, title, deadline)
            for tid, number, title, deadline in session.execute(tasks, params).all()
        },
        {
            aid: (name, code, kind)
            for aid, name, code, kind in session.execute(agencies, params).all()
        },
        rows,
    )


def latest_reports(
    session: Session, *, period_id: int, as_of: datetime, closed_at: datetime
) -> dict[int, LatestReport]:
    """Per assignment, its latest report version of the period made by `as_of` (the highest
    id); when that one came after `closed_at`, the latest made by then beside it."""
    params = {"period_id": period_id, "as_of": as_of, "closed_at": closed_at}
    rows = session.execute(_LATEST_REPORTS, params).all()
    return {row[0]: row[1:] for row in rows}


def latest_statuses(
    session: Session, *, period_id: int, as_of: datetime
) -> dict[int, tuple[int, Status | None]]:
    """Per assignment, the id and status of its latest report version of the period made by
    `as_of`."""
    rows = session.execute(_LATEST_STATUSES, {"period_id": period_id, "as_of": as_of}).all()
    return {aid: (rid, status) for aid, rid, status in rows}


def periods_until(session: Session, month: str) -> list[PeriodRow]:
    """The periods of `month` and before, latest first."""
    return [PeriodRow._make(row) for row in session.execute(_PERIODS_UNTIL, {"month": month})]


def statuses_said_since(
    session: Session,
    *,
    as_of: datetime,
    period_ids: Sequence[int] | None,
    assignment_ids: Collection[int],
) -> list[Said]:
    """The report versions made by `as_of` that gave a status, of these assignments: those
    for `period_ids` and any made since the earliest version made for them (for an older
    period, late, or for a later one); or, without `period_ids`, every one."""
    params: dict[str, Any] = {"as_of": as_of}
    query = _SAID_OF_ASSIGNMENTS
    if period_ids is not None:
        params["period_ids"] = list(period_ids)
        params["since"] = session.execute(_EARLIEST, params).scalar()
        if params["since"] is None:
            return []
        query = _SAID_SINCE
    return [
        row
        for chunk in _chunks(assignment_ids)
        for row in session.execute(query, {**params, "assignment_ids": chunk}).all()
    ]


def officer_contacts(
    session: Session, agency_codes: Collection[str], moment: datetime
) -> list[tuple[str, str, datetime | None]]:
    """The officers these agencies had at `moment`, as (agency code, display name,
    unreachable since, if it was by then): each agency's in the order they registered."""
    params = {"moment": moment}
    return [
        (code, name, since if since is not None and _naive(since) <= _naive(moment) else None)
        for chunk in _chunks(agency_codes)
        for code, name, since in session.execute(_OFFICERS, {**params, "codes": chunk}).all()
    ]


def _naive(moment: datetime) -> datetime:
    """A time as naive UTC (SQLite gives them so; PostgreSQL aware)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


_CHANGES: Any = sa_select(
    _CHANGE.c.task_id, _utc(_CHANGE.c.changed_at), _CHANGE.c.old_deadline, _CHANGE.c.new_deadline
).order_by(_CHANGE.c.changed_at, _CHANGE.c.id)


def deadline_changes(session: Session) -> dict[int, list[tuple[datetime, date | None, date]]]:
    """Every task's deadline changes, oldest first: (when, the old deadline, the new one)."""
    changes: dict[int, list[tuple[datetime, date | None, date]]] = {}
    for task_id, changed_at, old, new in session.execute(_CHANGES):
        changes.setdefault(task_id, []).append((changed_at, old, new))
    return changes


_FILES: Any = (
    sa_select(_FILE.c.assignment_id, _FILE.c.file_name)
    .where(_FILE.c.period_id == bindparam("period_id"), _FILE.c.received_at <= bindparam("as_of"))
    .order_by(_FILE.c.id)
)


def file_names(session: Session, period_id: int, as_of: datetime) -> dict[int, list[str]]:
    """The names of the files sent with the period's reports by `as_of`, by assignment."""
    names: dict[int, list[str]] = {}
    for assignment_id, name in session.execute(_FILES, {"period_id": period_id, "as_of": as_of}):
        names.setdefault(assignment_id, []).append(name)
    return names
