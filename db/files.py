"""Files sent with a report: stored whole, with their hash and size, once per update.

A file belongs to an agency's task for a period, like the report it comes with; the
secretariat gets it back on request and the digest lists it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.audit import person_actor, record_audit
from db.contacts import ContactInfo
from db.models import Agency, Assignment, Contact, ReportFile
from db.reports import AlreadyStored


@dataclass(frozen=True)
class FileInfo:
    """A stored file, without its bytes."""

    id: int
    assignment_id: int
    period_id: int
    agency_name: str
    contact_name: str
    file_name: str
    mime_type: str
    size: int
    sha256: str
    received_at: datetime
    caption: str | None


def store_file(
    *,
    session: Session,
    contact: ContactInfo,
    assignment_id: int,
    period_id: int,
    file_name: str,
    mime_type: str,
    data: bytes,
    telegram_file_id: str,
    now: datetime,
    caption: str | None = None,
    update_id: int | None = None,
) -> tuple[FileInfo, bool]:
    """Keep a file with the agency's report on a task; (the file, whether it is new).

    The same content sent again for the same task and period is kept once.
    """
    digest = hashlib.sha256(data).hexdigest()
    known = session.exec(
        select(ReportFile.id).where(
            ReportFile.assignment_id == assignment_id,
            ReportFile.period_id == period_id,
            ReportFile.sha256 == digest,
        )
    ).first()
    if known is not None:
        found = file_info(session=session, file_id=known)
        assert found is not None
        return found, False
    row = ReportFile(
        assignment_id=assignment_id,
        period_id=period_id,
        contact_id=contact.id,
        received_at=now,
        file_name=file_name,
        mime_type=mime_type,
        size=len(data),
        sha256=digest,
        telegram_file_id=telegram_file_id,
        caption=caption,
        update_id=update_id,
        data=data,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        if update_id is not None and "update_id" in str(exc.orig):
            raise AlreadyStored(update_id) from exc
        raise
    record_audit(
        session=session,
        now=now,
        actor=person_actor(contact.user_id, contact.display_name),
        action="file.received",
        subject=f"file:{row.id}",
        agency_id=contact.agency_id,
        detail=f"assignment {assignment_id}: {file_name}, {len(data)} bytes, sha256 {digest}",
        update_id=update_id,
    )
    assert row.id is not None
    found = file_info(session=session, file_id=row.id)
    assert found is not None
    return found, True


_INFO = (
    select(ReportFile, Contact.display_name, Agency.name)
    .join(Contact, col(Contact.id) == ReportFile.contact_id)
    .join(Assignment, col(Assignment.id) == ReportFile.assignment_id)
    .join(Agency, col(Agency.id) == Assignment.agency_id)
)


def _info(row: ReportFile, contact_name: str, agency_name: str) -> FileInfo:
    assert row.id is not None
    return FileInfo(
        row.id,
        row.assignment_id,
        row.period_id,
        agency_name,
        contact_name,
        row.file_name,
        row.mime_type,
        row.size,
        row.sha256,
        row.received_at,
        row.caption,
    )


def file_info(*, session: Session, file_id: int) -> FileInfo | None:
    """One stored file's description."""
    found = session.exec(_INFO.where(ReportFile.id == file_id)).first()
    return _info(*found) if found else None


def files_of(*, session: Session, period_id: int, task_id: int | None = None) -> list[FileInfo]:
    """The files of a period (of one task), in the order they came."""
    query = _INFO.where(ReportFile.period_id == period_id)
    if task_id is not None:
        query = query.where(Assignment.task_id == task_id)
    return [_info(*row) for row in session.exec(query.order_by(col(ReportFile.id)))]


def file_bytes(*, session: Session, file_id: int) -> bytes:
    """A stored file's content."""
    return bytes(session.exec(select(ReportFile.data).where(ReportFile.id == file_id)).one())


def files_count(*, session: Session) -> int:
    """How many files are stored (for tests and `dondoc doctor`)."""
    return int(session.exec(select(func.count()).select_from(ReportFile)).one())
