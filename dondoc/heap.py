"""Keeping the garbage collector's full passes off the event loop's back.

A full pass stops every thread, the event loop's too, for as long as it scans the heap.
Start-up's objects live as long as the process (`settle_heap` keeps them out of every
pass); bulk work that makes hundreds of thousands of short-lived, cycle-free objects
(planning a month, building a digest) pauses the collector meanwhile: reference counting
frees them when the work ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausing = 0  # pieces of bulk work under way, in any thread
_was_enabled = True


def settle_heap() -> None:
    """Keep what start-up made (modules, classes, the application) out of full passes."""
    gc.collect()
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector paused until the last of the overlapping pieces of work ends."""
    global _pausing, _was_enabled
    with _lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()
