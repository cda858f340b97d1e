"""A bot killed (SIGKILL) in the middle of a send-out of 1,000 requests, then started again."""

from __future__ import annotations

import re
from pathlib import Path

from bot_api_server import BotApiServer
from dondoc.fanout import FANOUT_TOKEN, requests_per_user, seed_fanout
from tests.processes import PINNED_AT, dondoc, write_config

CONTACTS = 1000


async def test_a_send_out_killed_midway_and_restarted_loses_nothing(tmp_path: Path) -> None:
    async with BotApiServer() as server:
        server.add_bot(FANOUT_TOKEN)
        database = tmp_path / "fanout.db"
        (await seed_fanout(server, database, CONTACTS)).dispose()
        config = write_config(tmp_path, server.base_url, per_second=400)
        cycle = ("cycle", "--at", PINNED_AT)

        async with dondoc(*cycle, config=config, database=database, name="first") as first:
            await server.wait_until(lambda: server.stats.sent_messages >= 300, timeout=60)
            first.process.kill()  # SIGKILL: no cleanup, mid send-out
            await first.process.wait()
        delivered_before_kill = server.stats.sent_messages
        # Restarted at once: the dead process's claims are taken over, not waited out.
        async with dondoc(*cycle, config=config, database=database, name="second") as second:
            output, errors = await second.finish()

    assert second.process.returncode == 0, errors
    assert 300 <= delivered_before_kill < CONTACTS
    received = requests_per_user(server, CONTACTS)
    in_doubt = int(re.search(r"(\d+) in doubt", output).group(1))  # type: ignore[union-attr]
    lost = sum(1 for count in received if count == 0)
    duplicates = sum(count - 1 for count in received if count > 1)
    assert lost == 0
    # Only a message whose send was in flight at the kill can be in doubt (Telegram has no
    # idempotency key): it is sent again, so at most those few can arrive twice.
    assert duplicates <= in_doubt <= 8
    assert "Traceback" not in errors
