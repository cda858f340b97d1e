"""The monthly digest: computed from the database as plain data, rendered as HTML or text.

`build_digest` reads every report version up to a time (`as_of`), so the digest of a past
period is reproducible: a report edited after the period closed never rewrites what the
digest said then, and a later digest shows it marked as edited, with what it said at the
close. The rules that make the Office's figures are plain functions of that data:

- `combined_status`: a task's status from its agencies' reports, lead agencies first;
- `task_category`: completed on time / late, not completed within the deadline / overdue.

Its words (headings, labels) are here too; `jobs/digest_text.py` renders it for the chat and
the command line, and the `reports` package as the Word report, chart and spreadsheets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.texts import GLOSSARY, STATUS_ICONS, status_label
from db.models import (
    Agency,
    Assignment,
    AssignmentRole,
    Contact,
    Directive,
    ReportingPeriod,
    Role,
    Status,
    StatusReport,
    Task,
)
from db.periods import PeriodInfo
from dondoc.sanitize import clean_note
from jobs.difficulties import states_difficulty

UNREPORTED = "none"
UNSET = "unset"


class Category(StrEnum):
    """Where a task stands in the Government Office's own terms."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_ON_TIME = "open_on_time"
    OPEN_OVERDUE = "open_overdue"


CATEGORY_ORDER = list(Category)
CATEGORY_ICONS = {
    Category.DONE_ON_TIME: "✅",
    Category.DONE_LATE: "☑️",
    Category.OPEN_ON_TIME: "🔄",
    Category.OPEN_OVERDUE: "⏰",
}


@dataclass(frozen=True)
class AgencyEntry:
    """One agency's part in a task and what it reported (the latest version as of the digest)."""

    agency: str
    role: AssignmentRole
    status: Status | None
    reported: bool
    note: str | None = None
    reported_at: datetime | None = None
    agency_code: str = ""
    agency_kind: str = ""
    reporter: str | None = None
    done_at: datetime | None = None  # start of the unbroken run of "done" reports
    done_in_time: bool = False  # that run began by its period's due time
    edited_after_close: bool = False  # changed after the period closed
    late_report: bool = False  # first reported after the period closed
    status_at_close: Status | None = None
    note_at_close: str | None = None

    @property
    def bucket(self) -> str:
        """The count this entry falls in: a status value, "unset" or "none"."""
        if not self.reported:
            return UNREPORTED
        return self.status.value if self.status else UNSET

    @property
    def asks_for_help(self) -> bool:
        """Blocked, or a note that states a difficulty or a request (đề xuất, kiến nghị…)."""
        return self.status is Status.BLOCKED or states_difficulty(self.note)


def _leads_first(entries: list[AgencyEntry]) -> list[AgencyEntry]:
    return [e for e in entries if e.role is AssignmentRole.LEAD] or entries


def combined_status(entries: list[AgencyEntry]) -> Status | None:
    """A task's status from its agencies' reports; lead agencies count first.

    - Done only when every lead agency has reported it done (coordinating agencies cannot
      complete a task; a task without a lead is judged on all its agencies).
    - Otherwise the worst status a lead reported (blocked, then behind, then in progress;
      a lead's "done" while another lead is not done counts as in progress).
    - When no lead has given a status yet, the coordinating agencies' worst status stands in
      (their "done" counts as in progress); None when nobody has given a status.
    """
    leads = _leads_first(entries)
    if leads and all(e.status is Status.DONE for e in leads):
        return Status.DONE
    for group in (leads, entries):
        given = {e.status for e in group if e.status is not None}
        for status in (Status.BLOCKED, Status.BEHIND):
            if status in given:
                return status
        if given:
            return Status.IN_PROGRESS
    return None


def task_category(
    *,
    status: Status | None,
    deadline: date | None,
    done_at: date | None,
    done_in_time: bool,
    today: date,
) -> Category:
    """Completed on time or late, or not completed within the deadline or overdue.

    A task is completed on the day its last lead agency reported it done. With a deadline,
    it is on time when that day is on or before the deadline. Without one, it is on time when
    each lead reported "done" by the due time of the month it reported in (`done_in_time`).
    A task not completed is overdue once `today` is past its deadline; a task without a
    deadline is never overdue.
    """
    if status is Status.DONE:
        if deadline is not None and done_at is not None:
            return Category.DONE_ON_TIME if done_at <= deadline else Category.DONE_LATE
        return Category.DONE_ON_TIME if done_in_time else Category.DONE_LATE
    if deadline is not None and today > deadline:
        return Category.OPEN_OVERDUE
    return Category.OPEN_ON_TIME


@dataclass(frozen=True)
class TaskDigest:
    """Where one task stands."""

    number: str
    title: str
    deadline: date | None
    entries: list[AgencyEntry]
    directive_code: str = ""
    status: Status | None = None
    category: Category = Category.OPEN_ON_TIME
    done_at: datetime | None = None

    def overdue(self, today: date) -> bool:
        """The task's deadline has passed and a lead agency has not reported it done."""
        if self.deadline is None or today <= self.deadline:
            return False
        return any(e.status is not Status.DONE for e in _leads_first(self.entries))

    @property
    def past_deadline(self) -> bool:
        """Completed late or overdue."""
        return self.category in (Category.DONE_LATE, Category.OPEN_OVERDUE)


@dataclass(frozen=True)
class DirectiveDigest:
    """A directive's tasks in the digest."""

    code: str
    subject: str
    tasks: list[TaskDigest]
    issuer: str = ""
    issued_on: date | None = None
    tracker: str | None = None  # the agency that follows the directive up (the Office)

    @property
    def counts(self) -> Counter[str]:
        """Assignments per bucket."""
        return Counter(e.bucket for t in self.tasks for e in t.entries)

    @property
    def categories(self) -> Counter[Category]:
        """Tasks per category."""
        return Counter(t.category for t in self.tasks)


@dataclass(frozen=True)
class ContactReach:
    """A contact of an agency and whether the bot can still reach it."""

    name: str
    unreachable_since: datetime | None = None

    @property
    def reachable(self) -> bool:
        """The bot's last message got through (or none failed yet)."""
        return self.unreachable_since is None


@dataclass(frozen=True)
class SilentAgency:
    """An agency that owes a report on some task: which tasks, and who can be reached.

    It has reported none of its tasks ("chưa báo cáo"), or only part of them ("báo cáo chưa
    đủ": `reported` of `assigned`).
    """

    name: str
    code: str
    tasks: list[str]  # "2658/UBND-KT 2.1"
    contacts: list[ContactReach]
    reported: int = 0
    assigned: int = 0

    @property
    def partial(self) -> bool:
        """It reported some of its tasks, not all."""
        return self.reported > 0


@dataclass(frozen=True)
class Blocker:
    """A difficulty or a request for the City's help."""

    directive_code: str
    number: str
    agency: str
    status: Status | None
    note: str | None
    reported_at: datetime | None


@dataclass(frozen=True)
class TaskChange:
    """A task whose combined status moved since the previous period."""

    directive_code: str
    number: str
    title: str
    before: Status | None
    after: Status | None
    before_category: Category | None
    after_category: Category


@dataclass(frozen=True)
class Edit:
    """A report changed after the period closed: what it said at the close and now."""

    directive_code: str
    number: str
    agency: str
    before: Status | None
    before_note: str | None
    after: Status | None
    after_note: str | None
    edited_at: datetime


@dataclass(frozen=True)
class Digest:
    """The digest of one period, as of a time."""

    period: PeriodInfo
    as_of: datetime
    directives: list[DirectiveDigest] = field(default_factory=list)
    silent: list[SilentAgency] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)
    changes: list[TaskChange] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    previous: PeriodInfo | None = None
    previous_categories: Counter[Category] | None = None
    today: date | None = None  # the day deadlines are judged on

    @property
    def counts(self) -> Counter[str]:
        """Assignments per bucket across every directive."""
        total: Counter[str] = Counter()
        for directive in self.directives:
            total.update(directive.counts)
        return total

    @property
    def categories(self) -> Counter[Category]:
        """Tasks per category across every directive."""
        total: Counter[Category] = Counter()
        for directive in self.directives:
            total.update(directive.categories)
        return total

    @property
    def unreported(self) -> list[SilentAgency]:
        """Agencies that have reported none of their tasks."""
        return [a for a in self.silent if not a.partial]

    @property
    def partial(self) -> list[SilentAgency]:
        """Agencies that have reported some of their tasks, not all ("báo cáo chưa đủ")."""
        return [a for a in self.silent if a.partial]

    @property
    def tasks(self) -> list[TaskDigest]:
        """Every task, directive by directive."""
        return [t for d in self.directives for t in d.tasks]

    @property
    def closed(self) -> bool:
        """The period had closed (its digest time had come) at `as_of`."""
        return self.as_of >= self.period.digest_at


# --- building ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Version:
    id: int
    assignment_id: int
    month: str
    status: Status | None
    note: str | None
    reported_at: datetime
    contact_id: int
    due_at: datetime


@dataclass(frozen=True)
class _Row:
    directive: Directive
    task_id: int
    number: str
    title: str
    deadline: date | None
    assignment_id: int
    role: AssignmentRole
    agency_id: int
    agency: str
    agency_code: str
    agency_kind: str


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive UTC datetimes; make them aware."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _history(session: Session, month: str, as_of: datetime) -> dict[int, list[_Version]]:
    """Every report version up to `as_of` of this month and the months before, per assignment,
    in the order they were made."""
    rows = session.execute(
        sa_select(
            col(StatusReport.id),
            col(StatusReport.assignment_id),
            col(ReportingPeriod.month),
            col(StatusReport.status),
            col(StatusReport.note),
            col(StatusReport.reported_at),
            col(StatusReport.contact_id),
            col(ReportingPeriod.due_at),
        )
        .join(ReportingPeriod, col(ReportingPeriod.id) == StatusReport.period_id)
        .where(col(StatusReport.reported_at) <= as_of, col(ReportingPeriod.month) <= month)
        .order_by(col(StatusReport.reported_at), col(StatusReport.id))
    )
    history: dict[int, list[_Version]] = defaultdict(list)
    for rid, aid, m, status, note, at, contact_id, due in rows:
        history[aid].append(
            _Version(
                rid,
                aid,
                m,
                status,
                clean_note(note) if note else note,
                _aware(at),
                contact_id,
                _aware(due),
            )
        )
    return history


def _latest_in(versions: list[_Version], month: str) -> _Version | None:
    """The latest version made for `month` (by id, as `latest_reports` counts it)."""
    own = [v for v in versions if v.month == month]
    return max(own, key=lambda v: v.id) if own else None


def _done_run(versions: list[_Version], latest: _Version) -> tuple[datetime | None, bool]:
    """When the unbroken run of "done" reports ending at `latest` began, and whether in time.

    Replies without a status do not break the run; any other status does.
    """
    if latest.status is not Status.DONE:
        return None, False
    start = latest
    for version in reversed(versions[: versions.index(latest) + 1]):
        if version.status is None:
            continue
        if version.status is not Status.DONE:
            break
        start = version
    return start.reported_at, start.reported_at <= start.due_at


def _assignment_rows(session: Session, directive_code: str | None) -> list[_Row]:
    query = (
        select(Directive, Task, Assignment, Agency)
        .join(Task, col(Task.directive_id) == Directive.id)
        .join(Assignment, col(Assignment.task_id) == Task.id)
        .join(Agency, col(Agency.id) == Assignment.agency_id)
        .where(col(Directive.active).is_(True))
        .order_by(
            col(Directive.id), col(Task.position), col(Assignment.role).desc(), col(Agency.id)
        )
    )
    if directive_code:
        query = query.where(Directive.code == directive_code)
    return [
        _Row(
            d,
            t.id,  # type: ignore[arg-type]
            t.number,
            t.title,
            t.deadline,
            a.id,  # type: ignore[arg-type]
            a.role,
            ag.id,  # type: ignore[arg-type]
            ag.name,
            ag.code,
            ag.kind,
        )
        for d, t, a, ag in session.exec(query)
    ]


def _tasks_for(
    rows: list[_Row],
    history: dict[int, list[_Version]],
    period: PeriodInfo,
    as_of: datetime,
    today: date,
    names: dict[int, str],
    zone: ZoneInfo,
) -> dict[str, list[TaskDigest]]:
    """The tasks of each directive with their entries and combined status, as of `as_of`."""
    closed_at = period.digest_at
    grouped: dict[tuple[str, int], list[tuple[_Row, AgencyEntry]]] = {}
    for row in rows:
        versions = history.get(row.assignment_id, [])
        latest = _latest_in(versions, period.month)
        entry = AgencyEntry(
            agency=row.agency,
            role=row.role,
            status=None,
            reported=False,
            agency_code=row.agency_code,
            agency_kind=row.agency_kind,
        )
        if latest is not None:
            done_at, in_time = _done_run(versions, latest)
            at_close = None
            if as_of > closed_at and latest.reported_at > closed_at:
                at_close = _latest_in(
                    [v for v in versions if v.reported_at <= closed_at], period.month
                )
            entry = AgencyEntry(
                agency=row.agency,
                role=row.role,
                status=latest.status,
                reported=True,
                note=latest.note,
                reported_at=latest.reported_at,
                agency_code=row.agency_code,
                agency_kind=row.agency_kind,
                reporter=names.get(latest.contact_id),
                done_at=done_at,
                done_in_time=in_time,
                edited_after_close=at_close is not None,
                late_report=as_of > closed_at and latest.reported_at > closed_at and not at_close,
                status_at_close=at_close.status if at_close else None,
                note_at_close=at_close.note if at_close else None,
            )
        grouped.setdefault((row.directive.code, row.task_id), []).append((row, entry))
    tasks: dict[str, list[TaskDigest]] = defaultdict(list)
    for (code, _), pairs in grouped.items():
        first = pairs[0][0]
        entries = [entry for _, entry in pairs]
        status = combined_status(entries)
        leads = _leads_first(entries)
        done_at = (
            max(e.done_at for e in leads if e.done_at)
            if status is Status.DONE and all(e.done_at for e in leads)
            else None
        )
        category = task_category(
            status=status,
            deadline=first.deadline,
            done_at=done_at.astimezone(zone).date() if done_at else None,
            done_in_time=all(e.done_in_time for e in leads),
            today=today,
        )
        tasks[code].append(
            TaskDigest(
                first.number, first.title, first.deadline, entries, code, status, category, done_at
            )
        )
    return tasks


def _previous_period(session: Session, month: str) -> PeriodInfo | None:
    row = session.exec(
        select(ReportingPeriod)
        .where(ReportingPeriod.month < month)
        .order_by(col(ReportingPeriod.month).desc())
    ).first()
    if row is None:
        return None
    return PeriodInfo(
        row.id,  # type: ignore[arg-type]
        row.month,
        _aware(row.request_at),
        _aware(row.due_at),
        _aware(row.digest_at),
    )


def _silent_agencies(session: Session, tasks: dict[str, list[TaskDigest]]) -> list[SilentAgency]:
    owed: dict[str, tuple[str, list[str]]] = {}
    assigned: Counter[str] = Counter()
    reported: Counter[str] = Counter()
    for code, task_list in tasks.items():
        for task in task_list:
            for entry in task.entries:
                assigned[entry.agency_code] += 1
                if entry.status is not None:
                    reported[entry.agency_code] += 1
                    continue
                owed.setdefault(entry.agency_code, (entry.agency, []))[1].append(
                    f"{code} {task.number}"
                )
    if not owed:
        return []
    contacts: dict[str, list[ContactReach]] = defaultdict(list)
    rows = session.exec(
        select(Agency.code, Contact.display_name, Contact.unreachable_since)
        .join(Contact, col(Contact.agency_id) == Agency.id)
        .where(
            col(Contact.active).is_(True),
            Contact.role == Role.OFFICER,
            col(Agency.code).in_(list(owed)),
        )
        .order_by(col(Contact.id))
    )
    for code, raw_name, since in rows:
        name = clean_note(raw_name)
        contacts[code].append(ContactReach(name, _aware(since) if since else None))
    return [
        SilentAgency(name, code, numbers, contacts.get(code, []), reported[code], assigned[code])
        for code, (name, numbers) in owed.items()
    ]


def build_digest(
    *,
    session: Session,
    period: PeriodInfo,
    as_of: datetime,
    directive_code: str | None = None,
    zone: ZoneInfo | None = None,
) -> Digest:
    """Every active directive's tasks with each agency's latest report as of `as_of`.

    Deadlines are judged on the day of the period's digest (its briefing), or on the day of
    `as_of` if that comes first, so a past month's digest says what was overdue then.
    """
    zone = zone or ZoneInfo("Asia/Ho_Chi_Minh")
    today = min(as_of, period.digest_at).astimezone(zone).date()
    rows = _assignment_rows(session, directive_code)
    history = _history(session, period.month, as_of)
    names: dict[int, str] = {
        cid: clean_note(name)
        for cid, name in session.exec(select(Contact.id, Contact.display_name))
        if cid is not None
    }
    tasks = _tasks_for(rows, history, period, as_of, today, names, zone)

    directives: list[DirectiveDigest] = []
    trackers = {
        a.id: a.name
        for a in session.exec(
            select(Agency).where(
                col(Agency.id).in_({r.directive.tracker_agency_id for r in rows} - {None})
            )
        )
    }
    seen: set[str] = set()
    for row in rows:
        d = row.directive
        if d.code in seen:
            continue
        seen.add(d.code)
        tracker = trackers.get(d.tracker_agency_id) if d.tracker_agency_id else None
        directives.append(
            DirectiveDigest(d.code, d.subject, tasks[d.code], d.issuer, d.issued_on, tracker)
        )

    blockers = [
        Blocker(t.directive_code, t.number, e.agency, e.status, e.note, e.reported_at)
        for t in (t for d in directives for t in d.tasks)
        for e in t.entries
        if e.asks_for_help
    ]
    edits = [
        Edit(
            t.directive_code,
            t.number,
            e.agency,
            e.status_at_close,
            e.note_at_close,
            e.status,
            e.note,
            e.reported_at,  # type: ignore[arg-type]
        )
        for t in (t for d in directives for t in d.tasks)
        for e in t.entries
        if e.edited_after_close
    ]

    previous = _previous_period(session, period.month)
    changes: list[TaskChange] = []
    previous_categories: Counter[Category] | None = None
    if previous is not None:
        before_today = min(as_of, previous.digest_at).astimezone(zone).date()
        before = _tasks_for(rows, history, previous, as_of, before_today, names, zone)
        before_by_key = {(t.directive_code, t.number): t for ts in before.values() for t in ts}
        previous_categories = Counter(t.category for ts in before.values() for t in ts)
        for task in (t for d in directives for t in d.tasks):
            old = before_by_key.get((task.directive_code, task.number))
            if old is None or (old.status, old.category) != (task.status, task.category):
                changes.append(
                    TaskChange(
                        task.directive_code,
                        task.number,
                        task.title,
                        old.status if old else None,
                        task.status,
                        old.category if old else None,
                        task.category,
                    )
                )
    return Digest(
        period=period,
        as_of=as_of,
        directives=directives,
        silent=_silent_agencies(session, tasks),
        blockers=blockers,
        changes=changes,
        edits=edits,
        previous=previous,
        previous_categories=previous_categories,
        today=today,
    )


# --- words ------------------------------------------------------------------------------------

BUCKET_ORDER = [s.value for s in Status] + [UNSET, UNREPORTED]
BUCKET_ICONS = {**{s.value: STATUS_ICONS[s] for s in Status}, UNSET: "💬", UNREPORTED: "⏳"}

HEADINGS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ — THÁNG {month}",
        "as_of": "Số liệu đến {when}",
        "tasks_total": "Tổng số nhiệm vụ: {total}",
        "done_on_time": "Đã hoàn thành đúng hạn",
        "done_late": "Đã hoàn thành quá hạn",
        "open_on_time": "Chưa hoàn thành, trong hạn",
        "open_overdue": "Chưa hoàn thành, quá hạn",
        "silent_count": "Đơn vị chưa báo cáo: {count}/{total}; báo cáo chưa đủ: {partial} "
        "({tasks} lượt nhiệm vụ chưa có báo cáo)",
        "counts": "Số lượt giao nhiệm vụ theo tình trạng báo cáo ({total}):",
        "directive": "Văn bản {code}",
        "deadline": "hạn {date}",
        "no_deadline": GLOSSARY["vi"]["standing"].lower(),
        "overdue": "QUÁ HẠN",
        "combined": "Tình trạng chung",
        "unreported": "Chưa báo cáo ({count})",
        "edited": "sửa ngày {date}, sau khi chốt kỳ; lúc chốt: {before}",
        "late_report": "báo cáo ngày {date}, sau khi chốt kỳ",
        "blockers": "KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT",
        "no_blockers": "Không có đơn vị nào báo cáo vướng mắc.",
        "silent": "ĐƠN VỊ CHƯA BÁO CÁO, BÁO CÁO CHƯA ĐỦ",
        "no_silent": "Tất cả các đơn vị đã báo cáo đủ.",
        "silent_tasks": "chưa báo cáo nhiệm vụ {numbers}",
        "partial_tasks": "báo cáo chưa đủ: {reported}/{assigned} nhiệm vụ, còn thiếu {numbers}",
        "no_contact": "chưa có cán bộ đầu mối",
        "unreachable": "không liên lạc được từ {date}",
        "reachable": "liên lạc được",
        "changes": "THAY ĐỔI SO VỚI THÁNG {month}",
        "no_previous": "Chưa có kỳ báo cáo trước để so sánh.",
        "no_changes": "Không có nhiệm vụ nào thay đổi tình trạng.",
        "change_counts": "Số nhiệm vụ (tháng trước → tháng này):",
        "new_task": "mới",
        "edits": "BÁO CÁO SỬA SAU KHI CHỐT KỲ",
        "continued": "tiếp",
        "brief_tasks": "Tổng số {total} nhiệm vụ: {parts}.",
        "brief_agencies": "Đơn vị: {full}/{total} báo cáo đủ; {partial} báo cáo chưa đủ; "
        "{none} chưa báo cáo.",
        "brief_late": "Quá hạn, chậm tiến độ ({count}): {numbers}.",
        "brief_blocked": "Có vướng mắc, đề xuất ({count}): {numbers}.",
        "brief_more": " và {count} nhiệm vụ khác",
        "brief_files": "Báo cáo (Word) và số liệu chi tiết (Excel) gửi kèm dưới đây.",
    },
    "en": {
        "title": "TASK STATUS DIGEST — {month}",
        "as_of": "As of {when}",
        "tasks_total": "Tasks: {total}",
        "done_on_time": "Completed on time",
        "done_late": "Completed late",
        "open_on_time": "Not completed, within deadline",
        "open_overdue": "Not completed, overdue",
        "silent_count": "Agencies not reported: {count}/{total}; reported in part: {partial} "
        "({tasks} assignments without a report)",
        "counts": "Assignments by reported status ({total}):",
        "directive": "Directive {code}",
        "deadline": "due {date}",
        "no_deadline": GLOSSARY["en"]["standing"].lower(),
        "overdue": "OVERDUE",
        "combined": "Overall",
        "unreported": "Not reported ({count})",
        "edited": "edited on {date}, after the period closed; at the close: {before}",
        "late_report": "reported on {date}, after the period closed",
        "blockers": "DIFFICULTIES AND REQUESTS",
        "no_blockers": "No agency reported a blocker.",
        "silent": "AGENCIES THAT HAVE NOT REPORTED OR REPORTED IN PART",
        "no_silent": "Every agency has reported in full.",
        "silent_tasks": "no report on tasks {numbers}",
        "partial_tasks": "reported {reported} of {assigned} tasks, missing {numbers}",
        "no_contact": "no contact registered",
        "unreachable": "unreachable since {date}",
        "reachable": "reachable",
        "changes": "CHANGES SINCE {month}",
        "no_previous": "No previous period to compare with.",
        "no_changes": "No task changed status.",
        "change_counts": "Tasks (previous month → this month):",
        "new_task": "new",
        "edits": "REPORTS EDITED AFTER THE PERIOD CLOSED",
        "continued": "cont.",
        "brief_tasks": "{total} tasks: {parts}.",
        "brief_agencies": "Agencies: {full} of {total} reported in full; {partial} in part; "
        "{none} not at all.",
        "brief_late": "Overdue or behind ({count}): {numbers}.",
        "brief_blocked": "Blocked or asking for help ({count}): {numbers}.",
        "brief_more": " and {count} more",
        "brief_files": "The report (Word) and the detailed figures (Excel) follow.",
    },
}


def words(locale: str) -> dict[str, str]:
    """The digest's headings and phrases in `locale` (Vietnamese by default)."""
    return HEADINGS.get(locale, HEADINGS["vi"])


def bucket_label(bucket: str, locale: str = "vi") -> str:
    """A reported-status bucket as the Office writes it."""
    if bucket == UNREPORTED:
        return status_label(None, locale)
    if bucket == UNSET:
        return {"vi": "Đã trả lời, chưa chọn tình trạng", "en": "Replied, no status"}.get(
            locale, "Đã trả lời, chưa chọn tình trạng"
        )
    return status_label(Status(bucket), locale)


def category_label(category: Category, locale: str = "vi") -> str:
    """A task category as the Office writes it."""
    return words(locale)[category.value]


def status_text(status: Status | None, locale: str = "vi") -> str:
    """A combined or reported status; "Chưa báo cáo" when none."""
    return status_label(status, locale)


def short_note(note: str, limit: int) -> str:
    """A note on one line, cut at `limit` characters."""
    note = " ".join(note.split())
    return note if len(note) <= limit else note[: limit - 1].rstrip() + "…"


def silent_assignments(digest: Digest) -> int:
    """Assignments with no status reported."""
    return sum(len(agency.tasks) for agency in digest.silent)


def owing_agency_count(digest: Digest) -> int:
    """Distinct agencies with at least one assignment in the digest."""
    return len({e.agency_code for t in digest.tasks for e in t.entries})


def fully_reported_count(digest: Digest) -> int:
    """Agencies that have reported every one of their tasks."""
    return owing_agency_count(digest) - len(digest.silent)


def file_stem(digest: Digest) -> str:
    """The base name of the digest's files: "bao-cao-2021-08"."""
    return f"bao-cao-{digest.period.month}"
