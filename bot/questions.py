"""`/ask` (secretariat): a one-off question (báo cáo đột xuất) to chosen agencies, or to every
lead agency of a task, with its own due day; sent at once, answered with the status buttons
and a reply, gathered in its own section of the digest."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import DondocContext
from bot.handlers import _reply, _secretariat_only
from bot.lifecycle import parse_day
from bot.texts import say
from db import lifecycle, periods, questions
from db.audit import person_actor
from db.engine import session_scope


def parse_ask(args: list[str]) -> tuple[list[str] | None, tuple[str, str] | None, date, str] | None:
    """(agency codes, or a task's (directive, number)), the due day and the text; None if
    the arguments do not say them."""
    if len(args) >= 4 and "/" in args[0] and (due := parse_day(args[2])) is not None:
        return None, (args[0], args[1]), due, " ".join(args[3:])
    if len(args) >= 3 and (due := parse_day(args[1])) is not None:
        codes = [code for code in args[0].split(",") if code.strip()]
        return codes, None, due, " ".join(args[2:])
    return None


async def ask(update: Update, context: DondocContext) -> None:
    """`/ask CODES DD/MM/YYYY TEXT` or `/ask DIRECTIVE TASK DD/MM/YYYY TEXT`."""
    contact = await _secretariat_only(update, context)
    if contact is None:
        return
    locale, now = context.locale, context.now()
    parsed = parse_ask(context.args or [])
    if parsed is None:
        await _reply(update, say("question.usage", locale))
        return
    codes, task, due, text = parsed
    try:
        with session_scope(context.engine) as session:
            current = periods.current_period(session=session, now=now)
            asked, names, messages = questions.ask(
                session=session,
                text=text,
                due_on=due,
                agency_codes=codes,
                task=task,
                now=now,
                actor=person_actor(contact.user_id, contact.display_name),
                period_id=current.id if current is not None else None,
            )
    except lifecycle.Refused as refused:
        await _reply(update, say(refused.key, locale, **refused.values))
        return
    await _reply(
        update,
        say(
            "question.asked",
            locale,
            count=len(names),
            messages=messages,
            due=f"{asked.due_on:%d/%m/%Y}",
            names=", ".join(names),
        ),
    )
    # Sent by this process's send-out, in the background (as /remind does).
    context.application.create_task(
        context.bot_data.send_outs.run(context.bot), update=update, name="ask"
    )
