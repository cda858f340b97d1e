"""Shared fixtures: a fresh database per test, a fake clock, the real bot on the local server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dondoc.stage import FakeClock, Stage, local_stage

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
REFERENCE_TASK_NUMBERS = ["1", *(f"2.{n}" for n in range(1, 12))]
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "2658-UBND-KT.md"


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
