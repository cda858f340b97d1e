"""Real `dondoc` processes for the tests, always stopped, also when a test fails."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from dondoc.fanout import FANOUT_TOKEN

# A pinned moment for `dondoc cycle --at`: the day after August 2021's request time.
PINNED_AT = "2021-08-16T09:00+07:00"


def write_config(folder: Path, base_url: str, *, per_second: int = 400) -> Path:
    """A config.toml pointing at the local server, with a fast poll and the given send rate."""
    config = folder / "config.toml"
    config.write_text(
        f'[bot]\napi_base_url = "{base_url}"\npoll_timeout_seconds = 1\n\n'
        f"[delivery]\noverall_per_second = {per_second}\nconcurrency = 8\n",
        encoding="utf-8",
    )
    return config


@dataclass
class Running:
    """A started `dondoc` process and the files its output goes to."""

    process: asyncio.subprocess.Process
    output: Path
    errors: Path

    def texts(self) -> tuple[str, str]:
        """What it printed so far: output and errors."""
        return self.output.read_text("utf-8"), self.errors.read_text("utf-8")

    async def finish(self, timeout: float = 120) -> tuple[str, str]:
        """Wait for the process to exit by itself; its output and errors."""
        await asyncio.wait_for(self.process.wait(), timeout=timeout)
        return self.texts()

    async def interrupt(self, timeout: float = 60) -> tuple[str, str]:
        """Stop a running bot as a service manager does (SIGTERM); its output and errors.

        Not SIGINT: a process started from a background job inherits SIGINT ignored.
        """
        self.process.send_signal(signal.SIGTERM)
        return await self.finish(timeout)


@contextlib.asynccontextmanager
async def dondoc(
    *args: str, config: Path, database: Path, name: str, token: str = FANOUT_TOKEN
) -> AsyncIterator[Running]:
    """`dondoc ARGS` with `token` (the fanout bot's) and `database`; killed on the way out.

    Output goes to files named after `name` beside the config (a pipe nobody reads would
    stall a chatty process).
    """
    output, errors = config.parent / f"{name}.out", config.parent / f"{name}.err"
    with output.open("wb") as out_file, errors.open("wb") as err_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "dondoc.cli",
            *args,
            "--config",
            str(config),
            env={
                **os.environ,
                "TELEGRAM_BOT_TOKEN": token,
                "DATABASE_URL": f"sqlite:///{database}",
            },
            cwd=config.parent,
            stdout=out_file,
            stderr=err_file,
        )
    try:
        yield Running(process, output, errors)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
