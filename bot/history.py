"""`/history CODE TASK` (secretariat): a task's status month by month, each agency's word."""

from __future__ import annotations

from telegram import Update

from bot.compose import split_lines
from bot.context import DondocContext
from bot.handlers import _reply, _secretariat_only
from bot.texts import STATUS_ICONS, role_label, say, status_label
from db import lifecycle
from db.engine import session_scope
from db.history import MonthReport, task_history

NOTE_CHARS = 200  # a month's line stays a line; the digest has the notes in full


def history_lines(rows: list[MonthReport], locale: str) -> list[str]:
    """The months of a task, oldest first, each agency's status, who gave it and its note."""
    first = rows[0]
    lines = [
        say(
            "history.header",
            locale,
            number=first.number,
            code=first.directive_code,
            title=first.title,
        )
    ]
    month = None
    for row in rows:
        if row.month != month:
            month = row.month
            lines += ["", say("history.month", locale, month=row.label)]
        icon = f"{STATUS_ICONS[row.status]} " if row.status is not None else ""
        status = icon + status_label(row.status, locale)
        line = say(
            "history.line",
            locale,
            agency=row.agency_name,
            role=role_label(row.role, locale),
            status=status,
        )
        if row.reporter:
            line += say("history.by", locale, reporter=row.reporter)
        if row.note:
            short = row.note if len(row.note) <= NOTE_CHARS else row.note[: NOTE_CHARS - 1] + "…"
            line += say("history.note", locale, note=short)
        lines.append(line)
    return lines


async def history(update: Update, context: DondocContext) -> None:
    """`/history CODE TASK`: the task's status month by month, for the secretariat."""
    if await _secretariat_only(update, context) is None:
        return
    args, locale = context.args or [], context.locale
    if len(args) != 2:
        await _reply(update, say("history.usage", locale))
        return
    code, number = args
    try:
        with session_scope(context.engine) as session:
            rows = task_history(session=session, directive_code=code, number=number)
    except lifecycle.Refused as refused:
        await _reply(update, say(refused.key, locale, **refused.values))
        return
    if not rows:
        await _reply(update, say("history.none", locale, code=code, number=number))
        return
    for part in split_lines(history_lines(rows, locale)):
        await _reply(update, part)
