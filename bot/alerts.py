"""Failures told to the administrators' chat (`[bot] alert_chat_id`), never the token.

At most one alert a minute: a burst of failures (a full disk fails every update)
becomes one message and a count, not a flood that Telegram would throttle.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Bot
from telegram.error import TelegramError

from bot.texts import say
from dondoc.redact import redact

log = logging.getLogger(__name__)

ALERT_EVERY_SECONDS = 60.0
ERROR_CHARS = 300


class Alerts:
    """The alert chat, rate-limited; `clock` is injectable for tests."""

    def __init__(
        self,
        chat_id: int | None,
        *,
        locale: str = "vi",
        every: float = ALERT_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chat_id, self.locale, self.every, self.clock = chat_id, locale, every, clock
        self._next = 0.0
        self._suppressed = 0

    @property
    def configured(self) -> bool:
        """Whether anyone is told."""
        return self.chat_id is not None

    async def failure(
        self, bot: Bot, key: str, error: BaseException | None, **values: object
    ) -> bool:
        """Tell the alert chat of a failure (text `key` with `values`); False if nobody was told."""
        if self.chat_id is None:
            return False
        now = self.clock()
        if now < self._next:
            self._suppressed += 1
            return False
        detail = redact(f"{type(error).__name__}: {error}" if error else "?")[:ERROR_CHARS]
        text = say(key, self.locale, error=detail, **values)
        if self._suppressed:
            text += say(
                "alert.suppressed", self.locale, count=self._suppressed, seconds=int(self.every)
            )
        try:
            await bot.send_message(chat_id=self.chat_id, text=text, parse_mode="HTML")
        except TelegramError as exc:
            log.warning("could not tell the alert chat: %s", exc)
            return False
        self._next, self._suppressed = now + self.every, 0
        return True
