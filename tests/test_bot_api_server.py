"""Tests of the local Bot API server: real HTTP calls, the user side, and a real PTB bot."""

from __future__ import annotations

import asyncio
import json
import struct
import warnings
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot_api_server import BotApiServer, SimError, parse_html

TOKEN = "123456:TEST-token_abc"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class FakeClock:
    """A settable clock for the server's ``date`` fields and flood windows."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(clock: FakeClock) -> AsyncIterator[BotApiServer]:
    async with BotApiServer(clock=clock) as srv:
        srv.add_bot(TOKEN)
        yield srv


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Api:
    """Minimal raw Bot API client: returns (HTTP status, JSON body)."""

    def __init__(self, server: BotApiServer, session: aiohttp.ClientSession) -> None:
        self.server = server
        self.session = session

    async def __call__(
        self, method: str, token: str = TOKEN, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.server.base_url}{token}/{method}"
        async with self.session.post(url, json=params) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self(method, **params)
        assert status == 200 and body["ok"], body
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self(method, **params)
        assert not body["ok"] and body["error_code"] == status, body
        return status, body["description"]


@pytest.fixture
def api(server: BotApiServer, http: aiohttp.ClientSession) -> Api:
    return Api(server, http)


def png(width: int, height: int) -> bytes:
    """A valid PNG image of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + b"\0" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# -- protocol basics -----------------------------------------------------------------------


async def test_get_me_and_method_names_are_case_insensitive(api: Api) -> None:
    me = await api.ok("getMe")
    assert me["id"] == 123456 and me["is_bot"] is True and me["username"] == "dondoc_bot"
    assert (await api.ok("GETME"))["id"] == 123456


async def test_unknown_token_method_and_path(api: Api, server: BotApiServer, http: Any) -> None:
    status, body = await api("getMe", token="999:nope")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body = await api("getNothing")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    async with http.get(f"{server.url}/somewhere") as response:
        assert response.status == 404 and (await response.json())["description"] == "Not Found"


async def test_query_string_form_and_multipart_parameters(
    api: Api, server: BotApiServer, http: aiohttp.ClientSession
) -> None:
    await server.user(1001, "Lan").start()
    url = f"{server.base_url}{TOKEN}/sendMessage"
    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    async with http.get(url, params={"chat_id": "1001", "text": "from query"}) as response:
        assert (await response.json())["result"]["text"] == "from query"
    form = {"chat_id": "1001", "text": "from form", "reply_markup": markup}
    async with http.post(url, data=form) as response:
        result = (await response.json())["result"]
    assert result["reply_markup"] == json.loads(markup)
    multipart = aiohttp.FormData()
    multipart.add_field("chat_id", "1001")
    multipart.add_field("text", "from multipart")
    multipart.add_field("reply_markup", markup)
    async with http.post(url, data=multipart) as response:
        result = (await response.json())["result"]
    assert result["text"] == "from multipart" and result["reply_markup"] == json.loads(markup)


# -- sending and its errors ------------------------------------------------------------------


async def test_send_message_shape_and_history(
    api: Api, server: BotApiServer, clock: FakeClock
) -> None:
    lan = server.user(1001, "Lan", "lan")
    await lan.start()
    sent = await api.ok("sendMessage", chat_id=1001, text="Xin chào")
    assert sent["from"] == {
        "id": 123456,
        "is_bot": True,
        "first_name": "Đôn đốc",
        "username": "dondoc_bot",
    }
    assert sent["chat"] == {"id": 1001, "first_name": "Lan", "username": "lan", "type": "private"}
    assert sent["date"] == int(clock.now) and sent["message_id"] == 2  # /start was message 1
    second = await api.ok("sendMessage", chat_id=1001, text="Lần hai")
    assert second["message_id"] == 3
    assert [m["text"] for m in lan.messages()] == ["Xin chào", "Lần hai"]
    assert lan.last_message() == second


async def test_chat_errors_not_started_unknown_and_blocked(api: Api, server: BotApiServer) -> None:
    lan = server.user(1001, "Lan")
    assert await api.error("sendMessage", chat_id=1001, text="hi") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    assert await api.error("sendMessage", chat_id=777, text="hi") == (
        400,
        "Bad Request: chat not found",
    )
    await lan.start()
    await api.ok("getUpdates", offset=-1)  # forget the /start update
    await lan.block()
    assert await api.error("sendMessage", chat_id=1001, text="hi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    update = (await api.ok("getUpdates"))[-1]["my_chat_member"]
    assert update["old_chat_member"]["status"] == "member"
    assert update["new_chat_member"] == {
        "status": "kicked",
        "user": server.bot().user_dict(),
        "until_date": 0,
    }
    await lan.unblock()
    assert (await api.ok("getUpdates"))[-1]["my_chat_member"]["new_chat_member"]["status"] == (
        "member"
    )
    await api.ok("sendMessage", chat_id=1001, text="welcome back")


async def test_html_entities_in_utf16_units(api: Api, server: BotApiServer) -> None:
    await server.user(1001, "Lan").start()
    sent = await api.ok(
        "sendMessage",
        chat_id=1001,
        text='😀 <b>Đậm <i>nghiêng</i></b> &lt;tag&gt; &amp; & <a href="https://t.me">link</a>',
        parse_mode="HTML",
    )
    assert sent["text"] == "😀 Đậm nghiêng <tag> & & link"
    assert sent["entities"] == [
        {"type": "bold", "offset": 3, "length": 11},  # the emoji is 2 UTF-16 units
        {"type": "italic", "offset": 7, "length": 7},
        {"type": "text_link", "offset": 25, "length": 4, "url": "https://t.me/"},
    ]


def test_html_parser_follows_telegram_rules() -> None:
    assert parse_html('<pre><code class="language-python">x = 1</code></pre>') == (
        "x = 1",
        [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
    )
    text, entities = parse_html(
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>'
        "<blockquote expandable>q</blockquote><u>u</u><s>x</s><code>c</code>&#x41;&#66;"
    )
    assert text == "stqux" + "cAB"
    assert [e["type"] for e in entities] == [
        "spoiler",
        "spoiler",
        "expandable_blockquote",
        "underline",
        "strikethrough",
        "code",
    ]
    assert parse_html("<b></b>") == ("", [])  # empty entities are dropped


@pytest.mark.parametrize(
    ("markup", "detail"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>never closed", "Can't find end tag corresponding to start tag b"),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("ends with <", "Unclosed start tag at byte offset 10"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("Đ</b>", "Unexpected end tag at byte offset 2"),  # byte offsets, Đ is 2 bytes
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_html_parse_errors(api: Api, server: BotApiServer, markup: str, detail: str) -> None:
    await server.user(1001, "Lan").start()
    assert await api.error("sendMessage", chat_id=1001, text=markup, parse_mode="HTML") == (
        400,
        f"Bad Request: can't parse entities: {detail}",
    )


async def test_text_empty_and_too_long(api: Api, server: BotApiServer) -> None:
    await server.user(1001, "Lan").start()
    for text in ("", "   \n "):
        assert await api.error("sendMessage", chat_id=1001, text=text) == (
            400,
            "Bad Request: message text is empty",
        )
    assert await api.error("sendMessage", chat_id=1001, text="<b></b>", parse_mode="HTML") == (
        400,
        "Bad Request: message text is empty",
    )
    assert await api.error("sendMessage", chat_id=1001, text="a" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    # The limit applies after entity parsing: tags do not count.
    sent = await api.ok("sendMessage", chat_id=1001, text=f"<b>{'á' * 4096}</b>", parse_mode="HTML")
    assert len(sent["text"]) == 4096


async def test_reply_markup_validation(api: Api, server: BotApiServer) -> None:
    await server.user(1001, "Lan").start()
    assert await api.error("sendMessage", chat_id=1001, text="x", reply_markup="{not json") == (
        400,
        "Bad Request: can't parse reply keyboard markup JSON object",
    )
    long_data = {"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]}
    assert await api.error("sendMessage", chat_id=1001, text="x", reply_markup=long_data) == (
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )
    text_only = {"inline_keyboard": [[{"text": "A"}]]}
    assert await api.error("sendMessage", chat_id=1001, text="x", reply_markup=text_only) == (
        400,
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
        "inline keyboard",
    )
    keyboard = {"keyboard": [["Có", {"text": "Không"}]], "resize_keyboard": True}
    sent = await api.ok("sendMessage", chat_id=1001, text="x", reply_markup=keyboard)
    assert "reply_markup" not in sent  # only inline keyboards are part of a Message
    assert server.user(1001).keyboard() == {
        "keyboard": [[{"text": "Có"}, {"text": "Không"}]],
        "resize_keyboard": True,
    }


async def test_edit_message_text_rules(api: Api, server: BotApiServer) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    sent = await api.ok("sendMessage", chat_id=1001, text="v1", reply_markup=keyboard)
    ids = {"chat_id": 1001, "message_id": sent["message_id"]}
    assert await api.error("editMessageText", chat_id=1001, message_id=99, text="v2") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert await api.error("editMessageText", **ids, text="v1", reply_markup=keyboard) == (
        400,
        NOT_MODIFIED,
    )
    edited = await api.ok("editMessageText", **ids, text="<b>v2</b>", parse_mode="HTML")
    assert edited["text"] == "v2" and "edit_date" in edited
    assert "reply_markup" not in edited  # omitted reply_markup removes the keyboard
    assert lan.messages()[-1]["text"] == "v2"
    assert await api.error("editMessageReplyMarkup", **ids) == (400, NOT_MODIFIED)
    start_message = 1
    assert await api.error("editMessageText", chat_id=1001, message_id=start_message, text="x") == (
        400,
        "Bad Request: message can't be edited",
    )


async def test_delete_message_and_48_hours(
    api: Api, server: BotApiServer, clock: FakeClock
) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    first = await api.ok("sendMessage", chat_id=1001, text="one")
    second = await api.ok("sendMessage", chat_id=1001, text="two")
    assert await api.ok("deleteMessage", chat_id=1001, message_id=first["message_id"]) is True
    assert [m["text"] for m in lan.messages()] == ["two"]
    assert await api.error("deleteMessage", chat_id=1001, message_id=first["message_id"]) == (
        400,
        "Bad Request: message to delete not found",
    )
    clock.now += 49 * 3600
    assert await api.error("deleteMessage", chat_id=1001, message_id=second["message_id"]) == (
        400,
        "Bad Request: message can't be deleted for everyone",
    )


async def test_callback_query_update_and_answers(api: Api, server: BotApiServer) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    keyboard = {"inline_keyboard": [[{"text": "Xong", "callback_data": "done:7"}]]}
    sent = await api.ok("sendMessage", chat_id=1001, text="Việc 7", reply_markup=keyboard)
    with pytest.raises(SimError):
        await lan.press(sent, "no-such-button")
    query_id = await lan.press(sent, text="Xong")
    query = (await api.ok("getUpdates"))[-1]["callback_query"]
    assert query["id"] == query_id and query["data"] == "done:7"
    assert query["message"] == sent and query["from"] == lan.to_dict()
    assert isinstance(query["chat_instance"], str)
    assert await api.ok("answerCallbackQuery", callback_query_id=query_id, text="Đã xong") is True
    invalid = (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    assert await api.error("answerCallbackQuery", callback_query_id=query_id) == invalid
    assert await api.error("answerCallbackQuery", callback_query_id="42") == invalid
    assert lan.callback_answers() == ["Đã xong"]


# -- updates ------------------------------------------------------------------------------


async def test_get_updates_offsets_and_limit(api: Api, server: BotApiServer) -> None:
    lan = server.user(1001, "Lan")
    for text in ("/start", "a", "b", "c"):
        await lan.send(text)
    updates = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in updates] == ["/start", "a"]
    ids = [u["update_id"] for u in updates]
    assert ids[1] == ids[0] + 1
    # offset confirms everything before it
    rest = await api.ok("getUpdates", offset=ids[1] + 1)
    assert [u["message"]["text"] for u in rest] == ["b", "c"]
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["b", "c"]
    # negative offset: only the last -offset updates are kept
    assert [u["message"]["text"] for u in await api.ok("getUpdates", offset=-1)] == ["c"]
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["c"]
    first = updates[0]["message"]
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_long_poll_returns_when_an_update_arrives(api: Api, server: BotApiServer) -> None:
    lan = server.user(1001, "Lan")
    poll = asyncio.create_task(api.ok("getUpdates", timeout=5))
    await server.wait_until(lambda: server.bot().poll_generation == 1, timeout=2)
    assert not poll.done()
    await lan.send("/start")
    updates = await asyncio.wait_for(poll, 2)  # far less than the 5 s long-poll timeout
    assert updates[0]["message"]["text"] == "/start"


async def test_long_poll_timeout_and_conflicts(api: Api, server: BotApiServer) -> None:
    assert await api.ok("getUpdates", timeout=0.05) == []
    first = asyncio.create_task(api("getUpdates", timeout=5))
    await server.wait_until(lambda: server.bot().poll_generation == 2, timeout=2)
    assert await api.ok("getUpdates") == []  # a newer call ends the waiting one
    status, body = await asyncio.wait_for(first, 2)
    assert (status, body["description"]) == (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running",
    )
    assert await api.error("setWebhook", url="http://example.com/hook") == (
        400,
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    )
    assert await api.ok("setWebhook", url="https://example.com/hook") is True
    assert (await api.ok("getWebhookInfo"))["url"] == "https://example.com/hook"
    assert await api.error("getUpdates") == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
        "delete the webhook first",
    )
    assert await api.ok("deleteWebhook", drop_pending_updates=True) is True
    assert (await api.ok("getWebhookInfo"))["url"] == ""


async def test_allowed_updates_filter_new_updates(api: Api, server: BotApiServer) -> None:
    lan = server.user(1001, "Lan")
    await api.ok("getUpdates", allowed_updates=["callback_query"])
    await lan.send("/start")
    assert await api.ok("getUpdates") == []
    await api.ok("getUpdates", allowed_updates=[])  # back to the default set
    await lan.send("hello")
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["hello"]


async def test_user_reply_and_edit_updates(
    api: Api, server: BotApiServer, clock: FakeClock
) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    question = await api.ok("sendMessage", chat_id=1001, text="Báo cáo tiến độ?")
    answer = await lan.reply(question, "Đã xong 80%")
    clock.now += 30
    await lan.edit(answer, "Đã xong 90%")
    updates = await api.ok("getUpdates")
    message = updates[1]["message"]
    assert message["reply_to_message"] == question
    edited = updates[2]["edited_message"]
    assert edited["text"] == "Đã xong 90%" and edited["edit_date"] == int(clock.now)
    assert "reply_to_message" in edited


async def test_groups(api: Api, server: BotApiServer) -> None:
    lan = server.user(1001, "Lan")
    minh = server.user(1002, "Minh")
    group = server.create_group("Phòng Nội vụ", [lan, minh])
    assert group.id < 0
    joined = (await api.ok("getUpdates"))[-1]["my_chat_member"]
    assert joined["chat"] == {"id": group.id, "title": "Phòng Nội vụ", "type": "group"}
    assert joined["new_chat_member"]["status"] == "member"
    said = await minh.send("/pending@dondoc_bot", chat=group)
    update = (await api.ok("getUpdates", offset=-1))[0]["message"]
    assert update == said and update["chat"]["type"] == "group"
    assert update["entities"] == [{"type": "bot_command", "offset": 0, "length": 19}]
    sent = await api.ok(
        "sendMessage", chat_id=group.id, text="3 việc", reply_to_message_id=said["message_id"]
    )
    assert sent["reply_to_message"]["message_id"] == said["message_id"]
    assert (await group.wait_for_message(after=said))["text"] == "3 việc"
    supergroup = server.create_group("Sở", [lan], supergroup=True)
    assert str(supergroup.id).startswith("-100") and supergroup.state.type == "supergroup"


async def test_a_group_upgraded_to_a_supergroup_moves_as_on_telegram(
    api: Api, server: BotApiServer, http: aiohttp.ClientSession
) -> None:
    lan, minh = server.user(1001, "Lan"), server.user(1002, "Minh")
    group = server.create_group("Phòng Nội vụ", [lan, minh])
    await api.ok("getUpdates")

    async with http.post(
        f"{server.url}/_sim/groups/{group.id}/upgrade",
        json={"by_user_id": lan.id},
    ) as response:
        supergroup = (await response.json())["result"]
    status, refused = await api("sendMessage", chat_id=group.id, text="Nhắc báo cáo")
    updates = [u["message"] for u in await api.ok("getUpdates") if "message" in u]

    assert supergroup["type"] == "supergroup" and str(supergroup["id"]).startswith("-100")
    assert (status, refused["description"]) == (
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
    )
    assert refused["parameters"] == {"migrate_to_chat_id": supergroup["id"]}
    assert [m.get("migrate_to_chat_id") for m in updates if m["chat"]["id"] == group.id] == [
        supergroup["id"]
    ]
    assert [m.get("migrate_from_chat_id") for m in updates if m["chat"]["id"] < group.id] == [
        group.id
    ]
    assert (await api.ok("sendMessage", chat_id=supergroup["id"], text="Đã chuyển"))["text"]
    with pytest.raises(SimError):
        await minh.send("còn đây không?", chat=group)


async def test_an_inline_keyboard_of_more_than_100_buttons_is_refused(api: Api) -> None:
    def keyboard(count: int) -> dict[str, Any]:
        return {
            "inline_keyboard": [[{"text": f"{n}", "callback_data": f"{n}"}] for n in range(count)]
        }

    lan_id = 1001
    await api.server.user(lan_id, "Lan").start()

    assert await api.ok("sendMessage", chat_id=lan_id, text="100", reply_markup=keyboard(100))
    assert await api.error(
        "sendMessage", chat_id=lan_id, text="101", reply_markup=keyboard(101)
    ) == (
        400,
        "Bad Request: reply markup is too long",
    )


async def test_group_members_and_administrators(api: Api, server: BotApiServer) -> None:
    lan, minh, thu = server.user(1001, "Lan"), server.user(1002, "Minh"), server.user(1003, "Thu")
    stranger = server.user(1004, "Lạ")
    group = server.create_group("Phòng Nội vụ", [lan, minh, thu], admins=[minh])

    def status(user_id: int) -> Any:
        return api.ok("getChatMember", chat_id=group.id, user_id=user_id)

    owner = await status(lan.id)
    assert owner == {"status": "creator", "user": lan.to_dict(), "is_anonymous": False}
    admin = await status(minh.id)
    assert admin["status"] == "administrator" and admin["can_manage_chat"] is True
    assert (await status(thu.id)) == {"status": "member", "user": thu.to_dict()}
    assert (await status(stranger.id))["status"] == "left"
    assert (await status(server.bot().id))["status"] == "member"
    group.promote(thu)
    assert (await status(thu.id))["status"] == "administrator"
    admins = await api.ok("getChatAdministrators", chat_id=group.id)
    assert [a["user"]["id"] for a in admins] == [lan.id, minh.id, thu.id]
    assert await api.error("getChatMember", chat_id=group.id, user_id=999) == (
        400,
        "Bad Request: user not found",
    )
    assert await api.error("getChatMember", chat_id=-42, user_id=lan.id) == (
        400,
        "Bad Request: chat not found",
    )
    with pytest.raises(SimError):
        group.promote(stranger)


async def test_privacy_mode_in_groups(api: Api, server: BotApiServer) -> None:
    bot = server.bot()
    bot.privacy_mode = True
    assert (await api.ok("getMe"))["can_read_all_group_messages"] is False
    lan, minh = server.user(1001, "Lan"), server.user(1002, "Minh")
    group = server.create_group("Phòng Nội vụ", [lan, minh])

    async def seen() -> list[str]:
        """The texts of the messages the bot got since the last look."""
        updates = await api.ok("getUpdates")
        if updates:
            await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1)
        return [u["message"]["text"] for u in updates if "message" in u]

    assert await seen() == []  # only the bot's my_chat_member
    await lan.send("Chào cả nhà", chat=group)
    await lan.send("/pending@other_bot", chat=group)
    await lan.send("/pending", chat=group)
    await lan.send("/register@DonDoc_Bot abc", chat=group)
    await lan.send("Nhờ @dondoc_bot nhắc giúp", chat=group)
    assert await seen() == ["/pending", "/register@DonDoc_Bot abc", "Nhờ @dondoc_bot nhắc giúp"]
    sent = await api.ok("sendMessage", chat_id=group.id, text="Đã nhận")
    await minh.reply(sent, "Cảm ơn", chat=group)
    await minh.send("Không phải trả lời bot", chat=group)
    assert await seen() == ["Cảm ơn"]


# -- files --------------------------------------------------------------------------------


async def test_documents_and_photos(
    api: Api, server: BotApiServer, http: aiohttp.ClientSession
) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    url = f"{server.base_url}{TOKEN}/sendDocument"
    form = aiohttp.FormData()
    form.add_field("chat_id", "1001")
    form.add_field("caption", "<b>Báo cáo</b>")
    form.add_field("parse_mode", "HTML")
    form.add_field("document", b"month,done\n5,12\n", filename="bao_cao.csv")
    async with http.post(url, data=form) as response:
        message = (await response.json())["result"]
    document = message["document"]
    assert document["file_name"] == "bao_cao.csv" and document["mime_type"] == "text/csv"
    assert document["file_size"] == 16 and document["file_id"] and document["file_unique_id"]
    assert message["caption"] == "Báo cáo"
    assert message["caption_entities"] == [{"type": "bold", "offset": 0, "length": 7}]
    assert lan.documents() == [document]
    assert lan.document_bytes(document) == b"month,done\n5,12\n"
    again = await api.ok("sendDocument", chat_id=1001, document=document["file_id"])
    assert again["document"] == document
    file = await api.ok("getFile", file_id=document["file_id"])
    async with http.get(f"{server.base_file_url}{TOKEN}/{file['file_path']}") as response:
        assert await response.read() == b"month,done\n5,12\n"
    assert await api.error("sendDocument", chat_id=1001) == (
        400,
        "Bad Request: there is no document in the request",
    )
    photo_form = aiohttp.FormData()
    photo_form.add_field("chat_id", "1001")
    photo_form.add_field("photo", png(40, 30), filename="chart.png")
    async with http.post(f"{server.base_url}{TOKEN}/sendPhoto", data=photo_form) as response:
        sizes = (await response.json())["result"]["photo"]
    assert (sizes[-1]["width"], sizes[-1]["height"]) == (40, 30)
    bad_photo = aiohttp.FormData()
    bad_photo.add_field("chat_id", "1001")
    bad_photo.add_field("photo", b"not an image", filename="x.png")
    async with http.post(f"{server.base_url}{TOKEN}/sendPhoto", data=bad_photo) as response:
        assert (await response.json())["description"] == "Bad Request: IMAGE_PROCESS_FAILED"


async def test_commands_chat_action_and_get_chat(api: Api, server: BotApiServer) -> None:
    lan = server.user(1001, "Lan", "lan")
    await lan.start()
    commands = [{"command": "pending", "description": "Việc chưa xong"}]
    assert await api.ok("setMyCommands", commands=commands) is True
    assert await api.ok("getMyCommands") == commands
    assert await api.ok("getMyCommands", language_code="en") == []
    assert await api.error("setMyCommands", commands=[{"command": "Bad!", "description": "x"}]) == (
        400,
        "Bad Request: BOT_COMMAND_INVALID",
    )
    assert await api.ok("deleteMyCommands") is True and await api.ok("getMyCommands") == []
    assert await api.ok("sendChatAction", chat_id=1001, action="typing") is True
    assert await api.error("sendChatAction", chat_id=1001, action="dancing") == (
        400,
        "Bad Request: wrong parameter action in request",
    )
    assert lan.chat_actions() == ["typing"]
    chat = await api.ok("getChat", chat_id=1001)
    assert chat["id"] == 1001 and chat["type"] == "private" and chat["username"] == "lan"


# -- faults, flood limits, stats ------------------------------------------------------------


async def test_injected_429_and_502(api: Api, server: BotApiServer) -> None:
    await server.user(1001, "Lan").start()
    server.faults.rate_429 = 1.0
    server.faults.retry_after = 7
    status, body = await api("sendMessage", chat_id=1001, text="x")
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )
    assert await api.ok("getUpdates") != []  # getUpdates is spared by default
    server.faults.methods = {"getMe"}
    await api.ok("sendMessage", chat_id=1001, text="x")
    assert (await api("getMe"))[0] == 429
    server.faults.reset()
    server.faults.rate_5xx = 1.0
    assert await api.error("sendMessage", chat_id=1001, text="lost") == (502, "Bad Gateway")
    server.faults.reset()
    server.faults.rate_5xx_after = 1.0
    assert await api.error("sendMessage", chat_id=1001, text="sent anyway") == (502, "Bad Gateway")
    last = server.user(1001).last_message()
    assert last is not None and last["text"] == "sent anyway"  # executed despite the 502
    assert server.stats.given_429 == 2 and server.stats.given_5xx == 2
    assert server.stats.calls["sendMessage"] == 4 and server.stats.sent_messages == 2


async def test_fault_draws_are_repeatable_with_a_seed(api: Api, server: BotApiServer) -> None:
    await server.user(1001, "Lan").start()
    server.faults.rate_429 = 0.5

    async def pattern() -> list[int]:
        server.faults.seed = 42
        return [(await api("sendMessage", chat_id=1001, text="x"))[0] for _ in range(12)]

    first = await pattern()
    assert first == await pattern() and {200, 429} == set(first)


async def test_flood_limits_give_truthful_retry_after(
    api: Api, server: BotApiServer, clock: FakeClock
) -> None:
    for user_id in range(1001, 1041):
        await server.user(user_id, f"U{user_id}").start()
    server.faults.flood_limits = True
    await api.ok("sendMessage", chat_id=1001, text="1")
    status, body = await api("sendMessage", chat_id=1001, text="2")
    assert status == 429 and body["parameters"] == {"retry_after": 1}
    clock.now += 1
    await api.ok("sendMessage", chat_id=1001, text="2")
    clock.now += 0.25
    for user_id in range(1002, 1031):  # 29 more chats: 30 messages in this second
        await api.ok("sendMessage", chat_id=user_id, text="hi")
    status, body = await api("sendMessage", chat_id=1040, text="31st")
    assert status == 429 and body["description"] == "Too Many Requests: retry after 1"


async def test_clock_close_and_log_out(api: Api, server: BotApiServer, clock: FakeClock) -> None:
    assert await api.error("close") == (429, "Too Many Requests: retry after 600")
    clock.now += 601
    assert await api.ok("close") is True
    assert await api.ok("logOut") is True
    assert await api.error("getMe") == (401, "Unauthorized")


# -- the user side over HTTP ---------------------------------------------------------------


async def test_sim_http_api(api: Api, server: BotApiServer, http: aiohttp.ClientSession) -> None:
    async def sim(path: str, **body: Any) -> Any:
        async with http.post(f"{server.url}/_sim/{path}", json=body) as response:
            answer = await response.json()
            assert answer["ok"], answer
            return answer["result"]

    assert (await sim("users", user_id=1001, first_name="Lan"))["id"] == 1001
    started = await sim("users/1001/start", payload="code42")
    assert started["text"] == "/start code42"
    keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    sent = await api.ok("sendMessage", chat_id=1001, text="Chào Lan", reply_markup=keyboard)
    assert (await sim("users/1001/wait", timeout=1))["text"] == "Chào Lan"
    pressed = await sim("users/1001/press", message_id=sent["message_id"], callback_data="ok")
    await api.ok("answerCallbackQuery", callback_query_id=pressed["callback_query_id"], text="👍")
    async with http.get(f"{server.url}/_sim/users/1001/callback_answers") as response:
        assert (await response.json())["result"] == ["👍"]
    async with http.post(f"{server.url}/_sim/users/1001/wait", json={"timeout": 0.05}) as response:
        assert response.status == 408
    await sim("faults", rate_429=1.0, methods=["getMe"])
    assert (await api("getMe"))[0] == 429
    async with http.get(f"{server.url}/_sim/stats") as response:
        assert (await response.json())["result"]["given_429"] == 1


# -- a real python-telegram-bot application ------------------------------------------------


async def test_python_telegram_bot_application(server: BotApiServer) -> None:
    seen_args: list[list[str]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        seen_args.append(list(context.args or []))
        button = InlineKeyboardButton("Xác nhận", callback_data="confirm")
        await update.message.reply_html(
            f"Mã: <b>{context.args[0] if context.args else '-'}</b>",
            reply_markup=InlineKeyboardMarkup([[button]]),
        )

    async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Đã nhận")
        await query.edit_message_text("Đã xác nhận")

    async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.reply_to_message is not None
        await message.reply_text(f"Trả lời cho #{message.reply_to_message.message_id}")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(confirm, pattern="^confirm$"))
    app.add_handler(MessageHandler(filters.REPLY & filters.TEXT, on_reply))
    lan = server.user(1001, "Lan")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            greeting = await lan.send_and_wait("/start abc", timeout=3)
            assert seen_args == [["abc"]]
            assert greeting["text"] == "Mã: abc"
            assert greeting["entities"] == [{"type": "bold", "offset": 4, "length": 3}]
            query_id = await lan.press(greeting, "confirm")
            answer = await lan.wait_for_callback_answer(query_id, timeout=3)
            assert answer["text"] == "Đã nhận" and lan.callback_answers() == ["Đã nhận"]
            edited = await lan.wait_for_edit(greeting, timeout=3)
            assert edited["text"] == "Đã xác nhận" and "reply_markup" not in edited
            await lan.reply(greeting, "ghi chú")
            reply = await lan.wait_for_message(timeout=3)
            assert reply["text"] == f"Trả lời cho #{greeting['message_id']}"

            # PTB maps this server's errors to its exception types.
            server.user(2002, "Chưa bắt đầu")
            with pytest.raises(Forbidden, match="bot can't initiate conversation"):
                await app.bot.send_message(2002, "hi")
            with pytest.raises(BadRequest, match='(?i)unsupported start tag "script"'):
                await app.bot.send_message(1001, "<script>", parse_mode="HTML")
            server.faults.rate_429 = 1.0
            server.faults.retry_after = 4
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # PTB 22 deprecates int time periods
                with pytest.raises(RetryAfter) as flood:
                    await app.bot.send_message(1001, "x")
                assert flood.value.retry_after == 4
            server.faults.reset()
            document = await app.bot.send_document(1001, b"%PDF-1.4 fake", filename="bc.pdf")
            assert lan.document_bytes(lan.documents()[-1]) == b"%PDF-1.4 fake"
            assert document.document is not None
            downloaded = await (await document.document.get_file()).download_as_bytearray()
            assert bytes(downloaded) == b"%PDF-1.4 fake"
        finally:
            await app.updater.stop()
            await app.stop()


async def test_python_telegram_bot_rejects_unknown_token(server: BotApiServer) -> None:
    bot = Bot("999:wrong", base_url=server.base_url)
    try:
        with pytest.raises(InvalidToken):
            await bot.initialize()
    finally:
        await bot.shutdown()  # closes the HTTP client initialize() opened


async def test_attach_upload_and_waiting_with_a_predicate(
    api: Api, server: BotApiServer, http: aiohttp.ClientSession
) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    form = aiohttp.FormData()
    form.add_field("chat_id", "1001")
    form.add_field("document", "attach://report")
    form.add_field("report", b"xlsx bytes", filename="bao_cao.xlsx")
    async with http.post(f"{server.base_url}{TOKEN}/sendDocument", data=form) as response:
        assert (await response.json())["result"]["document"]["file_name"] == "bao_cao.xlsx"
    mark = lan.mark()
    await api.ok("sendMessage", chat_id=1001, text="Đang tổng hợp…")
    await api.ok("sendMessage", chat_id=1001, text="Tổng hợp xong")
    done = await lan.wait_for_message(lambda m: "xong" in m["text"], after=mark, timeout=1)
    assert done["text"] == "Tổng hợp xong"
    with pytest.raises(TimeoutError):
        await lan.wait_for_message(lambda m: False, after=mark, timeout=0.05)
