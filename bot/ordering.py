"""Updates of different chats handled side by side; each chat's in the order they came.

python-telegram-bot handles one update at a time by default: an officer waits while
the bot answers everyone before them, each answer a round trip to Telegram. Here up to
`max_concurrent_updates` run at once, but never two of one chat (a status and the note
after it must be stored in that order), so waiting on Telegram for one chat lets the
others go on. Handlers keep no session across an await, so their database work never
interleaves. Eight at once is enough to hide the round trips; more costs CPU for nothing
(the HTTP client scans every open connection on each request).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def chat_of(update: object) -> int | None:
    """The chat (else the user) an update belongs to; None for one that belongs to none."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Concurrent across chats, in arrival order within a chat."""

    def __init__(self, max_concurrent_updates: int = 8) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}  # updates of the chat running or waiting

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers once the updates of its chat that came before are done."""
        chat = chat_of(update)
        if chat is None:
            await coroutine
            return
        turn = self._turns.setdefault(chat, asyncio.Lock())
        self._queued[chat] = self._queued.get(chat, 0) + 1
        try:
            async with turn:  # an asyncio.Lock serves its waiters first come, first served
                await coroutine
        finally:
            self._queued[chat] -= 1
            if not self._queued[chat]:  # nobody else runs or waits: the chat takes no memory
                del self._queued[chat], self._turns[chat]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""
