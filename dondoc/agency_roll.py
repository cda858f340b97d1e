"""The roll of agencies: what each still owes and who speaks for it, read in three queries.

`dondoc agencies` lists it; `dondoc invite --all` invites the agencies on it that owe a task.
Plain data out, one short session in. (It reads only: its place is beside db/contacts.py
and db/reports.py once those rooms are free to extend.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.engine import in_chunks
from db.lifecycle import Refused, find_directive
from db.models import Agency, Assignment, AssignmentRole, Contact, Directive, Role, Task
from db.reports import OWED_NOW


@dataclass(frozen=True)
class DirectiveRef:
    """A directive as a letter cites it: "Văn bản số 2658/UBND-KT ngày 16/8/2021 của …"."""

    id: int
    code: str
    issued_on: date
    issuer: str


@dataclass(frozen=True)
class OwedTask:
    """A task an agency still owes monthly reports on."""

    directive_code: str
    number: str
    title: str
    role: AssignmentRole


@dataclass(frozen=True)
class JoinedContact:
    """An active contact: who joined for the agency, in which role, when."""

    role: Role
    display_name: str
    joined_at: datetime
    unreachable: bool


@dataclass(frozen=True)
class AgencyOnRoll:
    """An agency with the tasks it owes (in directive order) and its active contacts."""

    id: int
    code: str
    name: str
    kind: str
    tasks: list[OwedTask] = field(default_factory=list)
    contacts: list[JoinedContact] = field(default_factory=list)

    def contacts_in(self, role: Role) -> list[JoinedContact]:
        """Its active contacts in `role`."""
        return [c for c in self.contacts if c.role is role]

    def reachable(self, role: Role) -> list[JoinedContact]:
        """Its active contacts in `role` that the bot can still reach."""
        return [c for c in self.contacts_in(role) if not c.unreachable]


@dataclass(frozen=True)
class Roll:
    """The agencies listed (registry order) and the directives their tasks come from."""

    agencies: list[AgencyOnRoll]
    directives: list[DirectiveRef]

    @property
    def owing(self) -> list[AgencyOnRoll]:
        """The agencies that owe at least one task."""
        return [agency for agency in self.agencies if agency.tasks]


def directive_named(*, session: Session, code: str) -> DirectiveRef:
    """The directive of a code as the Office writes it (case and spacing aside), or LookupError."""
    try:
        directive = find_directive(session, code)
    except Refused:
        raise LookupError(code) from None
    assert directive.id is not None
    return DirectiveRef(directive.id, directive.code, directive.issued_on, directive.issuer)


def read_roll(*, session: Session, directive: DirectiveRef | None = None) -> Roll:
    """Every agency (active, or still owing), or with `directive` only those owing in it."""
    owed = (
        sa_select(
            col(Assignment.agency_id),
            col(Directive.id),
            col(Directive.code),
            col(Task.number),
            col(Task.title),
            col(Assignment.role),
        )
        .join(Task, col(Task.id) == Assignment.task_id)
        .join(Directive, col(Directive.id) == Task.directive_id)
        .where(*OWED_NOW)
        .order_by(col(Directive.id), col(Task.position))
    )
    if directive is not None:
        owed = owed.where(col(Directive.id) == directive.id)
    tasks: dict[int, list[OwedTask]] = {}
    directive_ids: set[int] = set()
    for agency_id, directive_id, code, number, title, role in in_chunks(
        session.connection().execute(owed)
    ):
        tasks.setdefault(agency_id, []).append(OwedTask(code, number, title, role))
        directive_ids.add(directive_id)

    contacts: dict[int, list[JoinedContact]] = {}
    active = select(Contact).where(col(Contact.active).is_(True)).order_by(col(Contact.id))
    for contact in session.exec(active):
        contacts.setdefault(contact.agency_id, []).append(
            JoinedContact(
                contact.role,
                contact.display_name,
                contact.joined_at,
                contact.unreachable_since is not None,
            )
        )

    agencies = []
    for agency in session.exec(select(Agency).order_by(col(Agency.id))):
        assert agency.id is not None
        owes = tasks.get(agency.id, [])
        if (directive is not None or not agency.active) and not owes:
            continue
        agencies.append(
            AgencyOnRoll(
                agency.id,
                agency.code,
                agency.name,
                agency.kind,
                owes,
                contacts.get(agency.id, []),
            )
        )
    cited = session.exec(
        select(Directive).where(col(Directive.id).in_(directive_ids)).order_by(col(Directive.id))
    )
    refs = [DirectiveRef(d.id, d.code, d.issued_on, d.issuer) for d in cited if d.id is not None]
    return Roll(agencies, refs)
