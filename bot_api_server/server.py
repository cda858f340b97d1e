"""The HTTP server: Bot API routes ``/bot<token>/<method>``, file downloads, the ``/_sim`` API.

A bot talks to it exactly as to ``https://api.telegram.org``; with python-telegram-bot::

    async with BotApiServer() as server:
        server.add_bot("123456:TEST-TOKEN")
        app = (
            ApplicationBuilder()
            .token("123456:TEST-TOKEN")
            .base_url(server.base_url)
            .base_file_url(server.base_file_url)
            .build()
        )
        officer = server.user(1001, "Lan")
        reply = await officer.send_and_wait("/start")

``base_file_url`` matters as soon as the bot downloads a file: PTB does not derive it from
``base_url`` (its default is ``https://api.telegram.org/file/bot``), so without it
``File.download_*`` would go to Telegram instead of this server.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from .errors import ApiError, bad_gateway, not_found, too_many_requests, unauthorized
from .faults import Faults, FloodLimits, Stats
from .methods import BotMethods
from .params import read_params
from .sim_http import add_sim_routes
from .state import WAIT_SECONDS, BotAccount, Clock, UserRecord, World
from .users import SimGroup, SimUser


def json_response(body: Any, status: int = 200) -> web.Response:
    """A JSON answer with raw UTF-8 text (no ``\\u`` escapes), as Telegram sends it."""
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )


def error_response(error: ApiError) -> web.Response:
    """The HTTP answer for a failed call (status = error_code, as Telegram does)."""
    return json_response(error.to_json(), status=error.code)


@web.middleware
async def _telegram_404(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    # Unknown paths get Telegram's JSON 404, not aiohttp's HTML page.
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return error_response(not_found())
    except web.HTTPMethodNotAllowed:
        return error_response(not_found())


class BotApiServer:
    """A local Telegram Bot API server with a simulated user side."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, clock: Clock = time.time) -> None:
        self.host = host
        self.port = port
        self.world = World(clock)
        self.faults = Faults()
        self.stats = Stats()
        # Reads the clock through the world so that replacing ``server.clock`` affects it too.
        self.flood = FloodLimits(lambda: self.world.clock())
        self._closing = False
        self.methods = BotMethods(
            self.world, self.faults, self.flood, self.stats, lambda: self._closing
        )
        self._runner: web.AppRunner | None = None
        self._users: dict[tuple[int, str], SimUser] = {}
        self.app = self._build_app()

    # -- lifecycle -------------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[_telegram_404], client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_bot_call)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_sim_routes(app, self)
        return app

    async def start(self) -> None:
        """Start listening; with port 0 a free port is chosen (see :attr:`base_url`)."""
        self._closing = False
        # handler_cancellation: a client that gives up on a long poll frees its handler.
        self._runner = web.AppRunner(
            self.app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        address = self._runner.addresses[0]
        self.port = int(address[1])

    async def stop(self) -> None:
        """Answer pending long polls and stop listening."""
        self._closing = True
        self.world.signal.fire()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Root URL of the server."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Bot API base URL; clients append ``<token>/<method>`` (PTB's ``base_url``)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """File download base URL; clients append ``<token>/<file_path>``."""
        return f"{self.url}/file/bot"

    @property
    def clock(self) -> Clock:
        """The time source of ``date`` fields and flood windows."""
        return self.world.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.world.clock = clock

    # -- world set-up ----------------------------------------------------------------------

    def add_bot(
        self, token: str, username: str = "dondoc_bot", first_name: str = "Đôn đốc"
    ) -> BotAccount:
        """Register a bot account; its id is the number before ':' in the token."""
        bot = BotAccount(token, username, first_name, self.world.clock())
        self.world.bots[token] = bot
        return bot

    def bot(self, which: BotAccount | str | None = None) -> BotAccount:
        """A bot by token or username; None means the only bot."""
        if isinstance(which, BotAccount):
            return which
        if which is None:
            if len(self.world.bots) != 1:
                raise ValueError(f"{len(self.world.bots)} bots registered; say which one")
            return next(iter(self.world.bots.values()))
        for bot in self.world.bots.values():
            if which in (bot.token, bot.username, f"@{bot.username}"):
                return bot
        raise KeyError(f"no bot {which!r}")

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        *,
        last_name: str | None = None,
        bot: BotAccount | str | None = None,
    ) -> SimUser:
        """A person (created on first call, first_name required then) talking to ``bot``.

        Repeated calls return the same handle, so its action watermarks are kept.
        """
        record = self.world.users.get(user_id)
        if record is None:
            if first_name is None:
                raise ValueError(f"user {user_id} is new: first_name is required")
            if user_id <= 0:
                raise ValueError("user ids are positive")
            record = UserRecord(user_id, first_name, last_name, username, language_code)
            self.world.users[user_id] = record
        elif first_name is not None:
            record.first_name = first_name
            record.last_name = last_name
            record.username = username
            record.language_code = language_code
        target = self.bot(bot)
        handle = self._users.get((user_id, target.token))
        if handle is None:
            handle = SimUser(self, record, target)
            self._users[(user_id, target.token)] = handle
        return handle

    def create_group(
        self,
        title: str,
        members: list[SimUser],
        *,
        supergroup: bool = False,
        username: str | None = None,
        bot: BotAccount | str | None = None,
        admins: list[SimUser] | None = None,
    ) -> SimGroup:
        """A group (negative id) with ``members`` and the bot; the first member created it and
        adds the bot; ``admins`` (members too) are its administrators."""
        target = self.bot(bot)
        chat = self.world.create_group(
            title,
            [m.record for m in members],
            [target],
            supergroup=supergroup,
            username=username,
            admins=[a.record for a in admins or []],
        )
        return SimGroup(self.world, chat, target)

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float = WAIT_SECONDS
    ) -> None:
        """Wait (event-driven) until ``predicate()`` holds; TimeoutError otherwise."""
        if not await self.world.signal.wait_until(predicate, timeout):
            raise TimeoutError(f"condition not met within {timeout}s")

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle_bot_call(self, request: web.Request) -> web.Response:
        bot = self.world.bots.get(request.match_info["token"])
        if bot is None or bot.logged_out:
            return error_response(unauthorized())
        entry = self.methods.resolve(request.match_info["method"])
        if entry is None:
            return error_response(not_found())
        name, handler = entry
        self.stats.calls[name] += 1
        try:
            params = await read_params(request)
            fail_after = await self._inject_faults(name)
            result = await handler(bot, params)
            if fail_after:
                # The call took effect but the answer is lost: a retry makes a duplicate.
                raise bad_gateway()
        except ApiError as error:
            self.stats.count_error(error)
            return error_response(error)
        return json_response({"ok": True, "result": result})

    async def _inject_faults(self, method: str) -> bool:
        """Apply ``faults`` to a call; True means "fail with 502 after executing"."""
        faults = self.faults
        if not faults.affects(method):
            return False
        if faults.delay > 0:
            await asyncio.sleep(faults.delay)  # simulated network latency
        roll = faults.draw()
        if roll < faults.rate_429:
            raise too_many_requests(faults.retry_after)
        if roll < faults.rate_429 + faults.rate_5xx:
            raise bad_gateway()
        return faults.rate_5xx_after > 0 and faults.draw() < faults.rate_5xx_after

    async def _handle_file(self, request: web.Request) -> web.Response:
        bot = self.world.bots.get(request.match_info["token"])
        if bot is None or bot.logged_out:
            return error_response(unauthorized())
        # Only a path getFile gave this bot is there to download, as on Telegram.
        path = request.match_info["path"]
        stored = self.world.files.by_path(path)
        if stored is None or path not in bot.file_paths:
            return error_response(not_found())
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
