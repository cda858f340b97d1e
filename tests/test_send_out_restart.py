"""A bot killed (SIGKILL) in the middle of a send-out of 1,000 requests, then started again."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from bot_api_server import BotApiServer
from dondoc.fanout import FANOUT_TOKEN, requests_per_user, seed_fanout

CONTACTS = 1000
AT = "2021-08-16T09:00+07:00"


async def run_cycle_process(config: Path, database: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": FANOUT_TOKEN,
        "DATABASE_URL": f"sqlite:///{database}",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dondoc.cli",
        "cycle",
        "--at",
        AT,
        "--config",
        str(config),
        env=env,
        cwd=config.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_a_send_out_killed_midway_and_restarted_loses_nothing(tmp_path: Path) -> None:
    async with BotApiServer() as server:
        server.add_bot(FANOUT_TOKEN)
        database = tmp_path / "fanout.db"
        (await seed_fanout(server, database, CONTACTS)).dispose()
        config = tmp_path / "config.toml"
        config.write_text(
            f'[bot]\napi_base_url = "{server.base_url}"\n\n'
            "[delivery]\noverall_per_second = 400\nconcurrency = 8\n",
            encoding="utf-8",
        )

        first = await run_cycle_process(config, database)
        await server.wait_until(lambda: server.stats.sent_messages >= 300, timeout=60)
        first.kill()  # SIGKILL: no cleanup, mid send-out
        await first.wait()
        delivered_before_kill = server.stats.sent_messages
        second = await run_cycle_process(config, database)
        output, errors = await asyncio.wait_for(second.communicate(), timeout=120)

    assert second.returncode == 0, errors.decode()
    assert 300 <= delivered_before_kill < CONTACTS
    received = requests_per_user(server, CONTACTS)
    in_doubt = int(re.search(r"(\d+) in doubt", output.decode()).group(1))  # type: ignore[union-attr]
    lost = sum(1 for count in received if count == 0)
    duplicates = sum(count - 1 for count in received if count > 1)
    assert lost == 0
    # Only a message whose send was in flight at the kill can be in doubt (Telegram has no
    # idempotency key): it is sent again, so at most those few can arrive twice.
    assert duplicates <= in_doubt <= 8
    assert "Traceback" not in errors.decode()
