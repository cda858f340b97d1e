"""The monthly digest: computed from the database as plain data, rendered as HTML or text.

`build_digest` reads what every agency reported for a period (as of a time,
so a past digest is reproducible); `render_html` gives Telegram HTML parts,
each under the 4096-character limit and split only between whole lines;
`render_text` gives the same content as plain text for the command line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.texts import STATUS_ICONS, role_label, status_label
from db.models import Agency, Assignment, AssignmentRole, Directive, Status, Task
from db.queries import PeriodInfo, latest_reports

TELEGRAM_LIMIT = 4096
NOTE_CHARS_IN_CHAT = 300
UNREPORTED = "none"
UNSET = "unset"


@dataclass(frozen=True)
class AgencyEntry:
    """One agency's part in a task and what it reported."""

    agency: str
    role: AssignmentRole
    status: Status | None
    reported: bool
    note: str | None = None
    reported_at: datetime | None = None

    @property
    def bucket(self) -> str:
        """The count this entry falls in: a status value, "unset" or "none"."""
        if not self.reported:
            return UNREPORTED
        return self.status.value if self.status else UNSET


@dataclass(frozen=True)
class TaskDigest:
    """Where one task stands."""

    number: str
    title: str
    deadline: date | None
    entries: list[AgencyEntry]

    def overdue(self, today: date) -> bool:
        """The task's deadline has passed and a lead agency has not reported it done."""
        if self.deadline is None or today <= self.deadline:
            return False
        leads = [e for e in self.entries if e.role is AssignmentRole.LEAD] or self.entries
        return any(e.status is not Status.DONE for e in leads)


@dataclass(frozen=True)
class DirectiveDigest:
    """A directive's tasks in the digest."""

    code: str
    subject: str
    tasks: list[TaskDigest]

    @property
    def counts(self) -> Counter[str]:
        """Assignments per bucket."""
        return Counter(e.bucket for t in self.tasks for e in t.entries)


@dataclass(frozen=True)
class Digest:
    """The digest of one period, as of a time."""

    period: PeriodInfo
    as_of: datetime
    directives: list[DirectiveDigest] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        """Assignments per bucket across every directive."""
        total: Counter[str] = Counter()
        for directive in self.directives:
            total.update(directive.counts)
        return total


def build_digest(
    *, session: Session, period: PeriodInfo, as_of: datetime, directive_code: str | None = None
) -> Digest:
    """Every active directive's tasks with each agency's latest report as of `as_of`."""
    reports = latest_reports(session=session, period_id=period.id, as_of=as_of)
    query = select(Directive).where(col(Directive.active).is_(True)).order_by(col(Directive.id))
    if directive_code:
        query = query.where(Directive.code == directive_code)
    directives = []
    for directive in session.exec(query):
        rows = session.exec(
            select(Task, Assignment, Agency)
            .join(Assignment, col(Assignment.task_id) == Task.id)
            .join(Agency, col(Agency.id) == Assignment.agency_id)
            .where(Task.directive_id == directive.id)
            .order_by(col(Task.position), col(Assignment.role).desc(), col(Agency.id))
        )
        tasks: dict[int, TaskDigest] = {}
        for task, assignment, agency in rows:
            entry_list = tasks.setdefault(
                task.id,  # type: ignore[arg-type]
                TaskDigest(task.number, task.title, task.deadline, []),
            ).entries
            report = reports.get(assignment.id)  # type: ignore[arg-type]
            entry_list.append(
                AgencyEntry(
                    agency=agency.name,
                    role=assignment.role,
                    status=report.status if report else None,
                    reported=report is not None,
                    note=report.note if report else None,
                    reported_at=report.reported_at if report else None,
                )
            )
        directives.append(DirectiveDigest(directive.code, directive.subject, list(tasks.values())))
    return Digest(period=period, as_of=as_of, directives=directives)


def _bucket_label(bucket: str, locale: str) -> str:
    if bucket == UNREPORTED:
        return status_label(None, locale)
    if bucket == UNSET:
        return {"vi": "Đã trả lời, chưa chọn tình trạng", "en": "Replied, no status"}.get(
            locale, ""
        )
    return status_label(Status(bucket), locale)


BUCKET_ORDER = [s.value for s in Status] + [UNSET, UNREPORTED]
BUCKET_ICONS = {**{s.value: STATUS_ICONS[s] for s in Status}, UNSET: "💬", UNREPORTED: "⏳"}

HEADINGS = {
    "vi": {
        "title": "TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ — THÁNG {month}",
        "as_of": "Số liệu đến {when}",
        "counts": "Số lượt giao nhiệm vụ theo tình trạng ({total}):",
        "directive": "Văn bản {code}",
        "deadline": "hạn {date}",
        "overdue": "QUÁ HẠN",
        "unreported": "Chưa báo cáo ({count})",
        "blockers": "KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT",
        "no_blockers": "Không có đơn vị nào báo cáo vướng mắc.",
        "continued": "tiếp",
    },
    "en": {
        "title": "TASK STATUS DIGEST — {month}",
        "as_of": "As of {when}",
        "counts": "Assignments by status ({total}):",
        "directive": "Directive {code}",
        "deadline": "due {date}",
        "overdue": "OVERDUE",
        "unreported": "Not reported ({count})",
        "blockers": "DIFFICULTIES AND REQUESTS",
        "no_blockers": "No agency reported a blocker.",
        "continued": "cont.",
    },
}


def _short(note: str, limit: int) -> str:
    note = " ".join(note.split())
    return note if len(note) <= limit else note[: limit - 1].rstrip() + "…"


def _blocks(
    digest: Digest, zone: ZoneInfo, locale: str, html: bool, note_limit: int
) -> list[list[str]]:
    """The digest as blocks of lines; a block is kept in one message when it fits."""
    h = HEADINGS.get(locale, HEADINGS["vi"])

    def bold(text: str) -> str:
        return f"<b>{esc(text)}</b>" if html else text

    def esc(text: str) -> str:
        return escape(text, quote=False) if html else text

    today = digest.as_of.astimezone(zone).date()
    counts = digest.counts
    head = [
        bold(h["title"].format(month=digest.period.label)),
        esc(h["as_of"].format(when=digest.as_of.astimezone(zone).strftime("%H:%M %d/%m/%Y"))),
        "",
        esc(h["counts"].format(total=sum(counts.values()))),
    ]
    head += [
        f"{BUCKET_ICONS[b]} {esc(_bucket_label(b, locale))}: {counts.get(b, 0)}"
        for b in BUCKET_ORDER
        if counts.get(b, 0) or b in (UNREPORTED, Status.DONE.value)
    ]
    blocks = [head]
    blockers: list[str] = []
    for directive in digest.directives:
        blocks.append(
            ["", bold(h["directive"].format(code=directive.code)) + " " + esc(directive.subject)]
        )
        for task in directive.tasks:
            title = f"{bold(task.number)} {esc(task.title)}"
            if task.deadline:
                title += f" ({esc(h['deadline'].format(date=task.deadline.strftime('%d/%m/%Y')))})"
                if task.overdue(today):
                    title += f" — {bold(h['overdue'])}"
            lines = ["", title]
            silent = [e for e in task.entries if not e.reported]
            for entry in task.entries:
                if not entry.reported:
                    continue
                role = esc(role_label(entry.role, locale))
                label = esc(_bucket_label(entry.bucket, locale))
                line = f"  {BUCKET_ICONS[entry.bucket]} {esc(entry.agency)} ({role}): {label}"
                if entry.note:
                    line += f" — {esc(_short(entry.note, note_limit))}"
                if entry.reported_at:
                    line += f" ({entry.reported_at.astimezone(zone).strftime('%d/%m')})"
                lines.append(line)
                if entry.status is Status.BLOCKED:
                    blocker = f"• {bold(task.number)} {esc(entry.agency)}"
                    if entry.note:
                        blocker += f": {esc(_short(entry.note, note_limit))}"
                    blockers.append(blocker)
            if silent:
                names = ", ".join(esc(e.agency) for e in silent)
                heading = esc(h["unreported"].format(count=len(silent)))
                lines.append(f"  {BUCKET_ICONS[UNREPORTED]} {heading}: {names}")
            blocks.append(lines)
    blocks.append(["", bold(h["blockers"]), *(blockers or [esc(h["no_blockers"])])])
    return blocks


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _break_line(line: str, limit: int) -> list[str]:
    """A line too long for one message, cut at spaces outside any tag, entity or bold text."""
    pieces = []
    while _utf16_len(line) > limit:
        cut, width, inside, bold = 0, 0, False, 0
        for index, char in enumerate(line):
            width += 2 if ord(char) > 0xFFFF else 1
            if width > limit:
                break
            if char in "<&":
                inside = True
                bold += (
                    1
                    if line.startswith("<b>", index)
                    else -1
                    if line.startswith("</b>", index)
                    else 0
                )
            elif char in ">;":
                inside = False
            elif char == " " and not inside and bold == 0:
                cut = index
        if cut == 0:
            cut = limit // 2  # no space at all: a plain cut (digest lines always have spaces)
        pieces.append(line[:cut])
        line = line[cut:].lstrip(" ")
    return [*pieces, line]


def split_messages(
    blocks: list[list[str]], limit: int = TELEGRAM_LIMIT, continued: str = "tiếp"
) -> list[str]:
    """Pack blocks into messages under `limit`, breaking between lines (or inside a huge one).

    A block cut in two repeats its heading (its first non-empty line) with "(continued)",
    so the reader of the next message knows which task the lines belong to.
    """
    messages: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = "\n".join(current).strip("\n")
        if text:
            messages.append(text)
        current.clear()

    for block in blocks:
        candidate = "\n".join([*current, *block])
        if _utf16_len(candidate) <= limit:
            current.extend(block)
            continue
        flush()
        heading = next((line for line in block if line.strip()), "")
        repeat = f"{heading} ({continued})"
        for whole in block:
            for line in _break_line(whole, limit):
                if _utf16_len("\n".join([*current, line])) > limit:
                    flush()
                    if whole is not heading and _utf16_len(repeat) < limit // 2:
                        current.append(repeat)
                current.append(line)
    flush()
    return messages


def render_html(digest: Digest, *, zone: ZoneInfo, locale: str = "vi") -> list[str]:
    """Telegram HTML messages, each under 4096 characters."""
    blocks = _blocks(digest, zone, locale, html=True, note_limit=NOTE_CHARS_IN_CHAT)
    return split_messages(blocks, continued=HEADINGS.get(locale, HEADINGS["vi"])["continued"])


def render_text(digest: Digest, *, zone: ZoneInfo, locale: str = "vi") -> str:
    """The whole digest as plain text, notes in full."""
    blocks = _blocks(digest, zone, locale, html=False, note_limit=10_000)
    return "\n".join(line for block in blocks for line in block).strip() + "\n"
