"""The secretariat's changes to what is followed: `/close`, `/extend`, `/assign`, `/unassign`.

Each parses its arguments, makes the change in one unit of work (db/lifecycle.py: dated,
audited, past digests untouched) and says what it did or why it could not.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date

from sqlmodel import Session
from telegram import Update

from bot.context import DondocContext
from bot.handlers import _reply, _secretariat_only
from bot.texts import role_label, say
from db import lifecycle
from db.audit import person_actor
from db.contacts import ContactInfo
from db.engine import session_scope
from db.models import AssignmentRole

log = logging.getLogger(__name__)

WHOLE_DIRECTIVE = {"tatca", "tất cả", "tất-cả", "all", "*"}
COORDINATING = {"phoihop", "phối hợp", "phối-hợp", "phoi-hop", "coordinating"}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_day(text: str) -> date | None:
    """A date as the Office writes it (31/12/2026) or as ISO (2026-12-31); None if neither."""
    try:
        found = _DATE.match(text.strip())
        if found:
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def shown(values: dict[str, object], locale: str) -> dict[str, object]:
    """A change's values as people read them: dates as the Office writes them, roles named."""
    return {name: _shown(name, value, locale) for name, value in values.items()}


def _shown(name: str, value: object, locale: str) -> object:
    if isinstance(value, AssignmentRole):
        return role_label(value, locale)
    if name in ("deadline", "old"):
        return (
            f"{value:%d/%m/%Y}" if isinstance(value, date) else say("lifecycle.no_deadline", locale)
        )
    return value


async def _change(
    update: Update,
    context: DondocContext,
    make: Callable[[Session, ContactInfo], tuple[str, dict[str, object]]],
) -> None:
    """Run one change for the secretariat and answer with its outcome or its refusal."""
    contact = await _secretariat_only(update, context)
    if contact is None:
        return
    locale = context.locale
    try:
        with session_scope(context.engine) as session:
            key, values = make(session, contact)
    except lifecycle.Refused as refused:
        key, values = refused.key, refused.values
        log.info("refused a change from contact %s: %s", contact.id, key)
    await _reply(update, say(key, locale, **shown(values, locale)))


def _actor(contact: ContactInfo) -> str:
    return person_actor(contact.user_id, contact.display_name)


async def close(update: Update, context: DondocContext) -> None:
    """`/close CODE TASK`: a task accepted as done; `/close CODE tatca`: the whole directive."""
    args = context.args or []
    if len(args) != 2:
        await _reply(update, say("lifecycle.close_usage", context.locale))
        return
    code, what = args
    now = context.now()

    def make(session: Session, contact: ContactInfo) -> tuple[str, dict[str, object]]:
        if what.casefold() in WHOLE_DIRECTIVE:
            closed = lifecycle.close_directive(
                session=session, code=code, now=now, actor=_actor(contact)
            )
            return "lifecycle.directive_closed_done", {
                "code": closed.code,
                "open": closed.open_tasks,
            }
        task = lifecycle.close_task(
            session=session, directive_code=code, number=what, now=now, actor=_actor(contact)
        )
        return "lifecycle.task_closed_done", {"code": task.directive_code, "number": task.number}

    await _change(update, context, make)


async def extend(update: Update, context: DondocContext) -> None:
    """`/extend CODE TASK DD/MM/YYYY`: a task's deadline moved later."""
    args = context.args or []
    if len(args) != 3:
        await _reply(update, say("lifecycle.extend_usage", context.locale))
        return
    code, number, written = args
    deadline = parse_day(written)
    if deadline is None:
        await _reply(update, say("lifecycle.bad_date", context.locale, value=written))
        return
    now = context.now()

    def make(session: Session, contact: ContactInfo) -> tuple[str, dict[str, object]]:
        task = lifecycle.extend_deadline(
            session=session,
            directive_code=code,
            number=number,
            deadline=deadline,
            now=now,
            actor=_actor(contact),
        )
        values = {"code": task.directive_code, "number": task.number}
        return "lifecycle.extended", {**values, "deadline": task.deadline, "old": task.old_deadline}

    await _change(update, context, make)


async def assign(update: Update, context: DondocContext) -> None:
    """`/assign CODE TASK AGENCY [phoihop]`: an agency given a task from now on."""
    args = context.args or []
    if len(args) < 3:
        await _reply(update, say("lifecycle.assign_usage", context.locale))
        return
    code, number, agency = args[:3]
    extra = " ".join(args[3:]).casefold()
    if extra and extra not in COORDINATING:
        await _reply(update, say("lifecycle.assign_usage", context.locale))
        return
    role = AssignmentRole.COORDINATING if extra else AssignmentRole.LEAD
    now = context.now()

    def make(session: Session, contact: ContactInfo) -> tuple[str, dict[str, object]]:
        given = lifecycle.add_assignment(
            session=session,
            directive_code=code,
            number=number,
            agency_code=agency,
            role=role,
            now=now,
            actor=_actor(contact),
        )
        return "lifecycle.assigned", {
            "code": given.directive_code,
            "number": given.number,
            "agency": given.agency_name,
            "role": given.role,
        }

    await _change(update, context, make)


async def unassign(update: Update, context: DondocContext) -> None:
    """`/unassign CODE TASK AGENCY`: an agency relieved of a task from now on."""
    args = context.args or []
    if len(args) != 3:
        await _reply(update, say("lifecycle.assign_usage", context.locale))
        return
    code, number, agency = args
    now = context.now()

    def make(session: Session, contact: ContactInfo) -> tuple[str, dict[str, object]]:
        taken = lifecycle.remove_assignment(
            session=session,
            directive_code=code,
            number=number,
            agency_code=agency,
            now=now,
            actor=_actor(contact),
        )
        values = {"code": taken.directive_code, "number": taken.number}
        return "lifecycle.unassigned", {**values, "agency": taken.agency_name}

    await _change(update, context, make)
