"""Messages and keyboards built from plain data: requests, nudges, task and status buttons.

Callback data is small and parsed back by `parse_callback`; it only names an
assignment and a period, and the handler checks that the person pressing owns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import STATUS_ICONS, role_label, say, status_label
from db.models import Status
from db.queries import AssignmentInfo, PeriodInfo

BUTTON_TITLE_CHARS = 40


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
        lines.append(line)
    return lines


def request_message(
    *,
    agency_name: str,
    period: PeriodInfo,
    assignments: list[AssignmentInfo],
    zone: ZoneInfo,
    locale: str,
) -> Outgoing:
    """The monthly request: every task the agency owes, in one message."""
    parts = [
        say(
            "request.header",
            locale,
            month=period.label,
            agency=agency_name,
            due=due_date(period, zone),
        ),
        "",
        *task_lines(assignments, zone, locale),
        "",
        say("request.choose_status" if len(assignments) == 1 else "request.choose_task", locale),
        say("request.reply_hint", locale),
    ]
    return Outgoing("\n".join(parts), choice_keyboard(assignments, period.id, locale))


def nudge_message(
    *,
    agency_name: str,
    period: PeriodInfo,
    pending: list[AssignmentInfo],
    zone: ZoneInfo,
    locale: str,
) -> Outgoing:
    """A reminder listing what the agency has not reported yet."""
    parts = [
        say(
            "nudge.header",
            locale,
            month=period.label,
            agency=agency_name,
            count=len(pending),
            due=due_date(period, zone),
        ),
        "",
        *task_lines(pending, zone, locale),
        "",
        say("request.reply_hint", locale),
    ]
    return Outgoing("\n".join(parts), choice_keyboard(pending, period.id, locale))


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


def escalation_message(
    *, period: PeriodInfo, late: list[tuple[str, int, bool]], zone: ZoneInfo, locale: str
) -> Outgoing:
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
    return Outgoing("\n".join(lines))


def contact_lost_message(*, agency_name: str, contact_name: str, locale: str) -> Outgoing:
    """For the secretariat: an agency's contact can no longer be reached."""
    reason = say("contact_lost.blocked", locale)
    return Outgoing(
        say("contact_lost", locale, agency=agency_name, name=contact_name, reason=reason)
    )
