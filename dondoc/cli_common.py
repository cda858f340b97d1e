"""What every `dondoc` command shares: the Typer app, the masked consoles, the one-line
errors, and the setup (config, token mask, database brought up to date).

The commands live in dondoc/cli.py and dondoc/cli_changes.py, both on this one `app`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from telegram.error import InvalidToken, NetworkError, TimedOut

from db.engine import SchemaTooNew, make_engine, upgrade_schema
from db.loading import DataFileError
from dondoc.config import Config, ConfigError, load_config
from dondoc.redact import redact, redact_in_logs

app = typer.Typer(
    help="dondoc — đôn đốc thực hiện nhiệm vụ qua Telegram.",
    no_args_is_help=True,
    add_completion=False,
    # An unexpected failure prints Python's traceback through the masking hook below, never
    # rich's pretty one with local variables (which would show the token).
    pretty_exceptions_enable=False,
)


class MaskedConsole(Console):
    """A console whose every line passes through the token mask."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # noqa: D102 - same as Console's
        super().print(*(redact(o) if isinstance(o, str) else o for o in objects), **kwargs)


err = MaskedConsole(stderr=True)
out = MaskedConsole()

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="Path to config.toml.")]


class UserError(Exception):
    """A problem the person at the terminal can fix; printed as one line."""


def one_line(text: object) -> str:
    return " ".join(str(text).split())


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Every expected failure as one line naming what to do, exit status 2."""
    try:
        yield
    except (ConfigError, DataFileError, UserError, SchemaTooNew) as exc:
        fail(str(exc))
    except InvalidToken:
        fail(
            "Telegram rejected the token in TELEGRAM_BOT_TOKEN: check it with @BotFather, and "
            "that [bot] api_base_url ends in /bot"
        )
    except (NetworkError, TimedOut) as exc:
        fail(f"Telegram cannot be reached ({one_line(exc)}): check the network or [bot] proxy_url")
    except OperationalError as exc:
        fail(f"the database cannot be used: {one_line(exc.orig)} (check its file and folder)")
    except UnicodeDecodeError as exc:
        fail(f"not UTF-8 text ({exc.reason} at byte {exc.start}): save the file as UTF-8")
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or one_line(exc)}")


def fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def setup(config_path: Path | None) -> tuple[Config, Engine]:
    config = load_config(config_path)
    if config.token is not None:
        # Before anything is built or printed: the token never reaches the screen or a log.
        redact_in_logs(config.token.get_secret_value(), config.bot.proxy_password)
    engine = make_engine(config.database.url)
    upgrade_schema(engine)
    return config, engine
