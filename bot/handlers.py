"""Telegram handlers: parse the update, call a data function, reply.

Who may do what is decided from the contact registered for the chat, never
from what a message or a button claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from html import escape

from telegram import Chat, ForceReply, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError

from bot.compose import (
    CallbackChoice,
    Outgoing,
    parse_answer_callback,
    parse_callback,
    parse_summary_callback,
    pending_messages,
    split_lines,
    status_keyboard,
    summary_keyboard,
    task_lines,
    task_messages,
)
from bot.context import DondocContext
from bot.texts import STATUS_ICONS, role_label, say, status_label
from db import contacts, conversations, outbox, periods, questions, reports
from db.engine import Work, core_work, session_scope
from db.models import Role, Status
from dondoc.sanitize import clean_note
from jobs.calendar import parse_month
from jobs.digest import Digest, build_digest
from jobs.digest_text import render_brief, render_html

log = logging.getLogger(__name__)

SECRETARIAT_ROLES = (Role.SECRETARIAT, Role.ADMIN)
GROUP_CHATS = (ChatType.GROUP, ChatType.SUPERGROUP)
# Who may bind a group to an agency: its owner and its administrators, as Telegram says.
MAY_REGISTER_GROUP = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


def in_group(chat: Chat | None) -> bool:
    """Whether the chat is a group or supergroup (its registration speaks for everyone in it)."""
    return chat is not None and chat.type in GROUP_CHATS


def addressed_to_bot(message: Message, bot_id: int) -> bool:
    """In a group, only a reply to the bot's own message is meant for it; in private, all."""
    if not in_group(message.chat):
        return True
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


async def _reply(update: Update, text: str, **kwargs: object) -> Message | None:
    """Answer in the chat the update came from, as HTML."""
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(text, parse_mode=ParseMode.HTML, **kwargs)  # type: ignore[arg-type]


async def _reply_all(update: Update, messages: list[Outgoing]) -> None:
    """Answer with each message of a list split under Telegram's limits, in order."""
    for message in messages:
        await _reply(update, message.text, reply_markup=message.markup)


def _contact(update: Update, context: DondocContext) -> contacts.ContactInfo | None:
    with core_work(context.engine) as work:
        return _contact_in(work, update, context)


def _contact_in(
    session: Work, update: Update, context: DondocContext
) -> contacts.ContactInfo | None:
    """The contact registered for the update's chat, read within the update's unit of work."""
    chat = update.effective_chat
    if chat is None:
        return None
    return context.bot_data.contacts.for_chat(session=session, chat_id=chat.id)


async def _refuse_stranger(update: Update, context: DondocContext) -> None:
    user = update.effective_user
    log.info("refused unregistered user %s", user.id if user else "?")
    if update.callback_query is not None:
        await update.callback_query.answer(say("callback.refused", context.locale))
    await _reply(update, say("refusal.stranger", context.locale))


# --- joining and help ---------------------------------------------------------------------------


async def start(update: Update, context: DondocContext) -> None:
    """`/start <code>` binds the chat to an agency; `/start` alone says who the bot is."""
    if not context.args:
        await help_command(update, context)
        return
    await _join(update, context, context.args[0])


async def register(update: Update, context: DondocContext) -> None:
    """`/register <code>`: `/start <code>` by another name, the one a group's admin types."""
    if not context.args:
        await _reply(update, say("register.usage", context.locale))
        return
    await _join(update, context, context.args[0])


async def _join(update: Update, context: DondocContext, code: str) -> None:
    """Redeem an invite for this chat; a group only by its owner or an administrator."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    group = in_group(chat)
    if group:
        member = await context.bot.get_chat_member(chat.id, user.id)
        if member.status not in MAY_REGISTER_GROUP:
            log.info("refused to register group %s: user %s is %s", chat.id, user.id, member.status)
            await _reply(update, say("register.not_admin", context.locale))
            return
    with session_scope(context.engine) as session:
        outcome = contacts.redeem_invite(
            session=session,
            code=code,
            user_id=user.id,
            chat_id=chat.id,
            display_name=user.full_name,
            now=context.now(),
            update_id=update.update_id,
            contact_name=chat.title if group else None,
        )
    await _reply(update, _invite_answer(outcome, user, chat, context))
    if outcome.result == "joined":
        log.info("chat %s joined %s as %s", chat.id, outcome.agency_name, outcome.role)
        # A late joiner gets what is owed now (this month's request, listing only what the
        # agency has not reported) without waiting for the next sweep.
        context.application.create_task(
            context.bot_data.send_outs.run(context.bot), update=update, name="joined"
        )


def _invite_answer(
    outcome: contacts.InviteOutcome, user: User, chat: Chat, context: DondocContext
) -> str:
    """What the person who used an invite code is told."""
    locale = context.locale
    role = role_label(outcome.role, locale) if outcome.role else ""
    agency = outcome.agency_name
    if outcome.result == "joined" and outcome.role in SECRETARIAT_ROLES:
        welcome = say(
            "invite.joined_secretariat", locale, name=user.full_name, role=role, agency=agency
        )
        return f"{welcome}\n\n{say('help.secretariat', locale)}"
    if outcome.result == "joined" and outcome.role is Role.LEADER:
        return say("invite.joined_leader", locale, name=user.full_name, role=role, agency=agency)
    if outcome.result == "joined" and in_group(chat):
        name, group = user.full_name, chat.title or ""
        return say("invite.joined_group", locale, group=group, name=name, role=role, agency=agency)
    if outcome.result == "joined":
        return say("invite.joined", locale, name=user.full_name, role=role, agency=agency)
    if outcome.result == "already":
        key = "invite.already_group" if in_group(chat) else "invite.already"
        return say(key, locale, role=role, agency=agency)
    if outcome.result == "bound":
        log.info("refused a second binding of chat %s (bound to %s)", chat.id, agency)
        return say("invite.bound", locale, role=role, agency=agency)
    if outcome.result == "expired" and outcome.expires_at is not None:
        expired_on = outcome.expires_at.astimezone(context.config.schedule.zone)
        return say("invite.expired", locale, date=expired_on.strftime("%d/%m/%Y"))
    log.info("user %s used a %s invite code", user.id, outcome.result)
    return say(f"invite.{outcome.result}", locale)


async def help_command(update: Update, context: DondocContext) -> None:
    """What the bot is and what this user may do."""
    contact = _contact(update, context)
    if contact is None:
        key = "welcome.group_stranger" if in_group(update.effective_chat) else "welcome.stranger"
        await _reply(update, say(key, context.locale))
    elif contact.role in SECRETARIAT_ROLES:
        await _reply(update, say("help.secretariat", context.locale))
    elif contact.role is Role.LEADER:
        await _reply(update, say("help.leader", context.locale, agency=contact.agency_name))
    else:
        await _reply(update, say("help.officer", context.locale, agency=contact.agency_name))


# --- what is owed -------------------------------------------------------------------------------


async def pending(update: Update, context: DondocContext) -> None:
    """An officer's unreported tasks with buttons; for the secretariat, who has not reported."""
    contact = _contact(update, context)
    if contact is None:
        await _refuse_stranger(update, context)
        return
    locale, zone = context.locale, context.config.schedule.zone
    with session_scope(context.engine) as session:
        period = periods.current_period(session=session, now=context.now())
        owed: list[reports.AssignmentInfo] = []
        missing: list[str] = []
        if period is not None and contact.role in SECRETARIAT_ROLES:
            missing = reports.agencies_not_reported(session=session, period_id=period.id)
        elif period is not None:
            owed = reports.pending_assignments(
                session=session, agency_id=contact.agency_id, period_id=period.id
            )
    if period is None:
        await _reply(update, say("pending.none_open", locale))
    elif contact.role in SECRETARIAT_ROLES:
        if not missing:
            await _reply(update, say("pending.missing_none", locale, month=period.label))
            return
        header = say("pending.missing_header", locale, month=period.label, count=len(missing))
        for part in _paginate([header, *(f"• {escape(name, quote=False)}" for name in missing)]):
            await _reply(update, part)
    elif not owed:
        await _reply(
            update, say("pending.all_done", locale, agency=contact.agency_name, month=period.label)
        )
    elif contact.role is Role.LEADER:  # to read, not to report: no buttons
        header = say(
            "pending.header",
            locale,
            agency=contact.agency_name,
            count=len(owed),
            month=period.label,
        )
        for part in split_lines([header, "", *task_lines(owed, zone, locale)]):
            await _reply(update, part)
    else:
        await _reply_all(
            update,
            pending_messages(
                agency_name=contact.agency_name,
                period=period,
                pending=owed,
                zone=zone,
                locale=locale,
            ),
        )


async def _secretariat_only(update: Update, context: DondocContext) -> contacts.ContactInfo | None:
    """The secretariat (or admin) contact behind the update, or None after a refusal."""
    contact = _contact(update, context)
    if contact is None:
        await _refuse_stranger(update, context)
        return None
    if contact.role not in SECRETARIAT_ROLES:
        log.info("refused a secretariat command to %s of %s", contact.role, contact.agency_code)
        role = role_label(contact.role, context.locale)
        await _reply(
            update,
            say("refusal.secretariat_only", context.locale, role=role, agency=contact.agency_name),
        )
        return None
    return contact


async def missing(update: Update, context: DondocContext) -> None:
    """`/missing` (secretariat): the agencies that have not reported this month."""
    if await _secretariat_only(update, context) is not None:
        await pending(update, context)


async def remind(update: Update, context: DondocContext) -> None:
    """`/remind` (secretariat): nudge every agency that has not reported, now."""
    contact = await _secretariat_only(update, context)
    if contact is None:
        return
    now = context.now()
    with session_scope(context.engine) as session:
        period = periods.current_period(session=session, now=now)
        reminded = (
            outbox.plan_reminders_now(session=session, period_id=period.id, now=now)
            if period is not None
            else 0
        )
    if period is None:
        await _reply(update, say("pending.none_open", context.locale))
        return
    await _reply(update, say("remind.done", context.locale, count=reminded, month=period.label))
    if reminded:
        # Sent by this process's send-out, in the background: a long send-out must not
        # hold up the updates queued behind this one.
        context.application.create_task(
            context.bot_data.send_outs.run(context.bot), update=update, name="remind"
        )


def _paginate(lines: list[str], limit: int = 4000) -> list[str]:
    parts: list[str] = [""]
    for line in lines:
        if len(parts[-1]) + len(line) + 1 > limit:
            parts.append("")
        parts[-1] = f"{parts[-1]}\n{line}" if parts[-1] else line
    return parts


async def summary(update: Update, context: DondocContext) -> None:
    """`/summary [full] [directive] [MM/YYYY]`: the digest, for the secretariat only.

    One short message (the counts, the late and the blocked) with a button for the whole text,
    then the Word report and the spreadsheet; `/summary full` gives the whole text at once.
    """
    if await _secretariat_only(update, context) is None:
        return
    locale = context.locale
    month, directive_code, full = None, None, False
    for arg in context.args or []:
        if arg.casefold() in {"full", "đầy đủ", "day-du", "toàn văn"}:
            full = True
            continue
        try:
            month = parse_month(arg)
        except ValueError:
            if any(ch.isalpha() for ch in arg):
                directive_code = arg
            else:
                await _reply(update, say("summary.bad_period", locale, value=arg))
                return
    digest = _digest_for(context, month, directive_code)
    if digest is None:
        if month is None:
            await _reply(update, say("pending.none_open", locale))
        else:
            await _reply(update, say("summary.no_period", locale, month=periods.month_label(month)))
        return
    zone = context.config.schedule.zone
    if full:
        for part in render_html(digest, zone=zone, locale=locale):
            await _reply(update, part)
        return
    keyboard = summary_keyboard(digest.period.month, directive_code, locale)
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            render_brief(digest, zone=zone, locale=locale),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    await _send_digest_files(update, digest, context)


async def _summary_full(
    update: Update, context: DondocContext, month: str, directive_code: str | None
) -> None:
    """The brief's "whole text" button: every task in full, as `/summary full`."""
    query = update.callback_query
    assert query is not None
    if await _secretariat_only(update, context) is None:
        await query.answer(say("callback.refused", context.locale))
        return
    await query.answer()
    digest = _digest_for(context, month, directive_code)
    if digest is None:
        return
    zone, locale = context.config.schedule.zone, context.locale
    for part in render_html(digest, zone=zone, locale=locale):
        await _reply(update, part)


def _digest_for(
    context: DondocContext, month: str | None, directive_code: str | None
) -> Digest | None:
    """The digest of a month (the current period when none is given) as of now."""
    now = context.now()
    with session_scope(context.engine) as session:
        if month is None:
            period = periods.current_period(session=session, now=now)
        else:
            period = periods.period_by_month(session=session, month=month)
        if period is None:
            return None
        return build_digest(
            session=session,
            period=period,
            as_of=now,
            directive_code=directive_code,
            zone=context.config.schedule.zone,
        )


async def _send_digest_files(update: Update, digest: Digest, context: DondocContext) -> None:
    """The Word report and the spreadsheet, drawn off the event loop, sent after the brief."""
    from reports import render_file  # python-docx and openpyxl: loaded when first asked for

    message = update.effective_message
    if message is None:
        return
    zone, locale = context.config.schedule.zone, context.locale
    settings = context.config.report
    month = digest.period.label
    for fmt, caption in (
        ("docx", "summary.document_caption"),
        ("xlsx", "summary.spreadsheet_caption"),
    ):
        made = await asyncio.to_thread(
            render_file, digest, fmt, zone=zone, locale=locale, settings=settings
        )
        await message.reply_document(
            document=made.content,
            filename=made.name,
            caption=say(caption, locale, month=month),
            parse_mode=ParseMode.HTML,
        )


# --- buttons, notes and replies -----------------------------------------------------------------


async def button(update: Update, context: DondocContext) -> None:
    """A task button shows the status buttons; a status button records the status; the
    brief's button sends the digest's whole text."""
    query = update.callback_query
    if query is None:
        return
    if (wanted := parse_summary_callback(query.data)) is not None:
        await _summary_full(update, context, *wanted)
        return
    if (answer := parse_answer_callback(query.data)) is not None:
        await _answer_pressed(update, context, *answer)
        return
    choice = parse_callback(query.data)
    with core_work(context.engine) as work:
        press = _press(work, update, context, choice)
    contact, assignment, locale = press.contact, press.assignment, context.locale
    if contact is None:
        await _refuse_stranger(update, context)
    elif press.refusal is not None or assignment is None or choice is None:
        log.warning("refused button %r from contact %s: %s", query.data, contact.id, press.refusal)
        await query.answer(say("callback.refused", locale))
        await _reply(update, say(press.refusal or "refusal.stale", locale))
    elif press.report is None:
        await query.answer()
        text = say(
            "task.status_prompt",
            locale,
            number=assignment.number,
            directive=assignment.directive_code,
            title=assignment.title,
        )
        await _reply(
            update, text, reply_markup=status_keyboard(assignment.id, press.period_id, locale)
        )
    else:
        await query.answer(say("callback.saved", locale))
        await _reply_saved(update, context, press.report, assignment)


async def _answer_pressed(
    update: Update, context: DondocContext, question_id: int, status: Status
) -> None:
    """A status button of one of the Office's questions: the agency's answer, a note next."""
    query = update.callback_query
    assert query is not None
    with core_work(context.engine) as work:
        contact = _contact_in(work, update, context)
        answered = (
            questions.record_answer(
                session=work,
                question_id=question_id,
                contact=contact,
                now=context.now(),
                status=status,
                update_id=update.update_id,
            )
            if contact is not None and contact.role is Role.OFFICER
            else None
        )
    locale = context.locale
    if contact is None:
        await _refuse_stranger(update, context)
    elif answered is None:
        await query.answer(say("callback.refused", locale))
        await _reply(update, say("refusal.not_yours", locale))
    else:
        await query.answer(say("callback.saved", locale))
        label = f"{STATUS_ICONS[status]} {status_label(status, locale)}"
        await _reply(update, say("question.status_saved", locale, status=label))


@dataclass(frozen=True)
class _Press:
    """What a task or status button did, decided in one unit of work."""

    contact: contacts.ContactInfo | None
    refusal: str | None = None  # the text key of the refusal
    assignment: reports.AssignmentInfo | None = None
    period_id: int = 0
    report: reports.ReportInfo | None = None  # a status stored


def _press(
    session: Work, update: Update, context: DondocContext, choice: CallbackChoice | None
) -> _Press:
    """Check a task or status button against the chat's contact and this month, then act."""
    contact = _contact_in(session, update, context)
    if contact is None:
        return _Press(None)
    now = context.now()
    current = periods.current_period(session=session, now=now)
    assignment = (
        context.bot_data.assignments.by_id(session=session, assignment_id=choice.assignment_id)
        if choice is not None
        else None
    )
    if choice is None or assignment is None or current is None or choice.period_id != current.id:
        return _Press(contact, "refusal.stale")
    if contact.role is Role.LEADER:
        return _Press(contact, "refusal.leader")
    if contact.role is not Role.OFFICER or assignment.agency_id != contact.agency_id:
        return _Press(contact, "refusal.not_yours")
    if choice.action == "task":
        # A note drafted by a reply now belongs to this task; the status buttons come next.
        conversations.attach_draft_to_task(
            session=session, contact_id=contact.id, assignment_id=assignment.id, now=now
        )
        return _Press(contact, assignment=assignment, period_id=current.id)
    assert choice.status is not None
    report = conversations.record_status_choice(
        session=session,
        contact=contact,
        assignment_id=assignment.id,
        period_id=current.id,
        status=choice.status,
        now=now,
        update_id=update.update_id,
    )
    return _Press(contact, assignment=assignment, period_id=current.id, report=report)


async def _reply_saved(
    update: Update,
    context: DondocContext,
    report: reports.ReportInfo,
    assignment: reports.AssignmentInfo,
) -> None:
    """A status stored: with its drafted note, said so; without, a note is asked for."""
    locale = context.locale
    if report.note is None:
        assert report.status is not None
        icon, label = STATUS_ICONS[report.status], status_label(report.status, locale)
        text = say("report.saved", locale, icon=icon, status=label, number=assignment.number)
        # In a group the note must be a reply to the bot (privacy mode): the client opens one.
        force = ForceReply() if in_group(update.effective_chat) else None
        await _reply(update, text, reply_markup=force)
    else:
        await _reply(update, say("report.note_saved", locale, number=assignment.number))


async def skip(update: Update, context: DondocContext) -> None:
    """`/skip`: keep the status just given, without a note."""
    contact = _contact(update, context)
    if contact is None:
        await _refuse_stranger(update, context)
        return
    with session_scope(context.engine) as session:
        conversation = conversations.get_conversation(session=session, contact_id=contact.id)
        assignment = None
        if (
            conversation is not None
            and conversation.awaiting == "note"
            and conversation.assignment_id
        ):
            assignment = reports.assignment_by_id(
                session=session, assignment_id=conversation.assignment_id
            )
            conversations.clear_conversation(session=session, contact_id=contact.id)
    if assignment is None:
        await _reply(update, say("report.nothing_to_skip", context.locale))
    else:
        await _reply(update, say("report.skipped", context.locale, number=assignment.number))


async def text_message(update: Update, context: DondocContext) -> None:
    """A note after a status, or a reply to a request: stored as a report."""
    message = update.effective_message
    if message is None or message.text is None or not addressed_to_bot(message, context.bot.id):
        return
    locale, text, limit = context.locale, message.text, context.config.bot.note_max_chars
    note = clean_note(text) if len(text) <= limit else ""
    with core_work(context.engine) as work:
        contact = _contact_in(work, update, context)
        officer = contact is not None and contact.role is Role.OFFICER
        noted, answered = None, None
        if contact is not None and officer and note:
            # A reply to one of the Office's one-off questions answers it; else a report.
            replied = message.reply_to_message
            answered = (
                questions.answer_by_reply(
                    session=work,
                    chat_id=message.chat_id,
                    replied_to=replied.message_id,
                    contact=contact,
                    note=note,
                    now=context.now(),
                    update_id=update.update_id,
                )
                if replied is not None
                else None
            )
            if answered is None:
                noted = _store_note(work, update, context, contact, note)
    if answered is not None:
        await _reply(update, say("question.answered", locale))
    elif contact is None:
        await _refuse_stranger(update, context)
    elif contact.role is Role.LEADER:
        await _reply(update, say("refusal.leader", locale))
    elif not officer:
        await _reply(update, say("report.not_understood", locale))
    elif len(text) > limit:
        log.info("refused a %d-character note from contact %s", len(text), contact.id)
        await _reply(update, say("input.too_long", locale, limit=limit, length=len(text)))
    elif noted is None:
        await _reply(update, say("input.not_text", locale))
    elif noted.assignment is not None:
        await _reply(update, say("report.note_saved", locale, number=noted.assignment.number))
    elif noted.reply is not None:
        await _answer_reply(update, context, noted.reply, noted.period_id)
    else:
        await _reply(update, say("report.not_understood", locale))


@dataclass(frozen=True)
class _Noted:
    """Where a note went: the awaited note of a task, or a reply to this month's request."""

    assignment: reports.AssignmentInfo | None = None
    reply: conversations.ReplyOutcome | None = None
    period_id: int = 0


def _store_note(
    session: Work,
    update: Update,
    context: DondocContext,
    contact: contacts.ContactInfo,
    note: str,
) -> _Noted:
    """A reply to a request is a report on it; else the note awaited after a status; else
    (nothing was asked for) every note still counts, as a reply to this month's request."""
    message = update.effective_message
    assert message is not None
    now, message_id = context.now(), message.message_id
    period_id = None
    replied = message.reply_to_message
    if replied is not None:
        request = outbox.request_for_message(
            session=session, chat_id=message.chat_id, telegram_message_id=replied.message_id
        )
        period_id = request.period_id if request is not None else None
    if period_id is None:
        noted = conversations.record_note(
            session=session,
            contact=contact,
            text=note,
            now=now,
            update_id=update.update_id,
            message_id=message_id,
        )
        if noted is not None:
            assignments = context.bot_data.assignments
            return _Noted(assignment=assignments.by_id(session=session, assignment_id=noted))
        period = periods.current_period(session=session, now=now)
        if period is None:
            return _Noted()
        period_id = period.id
    outcome = conversations.record_reply_to_request(
        session=session,
        contact=contact,
        period_id=period_id,
        text=note,
        now=now,
        update_id=update.update_id,
        message_id=message_id,
    )
    return _Noted(reply=outcome, period_id=period_id)


async def edited_note(update: Update, context: DondocContext) -> None:
    """An officer edits a message that carried a note: the note is updated, history kept."""
    message = update.edited_message
    if message is None or message.text is None:
        return
    contact = _contact(update, context)
    if contact is None or contact.role is not Role.OFFICER:
        return  # an edit is never a new conversation: nothing to answer
    limit = context.config.bot.note_max_chars
    note = clean_note(message.text)
    if len(message.text) > limit:
        await _reply(
            update, say("input.too_long", context.locale, limit=limit, length=len(message.text))
        )
        return
    if not note:
        await _reply(update, say("input.not_text", context.locale))
        return
    with session_scope(context.engine) as session:
        assignment = conversations.record_edited_note(
            session=session,
            contact=contact,
            message_id=message.message_id,
            text=note,
            now=context.now(),
            update_id=update.update_id,
        )
    if assignment is not None:
        await _reply(update, say("report.note_edited", context.locale, number=assignment.number))


async def _answer_reply(
    update: Update, context: DondocContext, outcome: conversations.ReplyOutcome, period_id: int
) -> None:
    """A reply to a request was stored: said so, or its status or its task is asked for."""
    locale, zone = context.locale, context.config.schedule.zone
    owed = outcome.tasks
    if len(owed) == 1 and outcome.status is not None:
        await _reply(update, say("report.note_saved", locale, number=owed[0].number))
    elif len(owed) == 1:
        prompt = say("report.reply_saved", locale, number=owed[0].number)
        await _reply(update, prompt, reply_markup=status_keyboard(owed[0].id, period_id, locale))
    elif owed:
        await _reply_all(
            update,
            task_messages(
                header=say("report.reply_which_task", locale),
                continued=lambda page, pages: say("report.reply_which_task", locale),
                footer=[],
                assignments=owed,
                period_id=period_id,
                zone=zone,
                locale=locale,
            ),
        )
    else:
        await _reply(update, say("report.not_understood", locale))


async def not_text(update: Update, context: DondocContext) -> None:
    """A photo, sticker, voice note or file where text is expected: explain, store nothing."""
    message = update.effective_message
    if message is None or not addressed_to_bot(message, context.bot.id):
        return
    contact = _contact(update, context)
    if contact is None:
        await _refuse_stranger(update, context)
        return
    await _reply(update, say("input.not_text", context.locale))


async def unknown_command(update: Update, context: DondocContext) -> None:
    """Any other command gets the help text."""
    await help_command(update, context)


async def chat_migrated(update: Update, context: DondocContext) -> None:
    """A registered group became a supergroup: its contact follows it to the new chat id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    with session_scope(context.engine) as session:
        moved = contacts.move_chat(
            session=session, old_chat_id=old, new_chat_id=new, now=context.now()
        )
        outbox.follow_chat(session=session, old_chat_id=old, new_chat_id=new)
    if moved:
        log.info("group %s became supergroup %s: %d contact(s) moved", old, new, moved)


async def on_error(update: object, context: DondocContext) -> None:
    """Log the failure (the alert chat hears of it) and tell the user truly: not recorded."""
    if isinstance(context.error, reports.AlreadyStored):
        # Telegram delivers at least once: the report of this update is stored already, and
        # its unit of work was rolled back whole. Nothing is said twice.
        log.warning("update %s was delivered again; its report is already stored", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    locale, alerts = context.locale, context.bot_data.alerts
    if not isinstance(update, Update):
        await alerts.failure(context.bot, "alert.job", context.error)
        return
    user = update.effective_user
    name = user.full_name if user else "?"
    told = await alerts.failure(
        context.bot, "alert.update", context.error, id=update.update_id, user=name
    )
    if update.callback_query is not None:
        # An unanswered button keeps spinning in the user's client.
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(say("callback.not_recorded", locale))
    if update.effective_message is not None:
        text = say("error.not_recorded", locale)
        if told or context.bot_data.alerts.configured:
            text += say("error.admins_told", locale)
        with contextlib.suppress(TelegramError):
            await _reply(update, text)
