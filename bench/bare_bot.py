"""A bare python-telegram-bot bot: the yardstick `bench/ingest.py` measures dondoc against.

Run: TELEGRAM_BOT_TOKEN=… .venv/bin/python bench/bare_bot.py --base-url http://127.0.0.1:PORT/bot

It makes the same Bot API calls per update as dondoc does for a status button and
the note after it, and nothing else: a button press is answered (answerCallbackQuery)
and gets one message in reply (sendMessage); a text gets one message in reply. No
database, no jobs of its own: what is left is python-telegram-bot's own cost.
"""

from __future__ import annotations

import argparse
import os

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button: answer it, then say what was recorded (as dondoc's status button does)."""
    query = update.callback_query
    if query is None:
        return
    await query.answer("Đã ghi nhận")
    message = update.effective_message  # the message with the button, as dondoc's `_reply`
    if message is not None:
        await message.reply_text(
            "✅ Đã ghi nhận tình trạng. Xin gửi kèm một ghi chú ngắn.", parse_mode=ParseMode.HTML
        )


async def noted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text: one reply (as dondoc's note)."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            "Đã ghi nhận ghi chú. Trân trọng cảm ơn.", parse_mode=ParseMode.HTML
        )


def build(token: str, base_url: str) -> Application:  # type: ignore[type-arg]
    """The bot with its two handlers."""
    application = ApplicationBuilder().token(token).base_url(base_url).build()
    application.add_handler(CallbackQueryHandler(pressed))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, noted))
    return application


def main() -> None:
    """Poll until SIGTERM or Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="Bot API base URL, ending in /bot")
    parser.add_argument("--poll-timeout", type=int, default=1, help="getUpdates timeout, s")
    options = parser.parse_args()
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        parser.error(f"set {TOKEN_ENV}")
    build(token, options.base_url).run_polling(
        allowed_updates=Update.ALL_TYPES, timeout=options.poll_timeout
    )


if __name__ == "__main__":
    main()
