"""The digest for the chat and the command line: Telegram HTML parts, a brief, plain text.

`render_brief` is the one short message `/summary` answers with (the counts, the late and the
blocked); `render_html` gives the whole digest as Telegram HTML parts, each under the
4096-character limit and split only on section or line boundaries; `render_text` gives the
same content as plain text for the command line.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cache
from html import escape
from zoneinfo import ZoneInfo

from bot.texts import role_label
from db.models import AssignmentRole, Status
from jobs.digest import (
    BUCKET_ICONS,
    BUCKET_ORDER,
    CATEGORY_ICONS,
    CATEGORY_ORDER,
    UNREPORTED,
    Category,
    Digest,
    TaskDigest,
    bucket_label,
    category_label,
    fully_reported_count,
    owing_agency_count,
    short_note,
    silent_assignments,
    status_text,
    words,
)

TELEGRAM_LIMIT = 4096
NOTE_CHARS_IN_CHAT = 300


def _blocks(
    digest: Digest, zone: ZoneInfo, locale: str, html: bool, note_limit: int
) -> list[list[str]]:
    """The digest as blocks of lines; a block is kept in one message when it fits."""
    h = words(locale)

    def bold(text: str) -> str:
        return f"<b>{esc(text)}</b>" if html else text

    def esc(text: str) -> str:
        return escape(text, quote=False) if html else text

    # A blocker's note is its entry's note again, and agencies repeat their notes: each
    # distinct note is shortened and escaped once.
    @cache
    def note_text(note: str) -> str:
        return esc(short_note(note, note_limit))

    def day(moment: datetime, year: bool = False) -> str:
        # As strftime's "%d/%m" and "%d/%m/%Y", without its cost on every line of the digest.
        local = moment.astimezone(zone)
        if year:
            return f"{local.day:02d}/{local.month:02d}/{local.year}"
        return f"{local.day:02d}/{local.month:02d}"

    today = digest.today or digest.as_of.astimezone(zone).date()
    categories = digest.categories
    counts = digest.counts
    head = [
        bold(h["title"].format(month=digest.period.label)),
        esc(h["as_of"].format(when=digest.as_of.astimezone(zone).strftime("%H:%M %d/%m/%Y"))),
        "",
        bold(h["tasks_total"].format(total=len(digest.tasks))),
        *(
            f"{CATEGORY_ICONS[c]} {esc(category_label(c, locale))}: {categories.get(c, 0)}"
            for c in CATEGORY_ORDER
        ),
        "⏳ "
        + esc(
            h["silent_count"].format(
                count=len(digest.unreported),
                total=owing_agency_count(digest),
                partial=len(digest.partial),
                tasks=silent_assignments(digest),
            )
        ),
        "",
        esc(h["counts"].format(total=sum(counts.values()))),
    ]
    head += [
        f"{BUCKET_ICONS[b]} {esc(bucket_label(b, locale))}: {counts.get(b, 0)}"
        for b in BUCKET_ORDER
        if counts.get(b, 0) or b in (UNREPORTED, Status.DONE.value)
    ]
    blocks = [head]
    # Each agency's line names its role and bucket: their words looked up once, not per line.
    roles = {role: esc(role_label(role, locale)) for role in AssignmentRole}
    buckets = {b: (BUCKET_ICONS[b], esc(bucket_label(b, locale))) for b in BUCKET_ORDER}
    for directive in digest.directives:
        blocks.append(
            ["", bold(h["directive"].format(code=directive.code)) + " " + esc(directive.subject)]
        )
        for task in directive.tasks:
            title = f"{bold(task.number)} {esc(task.title)}"
            if task.deadline:
                when = task.deadline.strftime("%d/%m/%Y")
                said = (
                    h["extended"].format(first=task.extended_from.strftime("%d/%m/%Y"), date=when)
                    if task.extended_from
                    else h["deadline"].format(date=when)
                )
                title += f" ({esc(said)})"
                if task.overdue(today):
                    title += f" — {bold(h['overdue'])}"
            overall = (
                f"  ➜ {esc(h['combined'])}: {esc(status_text(task.status, locale))} · "
                f"{CATEGORY_ICONS[task.category]} {esc(category_label(task.category, locale))}"
            )
            lines = ["", title, overall]
            silent = [e for e in task.entries if not e.reported]
            for entry in task.entries:
                if not entry.reported:
                    continue
                icon, label = buckets[entry.bucket]
                line = f"  {icon} {esc(entry.agency)} ({roles[entry.role]}): {label}"
                if entry.note:
                    line += f" — {note_text(entry.note)}"
                if entry.reported_at:  # when, and who gave it (an agency may have several)
                    by = f", {esc(entry.reporter)}" if entry.reporter else ""
                    line += f" ({day(entry.reported_at)}{by})"
                if entry.edited_after_close and entry.reported_at:
                    before = status_text(entry.status_at_close, locale)
                    line += f" [{esc(h['edited'].format(date=day(entry.reported_at, True), before=before))}]"  # noqa: E501
                elif entry.late_report and entry.reported_at:
                    line += f" [{esc(h['late_report'].format(date=day(entry.reported_at, True)))}]"
                lines.append(line)
            if task.files:
                sent = ", ".join(f"{esc(name)} ({esc(agency)})" for agency, name in task.files)
                lines.append(f"  📎 {esc(h['files'])}: {sent}")
            if silent:
                names = ", ".join(esc(e.agency) for e in silent)
                heading = esc(h["unreported"].format(count=len(silent)))
                lines.append(f"  {BUCKET_ICONS[UNREPORTED]} {heading}: {names}")
            blocks.append(lines)

    blockers = []
    for b in digest.blockers:
        line = f"• {bold(b.number)} {esc(b.agency)}"
        if b.note:
            line += f": {note_text(b.note)}"
        blockers.append(line)
    blocks.append(["", bold(h["blockers"]), *(blockers or [esc(h["no_blockers"])])])

    silent_lines = []
    for agency in digest.silent:
        reach = (
            "; ".join(
                f"{c.name}: "
                + (
                    h["reachable"]
                    if c.reachable
                    else h["unreachable"].format(date=day(c.unreachable_since, True))  # type: ignore[arg-type]
                )
                for c in agency.contacts
            )
            or h["no_contact"]
        )
        numbers = ", ".join(n.split(" ", 1)[1] for n in agency.tasks)
        owed = (
            h["partial_tasks"].format(
                reported=agency.reported, assigned=agency.assigned, numbers=numbers
            )
            if agency.partial
            else h["silent_tasks"].format(numbers=numbers)
        )
        silent_lines.append(f"• {esc(agency.name)} — {esc(owed)} ({esc(reach)})")
    blocks.append(["", bold(h["silent"]), *(silent_lines or [esc(h["no_silent"])])])

    if digest.previous is None:
        blocks.append(["", esc(h["no_previous"])])
    else:
        lines = ["", bold(h["changes"].format(month=digest.previous.label))]
        earlier = digest.previous_categories or Counter()
        lines.append(esc(h["change_counts"]))
        lines += [
            f"{CATEGORY_ICONS[c]} {esc(category_label(c, locale))}: "
            f"{earlier.get(c, 0)} → {categories.get(c, 0)}"
            for c in CATEGORY_ORDER
        ]
        for change in digest.changes:
            old = status_text(change.before, locale) if change.before_category else h["new_task"]
            lines.append(
                f"• {bold(change.number)} {esc(old)} → {esc(status_text(change.after, locale))}"
                f" · {esc(category_label(change.after_category, locale))}"
            )
        if not digest.changes:
            lines.append(esc(h["no_changes"]))
        blocks.append(lines)

    if digest.edits:
        lines = ["", bold(h["edits"])]
        for edit in digest.edits:
            lines.append(
                f"• {bold(edit.number)} {esc(edit.agency)}: "
                f"{esc(status_text(edit.before, locale))} → {esc(status_text(edit.after, locale))}"
                f" ({day(edit.edited_at, True)})"
            )
        blocks.append(lines)

    for asked, answers in digest.questions:  # the Office's one-off questions of the period
        lines = ["", bold(h["question"].format(due=asked.due_on.strftime("%d/%m/%Y")))]
        lines.append(esc(asked.text))
        for answer in answers:
            said = (
                h["not_answered"]
                if not answer.answered_at
                else status_text(answer.status, locale)
                if answer.status
                else h["answered"]
            )
            line = f"  • {esc(answer.agency_name)}: {esc(said)}"
            if answer.note:
                line += f" — {note_text(answer.note)}"
            if answer.answered_at:
                by = f", {esc(answer.reporter)}" if answer.reporter else ""
                line += f" ({day(answer.answered_at)}{by})"
            lines.append(line)
        blocks.append(lines)
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
    """Telegram HTML messages, each under 4096 characters: headline counts, then the sections."""
    blocks = _blocks(digest, zone, locale, html=True, note_limit=NOTE_CHARS_IN_CHAT)
    return split_messages(blocks, continued=words(locale)["continued"])


BRIEF_NUMBERS = 40  # task numbers listed in a line of the brief before "and N more"


def render_brief(digest: Digest, *, zone: ZoneInfo, locale: str = "vi") -> str:
    """The digest in one short Telegram HTML message: the counts, the late and the blocked."""
    h = words(locale)
    categories = digest.categories
    total = owing_agency_count(digest)

    def numbers(tasks: list[TaskDigest]) -> str:
        shown = ", ".join(escape(t.number, quote=False) for t in tasks[:BRIEF_NUMBERS])
        extra = len(tasks) - BRIEF_NUMBERS
        return shown + (h["brief_more"].format(count=extra) if extra > 0 else "")

    when = digest.as_of.astimezone(zone).strftime("%H:%M %d/%m/%Y")
    parts = " · ".join(
        f"{CATEGORY_ICONS[c]} {escape(category_label(c, locale).lower(), quote=False)} "
        f"{categories.get(c, 0)}"
        for c in CATEGORY_ORDER
    )
    late = [
        t for t in digest.tasks if t.category is Category.OPEN_OVERDUE or t.status is Status.BEHIND
    ]
    blocked = [t for t in digest.tasks if any(e.asks_for_help for e in t.entries)]
    lines = [
        f"<b>{escape(h['title'].format(month=digest.period.label), quote=False)}</b>",
        escape(h["as_of"].format(when=when), quote=False),
        "",
        h["brief_tasks"].format(total=len(digest.tasks), parts=parts),
        "⏳ "
        + escape(
            h["brief_agencies"].format(
                full=fully_reported_count(digest),
                total=total,
                partial=len(digest.partial),
                none=len(digest.unreported),
            ),
            quote=False,
        ),
    ]
    if late:
        lines.append("⏰ " + h["brief_late"].format(count=len(late), numbers=numbers(late)))
    if blocked:
        lines.append(
            "⛔ " + h["brief_blocked"].format(count=len(blocked), numbers=numbers(blocked))
        )
    lines += ["", escape(h["brief_files"], quote=False)]
    return "\n".join(lines)


def render_text(digest: Digest, *, zone: ZoneInfo, locale: str = "vi") -> str:
    """The whole digest as plain text, notes in full."""
    blocks = _blocks(digest, zone, locale, html=False, note_limit=10_000)
    return "\n".join(line for block in blocks for line in block).strip() + "\n"
