"""The bot killed (SIGKILL) during a burst of replies: every acknowledged reply is stored.

The bot runs as a real `dondoc run` process polling the local Bot API server; officers
press their status buttons all at once, and the process is killed while the answers are
still coming. A reply counts as acknowledged when the bot answered its button press.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bot_api_server import BotApiServer, SimUser
from db.engine import make_engine, session_scope
from db.models import Contact, ReportingPeriod, StatusReport
from dondoc.config import ScheduleSettings
from dondoc.fanout import FANOUT_TOKEN, FIRST_USER_ID, seed_fanout
from jobs.calendar import month_of

OFFICERS = 60


def open_this_month(database: Path) -> None:
    """A period for the real current month, opened yesterday, so the running bot uses it."""
    now = datetime.now(UTC)
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        session.add(
            ReportingPeriod(
                month=month_of(now, ScheduleSettings()),
                request_at=now - timedelta(days=1),
                due_at=now + timedelta(days=5),
                digest_at=now + timedelta(days=7),
                opened_at=now - timedelta(days=1),
            )
        )
    engine.dispose()


def stored_reporters(database: Path) -> set[int]:
    """Telegram user ids of the officers whose report is in the database."""
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        rows = session.exec(
            select(Contact.user_id).join(StatusReport, col(StatusReport.contact_id) == Contact.id)
        ).all()
    engine.dispose()
    return set(rows)


async def test_every_acknowledged_reply_survives_a_sigkill(tmp_path: Path) -> None:
    async with BotApiServer() as server:
        server.add_bot(FANOUT_TOKEN)
        database = tmp_path / "burst.db"
        (await seed_fanout(server, database, OFFICERS)).dispose()
        open_this_month(database)
        config = tmp_path / "config.toml"
        config.write_text(
            f'[bot]\napi_base_url = "{server.base_url}"\npoll_timeout_seconds = 1\n\n'
            "[delivery]\noverall_per_second = 500\n",
            encoding="utf-8",
        )
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "dondoc.cli",
            "run",
            "--config",
            str(config),
            env={
                **os.environ,
                "TELEGRAM_BOT_TOKEN": FANOUT_TOKEN,
                "DATABASE_URL": f"sqlite:///{database}",
            },
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        officers = [server.user(FIRST_USER_ID + n) for n in range(OFFICERS)]

        # On start the bot catches up: every officer gets this month's request.
        def request_of(officer: SimUser) -> dict[str, Any] | None:
            return next((m for m in officer.messages() if "reply_markup" in m), None)

        await server.wait_until(lambda: all(request_of(o) for o in officers), timeout=60)

        presses = {}
        for officer in officers:
            request = request_of(officer)
            assert request is not None
            done = request["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            presses[await officer.press(request, done)] = officer.id

        def acknowledged() -> set[int]:
            answered = set()
            for query_id, user_id in presses.items():
                answer = server.user(user_id).callback_query(query_id)
                if answer is not None and answer.get("text") == "Đã ghi nhận":
                    answered.add(user_id)
            return answered

        await server.wait_until(lambda: len(acknowledged()) >= OFFICERS // 3, timeout=60)
        bot.kill()  # SIGKILL in the middle of the burst
        await bot.wait()
        acked = acknowledged()

    assert len(acked) >= OFFICERS // 3
    assert acked <= stored_reporters(database)
