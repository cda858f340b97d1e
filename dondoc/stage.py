"""A stage for the real bot: the local Bot API server, a database, a clock that can be moved.

The demo and the end-to-end tests both run the production `build_application`
against it; only the Bot API endpoint and the clock differ from a real run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine

import reference
from bot.app import AppType, build_application
from bot_api_server import BotApiServer, SimUser
from db import queries
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import LoadResult, load_data, read_data_file
from db.models import Role
from dondoc.config import Config
from jobs.cycle import CycleResult, run_cycle
from jobs.delivery import Pacer

# A made-up token in Telegram's shape; the local server accepts only this one.
STAGE_TOKEN = "1000000001:local-stage-token-not-a-secret"
BOT_USERNAME = "dondoc_bot"
REFERENCE_DIR = Path(reference.__file__).parent
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
            made = queries.create_invite(
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
        return person

    async def run_cycle(self) -> CycleResult:
        """Run the reporting cycle at the clock's time, as the scheduler would."""
        assert self.application is not None
        pacer = Pacer(self.config.delivery, clock=self.waited.monotonic, sleep=self.waited.sleep)
        return await run_cycle(
            bot=self.application.bot,
            engine=self.engine,
            config=self.config,
            now=self.clock(),
            pacer=pacer,
        )

    async def start_bot(self) -> AppType:
        """Build and start the production application, polling the local server."""
        application = build_application(
            self.config, engine=self.engine, clock=self.clock, schedule_jobs=False
        )
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=5)
        self.application = application
        return application

    async def stop_bot(self) -> None:
        """Stop polling and shut the application down (as a restart would)."""
        application, self.application = self.application, None
        if application is None:
            return
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
        await stage.start_bot()
        yield stage
    finally:
        await stage.stop_bot()
        await server.stop()
        engine.dispose()
