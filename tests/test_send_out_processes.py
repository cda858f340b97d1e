"""Send-outs in several processes on one database: every request arrives exactly once.

`dondoc cycle` from cron beside a running `dondoc run`, and two `dondoc cycle`
started at the same instant, all on one SQLite file: whoever claims a row sends
it, and planning the same month twice writes each row once.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sqlmodel import col, select

from bot_api_server import BotApiServer
from db.engine import make_engine, session_scope
from db.models import OutboundMessage
from dondoc.config import Config
from dondoc.fanout import FANOUT_TOKEN, FIRST_USER_ID, seed_fanout
from jobs.plan import plan_owed
from tests.processes import PINNED_AT, dondoc, write_config

CONTACTS = 400
AUGUST_REQUEST = "Đề nghị báo cáo tháng 08/2021"


def august_requests(server: BotApiServer) -> list[int]:
    """How many of August 2021's requests each officer received."""
    return [
        sum(AUGUST_REQUEST in m.get("text", "") for m in server.user(FIRST_USER_ID + n).messages())
        for n in range(CONTACTS)
    ]


def senders_of_august(database: Path) -> set[str]:
    """The send-outs that sent August's requests (a sent row keeps who claimed it)."""
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        owners = session.exec(
            select(OutboundMessage.claimed_by).where(
                col(OutboundMessage.key).startswith("request:2021-08"),
                col(OutboundMessage.sent_at).is_not(None),
            )
        ).all()
    engine.dispose()
    return {owner for owner in owners if owner}


def half_sent(database: Path) -> list[str]:
    """Keys of rows claimed by a send-out but not sent."""
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        keys = session.exec(
            select(OutboundMessage.key).where(
                col(OutboundMessage.sent_at).is_(None),
                col(OutboundMessage.claimed_by).is_not(None),
            )
        ).all()
    engine.dispose()
    return list(keys)


async def owed_city(server: BotApiServer, tmp_path: Path) -> tuple[Path, Path]:
    """A city of CONTACTS officers whose August 2021 requests are planned and owed."""
    server.add_bot(FANOUT_TOKEN)
    database = tmp_path / "city.db"
    engine = await seed_fanout(server, database, CONTACTS)
    plan_owed(engine=engine, config=Config(), now=datetime.fromisoformat(PINNED_AT))
    engine.dispose()
    return database, write_config(tmp_path, server.base_url, per_second=50)


def sent_figure(output: str) -> int:
    found = re.search(r"(\d+) sent", output)
    assert found, output
    return int(found.group(1))


async def test_two_cycles_started_together_send_each_request_once(tmp_path: Path) -> None:
    async with BotApiServer() as server:
        server.add_bot(FANOUT_TOKEN)
        database = tmp_path / "city.db"
        (await seed_fanout(server, database, CONTACTS)).dispose()
        config = write_config(tmp_path, server.base_url, per_second=50)

        cycle = ("cycle", "--at", PINNED_AT)
        async with (
            dondoc(*cycle, config=config, database=database, name="first") as first,
            dondoc(*cycle, config=config, database=database, name="second") as second,
        ):
            first_out, first_err = await first.finish()
            second_out, second_err = await second.finish()
        received = august_requests(server)

    assert first.process.returncode == 0, first_err
    assert second.process.returncode == 0, second_err
    assert "Traceback" not in first_err + second_err
    assert received.count(1) == CONTACTS  # none lost, none twice
    assert sent_figure(first_out) + sent_figure(second_out) == CONTACTS
    assert len(senders_of_august(database)) == 2  # both took part


async def test_a_cycle_from_cron_beside_the_running_bot_sends_each_request_once(
    tmp_path: Path,
) -> None:
    async with BotApiServer() as server:
        # August 2021's requests are owed (the bot was down at the time): both will send them.
        database, config = await owed_city(server, tmp_path)

        async with (
            dondoc("run", config=config, database=database, name="run") as bot,
            dondoc(
                "cycle", "--at", PINNED_AT, config=config, database=database, name="cron"
            ) as cron,
        ):
            cron_out, cron_err = await cron.finish()
            await server.wait_until(lambda: min(august_requests(server)) >= 1, timeout=120)
            _, bot_err = await bot.interrupt()
        received = august_requests(server)

    assert cron.process.returncode == 0, cron_err
    assert "Traceback" not in cron_err + bot_err
    assert received.count(1) == CONTACTS  # none lost, none twice
    assert 0 < sent_figure(cron_out) < CONTACTS
    assert len(senders_of_august(database)) == 2  # the bot sent the rest


async def test_the_bot_stopped_mid_send_out_finishes_in_flight_and_leaves_the_rest(
    tmp_path: Path,
) -> None:
    async with BotApiServer() as server:
        database, config = await owed_city(server, tmp_path)

        async with dondoc("run", config=config, database=database, name="run") as bot:
            await server.wait_until(lambda: sum(august_requests(server)) >= 50, timeout=60)
            _, bot_err = await bot.interrupt(timeout=30)
        stopped_after = sum(august_requests(server))
        left_claimed = half_sent(database)

        async with dondoc(
            "cycle", "--at", PINNED_AT, config=config, database=database, name="cron"
        ) as cron:
            cron_out, _ = await cron.finish()
        received = august_requests(server)

    assert bot.process.returncode == 0, bot_err
    assert "Traceback" not in bot_err
    assert stopped_after < CONTACTS  # it stopped without sending everything first
    assert left_claimed == []  # nothing left half-sent: the rest is simply owed
    assert "0 in doubt" in cron_out
    assert received.count(1) == CONTACTS
