"""Updates of different chats run side by side, one chat's in the order they came."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.ordering import ChatOrderedUpdates


def message_update(update_id: int, chat_id: int) -> Update:
    """A text message from `chat_id` (a plain Telegram object, no mock)."""
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, text="x"))  # type: ignore[arg-type]


async def test_one_chats_updates_run_in_order_while_another_chat_goes_on() -> None:
    processor = ChatOrderedUpdates(max_concurrent_updates=8)
    done: list[str] = []
    slow_reply = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()  # a slow answer from Telegram
        done.append(name)

    first = asyncio.ensure_future(
        processor.process_update(message_update(1, 10), handle("10: status", slow_reply))
    )
    second = asyncio.ensure_future(
        processor.process_update(message_update(2, 10), handle("10: note"))
    )
    other = asyncio.ensure_future(processor.process_update(message_update(3, 20), handle("20")))
    await other
    assert done == ["20"]  # chat 20 did not wait behind chat 10's slow answer
    slow_reply.set()
    await asyncio.gather(first, second)
    assert done == ["20", "10: status", "10: note"]  # chat 10's note after its status
    assert processor._turns == {} and processor._queued == {}  # nothing kept per chat
