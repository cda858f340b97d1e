"""Benchmark: a period's requests through the local server, under the flood limits and without.

Run: .venv/bin/python bench/fanout.py [--contacts 2000 10000 50000] [--rate-429 0.05]

First table, at the first `--contacts` size: one send-out alone, then two send-outs
(two bots' worth of workers, as `dondoc run` beside `dondoc cycle`) over the same rows
at once, 5% injected 429s and Telegram's flood limits enforced by the server: the
sustained send rate, its ratio to Telegram's 30 messages/second (target ≥ 0.9),
duplicates (target 0) and lost messages (target 0).

Second table, at each `--contacts` size, the production cycle (`SendOuts`, as the
scheduler's jobs run it) in a process of its own, as `dondoc run` is, with no flood
limit: the send-out's rate (target: at the largest size within 20% of the smallest),
then the 10-minute sweep when nothing new
is owed (target < 0.5 s at 50,000 contacts), then the same sweep in a freshly started
process (nothing remembered), and the longest the event loop was held up during any
of them (target < 100 ms: the bot answers nobody meanwhile).

The period is pinned (August 2021), so the figures hold on any date. The last line
printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from argparse import SUPPRESS
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from bot.app import build_application
from bot_api_server import BotApiServer
from db.engine import make_engine
from dondoc.config import Config
from dondoc.fanout import FANOUT_TOKEN, requests_per_user, seed_fanout
from dondoc.heap import settle_heap
from jobs.cycle import SendOuts
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


class LoopWatch:
    """How long the event loop goes without running a 1 ms ticker: its longest stall."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.001)
            last = now

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.ensure_future(self._tick())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def cycle_figures(base_url: str, database: Path) -> dict[str, float]:
    """In the bot's own process: the production cycle's send-out, then two sweeps, timed."""
    engine = make_engine(f"sqlite:///{database}")
    config = Config.model_validate(
        {
            "bot": {"api_base_url": base_url},
            "token": SecretStr(FANOUT_TOKEN),
            "delivery": {"overall_per_second": 1000, "per_chat_seconds": 0},
        }
    )
    application = build_application(config, engine=engine, clock=lambda: PINNED_NOW)
    settle_heap()  # as `dondoc run` does
    figures: dict[str, float] = {}
    async with application:
        phases = {
            "send": application.bot_data.send_outs,
            "sweep_nothing_new": application.bot_data.send_outs,
            # A process that just started remembers nothing: its first sweep reads.
            "sweep_after_restart": SendOuts(
                engine=engine, config=config, clock=lambda: PINNED_NOW, pacer=Pacer(config.delivery)
            ),
        }
        for phase, send_outs in phases.items():
            with LoopWatch() as watch:
                started = time.perf_counter()
                result = await send_outs.run(application.bot)
                figures[f"{phase}_seconds"] = round(time.perf_counter() - started, 3)
            figures[f"{phase}_sent"] = result.sent
            figures[f"{phase}_planned"] = result.planned
            figures[f"{phase}_loop_stall_ms"] = round(watch.longest * 1000, 1)
    engine.dispose()
    return figures


async def sweep(contacts: int) -> dict[str, float | int]:
    """The production cycle at `contacts` officers, no flood limit, the bot in its own process."""
    async with BotApiServer() as server:
        server.add_bot(FANOUT_TOKEN)
        with tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / "fanout.db"
            (await seed_fanout(server, database, contacts)).dispose()
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--cycle-of",
                server.base_url,
                str(database),
                stdout=asyncio.subprocess.PIPE,
            )
            try:
                output, _ = await bot.communicate()
            finally:
                if bot.returncode is None:
                    bot.kill()
                    await bot.wait()
        figures = json.loads(output.decode().splitlines()[-1])
        received = requests_per_user(server, contacts)
        sent = figures["send_sent"]
        return {
            "contacts": contacts,
            "sent": sent,
            "send_seconds": figures["send_seconds"],
            "send_rate_per_second": round(sent / figures["send_seconds"], 1),
            "sweep_nothing_new_seconds": figures["sweep_nothing_new_seconds"],
            "sweep_after_restart_seconds": figures["sweep_after_restart_seconds"],
            "planned_again": figures["sweep_nothing_new_planned"]
            + figures["sweep_after_restart_planned"],
            "sent_again": figures["sweep_nothing_new_sent"] + figures["sweep_after_restart_sent"],
            "loop_stall_send_ms": figures["send_loop_stall_ms"],
            "loop_stall_sweep_ms": figures["sweep_nothing_new_loop_stall_ms"],
            "loop_stall_restart_ms": figures["sweep_after_restart_loop_stall_ms"],
            "duplicates": sum(max(count - 1, 0) for count in received),
            "lost": sum(1 for count in received if count == 0),
        }


def main() -> None:
    """Parse the options, run, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, nargs="+", default=[2000, 10000, 50000])
    parser.add_argument("--rate-429", type=float, default=0.05)
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--cycle-of", nargs=2, metavar=("BASE_URL", "DATABASE"), help=SUPPRESS)
    options = parser.parse_args()
    if options.cycle_of:  # the bot's side of `sweep`, in a process of its own
        base_url, database = options.cycle_of
        print(json.dumps(asyncio.run(cycle_figures(base_url, Path(database)))))
        return
    console = Console(stderr=False, width=120)
    rows = []
    for send_outs in (1, 2):
        with console.status(f"{send_outs} send-out(s) to {options.contacts[0]} contacts…"):
            rows.append(
                asyncio.run(
                    fanout(options.contacts[0], options.rate_429, options.retry_after, send_outs)
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
    sweeps = []
    for contacts in options.contacts:
        with console.status(f"the production cycle at {contacts} contacts, no flood limit…"):
            sweeps.append(asyncio.run(sweep(contacts)))
    table = Table(title="the cycle as the scheduler runs it, no flood limit")
    table.add_column("figure")
    for row in sweeps:
        table.add_column(f"{row['contacts']} contacts", justify="right")
    table.add_column("target", justify="right")
    smallest, largest = sweeps[0]["send_rate_per_second"], sweeps[-1]["send_rate_per_second"]
    ratio = round(largest / smallest, 3)
    targets = {
        "send_rate_per_second": "largest ≥ 0.8 × smallest",
        "sweep_nothing_new_seconds": "< 0.5 at 50,000",
        "loop_stall_send_ms": "< 100",
        "loop_stall_sweep_ms": "< 100",
        "loop_stall_restart_ms": "< 100",
        "duplicates": "0",
        "lost": "0",
    }
    for name in sweeps[0]:
        table.add_row(name, *(str(row[name]) for row in sweeps), targets.get(name, ""))
    console.print(table)
    console.print(f"send rate at {sweeps[-1]['contacts']} / at {sweeps[0]['contacts']}: {ratio}")
    print(json.dumps({"runs": rows, "sweeps": sweeps, "send_rate_ratio": ratio}))


if __name__ == "__main__":
    main()
