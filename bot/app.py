"""The one factory that builds the bot: every handler registered in one place.

`run` (the `dondoc run` command), the demo and the tests all call
`build_application`; only `run` starts polling for real.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine
from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import handlers
from bot.context import Clock, DondocContext, Services, system_clock
from dondoc.config import Config
from dondoc.redact import redact_in_logs
from jobs.cycle import CycleResult, run_cycle

log = logging.getLogger(__name__)

SWEEP_MINUTES = 10

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

AppType = Application[Any, DondocContext, Any, Any, Services, Any]


def build_application(
    config: Config,
    *,
    engine: Engine,
    clock: Clock = system_clock,
    request: BaseRequest | None = None,
    schedule_jobs: bool = True,
) -> AppType:
    """The bot with every handler, sharing `engine`, `config` and `clock`."""
    builder = (
        ApplicationBuilder()
        .token(config.require_token())
        .base_url(config.bot.api_base_url)
        .context_types(ContextTypes(context=DondocContext, bot_data=Services))
        .post_init(_post_init)
    )
    if request is not None:
        builder = builder.request(request)
    application: AppType = builder.build()  # type: ignore[assignment]
    redact_in_logs(config.require_token())
    services = application.bot_data
    services.engine, services.config, services.clock = engine, config, clock

    # Before everything: an update Telegram delivers twice is handled once.
    application.add_handler(TypeHandler(Update, handlers.drop_redelivered_update), group=-1)
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
    # Photos, stickers, voice notes and files where a text note is expected.
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
    # Anything else that looks like a command gets the help.
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_error_handler(handlers.on_error)  # type: ignore[arg-type]

    if schedule_jobs:
        _schedule(application)
    return application


async def _post_init(application: AppType) -> None:
    """Publish the command menu in the configured language."""
    locale = application.bot_data.config.bot.locale
    await application.bot.set_my_commands(COMMANDS.get(locale, COMMANDS["vi"]))


def _schedule(application: AppType) -> None:
    """Cron triggers at the schedule's times plus a sweep; the database decides what is owed."""
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
        job_queue.run_custom(cycle_job, job_kwargs={"trigger": trigger, "id": name}, name=name)
    # Catch up at once on start: whatever was owed while the bot was down.
    job_queue.run_once(cycle_job, when=1, name="cycle:catch-up")


async def cycle_job(context: DondocContext) -> None:
    """Run the reporting cycle at the clock's now."""
    result = await run_cycle(
        bot=context.bot, engine=context.engine, config=context.config, now=context.now()
    )
    if result.sent or result.failed or result.unreachable:
        log.info(
            "cycle %s: %d sent, %d skipped, %d failed, %d unreachable",
            result.period,
            result.sent,
            result.skipped,
            result.failed,
            len(result.unreachable),
        )


def run(config: Config, *, engine: Engine) -> None:
    """Poll Telegram until interrupted."""
    application = build_application(config, engine=engine)
    application.run_polling(
        allowed_updates=Update.ALL_TYPES, timeout=config.bot.poll_timeout_seconds
    )


async def send_owed_once(
    config: Config, *, engine: Engine, now: datetime | None = None
) -> CycleResult:
    """One run of the cycle against Telegram, without polling for updates."""
    application = build_application(config, engine=engine, schedule_jobs=False)
    async with application:
        return await run_cycle(
            bot=application.bot, engine=engine, config=config, now=now or system_clock()
        )
