"""The audit log: who changed what, when, and from which Telegram update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from db.engine import Work
from db.models import (
    Agency,
    AuditEntry,
)


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


_NEW_ENTRY = insert(AuditEntry)


def person_actor(user_id: int, display_name: str) -> str:
    """How the audit log names a person acting in chat."""
    return f"user:{user_id} {display_name}"


def record_audit(
    *,
    session: Work,
    now: datetime,
    actor: str,
    action: str,
    subject: str,
    agency_id: int | None = None,
    detail: str = "",
    update_id: int | None = None,
) -> None:
    """Add a line to the audit log, in the same unit of work as the change it records."""
    session.connection().execute(
        _NEW_ENTRY,
        {
            "at": now,
            "actor": actor,
            "action": action,
            "subject": subject,
            "agency_id": agency_id,
            "detail": detail,
            "update_id": update_id,
        },
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
