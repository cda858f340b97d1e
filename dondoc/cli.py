"""The `dondoc` command: load data, issue invites, run the bot, print the digest, run the demo.

Every expected problem (bad config, bad data file, unknown agency) is one
clear line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

from db import queries
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import DataFileError, data_file_kind, load_data, read_data_file
from db.models import Role
from dondoc.config import Config, ConfigError, load_config

app = typer.Typer(
    help="dondoc — đôn đốc thực hiện nhiệm vụ qua Telegram.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
out = Console()

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="Path to config.toml.")]


class UserError(Exception):
    """A problem the person at the terminal can fix; printed as one line."""


@contextmanager
def _friendly_errors() -> Iterator[None]:
    try:
        yield
    except (ConfigError, DataFileError, UserError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _setup(config_path: Path | None) -> tuple[Config, Engine]:
    config = load_config(config_path)
    engine = make_engine(config.database.url)
    upgrade_schema(engine)
    return config, engine


def configure_logging(level: int = logging.INFO) -> None:
    """Log lines to stderr; httpx's request lines carry the token in the URL, so keep them quiet."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="Registry and directive TOML files.")],
    config_path: ConfigOption = None,
) -> None:
    """Load agency registries and directives (idempotent: loading twice changes nothing)."""
    with _friendly_errors():
        _, engine = _setup(config_path)
        parsed = [(path, read_data_file(path)) for path in files]
        # Registries first: directives refer to their codes.
        parsed.sort(key=lambda item: data_file_kind(item[1]) != "registry")
        with session_scope(engine) as session:
            results = [
                load_data(session=session, data=data, source=str(path)) for path, data in parsed
            ]
    for result in results:
        state = (
            f"{result.created} created, {result.updated} updated" if result.changed else "unchanged"
        )
        out.print(f"{result.source} ({result.kind}): {state}")
        for detail in result.details:
            out.print(f"  {detail}")


@app.command()
def invite(
    agency: Annotated[str, typer.Argument(help="Agency code, e.g. so-khdt.")],
    role: Annotated[
        Role, typer.Option("--role", help="officer, secretariat or admin.")
    ] = Role.OFFICER,
    bot_username: Annotated[
        str, typer.Option("--bot", help="The bot's @username for the link.")
    ] = "dondoc_bot",
    config_path: ConfigOption = None,
) -> None:
    """Issue a one-time invite and print its deep link."""
    with _friendly_errors():
        config, engine = _setup(config_path)
        with session_scope(engine) as session:
            try:
                made = queries.create_invite(
                    session=session,
                    agency_code=agency,
                    role=role,
                    now=datetime.now(UTC),
                    valid_days=config.invites.valid_days,
                )
            except LookupError:
                raise UserError(f"unknown agency code {agency!r} (see `dondoc load`)") from None
    expires = made.expires_at.astimezone(config.schedule.zone).strftime("%d/%m/%Y %H:%M")
    out.print(f"{made.agency_name} — {role.value}, valid until {expires}")
    print(f"https://t.me/{bot_username.lstrip('@')}?start={made.code}")


@app.command()
def run(config_path: ConfigOption = None) -> None:
    """Run the bot against Telegram (needs TELEGRAM_BOT_TOKEN)."""
    from bot.app import run as run_bot

    with _friendly_errors():
        config, engine = _setup(config_path)
        config.require_token()
    configure_logging()
    run_bot(config, engine=engine)


@app.command()
def summary(
    period: Annotated[
        str | None, typer.Option("--period", help="MM/YYYY; default: the latest period.")
    ] = None,
    directive: Annotated[
        str | None, typer.Option("--directive", help="Only this directive, e.g. 2658/UBND-KT.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text, html, docx, xlsx, csv or png.")
    ] = "text",
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write the file into this folder (default: text to stdout)."),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Print the digest of a period from the database, or write it as a file."""
    from jobs.calendar import parse_month
    from jobs.digest import build_digest
    from reports import FORMATS, render_file

    with _friendly_errors():
        if fmt not in FORMATS:
            raise UserError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
        if out_dir is None and fmt not in ("text", "html", "csv"):
            raise UserError(f"--format {fmt} is a binary file: give --out DIR")
        config, engine = _setup(config_path)
        now = datetime.now(UTC)
        with session_scope(engine) as session:
            if period is None:
                found = queries.current_period(session=session, now=now)
            else:
                try:
                    month = parse_month(period)
                except ValueError:
                    raise UserError(f"--period: not a month: {period!r} (e.g. 08/2021)") from None
                found = queries.period_by_month(session=session, month=month)
            if found is None:
                raise UserError(f"no reporting period {period or 'yet'} in {config.database.url}")
            digest = build_digest(
                session=session,
                period=found,
                as_of=now,
                directive_code=directive,
                zone=config.schedule.zone,
            )
        made = render_file(digest, fmt, zone=config.schedule.zone, locale=config.bot.locale)
    if out_dir is None:
        sys.stdout.write(made.content.decode("utf-8").lstrip("\ufeff"))
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / made.name).write_bytes(made.content)
    out.print(f"{out_dir / made.name} ({len(made.content):,} bytes)", highlight=False)


@app.command()
def schedule(
    period: Annotated[
        str | None, typer.Option("--period", help="MM/YYYY; default: this month.")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """A table of what will be sent when, to whom, for a period."""
    from rich.table import Table

    from jobs.calendar import month_of, parse_month, period_times
    from jobs.plan import plan_period

    with _friendly_errors():
        config, engine = _setup(config_path)
        try:
            month = parse_month(period) if period else month_of(datetime.now(UTC), config.schedule)
        except ValueError:
            raise UserError(f"--period: not a month: {period!r} (e.g. 08/2021)") from None
        times = period_times(month, config.schedule)
        with session_scope(engine) as session:
            plan = plan_period(session=session, config=config, times=times)
            states = queries.message_states(session=session, keys=[item.key for item in plan])
    zone = config.schedule.zone
    table = Table(title=f"dondoc — {queries.month_label(month)}: {len(plan)} messages planned")
    for column in ("when", "what", "to", "state"):
        table.add_column(column)
    for item in plan:
        to = f"{item.contact.agency_name} — {item.contact.display_name}"
        when = item.due_at.astimezone(zone).strftime("%a %d/%m %H:%M")
        state, at = states.get(item.key, ("planned", None))
        if at is not None:
            state += f" {at.astimezone(zone):%d/%m %H:%M}"
        table.add_row(when, item.kind.value, to, state)
    if not plan:
        out.print("Nothing planned: load a directive and invite its agencies' contacts first.")
        return
    out.print(table)


@app.command()
def cycle(
    at: Annotated[
        datetime | None,
        typer.Option(
            "--at", help="Decide what is owed as of this moment (ISO, e.g. 2021-08-16T09:00+07:00)."
        ),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Send what is owed now (what the scheduler does), then exit."""
    import asyncio

    from bot.app import send_owed_once

    with _friendly_errors():
        config, engine = _setup(config_path)
        config.require_token()
        if at is not None and at.tzinfo is None:
            raise UserError("--at: give the time zone, e.g. 2021-08-16T09:00+07:00")
    configure_logging()
    result = asyncio.run(send_owed_once(config, engine=engine, now=at))
    out.print(
        f"{result.period}: {result.sent} sent, {result.skipped} skipped, {result.failed} to retry, "
        f"{len(result.unreachable)} unreachable, {result.in_doubt} in doubt"
    )


@app.command("import")
def import_directive(
    file: Annotated[Path, typer.Argument(help="The directive: .md, .txt, .docx or a text PDF.")],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the reviewable TOML here.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (names as found and as matched).")
    ] = False,
    registry_path: Annotated[
        Path | None, typer.Option("--registry", help="Agency registry TOML (default: Hanoi's).")
    ] = None,
) -> None:
    """Read a directive and propose its tasks and agencies as TOML for review (`dondoc load`)."""
    import json

    import tomli_w

    from importer.directive import import_text, to_data, to_json
    from importer.errors import DirectiveImportError
    from importer.names import load_registry
    from importer.report import task_table
    from importer.sources import read_directive

    with _friendly_errors():
        try:
            registry = load_registry(registry_path or _default_registry())
            found = import_text(read_directive(file), registry, source=str(file))
        except DirectiveImportError as exc:
            raise UserError(str(exc)) from None
        err.print(task_table(found))
        for warning in found.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
        if as_json:
            sys.stdout.write(json.dumps(to_json(found), ensure_ascii=False, indent=2) + "\n")
            return
        document = tomli_w.dumps(to_data(found), multiline_strings=True)
        if out_file is None:
            sys.stdout.write(document)
        else:
            out_file.write_text(document, encoding="utf-8")
            err.print(f"wrote {out_file}: review it, then `dondoc load {out_file}`")


def _default_registry() -> Path:
    import reference

    return Path(reference.__file__).parent / "hanoi-agencies.toml"


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where the digest files go.")] = Path(
        "out"
    ),
    month: Annotated[str, typer.Option("--month", help="The month to simulate.")] = "08/2021",
    seed: Annotated[int, typer.Option(help="Seed of the simulated officers' choices.")] = 2658,
) -> None:
    """A full monthly cycle of 2658/UBND-KT on a local Bot API server with simulated officers."""
    import asyncio

    from dondoc.demo import run_demo
    from jobs.calendar import parse_month

    with _friendly_errors():
        try:
            parse_month(month)
        except ValueError:
            raise UserError(f"--month: not a month: {month!r} (e.g. 08/2021)") from None
        asyncio.run(run_demo(out_dir=out_dir, month=month, seed=seed, console=out))


if __name__ == "__main__":
    app()
