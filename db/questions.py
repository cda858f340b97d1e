"""The Office's one-off questions (báo cáo đột xuất): asked of chosen agencies (or of every
lead of a task) with their own due day, sent to each of their officers, answered like a
monthly report — a status button, a note as a reply — and gathered in the digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.audit import person_actor, record_audit
from db.contacts import ContactInfo, officers_by_agency
from db.engine import Work, insert_ignoring
from db.lifecycle import Refused, find_task
from db.models import (
    Agency,
    Assignment,
    AssignmentRole,
    Contact,
    MessageKind,
    OutboundMessage,
    OutboundPart,
    Question,
    QuestionAnswer,
    QuestionTarget,
    Status,
)
from db.reports import AlreadyStored


@dataclass(frozen=True)
class QuestionInfo:
    """A question as its message and the digest show it."""

    id: int
    text: str
    due_on: date
    asked_at: datetime


@dataclass(frozen=True)
class AnswerInfo:
    """An agency's latest answer to a question (none yet: no status, no note)."""

    agency_name: str
    status: Status | None
    note: str | None
    reporter: str | None
    answered_at: datetime | None


def ask(
    *,
    session: Session,
    text: str,
    due_on: date,
    agency_codes: list[str] | None = None,
    task: tuple[str, str] | None = None,
    now: datetime,
    actor: str,
    period_id: int | None,
) -> tuple[QuestionInfo, list[str], int]:
    """Ask the agencies (or every lead of a task) now; (the question, their names, how
    many messages are owed: one per officer, sent by the next send-out)."""
    text = " ".join(text.split())
    if not text:
        raise Refused("question.empty")
    if due_on < now.date():
        raise Refused("question.past", due=f"{due_on:%d/%m/%Y}")
    agencies: list[Agency] = []
    for code in agency_codes or []:
        agency = session.exec(select(Agency).where(Agency.code == code.strip().lower())).first()
        if agency is None or not agency.active:
            raise Refused("lifecycle.unknown_agency", agency=code)
        agencies.append(agency)
    if task is not None:
        _, found = find_task(session, *task)
        agencies += list(
            session.exec(
                select(Agency)
                .join(Assignment, col(Assignment.agency_id) == Agency.id)
                .where(
                    Assignment.task_id == found.id,
                    Assignment.role == AssignmentRole.LEAD,
                    col(Assignment.ended_at).is_(None),
                )
                .order_by(col(Agency.id))
            )
        )
    unique = list({agency.id: agency for agency in agencies}.values())
    if not unique:
        raise Refused("question.nobody")
    question = Question(text=text, asked_at=now, due_on=due_on, actor=actor, period_id=period_id)
    session.add(question)
    session.flush()
    assert question.id is not None
    for agency in unique:
        session.add(QuestionTarget(question_id=question.id, agency_id=agency.id))  # type: ignore[arg-type]
    officers = officers_by_agency(session=session)
    rows = [
        {
            "key": f"question:{question.id}:contact:{officer.id}",
            "kind": MessageKind.QUESTION,
            "contact_id": officer.id,
            "period_id": period_id,
            "chat_id": officer.chat_id,
            "due_at": now,
        }
        for agency in unique
        for officer in officers.get(agency.id or 0, [])
    ]
    if rows:
        dialect = session.get_bind().dialect.name
        session.connection().execute(insert_ignoring(dialect, OutboundMessage, ["key"]), rows)
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="question.asked",
        subject=f"question:{question.id}",
        detail=f"{len(unique)} agencies, due {due_on.isoformat()}: {text[:200]}",
    )
    info = QuestionInfo(question.id, text, due_on, now)
    return info, [agency.name for agency in unique], len(rows)


def question_by_id(*, session: Work, question_id: int) -> QuestionInfo | None:
    """A question by id."""
    columns = (col(Question.id), col(Question.text), col(Question.due_on), col(Question.asked_at))
    query = sa_select(*columns).where(col(Question.id) == question_id)
    row: Any = session.connection().execute(query).first()
    return QuestionInfo(*row) if row else None


def question_for_message(*, session: Work, chat_id: int, telegram_message_id: int) -> int | None:
    """The question a replied-to message of the bot asked, if it was one."""
    row = (
        session.connection()
        .execute(
            select(OutboundMessage.key)
            .join(OutboundPart, col(OutboundPart.outbound_id) == OutboundMessage.id)
            .where(
                OutboundPart.chat_id == chat_id,
                OutboundPart.telegram_message_id == telegram_message_id,
                OutboundMessage.kind == MessageKind.QUESTION,
            )
        )
        .first()
    )
    return int(row[0].split(":")[1]) if row else None


def answer_by_reply(
    *,
    session: Work,
    chat_id: int,
    replied_to: int,
    contact: ContactInfo,
    note: str,
    now: datetime,
    update_id: int | None = None,
) -> AnswerInfo | None:
    """A reply to a question's message is the agency's note on it; None if it was no
    question's (or not one asked of this agency)."""
    question_id = question_for_message(
        session=session, chat_id=chat_id, telegram_message_id=replied_to
    )
    if question_id is None:
        return None
    return record_answer(
        session=session,
        question_id=question_id,
        contact=contact,
        now=now,
        note=note,
        update_id=update_id,
    )


def record_answer(
    *,
    session: Work,
    question_id: int,
    contact: ContactInfo,
    now: datetime,
    status: Status | None = None,
    note: str | None = None,
    update_id: int | None = None,
) -> AnswerInfo | None:
    """A new version of the agency's answer: a status kept with a later note and the other
    way round; None if the question does not ask this contact's agency."""
    connection = session.connection()
    asked = connection.execute(
        select(QuestionTarget.agency_id).where(
            QuestionTarget.question_id == question_id,
            QuestionTarget.agency_id == contact.agency_id,
        )
    ).first()
    if asked is None:
        return None
    latest = connection.execute(
        select(QuestionAnswer.status, QuestionAnswer.note)
        .where(
            QuestionAnswer.question_id == question_id,
            QuestionAnswer.agency_id == contact.agency_id,
        )
        .order_by(col(QuestionAnswer.id).desc())
        .limit(1)
    ).first()
    if latest is not None:
        status = status if status is not None else latest[0]
        note = note if note is not None else latest[1]
    try:
        connection.execute(
            QuestionAnswer.__table__.insert(),  # type: ignore[attr-defined]
            {
                "question_id": question_id,
                "agency_id": contact.agency_id,
                "contact_id": contact.id,
                "status": status,
                "note": note,
                "answered_at": now,
                "update_id": update_id,
            },
        )
    except IntegrityError as exc:
        if update_id is not None and "update_id" in str(exc.orig):
            raise AlreadyStored(update_id) from exc
        raise
    record_audit(
        session=session,
        now=now,
        actor=person_actor(contact.user_id, contact.display_name),
        action="question.answered",
        subject=f"question:{question_id}",
        agency_id=contact.agency_id,
        detail=f"status {status.value if status else '-'}",
        update_id=update_id,
    )
    return AnswerInfo(contact.agency_name, status, note, contact.display_name, now)


def questions_of_period(
    *, session: Session, period_id: int, as_of: datetime
) -> list[tuple[QuestionInfo, list[AnswerInfo]]]:
    """The period's questions asked by `as_of`, each with every asked agency's latest answer
    by then, in the order they were asked."""
    found = []
    for question in session.exec(
        select(Question)
        .where(Question.period_id == period_id, Question.asked_at <= as_of)
        .order_by(col(Question.id))
    ):
        assert question.id is not None
        latest = (
            select(func.max(QuestionAnswer.id))
            .where(QuestionAnswer.question_id == question.id, QuestionAnswer.answered_at <= as_of)
            .group_by(col(QuestionAnswer.agency_id))
        )
        answers = {
            a.agency_id: a
            for a in session.exec(select(QuestionAnswer).where(col(QuestionAnswer.id).in_(latest)))
        }
        names = {
            c.id: c.display_name
            for c in session.exec(
                select(Contact).where(col(Contact.id).in_([a.contact_id for a in answers.values()]))
            )
        }
        rows = []
        for agency in session.exec(
            select(Agency)
            .join(QuestionTarget, col(QuestionTarget.agency_id) == Agency.id)
            .where(QuestionTarget.question_id == question.id)
            .order_by(col(Agency.id))
        ):
            answer = answers.get(agency.id or 0)
            rows.append(
                AnswerInfo(
                    agency.name,
                    answer.status if answer else None,
                    answer.note if answer else None,
                    names.get(answer.contact_id) if answer else None,
                    answer.answered_at if answer else None,
                )
            )
        found.append(
            (QuestionInfo(question.id, question.text, question.due_on, question.asked_at), rows)
        )
    return found
