"""Keep the bot token out of every log line and traceback.

The token is part of every Bot API URL (`.../bot<token>/getUpdates`), and httpx,
httpcore and python-telegram-bot may log those URLs or put them in exception
messages.  A log record factory rewrites each record as it is made, so the
redaction holds for every logger and every handler, including ones added later.
"""

from __future__ import annotations

import logging
from typing import Any

MASK = "<token>"
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    """`text` with every registered secret masked."""
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return text


def redact_in_logs(token: str, *others: str | None) -> None:
    """Mask `token` (and its secret part), and any `others`, in every log record from now on."""
    global _installed
    _secrets.add(token)
    _, _, secret_part = token.partition(":")
    if len(secret_part) >= 8:
        _secrets.add(secret_part)
    _secrets.update(other for other in others if other)
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[0] is not None:
            # Format the traceback now, masked; formatters use exc_text when it is set.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(redacting_record)
    _installed = True
