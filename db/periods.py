"""Reporting periods: the months of the cycle and their times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.engine import Work, insert_or_ignore
from db.models import (
    ReportingPeriod,
)


def month_label(month: str) -> str:
    """ "2021-08" as the Office writes it: "08/2021"."""
    year, number = month.split("-")
    return f"{number}/{year}"


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


# Built once: the bot asks for the current period on every button.
_PERIOD_COLUMNS = (
    col(ReportingPeriod.id),
    col(ReportingPeriod.month),
    col(ReportingPeriod.request_at),
    col(ReportingPeriod.due_at),
    col(ReportingPeriod.digest_at),
)
_CURRENT: Any = (
    sa_select(*_PERIOD_COLUMNS)
    .where(col(ReportingPeriod.request_at) <= bindparam("now"))
    .order_by(col(ReportingPeriod.request_at).desc())
    .limit(1)
)
_BY_ID: Any = sa_select(*_PERIOD_COLUMNS).where(col(ReportingPeriod.id) == bindparam("period_id"))


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


def period_by_id(*, session: Work, period_id: int) -> PeriodInfo | None:
    """A period by id."""
    row = session.connection().execute(_BY_ID, {"period_id": period_id}).first()
    return PeriodInfo(*row) if row else None


def current_period(*, session: Work, now: datetime) -> PeriodInfo | None:
    """The latest period whose request time has come."""
    row = session.connection().execute(_CURRENT, {"now": now}).first()
    return PeriodInfo(*row) if row else None
