"""Agencies change: a new name, a merger into another, an agency abolished.

Nothing is rewritten: the old name is kept with the time it ended (a period's digest
shows the names of its time, `names_as_of`), and a merged agency keeps its past
assignments and reports. From the change on, its open tasks and its contacts belong to
its successor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from db.audit import record_audit
from db.lifecycle import Refused
from db.models import Agency, AgencyGroupMember, AgencyName, Assignment, AssignmentRole, Contact


@dataclass(frozen=True)
class AgencyChange:
    """What a change did: the agency, its successor, the tasks and contacts that moved."""

    code: str
    name: str
    successor_code: str | None = None
    successor_name: str | None = None
    tasks_moved: int = 0
    contacts_moved: int = 0


def agency_by_code(session: Session, code: str) -> Agency:
    """The agency of a registry code, or a refusal that names the code."""
    agency = session.exec(select(Agency).where(Agency.code == code.strip().lower())).first()
    if agency is None:
        raise Refused("lifecycle.unknown_agency", agency=code)
    return agency


def names_as_of(session: Session, moment: datetime) -> dict[int, str]:
    """Each agency's name at `moment`, by id, where it differs from today's."""
    earlier: dict[int, tuple[datetime, str]] = {}
    for agency_id, name, until in session.exec(
        select(AgencyName.agency_id, AgencyName.name, AgencyName.until)
    ):
        # The name it had then is the one of the first change after that moment.
        if until > moment and (agency_id not in earlier or until < earlier[agency_id][0]):
            earlier[agency_id] = (until, name)
    return {agency_id: name for agency_id, (_, name) in earlier.items()}


def rename_agency(
    *, session: Session, code: str, name: str, now: datetime, actor: str
) -> AgencyChange:
    """A new official name from now on; the old one stays for past periods and as an alias."""
    agency = agency_by_code(session, code)
    name = " ".join(name.split())
    if not name or name == agency.name:
        raise Refused("agency.same_name", agency=agency.name)
    assert agency.id is not None
    old = agency.name
    session.add(AgencyName(agency_id=agency.id, name=old, until=now))
    agency.name = name
    # Documents written before the change still name it so: the importer keeps matching.
    agency.aliases = [*agency.aliases, old] if old not in agency.aliases else agency.aliases
    session.add(agency)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="agency.renamed",
        subject=f"agency:{agency.id}",
        agency_id=agency.id,
        detail=f"{old} → {name}",
    )
    return AgencyChange(agency.code, name)


def merge_agency(
    *, session: Session, code: str, into: str, now: datetime, actor: str
) -> AgencyChange:
    """`code` merged into `into` from now on: its open tasks and contacts go there.

    A task both held goes on with the successor's role, or lead if either led it. Its
    past periods keep the merged agency, its reports and its name.
    """
    old, new = agency_by_code(session, code), agency_by_code(session, into)
    if old.id == new.id:
        raise Refused("agency.merge_itself", agency=old.name)
    if old.ended_at is not None:
        raise Refused("agency.ended", agency=old.name)
    assert old.id is not None and new.id is not None
    held = {
        a.task_id: a
        for a in session.exec(
            select(Assignment).where(
                Assignment.agency_id == new.id, col(Assignment.ended_at).is_(None)
            )
        )
    }
    moved = 0
    for assignment in list(
        session.exec(
            select(Assignment).where(
                Assignment.agency_id == old.id, col(Assignment.ended_at).is_(None)
            )
        )
    ):
        assignment.ended_at = now
        session.add(assignment)
        moved += 1
        successor = (
            held.get(assignment.task_id)
            or session.exec(
                select(Assignment).where(
                    Assignment.task_id == assignment.task_id, Assignment.agency_id == new.id
                )
            ).first()
        )
        if successor is None:
            successor = Assignment(
                task_id=assignment.task_id, agency_id=new.id, role=assignment.role, since=now
            )
        elif successor.ended_at is not None:  # it had been relieved of it: owed again
            successor.ended_at, successor.role = None, assignment.role
        elif assignment.role is AssignmentRole.LEAD:
            successor.role = AssignmentRole.LEAD
        session.add(successor)
        held[assignment.task_id] = successor
    contacts = 0
    for contact in list(
        session.exec(
            select(Contact).where(Contact.agency_id == old.id, col(Contact.active).is_(True))
        )
    ):
        twin = session.exec(
            select(Contact).where(Contact.agency_id == new.id, Contact.chat_id == contact.chat_id)
        ).first()
        if twin is None:
            contact.agency_id = new.id
        else:  # the same chat speaks for the successor already
            contact.active, contact.revoked_at = False, now
        session.add(contact)
        contacts += 1
    for membership in list(
        session.exec(select(AgencyGroupMember).where(AgencyGroupMember.agency_id == old.id))
    ):
        session.delete(membership)
        session.flush()
        if session.get(AgencyGroupMember, (membership.group_id, new.id)) is None:
            session.add(AgencyGroupMember(group_id=membership.group_id, agency_id=new.id))
    old.active, old.ended_at, old.merged_into_id = False, now, new.id
    session.add(old)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="agency.merged",
        subject=f"agency:{old.id}",
        agency_id=new.id,
        detail=f"{old.code} → {new.code}: {moved} task(s), {contacts} contact(s)",
    )
    return AgencyChange(old.code, old.name, new.code, new.name, moved, contacts)


def end_agency(*, session: Session, code: str, now: datetime, actor: str) -> AgencyChange:
    """An agency abolished with no successor (a district in 2025): from now on it owes
    nothing and its contacts no longer speak for it; its past periods keep it."""
    agency = agency_by_code(session, code)
    if agency.ended_at is not None:
        raise Refused("agency.ended", agency=agency.name)
    tasks = 0
    for assignment in list(
        session.exec(
            select(Assignment).where(
                Assignment.agency_id == agency.id, col(Assignment.ended_at).is_(None)
            )
        )
    ):
        assignment.ended_at = now
        session.add(assignment)
        tasks += 1
    contacts = 0
    for contact in list(
        session.exec(
            select(Contact).where(Contact.agency_id == agency.id, col(Contact.active).is_(True))
        )
    ):
        contact.active, contact.revoked_at = False, now
        session.add(contact)
        contacts += 1
    agency.active, agency.ended_at = False, now
    session.add(agency)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="agency.ended",
        subject=f"agency:{agency.id}",
        agency_id=agency.id,
        detail=f"{agency.code}: {tasks} task(s) no longer owed, {contacts} contact(s) revoked",
    )
    return AgencyChange(agency.code, agency.name, tasks_moved=tasks, contacts_moved=contacts)


def add_agency(
    *,
    session: Session,
    code: str,
    name: str,
    kind: str,
    now: datetime,
    actor: str,
    aliases: list[str] | None = None,
) -> AgencyChange:
    """A new agency in the registry (a body created after the registry was loaded)."""
    code, name = code.strip().lower(), " ".join(name.split())
    if not code or not name or any(ch.isspace() for ch in code):
        raise Refused("agency.bad_code", code=code)
    if session.exec(select(Agency).where(Agency.code == code)).first() is not None:
        raise Refused("agency.exists", code=code)
    agency = Agency(code=code, name=name, kind=kind, aliases=list(aliases or []))
    session.add(agency)
    session.flush()
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="agency.added",
        subject=f"agency:{agency.id}",
        agency_id=agency.id,
        detail=f"{code}: {name} ({kind})",
    )
    return AgencyChange(code, name)
