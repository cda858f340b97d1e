"""Benchmark: a period's requests to 2,000 contacts through the local server, 5% injected 429s.

Run: .venv/bin/python bench/fanout.py [--contacts 2000] [--rate-429 0.05]

Two rows, side by side in one run: one send-out alone, then two send-outs (two
bots' worth of workers, as `dondoc run` beside `dondoc cycle`) over the same
rows at once. Prints a table, then as its last line one JSON object with the
figures: the sustained send rate, its ratio to Telegram's 30 messages/second
(target ≥ 0.9), duplicates (target 0) and lost messages (target 0). The local
server enforces Telegram's flood limits too, so going over them would show as
extra 429s. The period is pinned (August 2021), so the figures hold on any date.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from bot.app import build_application
from bot_api_server import BotApiServer
from dondoc.config import Config
from dondoc.fanout import FANOUT_TOKEN, requests_per_user, seed_fanout
from jobs.delivery import DeliveryResult, Pacer, deliver_owed
from jobs.plan import plan_owed

TELEGRAM_RATE = 30.0
# The day after August 2021's request time: every request is owed.
PINNED_NOW = datetime.fromisoformat("2021-08-16T09:00+07:00")


async def fanout(
    contacts: int, rate_429: float, retry_after: int, send_outs: int
) -> dict[str, float | int]:
    """Seed, send with `send_outs` concurrent send-outs over the same rows, count."""
    async with BotApiServer() as server:
        server.add_bot(FANOUT_TOKEN)
        with tempfile.TemporaryDirectory() as folder:
            engine = await seed_fanout(server, Path(folder) / "fanout.db", contacts)
            config = Config.model_validate(
                {"bot": {"api_base_url": server.base_url}, "token": SecretStr(FANOUT_TOKEN)}
            )
            faults = server.faults
            faults.seed, faults.methods = 2000, {"sendMessage"}
            faults.rate_429, faults.retry_after, faults.flood_limits = rate_429, retry_after, True
            application = build_application(config, engine=engine)
            # Flood limits count per bot: the send-outs share one pacer, as two processes
            # of one bot share Telegram's limits (each would back off on the 429s).
            pacer = Pacer(config.delivery)
            async with application:
                planning = time.perf_counter()
                plan_owed(engine=engine, config=config, now=PINNED_NOW)
                started = time.perf_counter()
                results = await asyncio.gather(
                    *(
                        deliver_owed(
                            bot=application.bot,
                            engine=engine,
                            config=config,
                            now=PINNED_NOW,
                            pacer=pacer,
                            owner=f"bench-send-out-{number}",
                        )
                        for number in range(send_outs)
                    )
                )
                elapsed = time.perf_counter() - started
            engine.dispose()
        result = DeliveryResult()
        for part in results:
            result.add(part)
        received = requests_per_user(server, contacts)
        return {
            "send_outs": send_outs,
            "contacts": contacts,
            "sent": result.sent,
            "planning_seconds": round(started - planning, 2),
            "seconds": round(elapsed, 2),
            "rate_per_second": round(result.sent / elapsed, 2),
            "ratio_to_limit": round(result.sent / elapsed / TELEGRAM_RATE, 3),
            "answered_429": server.stats.given_429,
            "retried_after_429": result.retried_after_429,
            "claimed_elsewhere": result.claimed_elsewhere,
            "duplicates": sum(max(count - 1, 0) for count in received),
            "lost": sum(1 for count in received if count == 0),
        }


def main() -> None:
    """Parse the options, run, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--rate-429", type=float, default=0.05)
    parser.add_argument("--retry-after", type=int, default=1)
    options = parser.parse_args()
    console = Console(stderr=False)
    rows = []
    for send_outs in (1, 2):
        with console.status(f"{send_outs} send-out(s) to {options.contacts} contacts…"):
            rows.append(
                asyncio.run(
                    fanout(options.contacts, options.rate_429, options.retry_after, send_outs)
                )
            )
    table = Table(title="dondoc fan-out through the local Bot API server")
    table.add_column("figure")
    for row in rows:
        table.add_column(f"{row['send_outs']} send-out(s)", justify="right")
    table.add_column("target", justify="right")
    targets = {"ratio_to_limit": "≥ 0.9", "duplicates": "0", "lost": "0"}
    for name in rows[0]:
        table.add_row(name, *(str(row[name]) for row in rows), targets.get(name, ""))
    console.print(table)
    print(json.dumps({"runs": rows}))


if __name__ == "__main__":
    main()
