"""Shared fixtures: a fresh database per test, a fake clock, the real bot on the local server."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from db.engine import make_engine
from dondoc.stage import FakeClock, Stage, local_stage

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
REFERENCE_TASK_NUMBERS = ["1", *(f"2.{n}" for n in range(1, 12))]
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "2658-UBND-KT.md"
# The PostgreSQL the test machines run; `.ci/run` sets DONDOC_REQUIRE_POSTGRESQL=1 so that
# its absence fails there instead of skipping.
POSTGRESQL_URL = os.environ.get(
    "DONDOC_TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def hanoi(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Hanoi time."""
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def clock() -> FakeClock:
    """Monday 16/08/2021 09:00 in Hanoi: just after August's request time (08:30)."""
    return FakeClock(hanoi(2021, 8, 16, 9, 0))


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A SQLite file of this test's own."""
    return f"sqlite:///{tmp_path / 'dondoc.db'}"


@pytest.fixture
async def stage(database_url: str, clock: FakeClock) -> AsyncIterator[Stage]:
    """The production bot polling the local Bot API server, reference data loaded."""
    async with local_stage(database_url=database_url, clock=clock) as running:
        running.load_reference()
        yield running


@pytest.fixture(params=["sqlite", "postgresql"])
async def stage_on_each_database(
    request: pytest.FixtureRequest, database_url: str, clock: FakeClock
) -> AsyncIterator[Stage]:
    """`stage`, on SQLite and again on PostgreSQL (skipped where no server runs)."""
    url = database_url if request.param == "sqlite" else request.getfixturevalue("postgresql_url")
    async with local_stage(database_url=url, clock=clock) as running:
        running.load_reference()
        yield running


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A fresh, empty schema of the test PostgreSQL server, dropped afterwards."""
    admin = make_engine(POSTGRESQL_URL)
    schema = f"dondoc_test_{secrets.token_hex(4)}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError:
        admin.dispose()
        if os.environ.get("DONDOC_REQUIRE_POSTGRESQL"):
            raise
        pytest.skip(f"no PostgreSQL server at {POSTGRESQL_URL}: PostgreSQL tests skipped")
    try:
        yield f"{POSTGRESQL_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
