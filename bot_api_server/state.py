"""The simulated Telegram world: users, bots, chats, messages and the bots' update queues.

Everything is kept as Bot API JSON (plain dicts) so what a bot receives and what the user side
reads are the very objects Telegram would produce.  Stored messages are the current version;
whatever leaves the world (updates, answers, user-side reads) is a deep copy, so later edits never
change an object somebody already holds.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .files import FileStore, file_ids_in
from .markup import Markup
from .text import MAX_CAPTION_LENGTH, text_length, user_text_entities

Clock = Callable[[], float]
Message = dict[str, Any]

# Update kinds a bot gets when it did not choose (getUpdates/setWebhook ``allowed_updates``).
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
HISTORY_SIZE = 1000  # updates a bot keeps for ``BotAccount.redeliver``
# What a ChatMemberAdministrator carries: the rights a group's owner grants by default.
ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


# How long a simulated user or a test waits for the bot before giving up: the bound of an
# event-driven wait, not a pause, so it is generous enough for a loaded 2-core machine.
WAIT_SECONDS = 30.0


# Service messages a bot receives whatever its privacy mode.
SERVICE_FIELDS = ("migrate_to_chat_id", "migrate_from_chat_id", "new_chat_members")


class Signal:
    """Wakes every waiter when the world changes; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake all current waiters (callable from sync code)."""
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds; False if ``timeout`` seconds pass first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True


@dataclass
class UserRecord:
    """A Telegram account (a person, or a bot's own account)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The Bot API User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code and not self.is_bot:
            user["language_code"] = self.language_code
        return user


@dataclass
class ChatState:
    """One chat as seen by the bot(s) in it: its messages and what its members see."""

    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    user: UserRecord | None = None  # the person of a private chat
    username: str | None = None
    messages: dict[int, Message] = field(default_factory=dict)
    last_message_id: int = 0
    member_ids: list[int] = field(default_factory=list)
    creator_id: int | None = None  # the group's owner ("creator")
    admin_ids: set[int] = field(default_factory=set)  # promoted administrators (not the creator)
    bot_tokens: set[str] = field(default_factory=set)  # bots in it (the one bot if private)
    last_bot_token: str | None = None  # the bot that last sent a message here (privacy mode)
    reply_keyboard: Markup | None = None  # the custom keyboard currently shown
    chat_actions: list[str] = field(default_factory=list)
    migrated_to: int | None = None  # a group upgraded to this supergroup

    def info(self) -> dict[str, Any]:
        """The Bot API Chat object."""
        if self.type == "private" and self.user is not None:
            chat: dict[str, Any] = {"id": self.id, "first_name": self.user.first_name}
            if self.user.last_name:
                chat["last_name"] = self.user.last_name
            if self.user.username:
                chat["username"] = self.user.username
            chat["type"] = "private"
            return chat
        chat = {"id": self.id, "title": self.title}
        if self.username:
            chat["username"] = self.username
        chat["type"] = self.type
        return chat

    def member_status(self, user_id: int) -> str:
        """The ChatMember status of a person here: creator, administrator, member or left."""
        if self.type == "private":
            return "member" if self.user is not None and self.user.id == user_id else "left"
        if user_id not in self.member_ids:
            return "left"
        if user_id == self.creator_id:
            return "creator"
        return "administrator" if user_id in self.admin_ids else "member"

    def new_message(self, sender: dict[str, Any], date: int, **content: Any) -> Message:
        """Store a new message with the next message_id of this chat."""
        self.last_message_id += 1
        message: Message = {
            "message_id": self.last_message_id,
            "from": sender,
            "chat": self.info(),
            "date": date,
        }
        message.update({k: v for k, v in content.items() if v is not None})
        self.messages[self.last_message_id] = message
        return message


@dataclass
class CallbackRecord:
    """A callback query sent to a bot and how it was answered."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: dict[str, Any] | None = None


class BotAccount:
    """A bot: its account, update queue, settings and private chats."""

    def __init__(self, token: str, username: str, first_name: str, launched_at: float) -> None:
        head, _, secret = token.partition(":")
        if not head.isdigit() or not secret:
            raise ValueError(f"not a bot token (expected '<bot id>:<secret>'): {token!r}")
        self.token = token
        self.account = UserRecord(int(head), first_name, username=username, is_bot=True)
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.allowed_updates: list[str] = []  # [] = Telegram's default set
        self.webhook: dict[str, Any] | None = None
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.private_chats: dict[int, ChatState] = {}
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.callback_queries: dict[str, CallbackRecord] = {}
        self.poll_generation = 0
        # Privacy mode off: the bot sees every group message (as with privacy disabled in
        # BotFather).  With it on, only commands, replies to the bot and mentions reach it.
        self.privacy_mode = False
        self.logged_out = False
        self.launched_at = launched_at
        # Recent updates by id, so a test can deliver one again as Telegram may (``redeliver``).
        self.history: dict[int, dict[str, Any]] = {}
        self.redelivered: set[int] = set()
        # The file_ids this bot may use (it uploaded the file or got it in an update), and the
        # file_paths getFile gave it: a file_id is per bot on Telegram (see files.py).
        self.file_ids: set[str] = set()
        self.file_paths: set[str] = set()

    @property
    def id(self) -> int:
        """The bot's user id (the number before ':' in its token)."""
        return self.account.id

    @property
    def username(self) -> str:
        """The bot's username, without '@'."""
        return self.account.username or ""

    def user_dict(self) -> dict[str, Any]:
        """The bot as a User object inside messages."""
        return self.account.to_dict()

    def get_me(self) -> dict[str, Any]:
        """The User object getMe returns (with the bot-only fields)."""
        return {
            **self.user_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def wants(self, kind: str) -> bool:
        """Whether updates of ``kind`` are produced under the current allowed_updates."""
        if not self.allowed_updates:
            return kind not in DEFAULT_EXCLUDED_UPDATES
        return kind in self.allowed_updates

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update (a deep copy of ``payload``) if the bot wants that kind."""
        if not self.wants(kind):
            return None
        update = {"update_id": self.next_update_id, kind: copy.deepcopy(payload)}
        self.file_ids.update(file_ids_in(payload))
        self.next_update_id += 1
        self.updates.append(update)
        self.history[self.next_update_id - 1] = copy.deepcopy(update)
        if len(self.history) > HISTORY_SIZE:
            del self.history[min(self.history)]
        return update

    def redeliver(self, update_id: int) -> None:
        """Queue an already delivered update again, same update_id (Telegram may do so when a
        bot stopped before confirming it); it is handed out once more whatever the offset."""
        if update_id not in self.history:
            raise SimError(f"no recent update {update_id} to deliver again")
        self.updates.append(copy.deepcopy(self.history[update_id]))
        self.redelivered.add(update_id)

    def confirm(self, offset: int) -> None:
        """Forget updates as getUpdates ``offset`` says (negative: keep the last -offset)."""
        if offset > 0:
            self.updates = [
                u
                for u in self.updates
                if u["update_id"] >= offset or u["update_id"] in self.redelivered
            ]
        elif offset < 0:
            self.updates = self.updates[offset:]


class SimError(Exception):
    """A user-side action that a real person could not do (e.g. press a missing button)."""


class World:
    """All state of one server."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.users: dict[int, UserRecord] = {}
        self.bots: dict[str, BotAccount] = {}
        self.groups: dict[int, ChatState] = {}
        self.files = FileStore()
        self.signal = Signal()
        self._rng = random.Random(0)
        self._group_counter = 0

    def now(self) -> int:
        """Unix time for ``date`` fields, from the injectable clock."""
        return int(self.clock())

    # -- lookups ---------------------------------------------------------------------------

    def lookup_user(self, user_id: int) -> dict[str, Any] | None:
        """User object for a known account (used for ``tg://user?id=`` mentions)."""
        if user_id in self.users:
            return self.users[user_id].to_dict()
        for bot in self.bots.values():
            if bot.id == user_id:
                return bot.user_dict()
        return None

    def private_chat(self, bot: BotAccount, user: UserRecord) -> ChatState:
        """The private chat between ``bot`` and ``user`` (created on first use)."""
        chat = bot.private_chats.get(user.id)
        if chat is None:
            chat = ChatState(id=user.id, type="private", user=user, bot_tokens={bot.token})
            bot.private_chats[user.id] = chat
        return chat

    def find_chat(self, bot: BotAccount, chat_id: int | str) -> ChatState | None:
        """A chat the bot can address by id (or ``@username`` of a public group)."""
        if isinstance(chat_id, str):
            name = chat_id.lstrip("@").lower()
            for group in self.groups.values():
                if (
                    group.username
                    and group.username.lower() == name
                    and (bot.token in group.bot_tokens)
                ):
                    return group
            return None
        if chat_id > 0:
            return bot.private_chats.get(chat_id)
        found = self.groups.get(chat_id)
        return found if found is not None and bot.token in found.bot_tokens else None

    def chat_instance(self, bot: BotAccount, chat_id: int) -> str:
        """Stable ``chat_instance`` of callback queries from one chat."""
        digest = hashlib.sha256(f"{bot.id}:{chat_id}".encode()).hexdigest()
        return str(int(digest[:15], 16) - (1 << 59))

    # -- what a person does ----------------------------------------------------------------

    def _bot_sees(self, bot: BotAccount, chat: ChatState, message: Message) -> bool:
        """Privacy mode: in groups only commands for this bot, replies to it and mentions."""
        if chat.type == "private" or not bot.privacy_mode:
            return True
        if any(field in message for field in SERVICE_FIELDS):
            return True  # service messages reach every bot in the chat
        text: str = message.get("text") or message.get("caption") or ""
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            _, at, addressee = command.partition("@")
            if at:
                return addressee.lower() == bot.username.lower()
            # A general command goes to the only bot, or to the bot that spoke last.
            return len(chat.bot_tokens) == 1 or chat.last_bot_token == bot.token
        replied = message.get("reply_to_message", {})
        if replied.get("from", {}).get("id") == bot.id:
            return True
        return f"@{bot.username}".lower() in text.lower()

    def _deliver(self, chat: ChatState, kind: str, payload: dict[str, Any]) -> None:
        for token in chat.bot_tokens:
            bot = self.bots[token]
            if kind in ("message", "edited_message") and not self._bot_sees(bot, chat, payload):
                continue
            bot.push_update(kind, payload)
        self.signal.fire()

    def reply_copy(self, chat: ChatState, message_id: int) -> Message | None:
        """The replied-to message as embedded in ``reply_to_message`` (not nested further)."""
        original = chat.messages.get(message_id)
        if original is None:
            return None
        embedded = copy.deepcopy(original)
        embedded.pop("reply_to_message", None)
        return embedded

    def user_message(
        self, chat: ChatState, user: UserRecord, text: str, reply_to: int | None = None
    ) -> Message:
        """A person sends ``text`` into ``chat``; the bots in it get a ``message`` update."""
        if not text.strip():
            raise SimError("Telegram clients do not send empty messages")
        reply = None
        if reply_to is not None:
            reply = self.reply_copy(chat, reply_to)
            if reply is None:
                raise SimError(f"no message {reply_to} in chat {chat.id} to reply to")
        entities = user_text_entities(text) or None
        message = chat.new_message(
            user.to_dict(), self.now(), reply_to_message=reply, text=text, entities=entities
        )
        self._deliver(chat, "message", message)
        return copy.deepcopy(message)

    def user_media(
        self,
        chat: ChatState,
        user: UserRecord,
        content: dict[str, Any],
        reply_to: int | None = None,
    ) -> Message:
        """A person sends a photo, sticker, voice note or file (``content``: its Bot API fields,
        e.g. ``document`` and ``caption``); the bots in the chat get a ``message`` update."""
        reply = None
        if reply_to is not None:
            reply = self.reply_copy(chat, reply_to)
            if reply is None:
                raise SimError(f"no message {reply_to} in chat {chat.id} to reply to")
        caption = content.get("caption")
        if caption is not None:
            if not caption.strip():
                content = {k: v for k, v in content.items() if k != "caption"}
            elif text_length(caption) > MAX_CAPTION_LENGTH:
                raise SimError(
                    f"a caption is at most {MAX_CAPTION_LENGTH} characters; "
                    f"a client does not send {text_length(caption)}"
                )
            elif "caption_entities" not in content:
                content = {**content, "caption_entities": user_text_entities(caption) or None}
        message = chat.new_message(user.to_dict(), self.now(), reply_to_message=reply, **content)
        self._deliver(chat, "message", message)
        return copy.deepcopy(message)

    def user_edit(self, chat: ChatState, user: UserRecord, message_id: int, text: str) -> Message:
        """A person edits their own message; the bots get an ``edited_message`` update."""
        message = chat.messages.get(message_id)
        if message is None or message["from"]["id"] != user.id:
            raise SimError(f"message {message_id} is not a message of user {user.id}")
        if not text.strip():
            raise SimError("a message cannot be edited to empty text")
        message["text"] = text
        entities = user_text_entities(text)
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        message["edit_date"] = self.now()
        self._deliver(chat, "edited_message", message)
        return copy.deepcopy(message)

    def press(
        self, bot: BotAccount, chat: ChatState, user: UserRecord, message_id: int, data: str
    ) -> str:
        """A person presses a callback button; the bot gets a ``callback_query`` update."""
        message = chat.messages.get(message_id)
        if message is None:
            raise SimError(f"no message {message_id} in chat {chat.id}")
        query = self.callback_query(bot, chat, user, message, data)
        bot.push_update("callback_query", query)
        self.signal.fire()
        return str(query["id"])

    def callback_query(
        self, bot: BotAccount, chat: ChatState, user: UserRecord, message: Message, data: str
    ) -> dict[str, Any]:
        """A CallbackQuery object for a press of ``data`` on ``message`` (recorded for answers)."""
        message_id = int(message["message_id"])
        query_id = str(self._rng.getrandbits(63))
        while query_id in bot.callback_queries:
            query_id = str(self._rng.getrandbits(63))
        bot.callback_queries[query_id] = CallbackRecord(
            query_id, user.id, chat.id, message_id, data
        )
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": message,
            "chat_instance": self.chat_instance(bot, chat.id),
            "data": data,
        }
        return query

    def set_blocked(self, bot: BotAccount, user: UserRecord, blocked: bool) -> None:
        """A person blocks or unblocks the bot; the bot gets ``my_chat_member``."""
        if (user.id in bot.blocked) == blocked:
            return
        chat = self.private_chat(bot, user)
        member: dict[str, Any] = {"status": "member", "user": bot.user_dict()}
        kicked: dict[str, Any] = {"status": "kicked", "user": bot.user_dict(), "until_date": 0}
        if blocked:
            bot.blocked.add(user.id)
            old, new = member, kicked
        else:
            bot.blocked.discard(user.id)
            old, new = kicked, member
        update = {
            "chat": chat.info(),
            "from": user.to_dict(),
            "date": self.now(),
            "old_chat_member": old,
            "new_chat_member": new,
        }
        bot.push_update("my_chat_member", update)
        self.signal.fire()

    def create_group(
        self,
        title: str,
        members: list[UserRecord],
        bots: list[BotAccount],
        *,
        supergroup: bool = False,
        username: str | None = None,
        admins: list[UserRecord] | None = None,
    ) -> ChatState:
        """Create a group with ``members``, adding ``bots`` (each gets ``my_chat_member``).

        The first member created the group (status "creator"); ``admins`` are promoted.
        """
        self._group_counter += 1
        if supergroup:
            chat_id = -(1_000_000_000_000 + 2_000_000_000 + self._group_counter)
        else:
            chat_id = -(4_000_000_000 + self._group_counter)
        group = ChatState(
            id=chat_id,
            type="supergroup" if supergroup else "group",
            title=title,
            username=username,
            member_ids=[m.id for m in members],
            creator_id=members[0].id if members else None,
        )
        for admin in admins or []:
            self.promote(group, admin)
        self.groups[chat_id] = group
        adder = members[0].to_dict() if members else None
        for bot in bots:
            group.bot_tokens.add(bot.token)
            update = {
                "chat": group.info(),
                "from": adder,
                "date": self.now(),
                "old_chat_member": {"status": "left", "user": bot.user_dict()},
                "new_chat_member": {"status": "member", "user": bot.user_dict()},
            }
            bot.push_update("my_chat_member", update)
        self.signal.fire()
        return group

    def upgrade_group(self, chat: ChatState, by: UserRecord) -> ChatState:
        """A group upgraded to a supergroup, as Telegram does it: a new chat id.

        The old group gets a ``migrate_to_chat_id`` service message, the new supergroup a
        ``migrate_from_chat_id`` one; members, administrators and bots move over, and
        sending to the old id answers 400 with ``parameters.migrate_to_chat_id``.
        """
        if chat.type != "group" or chat.migrated_to is not None:
            raise SimError(f"chat {chat.id} is not a basic group that can be upgraded")
        self._group_counter += 1
        new_id = -(1_000_000_000_000 + 2_000_000_000 + self._group_counter)
        upgraded = ChatState(
            id=new_id,
            type="supergroup",
            title=chat.title,
            member_ids=list(chat.member_ids),
            creator_id=chat.creator_id,
            admin_ids=set(chat.admin_ids),
            bot_tokens=set(chat.bot_tokens),
        )
        self.groups[new_id] = upgraded
        chat.migrated_to = new_id
        sender = by.to_dict()
        self._deliver(
            chat, "message", chat.new_message(sender, self.now(), migrate_to_chat_id=new_id)
        )
        self._deliver(
            upgraded,
            "message",
            upgraded.new_message(sender, self.now(), migrate_from_chat_id=chat.id),
        )
        return upgraded

    def promote(self, chat: ChatState, user: UserRecord) -> None:
        """Make a member of a group one of its administrators."""
        if chat.type == "private":
            raise SimError("a private chat has no administrators")
        if user.id not in chat.member_ids:
            raise SimError(f"user {user.id} is not a member of group {chat.id}")
        if user.id != chat.creator_id:
            chat.admin_ids.add(user.id)

    def chat_member(self, chat: ChatState, user: UserRecord) -> dict[str, Any]:
        """The Bot API ChatMember object of a person in a chat."""
        status = chat.member_status(user.id)
        if status == "creator":
            return {"status": "creator", "user": user.to_dict(), "is_anonymous": False}
        if status == "administrator":
            return {"status": "administrator", "user": user.to_dict(), **ADMIN_RIGHTS}
        return {"status": status, "user": user.to_dict()}
