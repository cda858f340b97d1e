"""Files with a report: an officer sends a signed report, a table or a photo; the
secretariat gets them back with `/files CODE TASK [MM/YYYY]`.

A file is checked before it is fetched (its type, and the 20 MB a bot may download),
fetched outside any unit of work, then stored with the task it goes with: the note being
awaited, else the agency's only task this month; with several, the officer is asked to
choose the task first.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import PurePath

from sqlmodel import Session
from telegram import Document, Message, PhotoSize, Update
from telegram.error import TelegramError

from bot.context import DondocContext
from bot.handlers import _contact, _refuse_stranger, _reply, _secretariat_only, addressed_to_bot
from bot.texts import say
from db import conversations, files, lifecycle, outbox, periods, reports
from db.engine import session_scope
from db.models import Role
from jobs.calendar import parse_month

log = logging.getLogger(__name__)

# Telegram lets a bot download files of up to 20 MB (Bot API, getFile).
MAX_BYTES = 20 * 1024 * 1024
KINDS = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def _attachment(message: Message) -> tuple[str, str, str, int | None] | None:
    """(file id, file name, type, size) of a document or photo, if it is a kind kept."""
    if message.document is not None:
        document: Document = message.document
        name = PurePath(document.file_name or "tep").name
        kind = KINDS.get(PurePath(name).suffix.lower())
        if kind is None:
            return None
        return document.file_id, name, kind, document.file_size
    if message.photo:
        largest: PhotoSize = message.photo[-1]
        day = message.date.strftime("%Y%m%d-%H%M%S")
        return largest.file_id, f"anh-{day}.jpg", "image/jpeg", largest.file_size
    return None


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


async def report_file(update: Update, context: DondocContext) -> None:
    """A document or photo from an officer: kept with the report on its task."""
    message = update.effective_message
    if message is None or not addressed_to_bot(message, context.bot.id):
        return
    contact = _contact(update, context)
    if contact is None:
        await _refuse_stranger(update, context)
        return
    locale = context.locale
    if contact.role is not Role.OFFICER:
        await _reply(update, say("report.not_understood", locale))
        return
    attached = _attachment(message)
    if attached is None:
        await _reply(update, say("file.kind", locale, kinds=", ".join(sorted(KINDS))))
        return
    file_id, name, kind, size = attached
    if size is not None and size > MAX_BYTES:
        await _reply(update, say("file.too_big", locale, name=name, size=_size(size)))
        return
    now = context.now()
    with session_scope(context.engine) as session:
        target = _target(session, message, contact.agency_id, contact.id, now)
    if target is None:
        await _reply(update, say("file.choose_task", locale))
        return
    assignment_id, period_id, awaiting_note = target
    try:
        data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    except TelegramError as exc:  # too big after all, or gone
        log.warning("could not fetch file %s from contact %s: %s", name, contact.id, exc)
        await _reply(update, say("file.not_fetched", locale, name=name))
        return
    with session_scope(context.engine) as session:
        stored, new = files.store_file(
            session=session,
            contact=contact,
            assignment_id=assignment_id,
            period_id=period_id,
            file_name=name,
            mime_type=kind,
            data=data,
            telegram_file_id=file_id,
            now=now,
            caption=message.caption,
            update_id=update.update_id,
        )
        assignment = reports.assignment_by_id(session=session, assignment_id=assignment_id)
    number = assignment.number if assignment else "?"
    key = "file.saved" if new else "file.again"
    text = say(key, locale, name=stored.file_name, size=_size(stored.size), number=number)
    if awaiting_note:
        text += "\n" + say("file.note_still", locale)
    await _reply(update, text)


def _target(
    session: Session, message: Message, agency_id: int, contact_id: int, now: datetime
) -> tuple[int, int, bool] | None:
    """(assignment, period, a note still awaited) the file goes with, if it is clear."""
    waiting = conversations.get_conversation(session=session, contact_id=contact_id)
    if waiting is not None and waiting.assignment_id is not None:
        return waiting.assignment_id, waiting.period_id, waiting.awaiting == "note"
    period_id = None
    if message.reply_to_message is not None:
        request = outbox.request_for_message(
            session=session,
            chat_id=message.chat_id,
            telegram_message_id=message.reply_to_message.message_id,
        )
        period_id = request.period_id if request is not None else None
    if period_id is None:
        current = periods.current_period(session=session, now=now)
        period_id = current.id if current is not None else None
    owed = reports.assignments_of_agency(session=session, agency_id=agency_id)
    if period_id is None or len(owed) != 1:
        return None
    return owed[0].id, period_id, False


async def files_command(update: Update, context: DondocContext) -> None:
    """`/files CODE TASK [MM/YYYY]` (secretariat): the files sent with a task's reports."""
    if await _secretariat_only(update, context) is None:
        return
    args, locale = context.args or [], context.locale
    if len(args) not in (2, 3):
        await _reply(update, say("file.usage", locale))
        return
    code, number = args[:2]
    month = parse_month(args[2]) if len(args) == 3 else None
    if len(args) == 3 and month is None:
        await _reply(update, say("summary.bad_period", locale, value=args[2]))
        return
    try:
        with session_scope(context.engine) as session:
            _, task = lifecycle.find_task(session, code, number)
            period = (
                periods.period_by_month(session=session, month=month)
                if month
                else periods.current_period(session=session, now=context.now())
            )
            found = (
                files.files_of(session=session, period_id=period.id, task_id=task.id)
                if period is not None
                else []
            )
            contents = [files.file_bytes(session=session, file_id=f.id) for f in found]
    except lifecycle.Refused as refused:
        await _reply(update, say(refused.key, locale, **refused.values))
        return
    label = period.label if period is not None else (args[2] if len(args) == 3 else "")
    if not found:
        await _reply(update, say("file.none", locale, number=number, month=label))
        return
    for stored, data in zip(found, contents, strict=True):
        caption = say(
            "file.caption",
            locale,
            agency=stored.agency_name,
            name=stored.contact_name,
            when=stored.received_at.astimezone(context.config.schedule.zone).strftime(
                "%d/%m/%Y %H:%M"
            ),
        )
        message = update.effective_message
        assert message is not None
        await message.reply_document(data, filename=stored.file_name, caption=caption)
