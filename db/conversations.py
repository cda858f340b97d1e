"""What the bot is waiting for from a contact, and the reports a chat turn stores.

A status button, a note, a reply to a request, an edited note: each is one unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.contacts import ContactInfo
from db.engine import Work, insert_or_replace
from db.models import (
    Contact,
    Conversation,
    Status,
    StatusReport,
)
from db.reports import (
    AssignmentInfo,
    ReportInfo,
    assignment_by_id,
    assignments_of_agency,
    latest_status,
    record_report,
)


@dataclass(frozen=True)
class ConversationInfo:
    """What the bot is waiting for from a contact."""

    contact_id: int
    period_id: int
    assignment_id: int | None
    awaiting: str
    draft_note: str | None
    report_id: int | None


_CONVERSATION = sa_select(
    col(Conversation.contact_id),
    col(Conversation.period_id),
    col(Conversation.assignment_id),
    col(Conversation.awaiting),
    col(Conversation.draft_note),
    col(Conversation.report_id),
).where(col(Conversation.contact_id) == bindparam("contact_id"))
_REPLACE: dict[str, Any] = {}  # the one-statement upsert, built once per database kind
_CONVERSATION_ROW = col(Conversation.contact_id) == bindparam("of_contact")


def get_conversation(*, session: Work, contact_id: int) -> ConversationInfo | None:
    """What the bot is waiting for from this contact."""
    row = session.connection().execute(_CONVERSATION, {"contact_id": contact_id}).first()
    return ConversationInfo(*row) if row else None


def set_conversation(
    *,
    session: Work,
    contact_id: int,
    period_id: int,
    awaiting: str,
    now: datetime,
    assignment_id: int | None = None,
    draft_note: str | None = None,
    report_id: int | None = None,
) -> None:
    """Remember what comes next from this contact (one thing at a time)."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect not in _REPLACE:
        _REPLACE[dialect] = insert_or_replace(dialect, Conversation, ["contact_id"])
    connection.execute(
        _REPLACE[dialect],
        {
            "contact_id": contact_id,
            "period_id": period_id,
            "awaiting": awaiting,
            "updated_at": now,
            "assignment_id": assignment_id,
            "draft_note": draft_note,
            "report_id": report_id,
        },
    )


def attach_draft_to_task(
    *, session: Work, contact_id: int, assignment_id: int, now: datetime
) -> None:
    """A note drafted by a reply to a several-task request now belongs to the chosen task."""
    session.connection().execute(
        update(Conversation)
        .where(
            _CONVERSATION_ROW,
            col(Conversation.awaiting) == "status",
            col(Conversation.assignment_id).is_(None),
        )
        .values(assignment_id=assignment_id, updated_at=now),
        {"of_contact": contact_id},
    )


def record_status_choice(
    *,
    session: Work,
    contact: ContactInfo,
    assignment_id: int,
    period_id: int,
    status: Status,
    now: datetime,
    update_id: int | None = None,
) -> ReportInfo:
    """Store a pressed status, with the note drafted for this task if any; else await a note."""
    row = get_conversation(session=session, contact_id=contact.id)
    note = None
    if (
        row is not None
        and row.awaiting == "status"
        and row.period_id == period_id
        and row.assignment_id in (None, assignment_id)
    ):
        note = row.draft_note
    report = record_report(
        session=session,
        assignment_id=assignment_id,
        period_id=period_id,
        reporter=contact,
        status=status,
        note=note,
        now=now,
        update_id=update_id,
    )
    if note is None:
        set_conversation(
            session=session,
            contact_id=contact.id,
            period_id=period_id,
            awaiting="note",
            now=now,
            assignment_id=assignment_id,
            report_id=report.id,
        )
    else:
        clear_conversation(session=session, contact_id=contact.id)
    return report


def add_note(
    *,
    session: Work,
    assignment_id: int,
    period_id: int,
    contact: ContactInfo,
    note: str,
    now: datetime,
    update_id: int | None = None,
    message_id: int | None = None,
) -> ReportInfo:
    """A new version carrying this note and the task's latest status (if it has one)."""
    status = latest_status(session=session, assignment_id=assignment_id, period_id=period_id)
    return record_report(
        session=session,
        assignment_id=assignment_id,
        period_id=period_id,
        reporter=contact,
        status=status,
        note=note,
        now=now,
        update_id=update_id,
        message_id=message_id,
    )


@dataclass(frozen=True)
class ReplyOutcome:
    """What became of a reply: the agency's tasks, and the status kept with its note."""

    tasks: list[AssignmentInfo]
    status: Status | None = None  # the single task already had this status: nothing to ask


def record_reply_to_request(
    *,
    session: Work,
    contact: ContactInfo,
    period_id: int,
    text: str,
    now: datetime,
    update_id: int | None = None,
    message_id: int | None = None,
) -> ReplyOutcome:
    """A plain reply to a request (or a note nobody asked for): every note counts.

    With one task the reply is stored at once as that task's note, a new version keeping
    the status it had; if it had none the bot asks for it. With several the text waits
    as a draft until the task is chosen.
    """
    owed = assignments_of_agency(session=session, agency_id=contact.agency_id)
    report_id, assignment_id = None, None
    if len(owed) == 1:
        assignment_id = owed[0].id
        report = add_note(
            session=session,
            assignment_id=assignment_id,
            period_id=period_id,
            contact=contact,
            note=text,
            now=now,
            update_id=update_id,
            message_id=message_id,
        )
        if report.status is not None:
            clear_conversation(session=session, contact_id=contact.id)
            return ReplyOutcome(owed, report.status)
        report_id = report.id
    if owed:
        set_conversation(
            session=session,
            contact_id=contact.id,
            period_id=period_id,
            awaiting="status",
            now=now,
            assignment_id=assignment_id,
            draft_note=text,
            report_id=report_id,
        )
    return ReplyOutcome(owed)


def record_note(
    *,
    session: Work,
    contact: ContactInfo,
    text: str,
    now: datetime,
    update_id: int | None = None,
    message_id: int | None = None,
) -> int | None:
    """The note awaited after a status button, as a new version, and the assignment it is
    on; None if none was awaited."""
    row = get_conversation(session=session, contact_id=contact.id)
    if row is None or row.awaiting != "note" or row.assignment_id is None:
        return None
    add_note(
        session=session,
        assignment_id=row.assignment_id,
        period_id=row.period_id,
        contact=contact,
        note=text,
        now=now,
        update_id=update_id,
        message_id=message_id,
    )
    clear_conversation(session=session, contact_id=contact.id)
    return row.assignment_id


def record_edited_note(
    *,
    session: Session,
    contact: ContactInfo,
    message_id: int,
    text: str,
    now: datetime,
    update_id: int | None = None,
) -> AssignmentInfo | None:
    """An edited chat message that carried a note: a new version with the new note.

    The status stays the latest one of that task; the earlier versions stay as history.
    None if the message carried no note of this contact's agency.
    """
    original = session.exec(
        select(StatusReport)
        .join(Contact, col(Contact.id) == StatusReport.contact_id)
        .where(StatusReport.message_id == message_id, Contact.chat_id == contact.chat_id)
        .order_by(col(StatusReport.id).desc())
    ).first()
    if original is None:
        return None
    add_note(
        session=session,
        assignment_id=original.assignment_id,
        period_id=original.period_id,
        contact=contact,
        note=text,
        now=now,
        update_id=update_id,
        message_id=message_id,
    )
    return assignment_by_id(session=session, assignment_id=original.assignment_id)


def clear_conversation(*, session: Work, contact_id: int) -> None:
    """Forget what the bot was waiting for."""
    session.connection().execute(
        delete(Conversation).where(_CONVERSATION_ROW), {"of_contact": contact_id}
    )
