"""The reporting cycle: decide what is owed at a moment, then send it.

APScheduler calls `run_cycle` at the schedule's times and on a sweep; the
demo and the tests call it with their own clock. It can run at any time, as
often as wanted: the database, not the scheduler's memory, decides what is owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from telegram import Bot

from dondoc.config import Config
from jobs.delivery import DeliveryResult, Pacer, deliver_owed
from jobs.plan import plan_owed


@dataclass
class CycleResult(DeliveryResult):
    """What one run of the cycle planned and sent."""

    period: str | None = None
    planned: int = 0


async def run_cycle(
    *, bot: Bot, engine: Engine, config: Config, now: datetime, pacer: Pacer | None = None
) -> CycleResult:
    """Write the rows of every message owed at `now`, then send them."""
    month, planned = plan_owed(engine=engine, config=config, now=now)
    sent = await deliver_owed(bot=bot, engine=engine, config=config, now=now, pacer=pacer)
    return CycleResult(**vars(sent), period=month, planned=planned)
