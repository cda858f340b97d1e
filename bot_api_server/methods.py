"""The Bot API methods: each takes the calling bot and its parameters, returns the ``result``.

Checks happen in the order the real server makes them (markup and text are parsed before the
chat is looked at), so a request with several problems gets the error Telegram would give first.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import ApiError, bad_request, conflict, forbidden, too_many_requests
from .faults import Faults, FloodLimits, Stats
from .files import MAX_DOWNLOAD_BYTES, StoredFile
from .markup import Markup, message_markup, parse_reply_markup, require_inline
from .params import Params, UploadedFile
from .state import BotAccount, ChatState, Message, World
from .text import MAX_CAPTION_LENGTH, prepare_text

Handler = Callable[[BotAccount, Params], Awaitable[Any]]

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
_DELETE_WINDOW = 48 * 3600
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


class BotMethods:
    """Method table and implementations over one World."""

    def __init__(
        self,
        world: World,
        faults: Faults,
        flood: FloodLimits,
        stats: Stats,
        closing: Callable[[], bool],
    ) -> None:
        self.world = world
        self.faults = faults
        self.flood = flood
        self.stats = stats
        self.closing = closing
        handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "sendChatAction": self.send_chat_action,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
            "getFile": self.get_file,
            "close": self.close,
            "logOut": self.log_out,
        }
        # Telegram matches method names case-insensitively.
        self.table = {name.lower(): (name, handler) for name, handler in handlers.items()}

    def resolve(self, method: str) -> tuple[str, Handler] | None:
        """Canonical name and handler of ``method`` (any case), or None if unknown."""
        return self.table.get(method.lower())

    # -- shared checks ---------------------------------------------------------------------

    def writable_chat(self, bot: BotAccount, params: Params) -> ChatState:
        """The chat a message may be sent to, or Telegram's error for why not."""
        chat_id = params.chat_id()
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, int) and chat_id > 0:
            user = self.world.users.get(chat_id)
            if user is None:
                if any(other.id == chat_id for other in self.world.bots.values()):
                    raise forbidden("bot can't send messages to bots")
                raise bad_request("chat not found")
            if user.id in bot.blocked:
                raise forbidden("bot was blocked by the user")
            if user.id not in bot.started:
                raise forbidden("bot can't initiate conversation with a user")
            return self.world.private_chat(bot, user)
        chat = self.world.find_chat(bot, chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        return chat

    def known_chat(self, bot: BotAccount, params: Params) -> ChatState:
        """The chat ``chat_id`` names, if the bot is in it."""
        chat_id = params.chat_id()
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, int) and chat_id > 0 and chat_id in self.world.users:
            return self.world.private_chat(bot, self.world.users[chat_id])
        chat = self.world.find_chat(bot, chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def existing_message(self, bot: BotAccount, params: Params, missing: str) -> Message:
        """The message ``chat_id`` + ``message_id`` name; ``missing`` is the not-found detail."""
        if params.has("inline_message_id"):
            # Inline messages are not simulated; none can exist.
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.known_chat(bot, params)
        if chat.type == "private" and chat.id in bot.blocked:
            raise forbidden("bot was blocked by the user")
        message_id = params.integer("message_id")
        if not message_id:
            raise bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise bad_request(missing)
        return message

    def reply_target(self, chat: ChatState, params: Params) -> Message | None:
        """The ``reply_to_message`` of a new message (reply_parameters or the legacy field)."""
        reply_id = params.integer("reply_to_message_id")
        allow_without = params.boolean("allow_sending_without_reply")
        reply_parameters = params.json(
            "reply_parameters", "can't parse reply parameters JSON object"
        )
        if isinstance(reply_parameters, dict):
            reply_id = reply_parameters.get("message_id")
            allow_without = bool(reply_parameters.get("allow_sending_without_reply"))
        if not reply_id:
            return None
        reply = self.world.reply_copy(chat, int(reply_id))
        if reply is None and not allow_without:
            raise bad_request("message to be replied not found")
        return reply

    def before_delivery(self, bot: BotAccount, chat: ChatState) -> None:
        """Apply the flood limits (when switched on) just before a message goes out."""
        if self.faults.flood_limits:
            self.flood.check(bot.token, chat.id)

    def delivered(self, bot: BotAccount, chat: ChatState, markup: Markup | None) -> None:
        """Book-keeping after a message went out."""
        self.flood.record(bot.token, chat.id)
        self.stats.sent_messages += 1
        self.stats.sent_per_chat[chat.id] += 1
        chat.last_bot_token = bot.token
        if markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and "remove_keyboard" in markup:
            chat.reply_keyboard = None
        self.world.signal.fire()

    def caption(self, params: Params) -> tuple[str, list[dict[str, Any]]]:
        """Caption text and entities of a media message."""
        return prepare_text(
            params.string("caption") or "",
            params.string("parse_mode"),
            params.json("caption_entities", "can't parse entities JSON object"),
            lookup_user=self.world.lookup_user,
            limit=MAX_CAPTION_LENGTH,
            empty_error=None,
            too_long_error="message caption is too long",
        )

    def input_file(self, bot: BotAccount, params: Params, field: str) -> StoredFile:
        """The file of a send method: a new upload or a file_id this bot holds."""
        source = params.input_file(field)
        if source is None or source == "":
            raise bad_request(f"there is no {field} in the request")
        if isinstance(source, UploadedFile):
            if field == "photo":
                uploaded = self.world.files.add_photo(source.data)
            else:
                uploaded = self.world.files.add_document(
                    source.data, source.filename, source.content_type
                )
            bot.file_ids.add(uploaded.file_id)
            return uploaded
        if source.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")  # URLs are not fetched here
        stored = self.world.files.get(source)
        if stored is None or source not in bot.file_ids:
            # Another bot's file_id is no more usable than a made-up one.
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != field:
            raise bad_request("type of file mismatch")
        return stored

    # -- methods ---------------------------------------------------------------------------

    async def get_me(self, bot: BotAccount, params: Params) -> Any:
        """getMe."""
        return bot.get_me()

    async def get_updates(self, bot: BotAccount, params: Params) -> Any:
        """getUpdates, with long polling and Telegram's offset rules."""
        if bot.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; use deleteWebhook to "
                "delete the webhook first"
            )
        offset = params.integer("offset", 0) or 0
        limit = min(max(params.integer("limit", 100) or 0, 1), 100)  # clamped, as on Telegram
        timeout = max(params.number("timeout", 0.0) or 0.0, 0.0)
        allowed = params.json("allowed_updates", "can't parse allowed updates")
        if isinstance(allowed, list):
            bot.allowed_updates = [str(kind) for kind in allowed]
        bot.confirm(offset)
        # A newer getUpdates ends an older one that is still waiting, as on Telegram.
        bot.poll_generation += 1
        generation = bot.poll_generation
        self.world.signal.fire()
        if timeout and not bot.updates:
            await self.world.signal.wait_until(
                lambda: bool(bot.updates) or bot.poll_generation != generation or self.closing(),
                timeout,
            )
        if bot.poll_generation != generation:
            raise conflict(
                "terminated by other getUpdates request; make sure that only one bot instance "
                "is running"
            )
        handed = copy.deepcopy(bot.updates[:limit])
        bot.redelivered.difference_update(u["update_id"] for u in handed)
        return handed

    async def set_webhook(self, bot: BotAccount, params: Params) -> Any:
        """setWebhook: stored only (no deliveries); getUpdates is refused while it is set."""
        url = params.string("url") or ""
        if params.boolean("drop_pending_updates"):
            bot.updates.clear()
        allowed = params.json("allowed_updates", "can't parse allowed updates")
        if isinstance(allowed, list):
            bot.allowed_updates = [str(kind) for kind in allowed]
        if not url:
            bot.webhook = None
            return True
        if not url.lower().startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        port_match = re.match(r"https://[^/:]+:(\d+)", url, re.IGNORECASE)
        if port_match and int(port_match.group(1)) not in _WEBHOOK_PORTS:
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        bot.webhook = {
            "url": url,
            "max_connections": min(max(params.integer("max_connections", 40) or 40, 1), 100),
        }
        return True

    async def delete_webhook(self, bot: BotAccount, params: Params) -> Any:
        """deleteWebhook."""
        bot.webhook = None
        if params.boolean("drop_pending_updates"):
            bot.updates.clear()
        return True

    async def get_webhook_info(self, bot: BotAccount, params: Params) -> Any:
        """getWebhookInfo."""
        info: dict[str, Any] = {
            "url": bot.webhook["url"] if bot.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(bot.updates),
        }
        if bot.webhook:
            info["max_connections"] = bot.webhook["max_connections"]
            if bot.allowed_updates:
                info["allowed_updates"] = list(bot.allowed_updates)
        return info

    def command_key(self, params: Params) -> tuple[str, str]:
        """Storage key of a command list: (scope, language_code)."""
        scope = params.json("scope", "can't parse BotCommandScope JSON object")
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        language = params.string("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    async def set_my_commands(self, bot: BotAccount, params: Params) -> Any:
        """setMyCommands."""
        commands = params.json("commands", "can't parse commands JSON object")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        checked = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand: BotCommand should be an Object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND_RE.match(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            checked.append({"command": command, "description": description})
        bot.commands[self.command_key(params)] = checked
        return True

    async def get_my_commands(self, bot: BotAccount, params: Params) -> Any:
        """getMyCommands."""
        return copy.deepcopy(bot.commands.get(self.command_key(params), []))

    async def delete_my_commands(self, bot: BotAccount, params: Params) -> Any:
        """deleteMyCommands."""
        bot.commands.pop(self.command_key(params), None)
        return True

    async def send_message(self, bot: BotAccount, params: Params) -> Any:
        """sendMessage."""
        markup = parse_reply_markup(params.raw("reply_markup"))
        text, entities = prepare_text(
            params.string("text") or "",
            params.string("parse_mode"),
            params.json("entities", "can't parse entities JSON object"),
            lookup_user=self.world.lookup_user,
        )
        chat = self.writable_chat(bot, params)
        reply = self.reply_target(chat, params)
        self.before_delivery(bot, chat)
        message = chat.new_message(
            bot.user_dict(),
            self.world.now(),
            reply_to_message=reply,
            text=text,
            entities=entities or None,
            reply_markup=message_markup(markup),
        )
        self.delivered(bot, chat, markup)
        return copy.deepcopy(message)

    async def send_document(self, bot: BotAccount, params: Params) -> Any:
        """sendDocument."""
        return await self.send_media(bot, params, "document")

    async def send_photo(self, bot: BotAccount, params: Params) -> Any:
        """sendPhoto."""
        return await self.send_media(bot, params, "photo")

    async def send_media(self, bot: BotAccount, params: Params, field: str) -> Any:
        """sendDocument / sendPhoto."""
        markup = parse_reply_markup(params.raw("reply_markup"))
        caption, caption_entities = self.caption(params)
        chat = self.writable_chat(bot, params)
        reply = self.reply_target(chat, params)
        stored = self.input_file(bot, params, field)
        self.before_delivery(bot, chat)
        media = stored.photo_sizes() if field == "photo" else stored.document()
        message = chat.new_message(
            bot.user_dict(),
            self.world.now(),
            reply_to_message=reply,
            **{field: media},
            caption=caption or None,
            caption_entities=caption_entities or None,
            reply_markup=message_markup(markup),
        )
        self.delivered(bot, chat, markup)
        return copy.deepcopy(message)

    async def edit_message_text(self, bot: BotAccount, params: Params) -> Any:
        """editMessageText; without reply_markup the inline keyboard is removed, as on Telegram."""
        markup = require_inline(parse_reply_markup(params.raw("reply_markup")))
        text, entities = prepare_text(
            params.string("text") or "",
            params.string("parse_mode"),
            params.json("entities", "can't parse entities JSON object"),
            lookup_user=self.world.lookup_user,
        )
        message = self.existing_message(bot, params, "message to edit not found")
        if message["from"]["id"] != bot.id:
            raise bad_request("message can't be edited")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        new_markup = message_markup(markup)
        if (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise bad_request(_NOT_MODIFIED)
        message["text"] = text
        self._set_optional(message, "entities", entities or None)
        self._set_optional(message, "reply_markup", new_markup)
        message["edit_date"] = self.world.now()
        self.world.signal.fire()
        return copy.deepcopy(message)

    async def edit_message_reply_markup(self, bot: BotAccount, params: Params) -> Any:
        """editMessageReplyMarkup."""
        markup = require_inline(parse_reply_markup(params.raw("reply_markup")))
        message = self.existing_message(bot, params, "message to edit not found")
        if message["from"]["id"] != bot.id:
            raise bad_request("message can't be edited")
        new_markup = message_markup(markup)
        if message.get("reply_markup") == new_markup:
            raise bad_request(_NOT_MODIFIED)
        self._set_optional(message, "reply_markup", new_markup)
        message["edit_date"] = self.world.now()
        self.world.signal.fire()
        return copy.deepcopy(message)

    @staticmethod
    def _set_optional(message: Message, key: str, value: Any) -> None:
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value

    async def delete_message(self, bot: BotAccount, params: Params) -> Any:
        """deleteMessage, with the 48-hour and group-permission rules."""
        message = self.existing_message(bot, params, "message to delete not found")
        chat = self.world.find_chat(bot, message["chat"]["id"])
        assert chat is not None  # existing_message found the message in this very chat
        if chat.type != "private" and message["from"]["id"] != bot.id:
            raise bad_request("message can't be deleted")  # the bot is no group admin here
        if self.world.now() - message["date"] > _DELETE_WINDOW:
            raise bad_request("message can't be deleted for everyone")
        del chat.messages[message["message_id"]]
        self.world.signal.fire()
        return True

    async def answer_callback_query(self, bot: BotAccount, params: Params) -> Any:
        """answerCallbackQuery: each query can be answered once."""
        query_id = params.string("callback_query_id") or ""
        record = bot.callback_queries.get(query_id)
        if record is None or record.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.string("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text,
            "show_alert": params.boolean("show_alert"),
            "url": params.string("url"),
            "cache_time": params.integer("cache_time", 0),
        }
        self.world.signal.fire()
        return True

    async def send_chat_action(self, bot: BotAccount, params: Params) -> Any:
        """sendChatAction."""
        action = params.string("action") or ""
        chat = self.writable_chat(bot, params)
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.chat_actions.append(action)
        self.world.signal.fire()
        return True

    async def get_chat(self, bot: BotAccount, params: Params) -> Any:
        """getChat: a ChatFullInfo for a chat the bot knows."""
        chat = self.known_chat(bot, params)
        return {
            **chat.info(),
            "accent_color_id": abs(chat.id) % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    async def get_chat_member(self, bot: BotAccount, params: Params) -> Any:
        """getChatMember: a person's ChatMember object (creator, administrator, member, left)."""
        chat = self.known_chat(bot, params)
        user_id = params.integer("user_id")
        if user_id is None:
            raise bad_request("invalid user_id specified")
        user = self.world.users.get(user_id)
        if user is None:
            for other in self.world.bots.values():
                if other.id == user_id:
                    status = "member" if other.token in chat.bot_tokens else "left"
                    return {"status": status, "user": other.user_dict()}
            raise bad_request("user not found")
        return self.world.chat_member(chat, user)

    async def get_chat_administrators(self, bot: BotAccount, params: Params) -> Any:
        """getChatAdministrators: the owner and administrators of a group (bots excluded)."""
        chat = self.known_chat(bot, params)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            self.world.chat_member(chat, self.world.users[user_id])
            for user_id in chat.member_ids
            if chat.member_status(user_id) in ("creator", "administrator")
        ]

    async def get_file(self, bot: BotAccount, params: Params) -> Any:
        """getFile: the path to download a file from ``/file/bot<token>/<path>``.

        As telegram-bot-api (Client::check_remote_file_id, Client::do_get_file) answers: an
        empty file_id is "file_id not specified"; one this bot does not hold (made up, or
        another bot's) is "invalid file_id"; a file over 20 MB is "file is too big".  The path
        stays valid (Telegram guarantees at least an hour) and works only with this bot's token.
        """
        file_id = params.string("file_id") or ""
        if not file_id:
            raise bad_request("file_id not specified")
        stored = self.world.files.get(file_id)
        if stored is None or file_id not in bot.file_ids:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        bot.file_paths.add(stored.file_path)
        return stored.file_object()

    async def close(self, bot: BotAccount, params: Params) -> Any:
        """close: refused with 429 during the first 10 minutes after launch, as documented."""
        remaining = int(bot.launched_at + 600 - self.world.clock())
        if remaining > 0:
            raise too_many_requests(remaining)
        return True

    async def log_out(self, bot: BotAccount, params: Params) -> Any:
        """logOut: afterwards every call with this token gets 401."""
        bot.logged_out = True
        return True


__all__ = ["BotMethods"]
