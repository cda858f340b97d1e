"""The collector paused during bulk work comes back when the last overlapping piece ends."""

from __future__ import annotations

import gc

from dondoc.heap import collector_paused


def test_overlapping_pauses_restore_the_collector_only_when_the_last_one_ends() -> None:
    assert gc.isenabled()
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the planner ends while a digest is still being built
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
