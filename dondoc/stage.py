"""A stage for the real bot: the local Bot API server, a database, a clock that can be moved.

The demo and the end-to-end tests both run the production `build_application`,
scheduled jobs included, against it; only the Bot API endpoint and the clock
differ from a real run. APScheduler reads the same fake clock, so moving the
clock (`Stage.advance_to`) fires the production triggers at their times.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

import apscheduler.executors.base
import apscheduler.schedulers.base
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.base import BaseScheduler
from pydantic import SecretStr
from sqlalchemy import Engine

import reference
from bot.app import AppType, build_application
from bot_api_server import BotApiServer, SimUser
from db import contacts
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import LoadResult, load_data, read_data_file
from db.models import Role
from dondoc.config import Config
from jobs.cycle import CycleResult
from jobs.delivery import Pacer

# A made-up token in Telegram's shape; the local server accepts only this one.
# The local server's bot: token-shaped, assembled so no token-like literal is committed.
STAGE_TOKEN = "1000000001" + ":" + "local-stage-" * 3
BOT_USERNAME = "dondoc_bot"
REFERENCE_DIR = reference.FOLDER
REFERENCE_FILES = (REFERENCE_DIR / "hanoi-agencies.toml", REFERENCE_DIR / "2658-UBND-KT.toml")


class FakeClock:
    """A clock that stands still until moved."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        """Jump to a moment."""
        self.now = moment

    def advance(self, delta: timedelta) -> None:
        """Move forward."""
        self.now += delta


@contextmanager
def scheduler_reads(clock: FakeClock) -> Iterator[None]:
    """APScheduler takes "now" from `clock` while this lasts (it reads `datetime.now`)."""

    class ClockTime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return clock().astimezone(tz)

    modules = (apscheduler.schedulers.base, apscheduler.executors.base)
    saved = [module.datetime for module in modules]  # type: ignore[attr-defined]
    for module in modules:
        module.datetime = ClockTime  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.datetime = original  # type: ignore[attr-defined]


class JobWatch:
    """Counts the scheduler's jobs that were submitted and have not finished."""

    def __init__(self, scheduler: BaseScheduler) -> None:
        self.running = 0
        self.fired: list[str] = []
        self.changed = asyncio.Event()
        scheduler.add_listener(
            self._on_event,
            EVENT_JOB_SUBMITTED
            | EVENT_JOB_EXECUTED
            | EVENT_JOB_ERROR
            | EVENT_JOB_MISSED
            | EVENT_JOB_MAX_INSTANCES,
        )

    def _on_event(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            self.running += 1
            self.fired.append(event.job_id)
        elif event.code != EVENT_JOB_MAX_INSTANCES:
            self.running -= 1
        self.changed.set()

    async def until_idle(self) -> None:
        """Wait until every submitted job has finished."""
        while self.running > 0:
            self.changed.clear()
            await self.changed.wait()


class VirtualTime:
    """Monotonic time for the flood-control pacer that passes only when slept on.

    On the stage, waiting for a flood limit or a `retry_after` takes no real time, and a
    test can read how long the bot would have waited.
    """

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        """Seconds since the stage started, as slept."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Let the time pass at once (and let other tasks run)."""
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@dataclass
class Stage:
    """The running pieces and the actions a test or the demo takes on them."""

    server: BotApiServer
    engine: Engine
    config: Config
    clock: FakeClock
    application: AppType | None = None
    waited: VirtualTime = field(default_factory=VirtualTime)
    jobs: JobWatch | None = None

    def load_reference(self) -> list[LoadResult]:
        """Load the Hanoi registry and directive 2658/UBND-KT."""
        with session_scope(self.engine) as session:
            return [
                load_data(session=session, data=read_data_file(path), source=path.name)
                for path in REFERENCE_FILES
            ]

    def invite(self, agency_code: str, role: Role = Role.OFFICER, *, valid_days: int = 7) -> str:
        """A fresh invite code for the agency."""
        with session_scope(self.engine) as session:
            made = contacts.create_invite(
                session=session,
                agency_code=agency_code,
                role=role,
                now=self.clock(),
                valid_days=valid_days,
            )
        return made.code

    async def join(
        self, user_id: int, name: str, agency_code: str, role: Role = Role.OFFICER
    ) -> SimUser:
        """A person who opens an invite link for the agency and is welcomed."""
        person = self.server.user(user_id, name)
        await person.start(self.invite(agency_code, role))
        await person.wait_for_message()
        await self.settle()  # a late joiner is sent what is owed at once
        return person

    async def run_cycle(self) -> CycleResult:
        """Run the reporting cycle at the clock's time, as a scheduled job or `/remind` does."""
        assert self.application is not None
        return await self.application.bot_data.send_outs.run(self.application.bot)

    async def advance_to(self, moment: datetime) -> list[str]:
        """Move the clock to `moment`, firing every scheduled job due on the way at its time.

        Returns the ids of the jobs that fired, in order.
        """
        assert self.application is not None and self.jobs is not None
        scheduler = self.application.job_queue.scheduler  # type: ignore[union-attr]
        fired_before = len(self.jobs.fired)
        while True:
            times = [job.next_run_time for job in scheduler.get_jobs() if job.next_run_time]
            due = min(times, default=None)
            if due is None or due > moment:
                break
            self.clock.set(max(due, self.clock()))
            scheduler.wakeup()
            # The wakeup runs on the loop's next turn; the due jobs then move on.
            while any(job.next_run_time == due for job in scheduler.get_jobs()):
                await asyncio.sleep(0)
            await self.jobs.until_idle()
        self.clock.set(moment)
        await self.settle()
        return self.jobs.fired[fired_before:]

    async def settle(self) -> None:
        """Wait until the updates received, the jobs and the send-out in progress are done."""
        assert self.application is not None and self.jobs is not None
        await self.application.update_queue.join()
        await asyncio.sleep(0)  # tasks the handlers created take their first step
        await self.jobs.until_idle()
        await self.application.bot_data.send_outs.idle()

    async def start_bot(self) -> AppType:
        """Build and start the production application, jobs included, polling the local server.

        On start the sweep catches up at once, as after any restart; this waits for it.
        """
        pacer = Pacer(self.config.delivery, clock=self.waited.monotonic, sleep=self.waited.sleep)
        application = build_application(
            self.config, engine=self.engine, clock=self.clock, pacer=pacer
        )
        assert application.job_queue is not None
        self.jobs = JobWatch(application.job_queue.scheduler)
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=5)
        self.application = application
        await self.settle()
        return application

    async def stop_bot(self) -> None:
        """Stop polling and shut the application down (as a restart would)."""
        application, self.application = self.application, None
        if application is None:
            return
        await application.bot_data.send_outs.idle()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()


@asynccontextmanager
async def local_stage(
    *, database_url: str, clock: FakeClock, config: Config | None = None
) -> AsyncIterator[Stage]:
    """The local server on loopback, a migrated database and the real bot polling it."""
    server = BotApiServer(clock=lambda: clock().timestamp())
    await server.start()
    server.add_bot(STAGE_TOKEN, username=BOT_USERNAME)
    base = config or Config()
    staged = base.model_copy(
        update={
            "bot": base.bot.model_copy(update={"api_base_url": server.base_url}),
            "database": base.database.model_copy(update={"url": database_url}),
            "token": SecretStr(STAGE_TOKEN),
        }
    )
    engine = make_engine(database_url)
    upgrade_schema(engine)
    stage = Stage(server=server, engine=engine, config=staged, clock=clock)
    try:
        with scheduler_reads(clock):
            await stage.start_bot()
            yield stage
    finally:
        await stage.stop_bot()
        await server.stop()
        engine.dispose()
