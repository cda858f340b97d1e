"""The user side over HTTP, for driving a bot or a demo from another process.

JSON in, JSON out, answers shaped like the Bot API's (``{"ok": true, "result": ...}``).  Every
body may name the bot with ``"bot"`` (token or username); it defaults to the only bot.

=======  ==================================  ==============================================
method   path                                body / query -> result
=======  ==================================  ==============================================
POST     /_sim/users                         user_id, first_name, username?, language_code?
                                             -> User
POST     /_sim/users/{id}/start              payload? -> Message
POST     /_sim/users/{id}/send               text, reply_to_message_id?, chat_id? -> Message
POST     /_sim/users/{id}/press              message_id, callback_data | text, chat_id?
                                             -> {"callback_query_id": ...}
POST     /_sim/users/{id}/send_document      data_base64, file_name, mime_type?, caption?,
                                             reply_to_message_id?, chat_id? -> Message
POST     /_sim/users/{id}/send_photo         data_base64, caption?, reply_to_message_id?,
                                             chat_id? -> Message
POST     /_sim/users/{id}/edit               message_id, text, chat_id? -> Message
POST     /_sim/users/{id}/block | unblock    -> true
GET      /_sim/users/{id}/messages           ?after=&chat_id= -> [Message] sent by the bot
POST     /_sim/users/{id}/wait               after?, timeout?, chat_id? -> Message (408 on
                                             timeout); ``after`` defaults to the last action
GET      /_sim/users/{id}/callback_answers   -> [text]
POST     /_sim/groups                        title, member_ids, supergroup?, username? -> Chat
GET      /_sim/stats                         -> counters (see Stats)
GET/POST /_sim/faults                        fields of Faults to read / set
=======  ==================================  ==============================================
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .state import SimError

if TYPE_CHECKING:
    from .server import BotApiServer
    from .users import SimUser

SimHandler = Callable[[web.Request, dict[str, Any]], Awaitable[Any]]
_FAULT_FIELDS = (
    "rate_429",
    "retry_after",
    "rate_5xx",
    "rate_5xx_after",
    "delay",
    "methods",
    "seed",
    "flood_limits",
)


def _fail(status: int, description: str) -> web.Response:
    return _answer({"ok": False, "error_code": status, "description": description}, status)


def _answer(body: dict[str, Any], status: int = 200) -> web.Response:
    text = json.dumps(body, ensure_ascii=False)
    return web.Response(text=text, status=status, content_type="application/json")


def add_sim_routes(app: web.Application, server: BotApiServer) -> None:
    """Register the ``/_sim`` routes of ``server`` on ``app``."""

    def route(handler: SimHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def wrapped(request: web.Request) -> web.Response:
            body: dict[str, Any] = dict(request.query)
            if request.can_read_body:
                try:
                    payload = await request.json()
                except ValueError:
                    return _fail(400, "Bad Request: body must be a JSON object")
                if not isinstance(payload, dict):
                    return _fail(400, "Bad Request: body must be a JSON object")
                body.update(payload)
            try:
                result = await handler(request, body)
            except (SimError, ValueError, KeyError) as error:
                return _fail(400, f"Bad Request: {error}")
            except TimeoutError as error:
                return _fail(408, f"Request Timeout: {error}")
            return _answer({"ok": True, "result": result})

        return wrapped

    def sim_user(request: web.Request, body: dict[str, Any]) -> SimUser:
        user_id = int(request.match_info["user_id"])
        if user_id not in server.world.users:
            raise SimError(f"no user {user_id}; create it with POST /_sim/users")
        return server.user(user_id, bot=body.get("bot"))

    def chat_ref(body: dict[str, Any]) -> int | None:
        return int(body["chat_id"]) if body.get("chat_id") is not None else None

    async def create_user(request: web.Request, body: dict[str, Any]) -> Any:
        user = server.user(
            int(body["user_id"]),
            body.get("first_name"),
            body.get("username"),
            body.get("language_code", "vi"),
            last_name=body.get("last_name"),
            bot=body.get("bot"),
        )
        return user.to_dict()

    async def start(request: web.Request, body: dict[str, Any]) -> Any:
        return await sim_user(request, body).start(body.get("payload"))

    async def send(request: web.Request, body: dict[str, Any]) -> Any:
        reply_to = body.get("reply_to_message_id")
        return await sim_user(request, body).send(
            str(body["text"]),
            reply_to=int(reply_to) if reply_to is not None else None,
            chat=chat_ref(body),
        )

    def file_data(body: dict[str, Any]) -> bytes:
        try:
            return base64.b64decode(str(body["data_base64"]), validate=True)
        except binascii.Error:
            raise ValueError("data_base64 is not valid base64") from None

    def reply_ref(body: dict[str, Any]) -> int | None:
        reply_to = body.get("reply_to_message_id")
        return int(reply_to) if reply_to is not None else None

    async def send_document(request: web.Request, body: dict[str, Any]) -> Any:
        return await sim_user(request, body).send_document(
            file_data(body),
            str(body["file_name"]),
            body.get("mime_type"),
            caption=body.get("caption"),
            reply_to=reply_ref(body),
            chat=chat_ref(body),
        )

    async def send_photo(request: web.Request, body: dict[str, Any]) -> Any:
        return await sim_user(request, body).send_photo(
            file_data(body),
            caption=body.get("caption"),
            reply_to=reply_ref(body),
            chat=chat_ref(body),
        )

    async def press(request: web.Request, body: dict[str, Any]) -> Any:
        query_id = await sim_user(request, body).press(
            int(body["message_id"]),
            body.get("callback_data"),
            text=body.get("text"),
            chat=chat_ref(body),
        )
        return {"callback_query_id": query_id}

    async def edit(request: web.Request, body: dict[str, Any]) -> Any:
        return await sim_user(request, body).edit(
            int(body["message_id"]), str(body["text"]), chat=chat_ref(body)
        )

    async def block(request: web.Request, body: dict[str, Any]) -> Any:
        await sim_user(request, body).block()
        return True

    async def unblock(request: web.Request, body: dict[str, Any]) -> Any:
        await sim_user(request, body).unblock()
        return True

    async def messages(request: web.Request, body: dict[str, Any]) -> Any:
        user = sim_user(request, body)
        after = int(body.get("after", 0))
        return [m for m in user.messages(chat_ref(body)) if m["message_id"] > after]

    async def wait(request: web.Request, body: dict[str, Any]) -> Any:
        after = body.get("after")
        return await sim_user(request, body).wait_for_message(
            timeout=float(body.get("timeout", 5.0)),
            after=int(after) if after is not None else None,
            chat=chat_ref(body),
        )

    async def callback_answers(request: web.Request, body: dict[str, Any]) -> Any:
        return sim_user(request, body).callback_answers()

    async def create_group(request: web.Request, body: dict[str, Any]) -> Any:
        members = [server.user(int(i), bot=body.get("bot")) for i in body["member_ids"]]
        group = server.create_group(
            str(body["title"]),
            members,
            supergroup=bool(body.get("supergroup")),
            username=body.get("username"),
            bot=body.get("bot"),
        )
        return group.state.info()

    async def upgrade_group(request: web.Request, body: dict[str, Any]) -> Any:
        chat = server.world.groups.get(int(request.match_info["chat_id"]))
        by = server.world.users.get(int(body.get("by_user_id", 0)))
        if chat is None or by is None:
            raise SimError("unknown group or user")
        return server.world.upgrade_group(chat, by).info()

    async def stats(request: web.Request, body: dict[str, Any]) -> Any:
        return server.stats.to_json()

    async def faults(request: web.Request, body: dict[str, Any]) -> Any:
        if request.method == "POST":
            for name in _FAULT_FIELDS:
                if name in body:
                    value = body[name]
                    setattr(
                        server.faults, name, set(value) if name == "methods" and value else value
                    )
        current = {name: getattr(server.faults, name) for name in _FAULT_FIELDS}
        if current["methods"] is not None:
            current["methods"] = sorted(current["methods"])
        return current

    users = "/_sim/users/{user_id}"
    app.router.add_post("/_sim/users", route(create_user))
    app.router.add_post(f"{users}/start", route(start))
    app.router.add_post(f"{users}/send", route(send))
    app.router.add_post(f"{users}/send_document", route(send_document))
    app.router.add_post(f"{users}/send_photo", route(send_photo))
    app.router.add_post(f"{users}/press", route(press))
    app.router.add_post(f"{users}/edit", route(edit))
    app.router.add_post(f"{users}/block", route(block))
    app.router.add_post(f"{users}/unblock", route(unblock))
    app.router.add_get(f"{users}/messages", route(messages))
    app.router.add_post(f"{users}/wait", route(wait))
    app.router.add_get(f"{users}/callback_answers", route(callback_answers))
    app.router.add_post("/_sim/groups", route(create_group))
    app.router.add_post("/_sim/groups/{chat_id}/upgrade", route(upgrade_group))
    app.router.add_get("/_sim/stats", route(stats))
    app.router.add_get("/_sim/faults", route(faults))
    app.router.add_post("/_sim/faults", route(faults))
