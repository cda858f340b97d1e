"""Contacts and invites: who speaks for which agency, and the codes that bind them.

Data functions take a keyword-only session and return plain data, not ORM rows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.audit import person_actor, record_audit
from db.engine import Work, in_chunks
from db.models import (
    Agency,
    Contact,
    Conversation,
    Invite,
    Role,
)
from db.revisions import Remembered

INVITE_BYTES = 16  # 128 bits, URL-safe: fits Telegram's 64-character start parameter


def new_invite_code() -> str:
    """An unguessable invite code that never starts with "-" (a command line would take
    `dondoc invites revoke -Xyz…` for an option)."""
    while (code := secrets.token_urlsafe(INVITE_BYTES)).startswith("-"):
        pass
    return code


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


# Built once: the bot runs these on every update.
_CONTACT_COLUMNS: Any = (  # typed loosely: its rows become ContactInfo
    sa_select(
        col(Contact.id),
        col(Contact.agency_id),
        col(Agency.code),
        col(Agency.name),
        col(Contact.role),
        col(Contact.chat_id),
        col(Contact.user_id),
        col(Contact.display_name),
    ).join(Agency, col(Agency.id) == Contact.agency_id)
)
_CONTACT_FOR_CHAT = (
    _CONTACT_COLUMNS.where(
        col(Contact.chat_id) == bindparam("chat_id"), col(Contact.active).is_(True)
    )
    .order_by(col(Contact.id))
    .limit(1)
)
_OF_ROLE = _CONTACT_COLUMNS.where(
    col(Contact.active).is_(True), col(Contact.role) == bindparam("role")
).order_by(col(Contact.id))
_CONTACT_BY_ID = _CONTACT_COLUMNS.where(col(Contact.id) == bindparam("contact_id"))


def contact_for_chat(*, session: Work, chat_id: int) -> ContactInfo | None:
    """The active contact registered in this chat, if any."""
    row = session.connection().execute(_CONTACT_FOR_CHAT, {"chat_id": chat_id}).first()
    return ContactInfo(*row) if row else None


class ContactBook:
    """Who is behind each chat, remembered between updates until any contact changes.

    Every write to the contacts (a join, a revocation, a moved group, an unreachable chat),
    from this process or any other, moves the database's contact revision; the book reads
    it once per unit of work and forgets everything when it moved. Strangers are
    remembered too (as None), the least recently seen chats dropped beyond `size`.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._chats: Remembered[int, ContactInfo | None] = Remembered(("contact",), size)

    def for_chat(self, *, session: Work, chat_id: int) -> ContactInfo | None:
        """The active contact registered in this chat, if any."""
        return self._chats.get(
            session, chat_id, lambda: contact_for_chat(session=session, chat_id=chat_id)
        )


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


def officers_by_agency(
    *, session: Session, role: Role = Role.OFFICER
) -> dict[int, list[ContactInfo]]:
    """Every active officer (or leader), by agency, in one query (planning reads them all)."""
    rows = session.connection().execute(_OF_ROLE, {"role": role})
    officers: dict[int, list[ContactInfo]] = {}
    for row in in_chunks(rows):
        officers.setdefault(row.agency_id, []).append(ContactInfo(*row))
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
        contact.role, contact.active, contact.revoked_at = invite.role, True, None
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
        contact.active, contact.revoked_at = False, now
        session.add(contact)
        # What the bot was waiting for from this contact ends with it.
        session.connection().execute(
            delete(Conversation).where(col(Conversation.contact_id) == contact_id)
        )
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


def mark_unreachable(*, session: Session, contact_id: int, now: datetime) -> None:
    """Stop sending to a contact that blocked the bot or whose chat is gone."""
    contact = session.get(Contact, contact_id)
    if contact is not None and contact.unreachable_since is None:
        contact.unreachable_since = now


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
    row = session.connection().execute(_CONTACT_BY_ID, {"contact_id": contact_id}).first()
    return ContactInfo(*row) if row else None
