"""Fault injection, Telegram's flood limits, and call counters.

``Faults`` makes the server misbehave the way Telegram does under load: 429 answers with
``retry_after``, 502 Bad Gateway (before or *after* the call took effect - the latter is what
produces duplicates when a bot retries), and added latency.  ``FloodLimits`` enforces the real
documented limits with sliding windows.  ``Stats`` counts calls so a benchmark can check for
duplicates and losses.
"""

from __future__ import annotations

import math
import random
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, too_many_requests

# Methods that deliver a message and so count against the flood limits.
SENDING_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto"})


@dataclass
class Faults:
    """Injected failures; every field may be changed while the server runs."""

    rate_429: float = 0.0  # share of affected calls answered 429 (call not executed)
    retry_after: int = 3  # retry_after given with injected 429s
    rate_5xx: float = 0.0  # share answered 502 Bad Gateway (call not executed)
    rate_5xx_after: float = 0.0  # share answered 502 although the call *was* executed
    delay: float = 0.0  # seconds added before answering an affected call
    methods: set[str] | None = None  # affected methods; None = all except getUpdates
    seed: int | None = None  # seed of the random draws; setting it re-seeds
    flood_limits: bool = False  # enforce Telegram's per-chat and global message limits
    _rng: random.Random = field(init=False, repr=False, compare=False)  # set with ``seed``

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "seed":
            # A fresh generator per seed makes a run with a given seed repeatable; __init__
            # sets ``seed`` too, so the generator always exists.
            super().__setattr__("_rng", random.Random(value))

    def affects(self, method: str) -> bool:
        """Whether injected faults apply to ``method`` (any case)."""
        if self.methods is None:
            return method.lower() != "getupdates"
        return method.lower() in {m.lower() for m in self.methods}

    def draw(self) -> float:
        """Next random number in [0, 1) from the seeded generator."""
        return self._rng.random()

    def reset(self) -> None:
        """Switch every fault off (the seed is kept)."""
        self.rate_429 = self.rate_5xx = self.rate_5xx_after = self.delay = 0.0
        self.methods = None
        self.flood_limits = False


class _Window:
    """Sliding window: at most ``limit`` events per ``seconds``."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.events: deque[float] = deque()

    def retry_after(self, now: float) -> int:
        """0 when one more event fits now, else whole seconds until it does."""
        while self.events and self.events[0] <= now - self.seconds:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0
        return max(1, math.ceil(self.events[0] + self.seconds - now))


class FloodLimits:
    """Telegram's documented limits: 1 msg/s per private chat, 20/min per group, 30/s overall."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.per_private_chat = (1, 1.0)
        self.per_group = (20, 60.0)
        self.overall = (30, 1.0)
        self._chats: dict[tuple[str, int], _Window] = {}
        self._bots: dict[str, _Window] = {}

    def _windows(self, token: str, chat_id: int) -> tuple[_Window, _Window]:
        limit, seconds = self.per_group if chat_id < 0 else self.per_private_chat
        chat = self._chats.setdefault((token, chat_id), _Window(limit, seconds))
        overall = self._bots.setdefault(token, _Window(*self.overall))
        return chat, overall

    def check(self, token: str, chat_id: int) -> None:
        """Raise a 429 with a truthful retry_after if a message now would exceed a limit."""
        now = self.clock()
        chat, overall = self._windows(token, chat_id)
        wait = max(chat.retry_after(now), overall.retry_after(now))
        if wait:
            raise too_many_requests(wait)

    def record(self, token: str, chat_id: int) -> None:
        """Count a delivered message."""
        now = self.clock()
        for window in self._windows(token, chat_id):
            window.events.append(now)


@dataclass
class Stats:
    """Counters over all bot-side calls."""

    calls: Counter[str] = field(default_factory=Counter)  # by canonical method name
    sent_messages: int = 0  # messages actually delivered by send* methods
    sent_per_chat: Counter[int] = field(default_factory=Counter)
    given_429: int = 0
    given_5xx: int = 0
    errors: Counter[int] = field(default_factory=Counter)  # every error answer, by code

    def count_error(self, error: ApiError) -> None:
        """Record an error answer."""
        self.errors[error.code] += 1
        if error.code == 429:
            self.given_429 += 1
        elif error.code >= 500:
            self.given_5xx += 1

    def reset(self) -> None:
        """Zero every counter."""
        self.calls.clear()
        self.sent_per_chat.clear()
        self.errors.clear()
        self.sent_messages = self.given_429 = self.given_5xx = 0

    def to_json(self) -> dict[str, Any]:
        """JSON-friendly snapshot (for ``/_sim/stats``)."""
        return {
            "calls": dict(self.calls),
            "sent_messages": self.sent_messages,
            "sent_per_chat": {str(k): v for k, v in self.sent_per_chat.items()},
            "given_429": self.given_429,
            "given_5xx": self.given_5xx,
            "errors": {str(k): v for k, v in self.errors.items()},
        }
