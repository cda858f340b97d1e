"""The data revisions: counters the database moves on every change to the watched tables.

A trigger (migration 0008) moves the counter of `contact`, `assignment`, `task` or
`directive` whenever a row of that table is written, by whoever writes it. What is
remembered between updates or sweeps (who is behind a chat, what was planned) is kept
only while the counters it was read with stand still.
"""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from db.models import DataRevision

_ONE = select(DataRevision.revision).where(col(DataRevision.name) == bindparam("name"))
_ALL = select(DataRevision.name, DataRevision.revision).order_by(col(DataRevision.name))


def data_revision(*, session: Session, name: str) -> int | None:
    """The counter of one watched table."""
    return session.connection().execute(_ONE, {"name": name}).scalar()


def data_revisions(*, session: Session) -> tuple[tuple[str, int], ...]:
    """Every watched table's counter, by name."""
    return tuple((name, revision) for name, revision in session.connection().execute(_ALL))
