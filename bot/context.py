"""The typed context every handler receives: the database, the settings and the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.alerts import Alerts
from db.contacts import ContactBook
from db.reports import AssignmentBook
from dondoc.config import Config
from jobs.cycle import SendOuts

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware, in UTC."""
    return datetime.now(UTC)


class Services:
    """What the handlers and jobs share, set once by `build_application`."""

    engine: Engine
    config: Config
    clock: Clock
    send_outs: SendOuts  # this process's one-at-a-time send-outs
    alerts: Alerts  # failures told to the administrators' chat
    contacts: ContactBook  # who is behind each chat, remembered until a contact changes
    assignments: AssignmentBook  # assignments by id, remembered until the tasks change


class DondocContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Services]):
    """CallbackContext with typed access to the shared services."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def engine(self) -> Engine:
        """The database engine."""
        return self.bot_data.engine

    @property
    def config(self) -> Config:
        """The validated settings."""
        return self.bot_data.config

    @property
    def locale(self) -> str:
        """The language of messages."""
        return self.bot_data.config.bot.locale

    def now(self) -> datetime:
        """The current time from the injected clock."""
        return self.bot_data.clock()
