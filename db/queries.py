"""Data functions: each takes a keyword-only session and returns plain data, not ORM rows.

The bot and the jobs call these inside one short `session_scope` each, and
never hold a session across an await on Telegram.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.engine import insert_or_ignore
from db.models import (
    Agency,
    Assignment,
    AssignmentRole,
    AuditEntry,
    Contact,
    Conversation,
    Directive,
    Invite,
    ReportingPeriod,
    Role,
    Status,
    StatusReport,
    Task,
)

INVITE_BYTES = 16  # 128 bits, URL-safe: fits Telegram's 64-character start parameter


def new_invite_code() -> str:
    """An unguessable invite code that never starts with "-" (a command line would take
    `dondoc invites revoke -Xyz…` for an option)."""
    while (code := secrets.token_urlsafe(INVITE_BYTES)).startswith("-"):
        pass
    return code


def month_label(month: str) -> str:
    """ "2021-08" as the Office writes it: "08/2021"."""
    year, number = month.split("-")
    return f"{number}/{year}"


# --- plain data handed out of db/ -----------------------------------------------------------


@dataclass(frozen=True)
class ContactInfo:
    """Who is behind a chat, and for which agency."""

    id: int
    agency_id: int
    agency_code: str
    agency_name: str
    role: Role
    chat_id: int
    user_id: int
    display_name: str


@dataclass(frozen=True)
class InviteInfo:
    """A freshly made invite."""

    code: str
    agency_code: str
    agency_name: str
    role: Role
    expires_at: datetime


@dataclass(frozen=True)
class InviteOutcome:
    """What using an invite code did: joined, already, bound (elsewhere), unknown, used, expired
    or revoked."""

    result: str
    agency_name: str = ""
    role: Role | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class PeriodInfo:
    """A reporting month and its times."""

    id: int
    month: str
    request_at: datetime
    due_at: datetime
    digest_at: datetime

    @property
    def label(self) -> str:
        """The month as the Office writes it: 08/2021."""
        return month_label(self.month)


@dataclass(frozen=True)
class AssignmentInfo:
    """A task an agency owes, with what the request shows of it."""

    id: int
    agency_id: int
    task_id: int
    number: str
    title: str
    directive_code: str
    role: AssignmentRole
    deadline: date | None


@dataclass(frozen=True)
class ReportInfo:
    """The latest version of a report."""

    id: int
    assignment_id: int
    status: Status | None
    note: str | None
    reported_at: datetime
    contact_name: str


@dataclass(frozen=True)
class ConversationInfo:
    """What the bot is waiting for from a contact."""

    contact_id: int
    period_id: int
    assignment_id: int | None
    awaiting: str
    draft_note: str | None
    report_id: int | None


def _report_info(report: StatusReport, contact: Contact) -> ReportInfo:
    assert report.id is not None
    return ReportInfo(
        report.id,
        report.assignment_id,
        report.status,
        report.note,
        report.reported_at,
        contact.display_name,
    )


# --- contacts and invites ---------------------------------------------------------------------


def _contact_info(contact: Contact, agency: Agency) -> ContactInfo:
    return ContactInfo(
        id=contact.id,  # type: ignore[arg-type]
        agency_id=agency.id,  # type: ignore[arg-type]
        agency_code=agency.code,
        agency_name=agency.name,
        role=contact.role,
        chat_id=contact.chat_id,
        user_id=contact.user_id,
        display_name=contact.display_name,
    )


def contact_for_chat(*, session: Session, chat_id: int) -> ContactInfo | None:
    """The active contact registered in this chat, if any."""
    row = session.exec(
        select(Contact, Agency)
        .join(Agency, col(Agency.id) == Contact.agency_id)
        .where(Contact.chat_id == chat_id, col(Contact.active).is_(True))
        .order_by(col(Contact.id))
    ).first()
    return _contact_info(*row) if row else None


def move_chat(*, session: Session, old_chat_id: int, new_chat_id: int, now: datetime) -> int:
    """A group upgraded to a supergroup: its contacts move to the new chat id (audited).

    Idempotent: Telegram tells it twice (a service message, and an error on the next send).
    """
    contacts = session.exec(select(Contact).where(Contact.chat_id == old_chat_id)).all()
    for contact in contacts:
        contact.chat_id = new_chat_id
        record_audit(
            session=session,
            now=now,
            actor="telegram",
            action="contact.moved",
            subject=f"contact:{contact.id}",
            agency_id=contact.agency_id,
            detail=f"group upgraded to a supergroup: chat {old_chat_id} → {new_chat_id}",
        )
    session.flush()
    return len(contacts)


def officers_by_agency(*, session: Session) -> dict[int, list[ContactInfo]]:
    """Every active officer, by agency, in one query (planning reads them all at once)."""
    rows = session.exec(
        select(Contact, Agency)
        .join(Agency, col(Agency.id) == Contact.agency_id)
        .where(col(Contact.active).is_(True), Contact.role == Role.OFFICER)
        .order_by(col(Contact.id))
    )
    officers: dict[int, list[ContactInfo]] = {}
    for contact, agency in rows:
        officers.setdefault(contact.agency_id, []).append(_contact_info(contact, agency))
    return officers


def contacts_of_agency(
    *, session: Session, agency_id: int, role: Role | None = None
) -> list[ContactInfo]:
    """The agency's active contacts, optionally of one role."""
    query = (
        select(Contact, Agency)
        .join(Agency, col(Agency.id) == Contact.agency_id)
        .where(Contact.agency_id == agency_id, col(Contact.active).is_(True))
    )
    if role is not None:
        query = query.where(Contact.role == role)
    return [_contact_info(c, a) for c, a in session.exec(query.order_by(col(Contact.id)))]


def agency_by_code(*, session: Session, code: str) -> Agency | None:
    """An agency row by its code (for the CLI)."""
    return session.exec(select(Agency).where(Agency.code == code)).first()


def create_invite(
    *,
    session: Session,
    agency_code: str,
    role: Role,
    now: datetime,
    valid_days: int,
    actor: str = "cli",
) -> InviteInfo:
    """A new single-use invite for the agency; raises LookupError for an unknown agency."""
    agency = agency_by_code(session=session, code=agency_code)
    if agency is None:
        raise LookupError(agency_code)
    invite = Invite(
        code=new_invite_code(),
        agency_id=agency.id,  # type: ignore[arg-type]
        role=role,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    session.add(invite)
    session.flush()
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="invite.created",
        subject=f"invite:{invite.id}",
        agency_id=agency.id,
        detail=f"{role.value}, expires {invite.expires_at:%Y-%m-%d %H:%M} UTC",
    )
    return InviteInfo(invite.code, agency.code, agency.name, role, invite.expires_at)


def redeem_invite(
    *,
    session: Session,
    code: str,
    user_id: int,
    chat_id: int,
    display_name: str,
    now: datetime,
    update_id: int | None = None,
    contact_name: str | None = None,
) -> InviteOutcome:
    """Bind the chat to the invite's agency and role, if the code is good.

    In a private chat the chat is the user; a group registered by one of its administrators
    is the contact itself (`contact_name`: the group's title), whoever writes in it.
    """
    invite = session.exec(select(Invite).where(Invite.code == code)).first()
    if invite is None:
        return InviteOutcome("unknown")
    agency = session.get(Agency, invite.agency_id)
    assert agency is not None
    # One chat speaks for one agency in one role: a second binding is refused, and the
    # invite stays unused for the chat it was meant for.
    existing = session.exec(
        select(Contact, Agency)
        .join(Agency, col(Agency.id) == Contact.agency_id)
        .where(Contact.chat_id == chat_id, col(Contact.active).is_(True))
    ).first()
    if existing is not None:
        bound, bound_agency = existing
        if bound.agency_id == agency.id and bound.role == invite.role:
            return InviteOutcome("already", agency.name, bound.role)
        return InviteOutcome("bound", bound_agency.name, bound.role)
    if invite.revoked_at is not None:
        return InviteOutcome("revoked", agency.name, invite.role)
    if invite.used_at is not None:
        return InviteOutcome("used", agency.name, invite.role)
    if invite.expires_at <= now:
        return InviteOutcome("expired", agency.name, invite.role, invite.expires_at)
    invite.used_at = now
    invite.used_by_user_id = user_id
    contact = session.exec(
        select(Contact).where(Contact.agency_id == agency.id, Contact.chat_id == chat_id)
    ).first()
    if contact is None:
        contact = Contact(
            agency_id=agency.id,  # type: ignore[arg-type]
            role=invite.role,
            user_id=user_id,
            chat_id=chat_id,
            display_name=contact_name or display_name,
            joined_at=now,
        )
        session.add(contact)
    else:
        contact.role, contact.active = invite.role, True
        contact.user_id, contact.display_name = user_id, contact_name or display_name
        contact.unreachable_since = None
    session.flush()
    actor = person_actor(user_id, display_name)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="invite.redeemed",
        subject=f"invite:{invite.id}",
        agency_id=agency.id,
        update_id=update_id,
    )
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="contact.joined",
        subject=f"contact:{contact.id}",
        agency_id=agency.id,
        detail=f"{invite.role.value}, chat {chat_id}",
        update_id=update_id,
    )
    return InviteOutcome("joined", agency.name, invite.role)


@dataclass(frozen=True)
class InviteRow:
    """An invite as `dondoc invites` lists it."""

    id: int
    code: str
    agency_code: str
    role: Role
    created_at: datetime
    expires_at: datetime
    state: str  # open, used, expired or revoked
    used_by_user_id: int | None


def invite_state(invite: Invite, now: datetime) -> str:
    """open, used, expired or revoked."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.used_at is not None:
        return "used"
    return "expired" if invite.expires_at <= now else "open"


def list_invites(*, session: Session, now: datetime) -> list[InviteRow]:
    """Every invite, newest first, with its state at `now`."""
    rows = session.exec(
        select(Invite, Agency)
        .join(Agency, col(Agency.id) == Invite.agency_id)
        .order_by(col(Invite.id).desc())
    )
    return [
        InviteRow(
            i.id,  # type: ignore[arg-type]
            i.code,
            a.code,
            i.role,
            i.created_at,
            i.expires_at,
            invite_state(i, now),
            i.used_by_user_id,
        )
        for i, a in rows
    ]


def revoke_invite(*, session: Session, code: str, now: datetime, actor: str = "cli") -> str:
    """Revoke an unused invite: "revoked", or why not ("unknown", "used", "already")."""
    invite = session.exec(select(Invite).where(Invite.code == code)).first()
    if invite is None:
        return "unknown"
    if invite.revoked_at is not None:
        return "already"
    if invite.used_at is not None:
        return "used"
    invite.revoked_at = now
    session.add(invite)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="invite.revoked",
        subject=f"invite:{invite.id}",
        agency_id=invite.agency_id,
    )
    return "revoked"


@dataclass(frozen=True)
class ContactRow:
    """A contact as `dondoc contacts` lists it."""

    id: int
    agency_code: str
    role: Role
    user_id: int
    chat_id: int
    display_name: str
    joined_at: datetime
    active: bool
    unreachable: bool


def list_contacts(*, session: Session, agency_code: str | None = None) -> list[ContactRow]:
    """Every contact (active or not), by agency then id."""
    query = select(Contact, Agency).join(Agency, col(Agency.id) == Contact.agency_id)
    if agency_code is not None:
        query = query.where(Agency.code == agency_code)
    rows = session.exec(query.order_by(col(Agency.code), col(Contact.id)))
    return [
        ContactRow(
            c.id,  # type: ignore[arg-type]
            a.code,
            c.role,
            c.user_id,
            c.chat_id,
            c.display_name,
            c.joined_at,
            c.active,
            c.unreachable_since is not None,
        )
        for c, a in rows
    ]


def revoke_contact(
    *, session: Session, contact_id: int, now: datetime, actor: str = "cli"
) -> ContactRow | None:
    """An officer leaves: the contact stops speaking for the agency; its reports stay."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    agency = session.get(Agency, contact.agency_id)
    assert agency is not None
    if contact.active:
        contact.active = False
        session.add(contact)
        clear_conversation(session=session, contact_id=contact_id)
        record_audit(
            session=session,
            now=now,
            actor=actor,
            action="contact.revoked",
            subject=f"contact:{contact_id}",
            agency_id=contact.agency_id,
            detail=f"{contact.role.value} {contact.display_name} (user {contact.user_id})",
        )
    session.flush()
    return next(
        row
        for row in list_contacts(session=session, agency_code=agency.code)
        if row.id == contact_id
    )


# --- audit log --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditInfo:
    """One line of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    agency_code: str | None
    detail: str
    update_id: int | None


def person_actor(user_id: int, display_name: str) -> str:
    """How the audit log names a person acting in chat."""
    return f"user:{user_id} {display_name}"


def record_audit(
    *,
    session: Session,
    now: datetime,
    actor: str,
    action: str,
    subject: str,
    agency_id: int | None = None,
    detail: str = "",
    update_id: int | None = None,
) -> None:
    """Add a line to the audit log, in the same unit of work as the change it records."""
    session.add(
        AuditEntry(
            at=now,
            actor=actor,
            action=action,
            subject=subject,
            agency_id=agency_id,
            detail=detail,
            update_id=update_id,
        )
    )


def audit_entries(
    *, session: Session, limit: int = 100, agency_code: str | None = None
) -> list[AuditInfo]:
    """The latest audit lines, oldest first."""
    query = select(AuditEntry, Agency).join(
        Agency, col(Agency.id) == AuditEntry.agency_id, isouter=True
    )
    if agency_code is not None:
        query = query.where(Agency.code == agency_code)
    rows = list(session.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit)))
    return [
        AuditInfo(
            e.id,  # type: ignore[arg-type]
            e.at,
            e.actor,
            e.action,
            e.subject,
            a.code if a is not None else None,
            e.detail,
            e.update_id,
        )
        for e, a in reversed(rows)
    ]


# --- periods ----------------------------------------------------------------------------------


def _period_info(row: ReportingPeriod) -> PeriodInfo:
    return PeriodInfo(row.id, row.month, row.request_at, row.due_at, row.digest_at)  # type: ignore[arg-type]


def ensure_period(
    *,
    session: Session,
    month: str,
    request_at: datetime,
    due_at: datetime,
    digest_at: datetime,
    now: datetime,
) -> PeriodInfo:
    """The period for `month`, opened now if it did not exist (by one caller of any number)."""
    insert_or_ignore(
        session,
        ReportingPeriod,
        {
            "month": month,
            "request_at": request_at,
            "due_at": due_at,
            "digest_at": digest_at,
            "opened_at": now,
        },
        unique=["month"],
    )
    row = session.exec(select(ReportingPeriod).where(ReportingPeriod.month == month)).one()
    return _period_info(row)


def period_by_month(*, session: Session, month: str) -> PeriodInfo | None:
    """The period of a month ("2021-08"), if it was opened."""
    row = session.exec(select(ReportingPeriod).where(ReportingPeriod.month == month)).first()
    return _period_info(row) if row else None


def period_by_id(*, session: Session, period_id: int) -> PeriodInfo | None:
    """A period by id."""
    row = session.get(ReportingPeriod, period_id)
    return _period_info(row) if row else None


def current_period(*, session: Session, now: datetime) -> PeriodInfo | None:
    """The latest period whose request time has come."""
    row = session.exec(
        select(ReportingPeriod)
        .where(ReportingPeriod.request_at <= now)
        .order_by(col(ReportingPeriod.request_at).desc())
    ).first()
    return _period_info(row) if row else None


# --- assignments and reports ----------------------------------------------------------------


def _assignment_query():  # type: ignore[no-untyped-def]
    return (
        select(Assignment, Task, Directive)
        .join(Task, col(Task.id) == Assignment.task_id)
        .join(Directive, col(Directive.id) == Task.directive_id)
        .where(col(Directive.active).is_(True), col(Task.monthly).is_(True))
        .order_by(col(Directive.id), col(Task.position))
    )


def _assignment_info(a: Assignment, t: Task, d: Directive) -> AssignmentInfo:
    return AssignmentInfo(a.id, a.agency_id, t.id, t.number, t.title, d.code, a.role, t.deadline)  # type: ignore[arg-type]


def assignments_of_agency(*, session: Session, agency_id: int) -> list[AssignmentInfo]:
    """The monthly-reported tasks an agency holds in active directives, in document order."""
    rows = session.exec(_assignment_query().where(Assignment.agency_id == agency_id))
    return [_assignment_info(*row) for row in rows]


def assignment_by_id(*, session: Session, assignment_id: int) -> AssignmentInfo | None:
    """One assignment, if it exists and is still reported monthly."""
    row = session.exec(_assignment_query().where(Assignment.id == assignment_id)).first()
    return _assignment_info(*row) if row else None


def latest_reports(
    *,
    session: Session,
    period_id: int,
    assignment_ids: Iterable[int] | None = None,
    as_of: datetime | None = None,
) -> dict[int, ReportInfo]:
    """The latest report version per assignment for a period (optionally as of a time)."""
    latest = (
        select(StatusReport.assignment_id, func.max(StatusReport.id).label("report_id"))
        .where(StatusReport.period_id == period_id)
        .group_by(col(StatusReport.assignment_id))
    )
    if as_of is not None:
        latest = latest.where(StatusReport.reported_at <= as_of)
    if assignment_ids is not None:
        latest = latest.where(col(StatusReport.assignment_id).in_(list(assignment_ids)))
    ids = latest.subquery()
    rows = session.exec(
        select(StatusReport, Contact)
        .join(ids, ids.c.report_id == StatusReport.id)
        .join(Contact, col(Contact.id) == StatusReport.contact_id)
    )
    return {r.assignment_id: _report_info(r, c) for r, c in rows}


def pending_assignments(
    *, session: Session, agency_id: int, period_id: int
) -> list[AssignmentInfo]:
    """The agency's tasks with no report with a status yet this period."""
    owed = assignments_of_agency(session=session, agency_id=agency_id)
    reports = latest_reports(
        session=session, period_id=period_id, assignment_ids=[a.id for a in owed]
    )
    return [a for a in owed if a.id not in reports or reports[a.id].status is None]


def record_report(
    *,
    session: Session,
    assignment_id: int,
    period_id: int,
    contact_id: int,
    status: Status | None,
    note: str | None,
    now: datetime,
    update_id: int | None = None,
    message_id: int | None = None,
) -> ReportInfo:
    """Add a new version of the report; earlier versions stay as history."""
    report = StatusReport(
        assignment_id=assignment_id,
        period_id=period_id,
        status=status,
        note=note,
        contact_id=contact_id,
        reported_at=now,
        update_id=update_id,
        message_id=message_id,
    )
    session.add(report)
    session.flush()
    contact = session.get(Contact, contact_id)
    assert contact is not None
    record_audit(
        session=session,
        now=now,
        actor=person_actor(contact.user_id, contact.display_name),
        action="report.recorded",
        subject=f"report:{report.id}",
        agency_id=contact.agency_id,
        detail=f"assignment {assignment_id}, status {status.value if status else '-'}, "
        f"note {len(note or '')} chars",
        update_id=update_id,
    )
    return _report_info(report, contact)


def report_for_update(*, session: Session, update_id: int) -> bool:
    """Whether a report was already stored from this Telegram update (a redelivery)."""
    found = session.exec(select(StatusReport.id).where(StatusReport.update_id == update_id))
    return found.first() is not None


def report_history(*, session: Session, assignment_id: int, period_id: int) -> list[ReportInfo]:
    """Every version of a report, oldest first."""
    rows = session.exec(
        select(StatusReport, Contact)
        .join(Contact, col(Contact.id) == StatusReport.contact_id)
        .where(StatusReport.assignment_id == assignment_id, StatusReport.period_id == period_id)
        .order_by(col(StatusReport.id))
    )
    return [_report_info(r, c) for r, c in rows]


# --- conversation state ----------------------------------------------------------------------


def get_conversation(*, session: Session, contact_id: int) -> ConversationInfo | None:
    """What the bot is waiting for from this contact."""
    row = session.get(Conversation, contact_id)
    if row is None:
        return None
    return ConversationInfo(
        row.contact_id,
        row.period_id,
        row.assignment_id,
        row.awaiting,
        row.draft_note,
        row.report_id,
    )


def set_conversation(
    *,
    session: Session,
    contact_id: int,
    period_id: int,
    awaiting: str,
    now: datetime,
    assignment_id: int | None = None,
    draft_note: str | None = None,
    report_id: int | None = None,
) -> None:
    """Remember what comes next from this contact (one thing at a time)."""
    row = session.get(Conversation, contact_id) or Conversation(
        contact_id=contact_id, period_id=period_id, awaiting=awaiting, updated_at=now
    )
    row.period_id, row.awaiting, row.updated_at = period_id, awaiting, now
    row.assignment_id, row.draft_note, row.report_id = assignment_id, draft_note, report_id
    session.add(row)
    session.flush()


def attach_draft_to_task(
    *, session: Session, contact_id: int, assignment_id: int, now: datetime
) -> None:
    """A note drafted by a reply to a several-task request now belongs to the chosen task."""
    row = session.get(Conversation, contact_id)
    if row is not None and row.awaiting == "status" and row.assignment_id is None:
        row.assignment_id, row.updated_at = assignment_id, now


def record_status_choice(
    *,
    session: Session,
    contact_id: int,
    assignment_id: int,
    period_id: int,
    status: Status,
    now: datetime,
    update_id: int | None = None,
) -> ReportInfo:
    """Store a pressed status, with the note drafted for this task if any; else await a note."""
    row = session.get(Conversation, contact_id)
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
        contact_id=contact_id,
        status=status,
        note=note,
        now=now,
        update_id=update_id,
    )
    if note is None:
        set_conversation(
            session=session,
            contact_id=contact_id,
            period_id=period_id,
            awaiting="note",
            now=now,
            assignment_id=assignment_id,
            report_id=report.id,
        )
    else:
        clear_conversation(session=session, contact_id=contact_id)
    return report


def add_note(
    *,
    session: Session,
    assignment_id: int,
    period_id: int,
    contact_id: int,
    note: str,
    now: datetime,
    update_id: int | None = None,
    message_id: int | None = None,
) -> ReportInfo:
    """A new version carrying this note and the task's latest status (if it has one)."""
    history = report_history(session=session, assignment_id=assignment_id, period_id=period_id)
    return record_report(
        session=session,
        assignment_id=assignment_id,
        period_id=period_id,
        contact_id=contact_id,
        status=history[-1].status if history else None,
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
    session: Session,
    contact_id: int,
    agency_id: int,
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
    owed = assignments_of_agency(session=session, agency_id=agency_id)
    report_id, assignment_id = None, None
    if len(owed) == 1:
        assignment_id = owed[0].id
        report = add_note(
            session=session,
            assignment_id=assignment_id,
            period_id=period_id,
            contact_id=contact_id,
            note=text,
            now=now,
            update_id=update_id,
            message_id=message_id,
        )
        if report.status is not None:
            clear_conversation(session=session, contact_id=contact_id)
            return ReplyOutcome(owed, report.status)
        report_id = report.id
    if owed:
        set_conversation(
            session=session,
            contact_id=contact_id,
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
    session: Session,
    contact_id: int,
    text: str,
    now: datetime,
    update_id: int | None = None,
    message_id: int | None = None,
) -> AssignmentInfo | None:
    """The note awaited after a status button, as a new version; None if none was awaited."""
    row = session.get(Conversation, contact_id)
    if row is None or row.awaiting != "note" or row.assignment_id is None:
        return None
    add_note(
        session=session,
        assignment_id=row.assignment_id,
        period_id=row.period_id,
        contact_id=contact_id,
        note=text,
        now=now,
        update_id=update_id,
        message_id=message_id,
    )
    assignment = assignment_by_id(session=session, assignment_id=row.assignment_id)
    clear_conversation(session=session, contact_id=contact_id)
    return assignment


def record_edited_note(
    *,
    session: Session,
    contact_id: int,
    message_id: int,
    text: str,
    now: datetime,
    update_id: int | None = None,
) -> AssignmentInfo | None:
    """An edited chat message that carried a note: a new version with the new note.

    The status stays the latest one of that task; the earlier versions stay as history.
    None if the message carried no note of this contact's agency.
    """
    contact = session.get(Contact, contact_id)
    assert contact is not None
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
        contact_id=contact_id,
        note=text,
        now=now,
        update_id=update_id,
        message_id=message_id,
    )
    return assignment_by_id(session=session, assignment_id=original.assignment_id)


def clear_conversation(*, session: Session, contact_id: int) -> None:
    """Forget what the bot was waiting for."""
    row = session.get(Conversation, contact_id)
    if row is not None:
        session.delete(row)
        session.flush()


# --- who owes what ---------------------------------------------------------------------------


def owing_agencies(*, session: Session) -> list[int]:
    """Agencies that hold at least one monthly task in an active directive."""
    rows = session.exec(
        select(Assignment.agency_id)
        .join(Task, col(Task.id) == Assignment.task_id)
        .join(Directive, col(Directive.id) == Task.directive_id)
        .where(col(Directive.active).is_(True), col(Task.monthly).is_(True))
        .distinct()
    )
    return sorted(rows)


def mark_unreachable(*, session: Session, contact_id: int, now: datetime) -> None:
    """Stop sending to a contact that blocked the bot or whose chat is gone."""
    contact = session.get(Contact, contact_id)
    if contact is not None and contact.unreachable_since is None:
        contact.unreachable_since = now


def agencies_not_reported(*, session: Session, period_id: int) -> list[str]:
    """Names of the agencies that still owe a report on some task this period."""
    return [name for name, _, _ in late_agencies(session=session, period_id=period_id)]


def late_agencies(*, session: Session, period_id: int) -> list[tuple[str, int, bool]]:
    """(name, tasks owed, every contact unreachable) of each agency that has not reported."""
    late = []
    for agency_id in owing_agencies(session=session):
        owed = pending_assignments(session=session, agency_id=agency_id, period_id=period_id)
        if not owed:
            continue
        agency = session.get(Agency, agency_id)
        contacts = session.exec(
            select(Contact).where(Contact.agency_id == agency_id, col(Contact.active).is_(True))
        ).all()
        unreachable = bool(contacts) and all(c.unreachable_since is not None for c in contacts)
        late.append((agency.name if agency else str(agency_id), len(owed), unreachable))
    return late


def agencies_of_task(*, session: Session, task_id: int) -> list[int]:
    """The agencies assigned a task (lead or coordinating)."""
    return sorted(session.exec(select(Assignment.agency_id).where(Assignment.task_id == task_id)))


def secretariat_contacts(*, session: Session) -> list[ContactInfo]:
    """Every active secretariat contact (they get escalations, digests, lost-contact notices)."""
    rows = session.exec(
        select(Contact, Agency)
        .join(Agency, col(Agency.id) == Contact.agency_id)
        .where(col(Contact.active).is_(True), Contact.role == Role.SECRETARIAT)
        .order_by(col(Contact.id))
    )
    return [_contact_info(c, a) for c, a in rows]


def contact_by_id(*, session: Session, contact_id: int) -> ContactInfo | None:
    """A contact, active or not."""
    row = session.exec(
        select(Contact, Agency)
        .join(Agency, col(Agency.id) == Contact.agency_id)
        .where(Contact.id == contact_id)
    ).first()
    return _contact_info(*row) if row else None


def assignment_of(*, session: Session, task_id: int, agency_id: int) -> AssignmentInfo | None:
    """An agency's assignment on a task."""
    row = session.exec(
        _assignment_query().where(Assignment.task_id == task_id, Assignment.agency_id == agency_id)
    ).first()
    return _assignment_info(*row) if row else None
