"""The one factory that builds the bot: every handler registered in one place.

`run` (the `dondoc run` command), `dondoc cycle`, the demo and the tests all
call `build_application`, jobs included; only `run` starts polling for real.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine
from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import files, handlers, history, lifecycle, questions
from bot.alerts import Alerts
from bot.context import Clock, DondocContext, Services, system_clock
from bot.ordering import ChatOrderedUpdates
from db.contacts import ContactBook
from db.reports import AssignmentBook
from dondoc.config import Config
from dondoc.heap import settle_heap
from dondoc.redact import redact_in_logs
from jobs.cycle import CycleResult, SendOuts
from jobs.delivery import Pacer

log = logging.getLogger(__name__)

SWEEP_MINUTES = 10
UPDATES_AT_ONCE = 8  # updates of different chats handled side by side (`ChatOrderedUpdates`)
RETRY_FIRST_SECONDS = 1.0  # Telegram unreachable at start: wait this, then twice as long …
RETRY_MAX_SECONDS = 60.0  # … up to a minute

COMMANDS = {
    "vi": [
        BotCommand("pending", "Nhiệm vụ còn chưa báo cáo"),
        BotCommand("summary", "Tổng hợp tháng (Văn phòng)"),
        BotCommand("missing", "Đơn vị chưa báo cáo (Văn phòng)"),
        BotCommand("remind", "Nhắc ngay các đơn vị chưa báo cáo (Văn phòng)"),
        BotCommand("skip", "Bỏ qua ghi chú"),
        BotCommand("register", "Đăng ký bằng mã mời (trong nhóm: quản trị viên nhóm)"),
        BotCommand("help", "Hướng dẫn"),
    ],
    "en": [
        BotCommand("pending", "Tasks not reported yet"),
        BotCommand("summary", "Monthly digest (secretariat)"),
        BotCommand("missing", "Agencies not reported (secretariat)"),
        BotCommand("remind", "Nudge them now (secretariat)"),
        BotCommand("skip", "Skip the note"),
        BotCommand("register", "Register with an invite code (in a group: its admins)"),
        BotCommand("help", "Help"),
    ],
}

# What people send instead of a text note; they get a polite explanation.
NOT_TEXT = (
    filters.PHOTO
    | filters.Sticker.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.Document.ALL
    | filters.ANIMATION
    | filters.LOCATION
    | filters.CONTACT
)


def file_url(api_base_url: str) -> str:
    """Where a Bot API server serves files: its base address with /file before /bot."""
    base = api_base_url.rstrip("/")
    head, _, tail = base.rpartition("/bot")
    return f"{head}/file/bot{tail}" if _ else f"{base}/file/bot"


AppType = Application[Any, DondocContext, Any, Any, Services, Any]


def build_application(
    config: Config,
    *,
    engine: Engine,
    clock: Clock = system_clock,
    request: BaseRequest | None = None,
    pacer: Pacer | None = None,
) -> AppType:
    """The bot with every handler and its scheduled jobs, sharing `engine`, `config`, `clock`.

    `pacer` paces sends under the flood limits (the demo gives one on virtual time).
    """
    builder = (
        ApplicationBuilder()
        .token(config.require_token())
        .base_url(config.bot.api_base_url)
        # Files are downloaded from the server's file address: …/bot → …/file/bot.
        .base_file_url(file_url(config.bot.api_base_url))
        .context_types(ContextTypes(context=DondocContext, bot_data=Services))
        .post_init(_post_init)
        .concurrent_updates(ChatOrderedUpdates(UPDATES_AT_ONCE))
    )
    if request is not None:
        builder = builder.request(request)
    else:
        # As many connections as can be busy at once: one per update being handled, one
        # per send in flight, a few for alerts and files sent in the background. The
        # default (256) keeps dozens open after a burst, and the HTTP client scans every
        # one of them on each request.
        busy = UPDATES_AT_ONCE + config.delivery.concurrency + 4
        builder = builder.connection_pool_size(busy)
        if config.bot.proxy_url:
            builder = builder.proxy(config.bot.proxy_url).get_updates_proxy(config.bot.proxy_url)
    redact_in_logs(config.require_token(), config.bot.proxy_password)
    application: AppType = builder.build()  # type: ignore[assignment]
    services = application.bot_data
    services.engine, services.config, services.clock = engine, config, clock
    services.send_outs = SendOuts(
        engine=engine, config=config, clock=clock, pacer=pacer or Pacer(config.delivery)
    )
    services.alerts = Alerts(config.bot.alert_chat_id, locale=config.bot.locale)
    services.contacts = ContactBook()
    services.assignments = AssignmentBook()

    # A group upgraded to a supergroup: its contact follows it to the new chat id.
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.chat_migrated))
    # Joining, help.
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("register", handlers.register))
    application.add_handler(CommandHandler("help", handlers.help_command))
    # Reporting: what is owed, buttons, notes, replies to requests.
    application.add_handler(CommandHandler("pending", handlers.pending))
    application.add_handler(CommandHandler("skip", handlers.skip))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, handlers.text_message
        )
    )
    # A report's file (a document or a photo from an officer), then anything else not text.
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & (filters.Document.ALL | filters.PHOTO), files.report_file
        )
    )
    application.add_handler(CommandHandler("files", files.files_command))
    # Stickers, voice notes and the like where a text note is expected.
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & NOT_TEXT, handlers.not_text)
    )
    # The secretariat's digest.
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, handlers.edited_note)
    )
    application.add_handler(CommandHandler("summary", handlers.summary))
    application.add_handler(CommandHandler("missing", handlers.missing))
    application.add_handler(CommandHandler("remind", handlers.remind))
    # The secretariat's changes to what is followed: closed, extended, given, relieved.
    application.add_handler(CommandHandler("close", lifecycle.close))
    application.add_handler(CommandHandler("extend", lifecycle.extend))
    application.add_handler(CommandHandler("assign", lifecycle.assign))
    application.add_handler(CommandHandler("unassign", lifecycle.unassign))
    application.add_handler(CommandHandler("history", history.history))
    application.add_handler(CommandHandler("ask", questions.ask))
    # Anything else that looks like a command gets the help.
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_error_handler(handlers.on_error)  # type: ignore[arg-type]

    _schedule(application)
    return application


async def _post_init(application: AppType) -> None:
    """When `run` starts: stop cleanly on signals, publish the command menu."""
    _stop_on_signals(application)
    locale = application.bot_data.config.bot.locale
    await application.bot.set_my_commands(COMMANDS.get(locale, COMMANDS["vi"]))


def _schedule(application: AppType) -> None:
    """Cron triggers at the schedule's times plus a sweep; the database decides what is owed.

    The sweep's first run is due at once, so a bot that was down catches up on start.
    A run however late still runs (once: coalesced), because the rows, not the trigger,
    say what is owed; and all of them share one send-out at a time (`SendOuts`).
    """
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required")
    schedule = application.bot_data.config.schedule
    zone = schedule.zone
    triggers = {
        "cycle:request-time": CronTrigger(
            hour=schedule.request_time.hour, minute=schedule.request_time.minute, timezone=zone
        ),
        "cycle:digest-time": CronTrigger(
            hour=schedule.digest_time.hour, minute=schedule.digest_time.minute, timezone=zone
        ),
        "cycle:sweep": CronTrigger(minute=f"*/{SWEEP_MINUTES}", timezone=zone),
    }
    for name, trigger in triggers.items():
        for job in job_queue.get_jobs_by_name(name):
            job.schedule_removal()
        job_kwargs: dict[str, Any] = {
            "trigger": trigger,
            "id": name,
            "misfire_grace_time": None,
            "coalesce": True,
            "max_instances": 1,
        }
        if name == "cycle:sweep":
            job_kwargs["next_run_time"] = application.bot_data.clock()
        job_queue.run_custom(cycle_job, job_kwargs=job_kwargs, name=name)


async def cycle_job(context: DondocContext) -> None:
    """Run the reporting cycle at the clock's now (after the send-out in progress, if any)."""
    result = await context.bot_data.send_outs.run(context.bot)
    if result.sent or result.failed or result.unreachable or result.in_doubt:
        log.info("cycle %s: %s", result.period, describe_result(result))


def describe_result(result: CycleResult) -> str:
    """A send-out's figures in one line, for the log and for `dondoc cycle`."""
    return (
        f"{result.sent} sent, {result.skipped} skipped, {result.failed} to retry, "
        f"{len(result.unreachable)} unreachable, {result.in_doubt} in doubt, "
        f"{result.claimed_elsewhere} left to another send-out"
    )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _pause(seconds: float) -> None:
    """Wait, interruptible by Ctrl-C (an Event, not time.sleep: libfaketime breaks the latter)."""
    threading.Event().wait(seconds)


def run(config: Config, *, engine: Engine, sleep: Callable[[float], None] = _pause) -> None:
    """Poll Telegram until interrupted (Ctrl-C, SIGTERM): then wind down and stop.

    While Telegram cannot be reached the bot keeps trying, waiting longer each time (up
    to a minute), and says so in the log at most once a minute. A rejected token stops it.
    """
    # SIGTERM (a service manager's stop) ends a start that keeps failing as cleanly as
    # Ctrl-C; once the bot runs, `_stop_on_signals` takes both over.
    signal.signal(signal.SIGTERM, _interrupt)
    delay, said_at = RETRY_FIRST_SECONDS, -RETRY_MAX_SECONDS
    while True:
        try:
            application = build_application(config, engine=engine)
            settle_heap()
            # Our own signal handlers (set in `_post_init`) wind the send-out down first:
            # with PTB's, the shutdown would wait for a whole send-out of thousands.
            application.run_polling(
                allowed_updates=Update.ALL_TYPES,
                timeout=config.bot.poll_timeout_seconds,
                stop_signals=None,
                close_loop=False,
            )
            return
        except InvalidToken:
            raise
        except KeyboardInterrupt:
            return  # Ctrl-C while Telegram could not be reached yet
        except NetworkError as exc:
            if time.monotonic() - said_at >= RETRY_MAX_SECONDS:
                log.warning(
                    "Telegram cannot be reached (%s); trying again in %.0f s, then less often",
                    exc,
                    delay,
                )
                said_at = time.monotonic()
        try:
            sleep(delay)
        except KeyboardInterrupt:
            return
        delay = min(delay * 2, RETRY_MAX_SECONDS)


def _stop_on_signals(application: AppType) -> None:
    """SIGINT and SIGTERM: finish the messages in flight, claim no more, stop polling."""

    def stop() -> None:
        log.info("stopping: finishing the messages in flight")
        application.bot_data.send_outs.stop()
        application.stop_running()

    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(number, stop)
        except (NotImplementedError, RuntimeError):  # not on this platform / not main thread
            log.debug("no handler for signal %s here", number)


async def send_owed_once(
    config: Config, *, engine: Engine, now: datetime | None = None
) -> CycleResult:
    """One run of the cycle against Telegram, without polling for updates or starting jobs."""
    clock = system_clock if now is None else (lambda: now)
    application = build_application(config, engine=engine, clock=clock)
    async with application:
        return await application.bot_data.send_outs.run(application.bot)
