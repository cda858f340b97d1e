"""The user side: act as a person talking to the bot, and read what the bot sent.

A :class:`SimUser` does only what a Telegram client lets a person do (send text, press a button
that is really there, edit their own message, block the bot) and reads the chat as that person
sees it.  Waiting is event-driven: every change in the world wakes the waiters, which re-check.

Waiting for an answer uses a *watermark*, the highest message_id of the chat at some moment.
Each action records the watermark just before it, so::

    await officer.send("/pending")
    reply = await officer.wait_for_message()          # first bot message after that send
    reply = await officer.send_and_wait("/pending")   # the same in one call
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .files import (
    MAX_USER_UPLOAD_BYTES,
    document_mime_type,
    image_size,
    placeholder,
)
from .markup import Markup, find_button_by_text, find_callback_button
from .state import WAIT_SECONDS, BotAccount, ChatState, Message, SimError, UserRecord, World

if TYPE_CHECKING:
    from .server import BotApiServer

MessagePredicate = Callable[[Message], bool]
MessageRef = Message | int


def _message_id(message: MessageRef) -> int:
    return message if isinstance(message, int) else int(message["message_id"])


def _snapshot(message: Message | None) -> tuple[Any, ...]:
    if message is None:
        return ()
    keys = ("text", "caption", "entities", "reply_markup", "edit_date")
    return tuple(message.get(key) for key in keys)


def bot_messages(chat: ChatState, bot: BotAccount, after: int = 0) -> list[Message]:
    """Copies of the messages ``bot`` has in ``chat`` with message_id > ``after``, oldest first."""
    return [
        copy.deepcopy(m)
        for message_id, m in sorted(chat.messages.items())
        if message_id > after and m["from"]["id"] == bot.id
    ]


async def wait_for_bot_message(
    world: World,
    chat: ChatState,
    bot: BotAccount,
    after: int,
    predicate: MessagePredicate | None,
    timeout: float,
) -> Message:
    """The first bot message after watermark ``after`` matching ``predicate``."""
    found: list[Message] = []

    def ready() -> bool:
        for message in bot_messages(chat, bot, after):
            if predicate is None or predicate(message):
                found.append(message)
                return True
        return False

    if not await world.signal.wait_until(ready, timeout):
        recent = [m.get("text", m.get("caption", "<media>")) for m in bot_messages(chat, bot)][-3:]
        raise TimeoutError(
            f"no matching bot message in chat {chat.id} after message_id {after} within "
            f"{timeout}s; last bot messages: {recent!r}"
        )
    return found[0]


class _ChatReader:
    """Reading helpers shared by a person's view and a group's view."""

    world: World
    bot: BotAccount

    def _chat(self, chat: Any = None) -> ChatState:
        raise NotImplementedError

    def messages(self, chat: Any = None) -> list[Message]:
        """Everything the bot sent to the chat that still exists, oldest first."""
        return bot_messages(self._chat(chat), self.bot)

    def last_message(self, chat: Any = None) -> Message | None:
        """The bot's latest message in the chat, or None."""
        messages = self.messages(chat)
        return messages[-1] if messages else None

    def mark(self, chat: Any = None) -> int:
        """The current watermark of the chat (its highest message_id)."""
        return self._chat(chat).last_message_id

    def documents(self, chat: Any = None) -> list[dict[str, Any]]:
        """The Document objects of the bot's messages, oldest first."""
        return [m["document"] for m in self.messages(chat) if "document" in m]

    def document_bytes(self, document: dict[str, Any]) -> bytes:
        """The content of a Document (or PhotoSize, or any file object) in the chat."""
        stored = self.world.files.get(document["file_id"])
        if stored is None:
            raise SimError(f"unknown file_id {document['file_id']!r}")
        return stored.data

    def keyboard(self, chat: Any = None) -> Markup | None:
        """The custom reply keyboard currently shown, or None."""
        return copy.deepcopy(self._chat(chat).reply_keyboard)

    def chat_actions(self, chat: Any = None) -> list[str]:
        """The chat actions (``typing`` ...) the bot sent, oldest first."""
        return list(self._chat(chat).chat_actions)


class SimGroup(_ChatReader):
    """A group or supergroup chat; its members talk in it with ``user.send(text, chat=group)``."""

    def __init__(self, world: World, chat: ChatState, bot: BotAccount) -> None:
        self.world = world
        self.state = chat
        self.bot = bot

    @property
    def id(self) -> int:
        """The chat id (negative)."""
        return self.state.id

    @property
    def title(self) -> str:
        """The group title."""
        return self.state.title or ""

    def _chat(self, chat: Any = None) -> ChatState:
        return self.state

    def promote(self, member: SimUser) -> None:
        """The creator makes ``member`` an administrator of the group."""
        self.world.promote(self.state, member.record)

    def upgrade(self, by: SimUser) -> SimGroup:
        """``by`` (its owner) upgrades the group to a supergroup: the supergroup, a new chat."""
        return SimGroup(self.world, self.world.upgrade_group(self.state, by.record), self.bot)

    async def wait_for_message(
        self,
        predicate: MessagePredicate | None = None,
        *,
        timeout: float = WAIT_SECONDS,
        after: MessageRef | None = None,
    ) -> Message:
        """First bot message in the group after ``after`` (watermark or message) matching."""
        watermark = 0 if after is None else _message_id(after)
        return await wait_for_bot_message(
            self.world, self.state, self.bot, watermark, predicate, timeout
        )


ChatRef = SimGroup | ChatState | int | None


class SimUser(_ChatReader):
    """A person using Telegram, bound to one bot."""

    def __init__(self, server: BotApiServer, record: UserRecord, bot: BotAccount) -> None:
        self.server = server
        self.world = server.world
        self.record = record
        self.bot = bot
        self._marks: dict[int, int] = {}

    def __repr__(self) -> str:
        name = self.record.first_name
        return f"SimUser(id={self.id}, first_name={name!r}, bot=@{self.bot.username})"

    @property
    def id(self) -> int:
        """The user id (also the id of the private chat with the bot)."""
        return self.record.id

    @property
    def first_name(self) -> str:
        """The user's first name."""
        return self.record.first_name

    @property
    def username(self) -> str | None:
        """The user's username, if any."""
        return self.record.username

    def to_dict(self) -> dict[str, Any]:
        """The Bot API User object of this person."""
        return self.record.to_dict()

    @property
    def started(self) -> bool:
        """Whether the person has started the bot."""
        return self.id in self.bot.started

    @property
    def blocked(self) -> bool:
        """Whether the person has blocked the bot."""
        return self.id in self.bot.blocked

    def _chat(self, chat: ChatRef = None) -> ChatState:
        if chat is None:
            return self.world.private_chat(self.bot, self.record)
        if isinstance(chat, SimGroup):
            return chat.state
        if isinstance(chat, ChatState):
            return chat
        if chat > 0:
            return self.world.private_chat(self.bot, self.record)
        group = self.world.groups.get(chat)
        if group is None:
            raise SimError(f"no group {chat}")
        return group

    def _chat_of_message(self, message: MessageRef, chat: ChatRef) -> ChatState:
        if chat is None and isinstance(message, dict):
            return self._chat(int(message["chat"]["id"]))
        return self._chat(chat)

    def _prepare(self, chat: ChatState) -> None:
        if chat.type == "private":
            if self.blocked:
                raise SimError(f"user {self.id} has blocked the bot; call unblock() first")
            if not self.started:
                # A client shows "Start" first; writing anything opens the chat the same way.
                self.bot.started.add(self.id)
        elif self.id not in chat.member_ids:
            raise SimError(f"user {self.id} is not a member of group {chat.id}")
        elif chat.migrated_to is not None:
            raise SimError(f"group {chat.id} was upgraded to supergroup {chat.migrated_to}")
        self._marks[chat.id] = chat.last_message_id

    # -- actions ---------------------------------------------------------------------------

    async def send(
        self, text: str, reply_to: MessageRef | None = None, *, chat: ChatRef = None
    ) -> Message:
        """Send ``text`` (commands are text starting with '/'); returns the Message sent."""
        state = self._chat(chat)
        self._prepare(state)
        reply_id = None if reply_to is None else _message_id(reply_to)
        return self.world.user_message(state, self.record, text, reply_id)

    async def start(self, payload: str | None = None) -> Message:
        """Press Start (``/start`` or the ``t.me/bot?start=PAYLOAD`` deep link)."""
        if self.blocked:
            await self.unblock()  # "Restart" in a client unblocks, then sends /start
        self.bot.started.add(self.id)
        return await self.send("/start" if payload is None else f"/start {payload}")

    async def reply(self, message: MessageRef, text: str, *, chat: ChatRef = None) -> Message:
        """Reply to ``message`` with ``text``."""
        state = self._chat_of_message(message, chat)
        return await self.send(text, reply_to=message, chat=state)

    async def press(
        self,
        message: MessageRef,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        chat: ChatRef = None,
    ) -> str:
        """Press an inline button (by callback_data or label); returns the callback query id."""
        state = self._chat_of_message(message, chat)
        current = state.messages.get(_message_id(message))
        if current is None:
            raise SimError(f"message {_message_id(message)} is not in chat {state.id}")
        markup = current.get("reply_markup")
        if callback_data is not None:
            button = find_callback_button(markup, callback_data)
        elif text is not None:
            button = find_button_by_text(markup, text)
        else:
            raise SimError("press() needs callback_data or text")
        if button is None or "callback_data" not in button:
            raise SimError(
                f"message {current['message_id']} has no callback button "
                f"{callback_data or text!r}; keyboard: {markup!r}"
            )
        self._prepare(state)
        return self.world.press(
            self.bot, state, self.record, current["message_id"], button["callback_data"]
        )

    async def press_forged(
        self, message: MessageRef, callback_data: str, *, chat: ChatRef = None
    ) -> str:
        """Send a callback query with any ``data`` from ``message``, button or not.

        An official client cannot, but a modified one (or a script on MTProto) can: this is how
        a test plays an attacker who forges callback data.
        """
        state = self._chat_of_message(message, chat)
        if _message_id(message) not in state.messages:
            raise SimError(f"message {_message_id(message)} is not in chat {state.id}")
        self._prepare(state)
        return self.world.press(self.bot, state, self.record, _message_id(message), callback_data)

    def redeliver_last(self) -> int:
        """Deliver this person's latest update to the bot once more (same update_id), as
        Telegram does when a bot stopped before confirming it; returns the update_id."""
        for update_id in sorted(self.bot.history, reverse=True):
            update = self.bot.history[update_id]
            payload = update.get("message") or update.get("callback_query") or {}
            if payload.get("from", {}).get("id") == self.id:
                self.bot.redeliver(update_id)
                self.world.signal.fire()
                return update_id
        raise SimError(f"user {self.id} has no recent update to deliver again")

    def _send_file(
        self,
        field: str,
        media: Any,
        caption: str | None,
        reply_to: MessageRef | None,
        chat: ChatRef,
        extra: dict[str, Any] | None = None,
    ) -> Message:
        state = self._chat(chat)
        self._prepare(state)
        content: dict[str, Any] = {field: media, **(extra or {})}
        if caption is not None:
            content["caption"] = caption
        reply_id = None if reply_to is None else _message_id(reply_to)
        return self.world.user_media(state, self.record, content, reply_id)

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
        reply_to: MessageRef | None = None,
        chat: ChatRef = None,
    ) -> Message:
        """Send a file (as "File" in a client): the bot gets a Document it can download.

        ``mime_type`` defaults to the one the name suggests (``application/octet-stream`` if
        none).  A person may send up to 2000 MB; a bot downloads only up to 20 MB (getFile
        answers "file is too big" above), but the message reaches it either way.
        """
        if not data:
            raise SimError("a Telegram client does not send an empty file")
        if len(data) > MAX_USER_UPLOAD_BYTES:
            raise SimError(f"a Telegram client sends files of up to {MAX_USER_UPLOAD_BYTES} bytes")
        if not file_name:
            raise SimError("a document has a file name")
        mime = document_mime_type(file_name, mime_type) or "application/octet-stream"
        stored = self.world.files.add("document", data, file_name, mime)
        return self._send_file("document", stored.document(), caption, reply_to, chat)

    async def send_photo(
        self,
        data: bytes,
        *,
        caption: str | None = None,
        reply_to: MessageRef | None = None,
        chat: ChatRef = None,
    ) -> Message:
        """Send a photo (a PNG, GIF or JPEG image): the bot gets a PhotoSize list.

        The client would recompress it to JPEG and Telegram add smaller sizes; here the one
        PhotoSize is the image as given, with its real width and height.
        """
        size = image_size(data)
        if size is None or min(size) == 0:
            raise SimError("send_photo needs a PNG, GIF or JPEG image; use send_document")
        width, height = size
        stored = self.world.files.add("photo", data, width=width, height=height)
        return self._send_file("photo", stored.photo_sizes(), caption, reply_to, chat)

    async def send_media(self, kind: str, *, chat: ChatRef = None, **fields: Any) -> Message:
        """Send a ``photo``, ``sticker``, ``voice`` or ``document`` instead of text.

        The content is a small real file (a 32x24 JPEG, a 512x512 WebP sticker, a silent Ogg
        Opus voice note, a one-page PDF) kept in the file store, so its file_id works with
        getFile.  ``fields`` are added to the message (``caption`` ...); ``file_name`` names
        the document.
        """
        data, file_name, mime_type = placeholder(kind)
        media: Any
        if kind == "document":
            name = fields.pop("file_name", file_name)
            mime = document_mime_type(name, None) or mime_type
            stored = self.world.files.add("document", data, name, mime)
            media = stored.document()
        elif kind == "photo":
            width, height = image_size(data) or (0, 0)
            stored = self.world.files.add("photo", data, width=width, height=height)
            media = stored.photo_sizes()
        else:
            stored = self.world.files.add(kind, data, mime_type=mime_type)
            file = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
            if kind == "sticker":
                media = {
                    **file,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "👍",
                    "file_size": stored.size,
                }
            else:
                media = {**file, "duration": 4, "mime_type": mime_type, "file_size": stored.size}
        caption = fields.pop("caption", None)
        reply_to = fields.pop("reply_to", None)
        return self._send_file(kind, media, caption, reply_to, chat, fields)

    async def edit(self, message: MessageRef, new_text: str, *, chat: ChatRef = None) -> Message:
        """Edit one's own message; the bot gets ``edited_message``."""
        state = self._chat_of_message(message, chat)
        self._prepare(state)
        return self.world.user_edit(state, self.record, _message_id(message), new_text)

    async def block(self) -> None:
        """Block the bot (the bot gets my_chat_member: member -> kicked)."""
        self.world.set_blocked(self.bot, self.record, True)

    async def unblock(self) -> None:
        """Unblock the bot (my_chat_member: kicked -> member)."""
        self.world.set_blocked(self.bot, self.record, False)

    # -- waiting ---------------------------------------------------------------------------

    async def wait_for_message(
        self,
        predicate: MessagePredicate | None = None,
        *,
        timeout: float = WAIT_SECONDS,
        after: MessageRef | None = None,
        chat: ChatRef = None,
    ) -> Message:
        """First bot message matching ``predicate`` after ``after`` (default: the last action).

        ``after`` is a watermark from :meth:`mark` or a message (its message_id).
        """
        state = self._chat(chat)
        watermark = self._marks.get(state.id, 0) if after is None else _message_id(after)
        return await wait_for_bot_message(
            self.world, state, self.bot, watermark, predicate, timeout
        )

    async def send_and_wait(
        self,
        text: str,
        predicate: MessagePredicate | None = None,
        *,
        timeout: float = WAIT_SECONDS,
        reply_to: MessageRef | None = None,
        chat: ChatRef = None,
    ) -> Message:
        """Send ``text`` and return the bot's first (matching) message after it."""
        await self.send(text, reply_to=reply_to, chat=chat)
        return await self.wait_for_message(predicate, timeout=timeout, chat=chat)

    async def wait_for_edit(
        self,
        message: MessageRef,
        predicate: MessagePredicate | None = None,
        *,
        timeout: float = WAIT_SECONDS,
        chat: ChatRef = None,
    ) -> Message:
        """Wait until the bot edits ``message`` so that ``predicate`` holds; return it.

        With a message dict the edit must be newer than that dict; with an id, newer than now.
        """
        state = self._chat_of_message(message, chat)
        message_id = _message_id(message)
        baseline = _snapshot(
            message if isinstance(message, dict) else state.messages.get(message_id)
        )

        def ready() -> bool:
            current = state.messages.get(message_id)
            if current is None or _snapshot(current) == baseline:
                return False
            return predicate is None or predicate(copy.deepcopy(current))

        if not await self.world.signal.wait_until(ready, timeout):
            raise TimeoutError(f"message {message_id} was not edited as expected in {timeout}s")
        return copy.deepcopy(state.messages[message_id])

    def callback_query(self, query_id: str) -> dict[str, Any] | None:
        """How the bot answered callback query ``query_id`` (None while unanswered)."""
        record = self.bot.callback_queries.get(query_id)
        return copy.deepcopy(record.answer) if record and record.answered else None

    def callback_answers(self) -> list[str | None]:
        """Texts the bot gave in answerCallbackQuery for this person's presses, oldest first."""
        return [
            record.answer["text"]
            for record in self.bot.callback_queries.values()
            if record.user_id == self.id and record.answer is not None
        ]

    async def wait_for_callback_answer(
        self, query_id: str, *, timeout: float = WAIT_SECONDS
    ) -> dict[str, Any]:
        """Wait until the bot answers callback query ``query_id``; return the answer."""
        record = self.bot.callback_queries.get(query_id)
        if record is None:
            raise SimError(f"unknown callback query {query_id!r}")
        if not await self.world.signal.wait_until(lambda: record.answered, timeout):
            raise TimeoutError(f"callback query {query_id} was not answered within {timeout}s")
        assert record.answer is not None
        return copy.deepcopy(record.answer)

    async def press_and_wait(
        self,
        message: MessageRef,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        timeout: float = WAIT_SECONDS,
    ) -> dict[str, Any]:
        """Press a button and return the bot's answerCallbackQuery answer."""
        query_id = await self.press(message, callback_data, text=text)
        return await self.wait_for_callback_answer(query_id, timeout=timeout)
