"""The reporting cycle: decide what is owed at a moment, then send it.

APScheduler calls it at the schedule's times and on a sweep, `/remind` after
planning its nudges, `dondoc cycle` once from cron; the demo and the tests move
a fake clock. It can run at any time, as often as wanted: the database, not the
scheduler's memory, decides what is owed, and each row goes to whoever claims it
first. Within one process `SendOuts` runs one send-out at a time: a trigger that
comes while one runs folds into a single further run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from telegram import Bot

from dondoc.config import Config
from dondoc.heap import collector_paused
from jobs.delivery import DeliveryResult, Pacer, deliver_owed
from jobs.plan import PlanMemo, plan_owed


@dataclass
class CycleResult(DeliveryResult):
    """What one run of the cycle planned and sent."""

    period: str | None = None
    planned: int = 0


async def run_cycle(
    *,
    bot: Bot,
    engine: Engine,
    config: Config,
    now: datetime,
    pacer: Pacer | None = None,
    stopping: Callable[[], bool] = lambda: False,
    memo: PlanMemo | None = None,
) -> CycleResult:
    """Write the rows of every message owed at `now`, then send them (until `stopping()`).

    Planning runs in a worker thread with its own session: a sweep over tens of thousands
    of contacts never holds up the updates waiting on the event loop.
    """
    month, planned = await asyncio.to_thread(
        _plan_without_collector_pauses, engine=engine, config=config, now=now, memo=memo
    )
    sent = await deliver_owed(
        bot=bot, engine=engine, config=config, now=now, pacer=pacer, stopping=stopping
    )
    return CycleResult(**vars(sent), period=month, planned=planned)


def _plan_without_collector_pauses(
    *, engine: Engine, config: Config, now: datetime, memo: PlanMemo | None
) -> tuple[str, int]:
    """`plan_owed`, the cyclic garbage collector paused meanwhile.

    Planning tens of thousands of contacts makes hundreds of thousands of short-lived
    objects, which would set off full collections: each stops every thread, the event
    loop's too, for as long as it scans the heap. They hold no cycles, so reference
    counting frees them when planning ends.
    """
    with collector_paused():
        return plan_owed(engine=engine, config=config, now=now, memo=memo)


class SendOuts:
    """This process's send-outs: one at a time, overlapping triggers coalesced.

    One pacer serves them all, because Telegram's flood limits count per bot, not per
    send-out.
    """

    def __init__(
        self, *, engine: Engine, config: Config, clock: Callable[[], datetime], pacer: Pacer
    ) -> None:
        self.engine, self.config, self.clock, self.pacer = engine, config, clock, pacer
        self._again = False
        self._stopping = False
        self._current: asyncio.Future[CycleResult] | None = None
        self._memo = PlanMemo()  # what this process last planned from

    def stop(self) -> None:
        """Wind down: the send-out in progress finishes the rows it holds and claims no more.

        What it leaves stays owed, unclaimed, for the next run (or another instance).
        """
        self._stopping = True

    async def run(self, bot: Bot) -> CycleResult:
        """Run the cycle at the clock's now, after the one in progress if any; its figures."""
        self._again = True
        if self._current is None:
            self._current = asyncio.ensure_future(self._drain(bot))
        return await asyncio.shield(self._current)

    async def idle(self) -> None:
        """Wait until no send-out runs."""
        while self._current is not None:
            await asyncio.wait({self._current})  # its failure is the job's to report

    async def _drain(self, bot: Bot) -> CycleResult:
        total = CycleResult()
        try:
            while self._again and not self._stopping:
                self._again = False
                result = await run_cycle(
                    bot=bot,
                    engine=self.engine,
                    config=self.config,
                    now=self.clock(),
                    pacer=self.pacer,
                    stopping=lambda: self._stopping,
                    memo=self._memo,
                )
                total.add(result)
                total.period, total.planned = result.period, total.planned + result.planned
            return total
        finally:
            self._current = None
