"""Benchmark: replies taken in by `dondoc run` against a bare python-telegram-bot bot.

Run: .venv/bin/python bench/ingest.py [--officers 1000] [--runs 3]

Both bots run as their own process, polling the project's local Bot API server
(`bot_api_server`), one after the other, interleaved (dondoc, bare, dondoc, bare, …),
`--runs` times each; the table shows the medians. Per run:

* replies handled: every officer presses the "in progress" button of the month's
  request, then sends a note (2 updates each, 2 × officers in all, injected as fast
  as the server takes them, each officer's note after its press). Timed from the first
  injected update to the bot's last answer (each press: answerCallbackQuery and a
  message; each note: a message), as updates/s, with the bot process's CPU time
  (/proc/<pid>/stat) per update. Target: dondoc's rate ≥ 0.8 × the bare bot's.
* start: from spawning the process to the server receiving its first getUpdates.
  Target: ≤ 1.5 × the bare bot's.
* idle memory: the process's VmRSS once it has started, gone quiet (its start-up
  work, dondoc's first sweep included, done) and stayed idle 2 s. Target: ≤ 1.5 ×.

dondoc is started as a deployment starts it, `.venv/bin/dondoc run --config config.toml`
with TELEGRAM_BOT_TOKEN and DATABASE_URL in the environment and a config.toml that
points `[bot] api_base_url` at the local server; it runs on the real clock. Its
database is the synthetic city of `dondoc.fanout` (one agency and one officer per
officer, one monthly task), each run starting from a copy of the same seeded file.
The bench delivers the month's request first, in process: this month's if its
request time has come, else August 2021's (then the latest period whose request
time has passed, which `dondoc run` takes as the current one). So the bench holds on
any date. The bare bot (`bench/bare_bot.py`) answers a press and a text with the same
Bot API calls; the bench itself sends its officers a message with the same buttons.
A run is valid when every officer got both answers and, for dondoc, every note is in
its database (a failure is answered too, with an apology); medians are over the valid
runs. Prints a table, then as its last line one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy import func
from sqlmodel import select
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import build_application
from bot_api_server import BotApiServer, SimUser
from db.engine import make_engine, session_scope
from db.models import Status, StatusReport
from dondoc.config import Config
from dondoc.fanout import FANOUT_TOKEN, FIRST_USER_ID, seed_fanout
from jobs.delivery import deliver_owed
from jobs.plan import plan_owed

BARE_TOKEN = "1000000003" + ":" + "bare-local-" * 3  # assembled: no token-like literal
# The day after August 2021's request time, for a month whose request time has not come.
PINNED_NOW = datetime.fromisoformat("2021-08-16T09:00+07:00")
NOTE = "Đã triển khai, đang tổng hợp số liệu báo cáo."
POLL_TIMEOUT = 1  # getUpdates timeout, the same for both bots
IDLE_SECONDS = 2.0
INJECT_BATCH = 25  # officers injected between two turns of the server's event loop
# The bot has gone quiet when it used less than this much CPU over the last QUIET_WINDOW s.
QUIET_CPU_SECONDS, QUIET_WINDOW = 0.03, 1.0
REPLY_METHODS = ("sendmessage", "answercallbackquery")
BENCH_DIR = Path(__file__).resolve().parent
TARGETS = {"rate": (">=", 0.8), "start": ("<=", 1.5), "memory": ("<=", 1.5)}


# --- what the server sees --------------------------------------------------------------------


@dataclass
class Recorder:
    """Per bot token: when its first getUpdates arrived, its answered calls, the last reply."""

    first_poll: dict[str, float] = field(default_factory=dict)
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    last_reply: dict[str, float] = field(default_factory=dict)

    @web.middleware
    async def middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Note the arrival of getUpdates and every successful reply, per token."""
        arrived = time.perf_counter()
        token, _, method = request.path.removeprefix("/bot").partition("/")
        method = method.lower()
        if method == "getupdates":
            self.first_poll.setdefault(token, arrived)
        response = await handler(request)
        if response.status == 200:
            self.calls[(token, method)] += 1
            if method in REPLY_METHODS:
                self.last_reply[token] = time.perf_counter()
        return response

    def replies(self, token: str) -> int:
        """Successful answerCallbackQuery and sendMessage calls of `token` so far."""
        return sum(self.calls[(token, method)] for method in REPLY_METHODS)

    async def wait(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        """Poll `ready()` (times come from the middleware, so polling costs no precision)."""
        deadline = time.perf_counter() + timeout
        while not ready():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{what}: not within {timeout:.0f} s")
            await asyncio.sleep(0.01)


# --- the bot process -------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    """Resident memory of a process (VmRSS), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def wait_quiet(process: asyncio.subprocess.Process, timeout: float = 120) -> None:
    """Wait until the process has used (almost) no CPU for QUIET_WINDOW seconds."""
    deadline = time.perf_counter() + timeout
    samples: list[tuple[float, float]] = []
    while time.perf_counter() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"the bot exited with status {process.returncode}")
        now = time.perf_counter()
        samples.append((now, cpu_seconds(process.pid)))
        while len(samples) > 1 and samples[1][0] <= now - QUIET_WINDOW:
            samples.pop(0)
        first_at, first_cpu = samples[0]
        if now - first_at >= QUIET_WINDOW and samples[-1][1] - first_cpu < QUIET_CPU_SECONDS:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the bot did not go quiet within {timeout:.0f} s")


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM (as a service manager stops it), then SIGKILL if it lingers."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout=30)
    except TimeoutError:
        process.kill()
        await process.wait()


@dataclass
class Officer:
    """A simulated person and the button they press."""

    user: SimUser
    message_id: int
    callback_data: str


@dataclass
class Figures:
    """One run of one bot."""

    start_seconds: float
    idle_rss_mib: float
    updates: int
    inject_seconds: float
    seconds: float
    updates_per_second: float
    cpu_ms_per_update: float
    server_cpu_ms_per_update: float
    answered_officers: int
    stored_notes: int | None = None  # dondoc: reports with the note in its database
    valid: bool = True  # every officer answered (dondoc: and every note stored)


async def measure(
    *,
    recorder: Recorder,
    token: str,
    argv: list[str],
    env: dict[str, str],
    officers: list[Officer],
    logs: Path,
) -> tuple[Figures, asyncio.subprocess.Process]:
    """Start the bot, time its start, read its idle memory, time the burst, stop it."""
    recorder.first_poll.pop(token, None)
    with logs.with_suffix(".out").open("wb") as out, logs.with_suffix(".err").open("wb") as err:
        spawned = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *argv, env=env, cwd=logs.parent, stdout=out, stderr=err
        )
    try:

        def polled() -> bool:
            if process.returncode is not None:
                raise RuntimeError(f"the bot exited with status {process.returncode}")
            return token in recorder.first_poll

        await recorder.wait(polled, 120, "first getUpdates")
        start_seconds = recorder.first_poll[token] - spawned
        await wait_quiet(process)
        await asyncio.sleep(IDLE_SECONDS)
        idle_rss = rss_mib(process.pid)

        marks = [len(officer.user.messages()) for officer in officers]
        expected = recorder.replies(token) + 3 * len(officers)
        cpu_before, server_before = cpu_seconds(process.pid), time.process_time()
        started = time.perf_counter()
        queries_sent = []
        for number, officer in enumerate(officers):  # each officer's note after its press
            queries_sent.append(await officer.user.press(officer.message_id, officer.callback_data))
            await officer.user.send(NOTE)
            if number % INJECT_BATCH == INJECT_BATCH - 1:
                await asyncio.sleep(0)  # let the server hand out what is queued meanwhile
        injected = time.perf_counter()
        timeout = max(120.0, 0.2 * len(officers))
        await recorder.wait(lambda: recorder.replies(token) >= expected, timeout, "the replies")
        elapsed = recorder.last_reply[token] - started
        cpu = cpu_seconds(process.pid) - cpu_before
        server_cpu = time.process_time() - server_before
        answered = sum(
            1
            for officer, mark, query_id in zip(officers, marks, queries_sent, strict=True)
            if officer.user.callback_query(query_id) is not None
            and len(officer.user.messages()) - mark == 2
        )
    except BaseException:
        await stop(process)
        raise
    updates = 2 * len(officers)
    figures = Figures(
        start_seconds=round(start_seconds, 3),
        idle_rss_mib=round(idle_rss, 1),
        updates=updates,
        inject_seconds=round(injected - started, 3),
        seconds=round(elapsed, 3),
        updates_per_second=round(updates / elapsed, 1),
        cpu_ms_per_update=round(cpu * 1000 / updates, 3),
        server_cpu_ms_per_update=round(server_cpu * 1000 / updates, 3),
        answered_officers=answered,
        valid=answered == len(officers),
    )
    return figures, process


# --- set-up ----------------------------------------------------------------------------------


def bench_config(server: BotApiServer, folder: Path) -> tuple[Config, Path]:
    """The settings of the in-process send-out and the config.toml of `dondoc run`."""
    path = folder / "config.toml"
    path.write_text(
        f'[bot]\napi_base_url = "{server.base_url}"\npoll_timeout_seconds = {POLL_TIMEOUT}\n\n'
        "[delivery]\noverall_per_second = 1000\nper_chat_seconds = 0\nconcurrency = 16\n",
        encoding="utf-8",
    )
    config = Config.model_validate(
        {
            "bot": {"api_base_url": server.base_url, "poll_timeout_seconds": POLL_TIMEOUT},
            "delivery": {"overall_per_second": 1000, "per_chat_seconds": 0, "concurrency": 16},
            "token": SecretStr(FANOUT_TOKEN),
        }
    )
    return config, path


async def seed_dondoc(server: BotApiServer, database: Path, count: int, config: Config) -> str:
    """The city, and the month's request delivered to every officer; which month that is.

    One request each: this month's if its time has come, else August 2021's (the bot,
    on the real clock, takes the latest period whose request time has passed).
    """
    engine = await seed_fanout(server, database, count)
    application = build_application(config, engine=engine)
    # `dondoc run` takes its clock from the system, so the request must be of the month it
    # will take as current; both branches below give the same work on any date.
    now = datetime.now(UTC)  # any date: the clock the child `dondoc run` process reads too
    async with application:
        month, written = plan_owed(engine=engine, config=config, now=now)
        if written == 0:  # this month's request time has not come: August 2021 stands in
            month, written = plan_owed(engine=engine, config=config, now=PINNED_NOW)
            now = PINNED_NOW
        result = await deliver_owed(bot=application.bot, engine=engine, config=config, now=now)
    engine.dispose()
    if result.sent != count:
        raise RuntimeError(f"the {month} request reached {result.sent} of {count} officers")
    return month


def dondoc_officers(server: BotApiServer, count: int) -> list[Officer]:
    """Each officer and the "in progress" button of the request (the only one they got)."""
    suffix = f":{Status.IN_PROGRESS.value}"
    officers = []
    for offset in range(count):
        user = server.user(FIRST_USER_ID + offset, bot=FANOUT_TOKEN)
        found = [
            (message["message_id"], button["callback_data"])
            for message in user.messages()
            for row in message.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
            if button.get("callback_data", "").startswith("status:")
            and button["callback_data"].endswith(suffix)
        ]
        if not found:
            raise RuntimeError(f"officer {user.id} has no '{suffix}' button")
        officers.append(Officer(user, *found[-1]))
    return officers


async def seed_bare(server: BotApiServer, count: int) -> list[Officer]:
    """The same people start the bare bot; the bench sends each a message with the buttons."""
    account = server.add_bot(BARE_TOKEN, username="bare_bot", first_name="Bare")
    users = [server.user(FIRST_USER_ID + offset, bot=BARE_TOKEN) for offset in range(count)]
    for user in users:
        await user.start()
    account.updates.clear()  # the /start updates are set-up, not load
    statuses = [status.value for status in Status]
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(value, callback_data=f"status:1:1:{value}")] for value in statuses]
    )
    officers = []
    async with Bot(BARE_TOKEN, base_url=server.base_url) as bot:
        for user in users:
            sent = await bot.send_message(
                user.id, "Tháng 08/2021: báo cáo tình hình. Chọn tình trạng:", reply_markup=keyboard
            )
            officers.append(Officer(user, sent.message_id, "status:1:1:in_progress"))
    return officers


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (its WAL included)."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def stored_notes(database: Path) -> int:
    """Reports in "in progress" with the bench's note: one per officer when all went in."""
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        count = session.exec(
            select(func.count())
            .select_from(StatusReport)
            .where(StatusReport.note == NOTE, StatusReport.status == Status.IN_PROGRESS)
        ).one()
    engine.dispose()
    return int(count)


def dondoc_command() -> list[str]:
    """`dondoc run`, through the venv's console script (as deployed) when there is one."""
    script = Path(sys.executable).parent / "dondoc"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dondoc.cli"]


async def bench(officers: int, runs: int, console: Console) -> tuple[str, dict[str, list[Figures]]]:
    """Seed once, then the interleaved runs; every process stopped, every file removed."""
    recorder = Recorder()
    server = BotApiServer()
    server.add_bot(FANOUT_TOKEN)
    server.app.middlewares.append(recorder.middleware)
    results: dict[str, list[Figures]] = {"dondoc": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="dondoc-ingest-") as name:
        folder = Path(name)
        async with server:
            with console.status(f"seeding {officers} officers and sending their request…"):
                config, config_path = bench_config(server, folder)
                template = folder / "seed.db"
                month = await seed_dondoc(server, template, officers, config)
                dondoc_side = dondoc_officers(server, officers)
                server.bot(FANOUT_TOKEN).updates.clear()  # the /start updates are set-up
                bare_side = await seed_bare(server, officers)
            console.print(f"{officers} officers got the {month} request", soft_wrap=True)
            for number in range(1, runs + 1):
                database = folder / f"run-{number}.db"
                copy_database(template, database)
                command = [*dondoc_command(), "run", "--config", str(config_path)]
                environment = {
                    **os.environ,
                    "TELEGRAM_BOT_TOKEN": FANOUT_TOKEN,
                    "DATABASE_URL": f"sqlite:///{database}",
                }
                with console.status(f"run {number}/{runs}: dondoc…"):
                    figures, process = await measure(
                        recorder=recorder,
                        token=FANOUT_TOKEN,
                        argv=command,
                        env=environment,
                        officers=dondoc_side,
                        logs=folder / f"dondoc-{number}",
                    )
                    await stop(process)
                    figures.stored_notes = stored_notes(database)
                    # An error answered is an answer too: only the stored notes prove the work.
                    figures.valid = figures.stored_notes == officers
                    results["dondoc"].append(figures)
                bare_command = [
                    sys.executable,
                    str(BENCH_DIR / "bare_bot.py"),
                    "--base-url",
                    server.base_url,
                    "--poll-timeout",
                    str(POLL_TIMEOUT),
                ]
                with console.status(f"run {number}/{runs}: bare PTB…"):
                    figures, process = await measure(
                        recorder=recorder,
                        token=BARE_TOKEN,
                        argv=bare_command,
                        env={**os.environ, "TELEGRAM_BOT_TOKEN": BARE_TOKEN},
                        officers=bare_side,
                        logs=folder / f"bare-{number}",
                    )
                    await stop(process)
                    results["bare"].append(figures)
                for bot_name in results:
                    last = results[bot_name][-1]
                    console.print(
                        f"run {number} {bot_name}: {last.updates_per_second} updates/s, "
                        f"{last.cpu_ms_per_update} CPU ms/update, start {last.start_seconds} s, "
                        f"idle {last.idle_rss_mib} MiB, {last.answered_officers} answered"
                        + ("" if last.valid else " [red]INVALID: see the bot's errors[/red]"),
                        soft_wrap=True,
                    )
    return month, results


# --- report ----------------------------------------------------------------------------------


def medians(runs: list[Figures]) -> dict[str, float]:
    """The median of every numeric figure over the valid runs (all runs if none is)."""
    rows = [asdict(run) for run in runs if run.valid] or [asdict(run) for run in runs]
    found = {
        key: round(statistics.median(row[key] for row in rows), 3)
        for key in rows[0]
        if all(isinstance(row[key], int | float) and not isinstance(row[key], bool) for row in rows)
    }
    found["valid_runs"] = sum(run.valid for run in runs)
    return found


def main() -> None:
    """Parse the options, run, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    console = Console(stderr=False)
    month, results = asyncio.run(bench(options.officers, options.runs, console))
    dondoc, bare = medians(results["dondoc"]), medians(results["bare"])
    ratios = {
        "rate": round(dondoc["updates_per_second"] / bare["updates_per_second"], 3),
        "cpu": round(dondoc["cpu_ms_per_update"] / bare["cpu_ms_per_update"], 3),
        "start": round(dondoc["start_seconds"] / bare["start_seconds"], 3),
        "memory": round(dondoc["idle_rss_mib"] / bare["idle_rss_mib"], 3),
    }
    met = {
        name: ratios[name] >= bound if sign == ">=" else ratios[name] <= bound
        for name, (sign, bound) in TARGETS.items()
    }
    table = Table(
        title=f"{options.officers} officers × (status button + note), median of {options.runs}"
    )
    for column in ("figure", "dondoc", "bare PTB", "ratio", "target"):
        table.add_column(column, justify="left" if column == "figure" else "right")

    def target(name: str) -> str:
        if name not in TARGETS:
            return ""
        sign, bound = TARGETS[name]
        return f"{'≥' if sign == '>=' else '≤'} {bound} {'✓' if met[name] else '✗'}"

    rows: list[tuple[str, str, str | None]] = [
        ("replies handled, updates/s", "updates_per_second", "rate"),
        ("CPU per update, ms", "cpu_ms_per_update", "cpu"),
        ("start to first getUpdates, s", "start_seconds", "start"),
        ("idle memory (VmRSS), MiB", "idle_rss_mib", "memory"),
        ("burst wall time, s", "seconds", None),
        ("bench's server CPU per update, ms", "server_cpu_ms_per_update", None),
        ("officers fully answered", "answered_officers", None),
        (f"valid runs (of {options.runs}), medians over these", "valid_runs", None),
    ]
    for label, key, ratio in rows:
        table.add_row(
            label,
            str(dondoc[key]),
            str(bare[key]),
            str(ratios[ratio]) if ratio else "",
            target(ratio) if ratio else "",
        )
    console.print(table)
    print(
        json.dumps(
            {
                "officers": options.officers,
                "updates_per_run": 2 * options.officers,
                "runs": options.runs,
                "request_month": month,
                "dondoc": {"runs": [asdict(r) for r in results["dondoc"]], "median": dondoc},
                "bare": {"runs": [asdict(r) for r in results["bare"]], "median": bare},
                "ratios": ratios,
                "targets": {name: f"{sign} {bound}" for name, (sign, bound) in TARGETS.items()},
                "met": met,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
