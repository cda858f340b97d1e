"""The monthly digest: computed from the database as plain data, rendered as HTML or text.

`build_digest` reads each assignment's latest report version as of a time (`as_of`), chosen
by SQL (`db/digest_rows.py`), so the digest of a past period is reproducible: a report edited
after the period closed never rewrites what the digest said then, and a later digest shows it
marked as edited, with what it said at the close. The rules that make the Office's figures
are plain functions of that data:

- `combined_status`: a task's status from its agencies' reports, lead agencies first;
- `task_category`: completed on time / late, not completed within the deadline / overdue.

Its words (headings, labels) are here too; `jobs/digest_text.py` renders it for the chat and
the command line, and the `reports` package as the Word report, chart and spreadsheets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from operator import itemgetter
from typing import NamedTuple, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.texts import GLOSSARY, STATUS_ICONS, status_label
from db import digest_rows
from db.agencies import names_as_of
from db.models import (
    AssignmentRole,
    Status,
)
from db.periods import PeriodInfo
from db.questions import AnswerInfo, QuestionInfo, questions_of_period
from dondoc.heap import collector_paused
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
    # Where the task's judgement reads them (the leads, or without a lead every agency, of a
    # task they all report done): the start of the unbroken run of "done" reports, and
    # whether it began by its period's due time. None and False elsewhere.
    done_at: datetime | None = None
    done_in_time: bool = False
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
        return _asks_for_help(self, states_difficulty)


def _asks_for_help(entry: AgencyEntry, states: Callable[[str | None], bool]) -> bool:
    return entry.status is Status.BLOCKED or states(entry.note)


class Judged(Protocol):
    """What a task's status and category are judged on, of each agency's part."""

    @property
    def role(self) -> AssignmentRole: ...
    @property
    def status(self) -> Status | None: ...
    @property
    def done_at(self) -> datetime | None: ...
    @property
    def done_in_time(self) -> bool: ...


_J = TypeVar("_J", bound=Judged)


def _leads_first(entries: list[_J]) -> list[_J]:
    return [e for e in entries if e.role is AssignmentRole.LEAD] or entries


def combined_status(entries: Sequence[Judged]) -> Status | None:
    """A task's status from its agencies' reports; lead agencies count first.

    - Done only when every lead agency has reported it done (coordinating agencies cannot
      complete a task; a task without a lead is judged on all its agencies).
    - Otherwise the worst status a lead reported (blocked, then behind, then in progress;
      a lead's "done" while another lead is not done counts as in progress).
    - When no lead has given a status yet, the coordinating agencies' worst status stands in
      (their "done" counts as in progress); None when nobody has given a status.
    """
    return _combined_status(_leads_first(list(entries)), entries)


def _combined_status(leads: Sequence[Judged], entries: Sequence[Judged]) -> Status | None:
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
    extended_from: date | None = None  # the first deadline, when the one in force extends it
    files: tuple[tuple[str, str], ...] = ()  # (agency, file name) sent with the reports

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
    # The Office's one-off questions of the period, each with every asked agency's answer.
    questions: list[tuple[QuestionInfo, list[AnswerInfo]]] = field(default_factory=list)

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

# When an assignment's run of "done" began, and whether by the due time of its period.
_Run = tuple[datetime, bool]
_MADE = itemgetter(3, 1)  # a report version's order: its time, then its id


def _aware(moment: datetime) -> datetime:
    """A time from the database in UTC (SQLite returns naive UTC datetimes)."""
    if moment.tzinfo:
        return moment.astimezone(UTC)
    # As moment.replace(tzinfo=UTC), at a third of its cost: this runs for every report read.
    m = moment
    return datetime(m.year, m.month, m.day, m.hour, m.minute, m.second, m.microsecond, UTC)


def _shown(text: str | None) -> str | None:
    """A stored note or name as shown: without control characters, blanks trimmed.

    The bot stores notes cleaned; whatever reached the table otherwise is cleaned here (a
    printable text has nothing to drop, so only its blanks are trimmed).
    """
    if not text:
        return text
    return text.strip() if text.isprintable() else clean_note(text)


def _walk(
    versions: list[digest_rows.Said], report_id: int
) -> tuple[digest_rows.Said, digest_rows.Said | None]:
    """The unbroken run of "done" ending at this version: its first version, and the version
    before it that broke it (None when the run goes back to the first version read).

    `versions` are in the order they were made and all gave a status: a reply without one
    neither breaks a run nor starts it.
    """
    index = next(i for i, v in enumerate(versions) if v[1] == report_id)
    start = versions[index]
    for version in reversed(versions[:index]):
        if not version[2]:  # it did not say "done"
            return start, version
        start = version
    return start, None


def _done_runs(
    session: Session,
    *,
    targets: dict[int, list[int]],
    periods: list[tuple[int, datetime]],
    as_of: datetime,
) -> dict[int, _Run]:
    """For each report version of `targets` (per assignment, versions saying "done" of the
    first two of `periods`: the period's and the previous one's): when its run of "done"
    began, and whether that first "done" came by its period's due time.

    A run is read back in the order the versions were made, among those made by `as_of` for
    `periods` (the period's and the months before, latest first). The versions are read a
    few periods at a time, each time with any made since the earliest of those periods': a
    run broken by a version read is then whole, as every version made after that one has
    been read. Only the runs still going on are read further back.
    """
    due = {pid: _aware(at) for pid, at in periods}
    order = [pid for pid, _ in periods]
    said: dict[int, dict[int, digest_rows.Said]] = defaultdict(dict)  # by assignment, id
    walks: dict[int, tuple[digest_rows.Said, digest_rows.Said | None]] = {}
    # The period and the previous one, the month before, then every version left (None):
    # most runs are broken within the first reads; the few that go on are read whole.
    reads: list[list[int] | None] = [order[:2], order[2:3], None][: max(1, len(order) - 1)]
    going_on = set(targets)
    for step, batch in enumerate(reads):
        if not going_on:
            break
        rows = digest_rows.statuses_said_since(
            session, as_of=as_of, period_ids=batch, assignment_ids=going_on
        )
        for row in rows:
            if row[4] in due:
                said[row[0]][row[1]] = row
        last = step == len(reads) - 1  # every version has been read
        still = set()
        for aid in going_on:
            versions = sorted(said[aid].values(), key=_MADE)
            for rid in targets[aid]:
                walks[rid] = _walk(versions, rid)
                if walks[rid][1] is None and not last:
                    still.add(aid)
        going_on = still
    runs: dict[int, _Run] = {}
    for rid, (start, _) in walks.items():
        began = _aware(start[3])
        runs[rid] = (began, began <= due[start[4]])
    return runs


class _Before(NamedTuple):
    """An agency's part in a task in the previous period, as judged then."""

    role: AssignmentRole
    status: Status | None
    done_at: datetime | None
    done_in_time: bool


def _judged(
    entries: list[_J], deadline: date | None, today: date, zone: ZoneInfo
) -> tuple[Status | None, Category, datetime | None]:
    """A task's combined status, category and completion time from its agencies' entries."""
    leads = _leads_first(entries)
    status = _combined_status(leads, entries)
    done_at = (
        max(e.done_at for e in leads if e.done_at)
        if status is Status.DONE and all(e.done_at for e in leads)
        else None
    )
    category = task_category(
        status=status,
        deadline=deadline,
        done_at=done_at.astimezone(zone).date() if done_at else None,
        done_in_time=all(e.done_in_time for e in leads),
        today=today,
    )
    return status, category, done_at


def _entries(
    task_rows: list[digest_rows.AssignmentRow],
    agencies: dict[int, tuple[str, str, str]],
    latest: dict[int, digest_rows.LatestReport],
    runs: dict[int, _Run],
    closed_at: datetime,
    as_of: datetime,
) -> list[AgencyEntry]:
    """Each agency's entry in a task: its latest report as of `as_of`, and what stood at the
    close."""
    entries = []
    for _, _, aid, role, agency_id in task_rows:
        name, code, kind = agencies[agency_id]
        report = latest.get(aid)
        if report is None:
            entries.append(AgencyEntry(name, role, None, False, agency_code=code, agency_kind=kind))
            continue
        rid, status, note, at, reporter, close_id, close_status, close_note = report
        reported_at = _aware(at)
        done_at, in_time = runs.get(rid, (None, False))
        changed = as_of > closed_at and reported_at > closed_at
        edited = changed and close_id is not None
        entries.append(
            AgencyEntry(
                name,
                role,
                status,
                True,
                _shown(note),
                reported_at,
                code,
                kind,
                _shown(reporter),
                done_at,
                in_time,
                edited,
                changed and not edited,
                close_status if edited else None,
                _shown(close_note) if edited else None,
            )
        )
    return entries


class _Owing:
    """Who owes a report on which task, counted as the tasks are built: per agency code,
    its name and the tasks without a status, and how many tasks it has and has reported."""

    def __init__(self) -> None:
        self.tasks: dict[str, tuple[str, list[str]]] = {}
        self.assigned: Counter[str] = Counter()
        self.reported: Counter[str] = Counter()

    def count(self, task: TaskDigest) -> None:
        """Count the task's entries."""
        for entry in task.entries:
            self.assigned[entry.agency_code] += 1
            if entry.status is not None:
                self.reported[entry.agency_code] += 1
                continue
            self.tasks.setdefault(entry.agency_code, (entry.agency, []))[1].append(
                f"{task.directive_code} {task.number}"
            )

    def silent(self, session: Session, moment: datetime) -> list[SilentAgency]:
        """The agencies that owe a report, with the officers they had at `moment` and
        whether those could be reached then."""
        if not self.tasks:
            return []
        contacts: dict[str, list[ContactReach]] = defaultdict(list)
        for code, raw_name, since in digest_rows.officer_contacts(session, self.tasks, moment):
            name = _shown(raw_name) or ""
            contacts[code].append(ContactReach(name, _aware(since) if since else None))
        return [
            SilentAgency(
                name,
                code,
                numbers,
                contacts.get(code, []),
                self.reported[code],
                self.assigned[code],
            )
            for code, (name, numbers) in self.tasks.items()
        ]


def _run_targets(
    by_task: dict[tuple[int, int], list[digest_rows.AssignmentRow]],
    latest: dict[int, digest_rows.LatestReport],
    before: dict[int, tuple[int, Status | None]],
) -> dict[int, list[int]]:
    """The "done" versions whose runs count, per assignment: of this period and of the
    previous one, the leads' of a task they all said done then. Only those are judged (when
    a task was completed, and whether on time), and each run may be read back through the
    months: one for every "done" would cost the digest most of its reading."""
    targets: dict[int, list[int]] = defaultdict(list)
    for task_rows in by_task.values():
        leads = [row[2] for row in task_rows if row[3] is AssignmentRole.LEAD]
        leads = leads or [row[2] for row in task_rows]
        for said in (latest, before):
            versions = [said.get(aid) for aid in leads]
            if all(v is not None and v[1] is Status.DONE for v in versions):
                for aid, version in zip(leads, versions, strict=True):
                    assert version is not None
                    targets[aid].append(version[0])
    return targets


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
    Only this period's and the previous period's latest reports are read, and of the older
    history what shows since when a "done" has stood.
    """
    with collector_paused():
        return _build(session, period, as_of, directive_code, zone)


def _as_then(
    session: Session, owed: digest_rows.Owed, moment: datetime
) -> tuple[digest_rows.Owed, dict[int, date]]:
    """Who owes what with the deadlines and the agencies' names as they stood at `moment`
    (a period's digest made again later says what it said then), and the first deadline of
    each task whose deadline in force extends it."""
    names = names_as_of(session, moment)
    agencies = {
        aid: (names.get(aid, name), code, kind) for aid, (name, code, kind) in owed.agencies.items()
    }
    tasks, extended = dict(owed.tasks), {}
    for task_id, changes in digest_rows.deadline_changes(session).items():
        if task_id not in tasks:
            continue
        number, title, deadline = tasks[task_id]
        # The deadline in force then is the one the first later change replaced.
        later = [old for when, old, _ in changes if _aware(when) > moment]
        then = later[0] if later else deadline
        tasks[task_id] = (number, title, then)
        # Extended when a deadline it had by then was moved: the first one is said beside.
        moved = [old for when, old, _ in changes if old is not None and _aware(when) <= moment]
        if then is not None and moved and then != moved[0]:
            extended[task_id] = moved[0]
    return replace(owed, tasks=tasks, agencies=agencies), extended


def _build(
    session: Session,
    period: PeriodInfo,
    as_of: datetime,
    directive_code: str | None,
    zone: ZoneInfo | None,
) -> Digest:
    zone = zone or ZoneInfo("Asia/Ho_Chi_Minh")
    today = min(as_of, period.digest_at).astimezone(zone).date()
    owed, extended = _as_then(
        session,
        digest_rows.assignment_rows(session, directive_code, (period.request_at, period.digest_at)),
        min(as_of, period.digest_at),
    )
    codes = {head.id: head.code for head in owed.directives}
    by_task: dict[tuple[int, int], list[digest_rows.AssignmentRow]] = {}
    for row in owed.rows:
        by_task.setdefault((row[0], row[1]), []).append(row)
    periods = digest_rows.periods_until(session, period.month)
    older = [p for p in periods if p.month < period.month]
    previous = (
        PeriodInfo(
            older[0].id,
            older[0].month,
            _aware(older[0].request_at),
            _aware(older[0].due_at),
            _aware(older[0].digest_at),
        )
        if older
        else None
    )
    latest = digest_rows.latest_reports(
        session, period_id=period.id, as_of=as_of, closed_at=period.digest_at
    )
    before = (
        digest_rows.latest_statuses(session, period_id=previous.id, as_of=as_of)
        if previous is not None
        else {}
    )
    due = next((p.due_at for p in periods if p.id == period.id), period.due_at)
    runs = _done_runs(
        session,
        targets=_run_targets(by_task, latest, before),
        periods=[(period.id, due)] + [(p.id, p.due_at) for p in older],
        as_of=as_of,
    )

    # One pass over the tasks, in the digest's order: each task's entries and judgement, what
    # they add to the blockers, the edits and who still owes a report, and the change since
    # the previous period's judgement.
    tasks: dict[str, list[TaskDigest]] = defaultdict(list)
    blockers: list[Blocker] = []
    edits: list[Edit] = []
    owing = _Owing()
    changes: list[TaskChange] = []
    previous_categories: Counter[Category] | None = None if previous is None else Counter()
    before_today = min(as_of, (previous or period).digest_at).astimezone(zone).date()
    # A note given for several tasks (an agency's own, or a stock phrase) is read only once.
    states = cache(states_difficulty)
    agencies, closed_at = owed.agencies, period.digest_at
    attached = digest_rows.file_names(session, period.id, as_of)
    for (directive_id, task_id), task_rows in by_task.items():
        number, title, deadline = owed.tasks[task_id]
        code = codes[directive_id]
        entries = _entries(task_rows, agencies, latest, runs, closed_at, as_of)
        status, category, done_at = _judged(entries, deadline, today, zone)
        sent = tuple(
            (agencies[agency_id][0], name)
            for _, _, aid, _, agency_id in task_rows
            for name in attached.get(aid, ())
        )
        task = TaskDigest(
            number,
            title,
            deadline,
            entries,
            code,
            status,
            category,
            done_at,
            extended.get(task_id),
            sent,
        )
        tasks[code].append(task)
        owing.count(task)
        for e in entries:
            if _asks_for_help(e, states):
                blockers.append(Blocker(code, number, e.agency, e.status, e.note, e.reported_at))
            if e.edited_after_close:
                edits.append(
                    Edit(
                        code,
                        number,
                        e.agency,
                        e.status_at_close,
                        e.note_at_close,
                        e.status,
                        e.note,
                        e.reported_at,  # type: ignore[arg-type]
                    )
                )
        if previous_categories is None:
            continue
        said = []
        for _, _, aid, role, _ in task_rows:
            rid, said_status = before.get(aid, (0, None))
            said.append(_Before(role, said_status, *runs.get(rid, (None, False))))
        old_status, old_category, _ = _judged(said, deadline, before_today, zone)
        previous_categories[old_category] += 1
        if (old_status, old_category) != (status, category):
            changes.append(
                TaskChange(code, number, title, old_status, status, old_category, category)
            )
    directives = [
        DirectiveDigest(h.code, h.subject, tasks[h.code], h.issuer, h.issued_on, h.tracker)
        for h in owed.directives
    ]
    return Digest(
        period=period,
        as_of=as_of,
        directives=directives,
        silent=owing.silent(session, min(as_of, period.digest_at)),
        blockers=blockers,
        changes=changes,
        edits=edits,
        previous=previous,
        previous_categories=previous_categories,
        today=today,
        questions=questions_of_period(session=session, period_id=period.id, as_of=as_of),
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
        "extended": "hạn {first}, gia hạn đến {date}",
        "files": "Tệp gửi kèm",
        "question": "BÁO CÁO ĐỘT XUẤT (hạn {due})",
        "not_answered": "chưa trả lời",
        "answered": "đã trả lời",
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
        "extended": "due {first}, extended to {date}",
        "files": "Files sent",
        "question": "AD HOC REPORT (due {due})",
        "not_answered": "no answer yet",
        "answered": "answered",
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
