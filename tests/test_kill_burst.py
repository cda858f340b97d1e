"""The bot killed (SIGKILL) during a burst of replies: every acknowledged reply is stored.

The bot runs as a real `dondoc run` process polling the local Bot API server; officers
ask for what they owe (`/pending`), press their status buttons all at once, and the
process is killed while the answers are still coming. A reply counts as acknowledged
when the bot answered its button press. The bot runs on the real clock: a period of
August 2021 is open, and whichever period is current when the test runs, `/pending`
offers its buttons, so the test holds on any date.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import col, select

from bot_api_server import BotApiServer
from db.engine import make_engine, session_scope
from db.models import Contact, StatusReport
from dondoc.config import ScheduleSettings
from dondoc.fanout import FANOUT_TOKEN, FIRST_USER_ID, seed_fanout
from jobs.calendar import period_times
from jobs.plan import open_period
from tests.processes import PINNED_AT, dondoc, write_config

OFFICERS = 60


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
        engine = await seed_fanout(server, database, OFFICERS)
        with session_scope(engine) as session:
            times = period_times("2021-08", ScheduleSettings())
            open_period(session=session, times=times, now=datetime.fromisoformat(PINNED_AT))
        engine.dispose()
        config = write_config(tmp_path, server.base_url, per_second=500)
        officers = [server.user(FIRST_USER_ID + n) for n in range(OFFICERS)]

        async with dondoc("run", config=config, database=database, name="run") as bot:
            buttons = {}
            for officer in officers:
                mark = officer.mark()
                await officer.send("/pending")
                buttons[officer.id] = await officer.wait_for_message(
                    lambda m: "reply_markup" in m, after=mark, timeout=60
                )
            presses = {}
            for officer in officers:
                done = buttons[officer.id]["reply_markup"]["inline_keyboard"][0][0]
                presses[await officer.press(buttons[officer.id], done["callback_data"])] = (
                    officer.id
                )

            def acknowledged() -> set[int]:
                answered = set()
                for query_id, user_id in presses.items():
                    answer = server.user(user_id).callback_query(query_id)
                    if answer is not None and answer.get("text") == "Đã ghi nhận":
                        answered.add(user_id)
                return answered

            await server.wait_until(lambda: len(acknowledged()) >= OFFICERS // 3, timeout=60)
            bot.process.kill()  # SIGKILL in the middle of the burst
            await bot.process.wait()
            acked = acknowledged()

    assert len(acked) >= OFFICERS // 3
    assert acked <= stored_reporters(database)
