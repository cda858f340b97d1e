"""Benchmark: a period's requests to 2,000 contacts through the local server, 5% injected 429s.

Run: .venv/bin/python bench/fanout.py [--contacts 2000] [--rate-429 0.05]

Prints a table, then as its last line one JSON object with the figures: the
sustained send rate, its ratio to Telegram's 30 messages/second (target ≥ 0.9),
duplicates (target 0) and lost messages (target 0). The local server enforces
Telegram's flood limits too, so going over them would show as extra 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from bot.app import build_application
from bot_api_server import BotApiServer
from dondoc.config import Config
from dondoc.fanout import FANOUT_TOKEN, requests_per_user, seed_fanout
from jobs.delivery import deliver_owed
from jobs.plan import plan_owed

TELEGRAM_RATE = 30.0


async def fanout(contacts: int, rate_429: float, retry_after: int) -> dict[str, float | int]:
    """Seed, send once, count."""
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
            application = build_application(config, engine=engine, schedule_jobs=False)
            now = datetime.now(UTC)
            async with application:
                planning = time.perf_counter()
                plan_owed(engine=engine, config=config, now=now)
                started = time.perf_counter()
                result = await deliver_owed(
                    bot=application.bot, engine=engine, config=config, now=now
                )
                elapsed = time.perf_counter() - started
            engine.dispose()
        received = requests_per_user(server, contacts)
        return {
            "contacts": contacts,
            "sent": result.sent,
            "planning_seconds": round(started - planning, 2),
            "seconds": round(elapsed, 2),
            "rate_per_second": round(result.sent / elapsed, 2),
            "ratio_to_limit": round(result.sent / elapsed / TELEGRAM_RATE, 3),
            "answered_429": server.stats.given_429,
            "retried_after_429": result.retried_after_429,
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
    with console.status(f"Sending to {options.contacts} contacts…"):
        figures = asyncio.run(fanout(options.contacts, options.rate_429, options.retry_after))
    table = Table(title="dondoc fan-out through the local Bot API server")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    targets = {"ratio_to_limit": "≥ 0.9", "duplicates": "0", "lost": "0"}
    for name, value in figures.items():
        table.add_row(name, str(value), targets.get(name, ""))
    console.print(table)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
