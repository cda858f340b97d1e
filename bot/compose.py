"""Messages and keyboards built from plain data: requests, nudges, task and status buttons.

Callback data is small and parsed back by `parse_callback`; it only names an
assignment and a period, and the handler checks that the person pressing owns it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import STATUS_ICONS, role_label, say, status_label
from db.models import Status
from db.periods import PeriodInfo
from db.reports import AssignmentInfo

BUTTON_TITLE_CHARS = 40
# Telegram's limit on a message: 4,096 characters (UTF-16 units) after entity parsing.
MESSAGE_LIMIT = 4096
# Telegram refuses more than 100 inline buttons; a page of 50 tasks is what a person can scan.
TASK_BUTTONS_PER_MESSAGE = 50
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Outgoing:
    """A message ready to send: HTML text and an optional keyboard."""

    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class CallbackChoice:
    """What a pressed button asks for."""

    action: str  # "task" or "status"
    assignment_id: int
    period_id: int
    status: Status | None = None


def local_date(moment: datetime, zone: ZoneInfo) -> str:
    """A date as the Office writes it: 20/08/2021."""
    return moment.astimezone(zone).strftime("%d/%m/%Y")


def due_date(period: PeriodInfo, zone: ZoneInfo) -> str:
    """The last day replies are due (due_at is the midnight after it)."""
    return local_date(period.due_at - timedelta(seconds=1), zone)


def _short(text: str, limit: int = BUTTON_TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def status_keyboard(assignment_id: int, period_id: int, locale: str) -> InlineKeyboardMarkup:
    """The four status buttons for one assignment, two per row."""
    buttons = [
        InlineKeyboardButton(
            f"{STATUS_ICONS[status]} {status_label(status, locale)}",
            callback_data=f"status:{assignment_id}:{period_id}:{status.value}",
        )
        for status in Status
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def task_keyboard(assignments: list[AssignmentInfo], period_id: int) -> InlineKeyboardMarkup:
    """One button per task, each leading to that task's status buttons."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{a.number} · {_short(a.title)}", callback_data=f"task:{a.id}:{period_id}"
                )
            ]
            for a in assignments
        ]
    )


def choice_keyboard(
    assignments: list[AssignmentInfo], period_id: int, locale: str
) -> InlineKeyboardMarkup:
    """Status buttons for a single task, task buttons for several."""
    if len(assignments) == 1:
        return status_keyboard(assignments[0].id, period_id, locale)
    return task_keyboard(assignments, period_id)


def task_lines(assignments: list[AssignmentInfo], zone: ZoneInfo, locale: str) -> list[str]:
    """One line per task: number, directive, role, title, deadline."""
    lines = []
    for a in assignments:
        line = say(
            "request.task",
            locale,
            number=a.number,
            directive=a.directive_code,
            role=role_label(a.role, locale),
            title=a.title,
        )
        if a.deadline is not None:
            line += say("request.deadline", locale, deadline=a.deadline.strftime("%d/%m/%Y"))
        else:
            line += say("request.standing", locale)  # a standing task: "thường xuyên"
        lines.append(line)
    return lines


def visible_length(text: str) -> int:
    """The length Telegram checks: UTF-16 units of the text once the HTML tags are parsed."""
    plain = html.unescape(_TAG.sub("", text))
    return len(plain.encode("utf-16-le")) // 2


def task_messages(
    *,
    header: str,
    continued: Callable[[int, int], str],
    footer: list[str],
    assignments: list[AssignmentInfo],
    period_id: int,
    zone: ZoneInfo,
    locale: str,
) -> list[Outgoing]:
    """A list of tasks with their buttons, in as many messages as Telegram's limits need.

    Tasks stay in order (directive by directive) and are never cut; each message is
    under 4,096 characters and carries the buttons of its own tasks only. Pages after
    the first open with `continued(page, pages)`.
    """
    lines = task_lines(assignments, zone, locale)
    frame = max(visible_length(header), visible_length(continued(99, 99)))
    budget = MESSAGE_LIMIT - frame - sum(visible_length(line) + 1 for line in footer) - 8
    pages: list[list[int]] = [[]]
    used = 0
    for index, line in enumerate(lines):
        size = visible_length(line) + 1
        if pages[-1] and (used + size > budget or len(pages[-1]) >= TASK_BUTTONS_PER_MESSAGE):
            pages.append([])
            used = 0
        pages[-1].append(index)
        used += size
    messages = []
    for number, page in enumerate(pages, start=1):
        top = header if number == 1 else continued(number, len(pages))
        body = [lines[index] for index in page]
        tasks = [assignments[index] for index in page]
        text = "\n".join([top, "", *body, "", *footer])
        messages.append(Outgoing(text, choice_keyboard(tasks, period_id, locale)))
    return messages


def request_messages(
    *,
    agency_name: str,
    period: PeriodInfo,
    assignments: list[AssignmentInfo],
    zone: ZoneInfo,
    locale: str,
) -> list[Outgoing]:
    """The monthly request: every task the agency still owes, with a button per task."""
    due = due_date(period, zone)
    footer = [
        say("request.choose_status" if len(assignments) == 1 else "request.choose_task", locale),
        say("request.reply_hint", locale),
    ]
    header = say("request.header", locale, month=period.label, agency=agency_name, due=due)
    return _task_pages("request", header, footer, period, assignments, zone, locale)


def nudge_messages(
    *,
    agency_name: str,
    period: PeriodInfo,
    pending: list[AssignmentInfo],
    zone: ZoneInfo,
    locale: str,
) -> list[Outgoing]:
    """A reminder listing what the agency has not reported yet."""
    header = say(
        "nudge.header",
        locale,
        month=period.label,
        agency=agency_name,
        count=len(pending),
        due=due_date(period, zone),
    )
    footer = [say("request.reply_hint", locale)]
    return _task_pages("nudge", header, footer, period, pending, zone, locale)


def late_copy_messages(
    *,
    agency_name: str,
    period: PeriodInfo,
    pending: list[AssignmentInfo],
    zone: ZoneInfo,
    locale: str,
) -> list[Outgoing]:
    """For an agency's leader: what its officers were reminded of, without buttons."""
    header = say(
        "late_copy.header",
        locale,
        month=period.label,
        agency=agency_name,
        count=len(pending),
        due=due_date(period, zone),
    )
    # Room is kept on every part for the "(continued k/n)" line the later ones open with.
    parts = split_lines([header, "", *task_lines(pending, zone, locale)], MESSAGE_LIMIT - 200)
    messages = [Outgoing(parts[0])]
    for page, text in enumerate(parts[1:], start=2):
        top = say("late_copy.continued", locale, month=period.label, page=page, pages=len(parts))
        messages.append(Outgoing(f"{top}\n\n{text}"))
    return messages


def pending_messages(
    *,
    agency_name: str,
    period: PeriodInfo,
    pending: list[AssignmentInfo],
    zone: ZoneInfo,
    locale: str,
) -> list[Outgoing]:
    """`/pending` for an officer: the tasks not reported yet, with their buttons."""
    header = say(
        "pending.header", locale, agency=agency_name, count=len(pending), month=period.label
    )
    return _task_pages("pending", header, [], period, pending, zone, locale)


def _task_pages(
    kind: str,
    header: str,
    footer: list[str],
    period: PeriodInfo,
    assignments: list[AssignmentInfo],
    zone: ZoneInfo,
    locale: str,
) -> list[Outgoing]:
    """The messages of one kind (request, nudge, pending), "(continued k/n)" after the first."""
    return task_messages(
        header=header,
        continued=lambda page, pages: say(
            f"{kind}.continued", locale, month=period.label, page=page, pages=pages
        ),
        footer=footer,
        assignments=assignments,
        period_id=period.id,
        zone=zone,
        locale=locale,
    )


def parse_callback(data: str | None) -> CallbackChoice | None:
    """The choice a button names, or None for anything malformed."""
    if not data:
        return None
    parts = data.split(":")
    try:
        ids = [_row_id(part) for part in parts[1:3]]
        if parts[0] == "task" and len(parts) == 3:
            return CallbackChoice("task", ids[0], ids[1])
        if parts[0] == "status" and len(parts) == 4:
            return CallbackChoice("status", ids[0], ids[1], Status(parts[3]))
    except (ValueError, IndexError):
        return None
    return None


def question_messages(
    *, question_id: int, text: str, due_on: date, agency_name: str, locale: str
) -> list[Outgoing]:
    """The Office's one-off question, with the status buttons; the note comes as a reply."""
    body = say(
        "question.message",
        locale,
        agency=agency_name,
        text=text,
        due=due_on.strftime("%d/%m/%Y"),
    )
    buttons = [
        InlineKeyboardButton(
            f"{STATUS_ICONS[status]} {status_label(status, locale)}",
            callback_data=f"answer:{question_id}:{status.value}",
        )
        for status in Status
    ]
    return [Outgoing(body, InlineKeyboardMarkup([buttons[:2], buttons[2:]]))]


def parse_answer_callback(data: str | None) -> tuple[int, Status] | None:
    """(question id, status) of a question's status button, or None."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != "answer":
        return None
    try:
        return _row_id(parts[1]), Status(parts[2])
    except ValueError:
        return None


SUMMARY_FULL = "summary-full"


def summary_keyboard(month: str, directive_code: str | None, locale: str) -> InlineKeyboardMarkup:
    """The brief's one button: the digest's whole text for the month (and directive)."""
    data = f"{SUMMARY_FULL}:{month}:{directive_code or ''}"[:64]  # Telegram's 64-byte limit
    button = InlineKeyboardButton(say("summary.full_button", locale), callback_data=data)
    return InlineKeyboardMarkup([[button]])


def parse_summary_callback(data: str | None) -> tuple[str, str | None] | None:
    """(month, directive code or None) from the brief's button, or None for any other data."""
    parts = (data or "").split(":", 2)
    if len(parts) != 3 or parts[0] != SUMMARY_FULL or not re.fullmatch(r"\d{4}-\d{2}", parts[1]):
        return None
    return parts[1], parts[2] or None


def _row_id(text: str) -> int:
    """A database id: decimal digits only, within SQLite's integer range."""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise ValueError(text)
    return int(text)


def deadline_message(
    *, agency_name: str, assignment: AssignmentInfo, period_id: int, locale: str
) -> Outgoing:
    """A reminder that a task's own deadline is near, with its status buttons."""
    assert assignment.deadline is not None
    text = say(
        "deadline.header",
        locale,
        number=assignment.number,
        directive=assignment.directive_code,
        title=assignment.title,
        deadline=assignment.deadline.strftime("%d/%m/%Y"),
        agency=agency_name,
    )
    return Outgoing(text, status_keyboard(assignment.id, period_id, locale))


def split_lines(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Lines packed into messages under Telegram's limit, never cutting a line."""
    parts: list[list[str]] = [[]]
    for line in lines:
        if parts[-1] and visible_length("\n".join([*parts[-1], line])) > limit - 8:
            parts.append([])
        parts[-1].append(line)
    return ["\n".join(part) for part in parts if part]


def escalation_messages(
    *, period: PeriodInfo, late: list[tuple[str, int, bool]], zone: ZoneInfo, locale: str
) -> list[Outgoing]:
    """For the secretariat: who has not reported, how many tasks each, who is unreachable."""
    lines = [
        say(
            "escalation.header",
            locale,
            month=period.label,
            due=due_date(period, zone),
            count=len(late),
        )
    ]
    for agency, count, unreachable in late:
        line = say("escalation.line", locale, agency=agency, count=count)
        if unreachable:
            line += say("escalation.unreachable", locale)
        lines.append(line)
    return [Outgoing(text) for text in split_lines(lines)]


def contact_lost_message(*, agency_name: str, contact_name: str, locale: str) -> Outgoing:
    """For the secretariat: an agency's contact can no longer be reached."""
    reason = say("contact_lost.blocked", locale)
    return Outgoing(
        say("contact_lost", locale, agency=agency_name, name=contact_name, reason=reason)
    )
