"""The Office's domain as SQLModel tables: directives, agencies, tasks and who owes what.

Times are timezone-aware and stored in UTC (SQLModel's UTCDateTime); the
schedule's zone is applied when a time is shown or computed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Status(StrEnum):
    """What an agency says of its task, as the Office writes it."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    BEHIND = "behind"
    BLOCKED = "blocked"


class Role(StrEnum):
    """What a contact may do."""

    OFFICER = "officer"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"
    LEADER = "leader"  # an agency's leader: gets a copy of its late notices, never reports


class AssignmentRole(StrEnum):
    """An agency's part in a task."""

    LEAD = "lead"
    COORDINATING = "coordinating"


UNSENT = text("sent_at IS NULL AND skipped_reason IS NULL")


class MessageKind(StrEnum):
    """Why the bot owes a message."""

    REQUEST = "request"
    NUDGE = "nudge"
    DEADLINE = "deadline"  # a task's own deadline is near
    ESCALATION = "escalation"
    DIGEST = "digest"
    CONTACT_LOST = "contact_lost"  # the secretariat is told an agency's contact is unreachable
    LATE_COPY = "late_copy"  # an agency's leader is told what its officers were reminded of
    QUESTION = "question"  # the Office's one-off question (báo cáo đột xuất)


class Directive(SQLModel, table=True):
    """An official document whose tasks the Office tracks."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    subject: str
    issuer: str
    issued_on: date
    signer: str | None = None
    cadence: str = "monthly"
    tracker_agency_id: int | None = Field(default=None, foreign_key="agency.id")
    source_text: str | None = None
    active: bool = True
    # Ends on a date set in its data file, or closed by the Office: no more requests from
    # then on; the periods it was open in keep it in their digests.
    ends_on: date | None = None
    closed_at: datetime | None = None


class Agency(SQLModel, table=True):
    """A department, district or other body that can be given a task."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    kind: str
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    # Merged into another from `ended_at` (its open tasks and contacts went there), or
    # abolished then (no successor); its past periods keep it, under the names it had.
    merged_into_id: int | None = Field(default=None, foreign_key="agency.id")
    ended_at: datetime | None = None


class AgencyName(SQLModel, table=True):
    """A name an agency had until a time: a period's digest shows the names of its time."""

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    name: str
    until: datetime


class AgencyGroup(SQLModel, table=True):
    """A named set of agencies, such as "UBND các quận, huyện, thị xã"."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AgencyGroupMember(SQLModel, table=True):
    """Membership of an agency in a group."""

    group_id: int = Field(foreign_key="agencygroup.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)


class Task(SQLModel, table=True):
    """One numbered task of a directive."""

    __table_args__ = (UniqueConstraint("directive_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    directive_id: int = Field(foreign_key="directive.id", index=True)
    number: str
    position: int
    title: str
    text: str
    deadline: date | None = None  # the one in force; its extensions are DeadlineChange rows
    monthly: bool = True
    closed_at: datetime | None = None  # accepted as done by the Office: no longer requested


class Assignment(SQLModel, table=True):
    """A task given to an agency, as lead or coordinating."""

    __table_args__ = (UniqueConstraint("task_id", "agency_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    role: AssignmentRole
    via_group_id: int | None = Field(default=None, foreign_key="agencygroup.id")
    since: datetime | None = None  # given after the directive was loaded (None: from the start)
    ended_at: datetime | None = None  # taken away: kept for the periods it was owed in


class DeadlineChange(SQLModel, table=True):
    """A task's deadline extended (or brought forward): the old and new dates, when, by whom."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    old_deadline: date | None
    new_deadline: date
    changed_at: datetime
    actor: str


class Contact(SQLModel, table=True):
    """A Telegram user or chat that speaks for an agency."""

    __table_args__ = (UniqueConstraint("agency_id", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    role: Role
    user_id: int = Field(index=True)
    chat_id: int = Field(index=True)
    display_name: str
    joined_at: datetime
    active: bool = True
    unreachable_since: datetime | None = None
    revoked_at: datetime | None = None  # no longer speaks for the agency (None: unknown, or never)


class DataRevision(SQLModel, table=True):
    """A counter per watched table (contact, assignment, task, directive), moved by a
    database trigger on every change to it, whoever makes the change.

    The bot remembers who is behind each chat, and the planner what it planned, until
    the counters they read move.
    """

    name: str = Field(primary_key=True)
    revision: int = 0


class Invite(SQLModel, table=True):
    """A one-time code that binds whoever uses it to an agency and a role."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    agency_id: int = Field(foreign_key="agency.id")
    role: Role
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by_user_id: int | None = None
    revoked_at: datetime | None = None


class ReportingPeriod(SQLModel, table=True):
    """A month of the cycle with its request, due and digest times (UTC)."""

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(unique=True, index=True)  # "2021-08"
    request_at: datetime
    due_at: datetime
    digest_at: datetime
    opened_at: datetime | None = None


class StatusReport(SQLModel, table=True):
    """One version of an agency's report on a task for a period; the latest counts."""

    # Telegram may deliver an update twice: a report is stored once per update.
    __table_args__ = (UniqueConstraint("update_id", name="uq_statusreport_update_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    period_id: int = Field(foreign_key="reportingperiod.id", index=True)
    status: Status | None = None
    note: str | None = None
    contact_id: int = Field(foreign_key="contact.id")
    reported_at: datetime
    update_id: int | None = None
    message_id: int | None = Field(default=None, index=True)  # the chat message with the note


class ReportFile(SQLModel, table=True):
    """A file an officer sent with a report (a signed report, a table, a photo), kept whole."""

    # Telegram may deliver an update twice: its file is stored once.
    __table_args__ = (UniqueConstraint("update_id", name="uq_reportfile_update_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    period_id: int = Field(foreign_key="reportingperiod.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")
    received_at: datetime
    file_name: str
    mime_type: str
    size: int
    sha256: str
    telegram_file_id: str
    caption: str | None = None
    update_id: int | None = None
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Question(SQLModel, table=True):
    """A one-off question the Office asks some agencies (báo cáo đột xuất), due on a day."""

    id: int | None = Field(default=None, primary_key=True)
    text: str
    asked_at: datetime
    due_on: date
    actor: str
    period_id: int | None = Field(default=None, foreign_key="reportingperiod.id")


class QuestionTarget(SQLModel, table=True):
    """An agency a question asks."""

    question_id: int = Field(foreign_key="question.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)


class QuestionAnswer(SQLModel, table=True):
    """One version of an agency's answer to a question (a status, a note); the latest counts."""

    __table_args__ = (UniqueConstraint("update_id", name="uq_questionanswer_update_id"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    agency_id: int = Field(foreign_key="agency.id")
    contact_id: int = Field(foreign_key="contact.id")
    status: Status | None = None
    note: str | None = None
    answered_at: datetime
    update_id: int | None = None


class OutboundMessage(SQLModel, table=True):
    """A message the bot owes: written before it is sent, so nothing goes twice."""

    # The rows still owed, in due order: the send-out reads them oldest first.
    __table_args__ = (
        Index(
            "ix_outboundmessage_unsent",
            "due_at",
            "id",
            sqlite_where=UNSENT,
            postgresql_where=UNSENT,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)  # e.g. "request:2021-08:contact:12"
    kind: MessageKind
    contact_id: int = Field(foreign_key="contact.id", index=True)
    period_id: int | None = Field(default=None, foreign_key="reportingperiod.id")
    task_id: int | None = Field(default=None, foreign_key="task.id")
    about_contact_id: int | None = Field(default=None, foreign_key="contact.id")
    chat_id: int
    due_at: datetime
    retry_at: datetime | None = None  # after a transient failure, not before this
    sent_at: datetime | None = None
    telegram_message_id: int | None = None
    attempts: int = 0
    last_error: str | None = None
    skipped_reason: str | None = None  # no longer useful when its time came (e.g. already reported)
    # Whoever claims the row first sends it (see db/outbox.py); a claim that outlives its
    # time-out was left by a dead send-out, and the row is then "in doubt".
    claimed_by: str | None = None
    claimed_at: datetime | None = None  # wall-clock time of the claim, whatever the schedule clock
    in_doubt: bool = False  # a send may have reached Telegram without us knowing: maybe twice


class OutboundPart(SQLModel, table=True):
    """One Telegram message of an owed message, which may take several (a long request).

    A part sent is never sent again when the rest is retried; a reply to any part is a
    reply to the request.
    """

    __table_args__ = (
        UniqueConstraint("outbound_id", "part"),
        Index("ix_outboundpart_chat_message", "chat_id", "telegram_message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    outbound_id: int = Field(foreign_key="outboundmessage.id", index=True)
    part: int
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    telegram_message_id: int
    sent_at: datetime


class Conversation(SQLModel, table=True):
    """What the bot is waiting for from a contact (a note, or a status for a draft note)."""

    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    period_id: int = Field(foreign_key="reportingperiod.id")
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id")
    awaiting: str  # "note" after a status button, "status" after a plain reply
    draft_note: str | None = None
    report_id: int | None = Field(default=None, foreign_key="statusreport.id")
    updated_at: datetime


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, and from which Telegram update: reports, invites, contacts, data."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str  # "user:2001 Lan" for a person in chat, "cli" for the server's administrator
    action: str  # e.g. "report.recorded", "invite.revoked", "contact.revoked"
    subject: str  # e.g. "report:12", "invite:3", "contact:5", "file:hanoi-agencies.toml"
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    detail: str = ""
    update_id: int | None = None
