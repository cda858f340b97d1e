"""The `dondoc` command: load data, issue invites, run the bot, print the digest, run the demo.

Every expected problem (bad config, bad data file, unknown agency) is one
clear line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.exc import OperationalError

from db import audit as audit_log
from db import contacts as agency_contacts
from db import outbox, periods
from db.engine import make_engine, session_scope, upgrade_schema
from db.loading import data_file_kind, load_data, read_data_file
from db.models import Role
from dondoc.cli_common import (
    ConfigOption,
    UserError,
    app,
    err,
    friendly_errors,
    one_line,
    out,
    setup,
)
from dondoc.config import Config, load_config
from dondoc.redact import redact, redact_in_logs


def _quiet_retry_loop(record: logging.LogRecord) -> bool:
    """PTB logs each failed start with a traceback; `bot.app.run` says it in one line."""
    return not record.getMessage().startswith("Network Retry Loop (Bootstrap")


def configure_logging(level: int = logging.INFO) -> None:
    """Log lines to stderr; httpx's request lines carry the token in the URL, so keep them quiet."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_quiet_retry_loop)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="Registry and directive TOML files.")],
    config_path: ConfigOption = None,
) -> None:
    """Load agency registries and directives (idempotent: loading twice changes nothing)."""
    with friendly_errors():
        _, engine = setup(config_path)
        parsed = [(path, read_data_file(path)) for path in files]
        # Registries first: directives refer to their codes.
        parsed.sort(key=lambda item: data_file_kind(item[1]) != "registry")
        with session_scope(engine) as session:
            results = [
                load_data(session=session, data=data, source=str(path)) for path, data in parsed
            ]
            for result in results:
                if result.changed:
                    audit_log.record_audit(
                        session=session,
                        now=datetime.now(UTC),
                        actor="cli",
                        action=f"{result.kind}.loaded",
                        subject=f"file:{Path(result.source).name}",
                        detail=f"{result.created} created, {result.updated} updated",
                    )
    for result in results:
        state = (
            f"{result.created} created, {result.updated} updated" if result.changed else "unchanged"
        )
        out.print(f"{result.source} ({result.kind}): {state}")
        for detail in result.details:
            out.print(f"  {detail}")


@app.command()
def invite(
    agency: Annotated[
        str | None, typer.Argument(help="Agency code, e.g. so-khdt (or --all).", show_default=False)
    ] = None,
    role: Annotated[
        Role, typer.Option("--role", help="officer, leader, secretariat or admin.")
    ] = Role.OFFICER,
    bot_username: Annotated[
        str | None,
        typer.Option(
            "--bot", help="The bot's @username for the link (default: asked of Telegram)."
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="One invite per agency that owes a task: a Word pack and a CSV."
        ),
    ] = False,
    directive: Annotated[
        str | None,
        typer.Option("--directive", help="With --all: agencies owing a task in this directive."),
    ] = None,
    again: Annotated[
        bool,
        typer.Option("--again", help="With --all: invite agencies that have a contact already."),
    ] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="With --all: the pack's folder (default out/invites-YYYYMMDD)."),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Issue a one-time invite and print its deep link; with --all, a pack for every agency."""
    with friendly_errors():
        if every:
            if agency is not None:
                raise UserError("give an agency code or --all, not both")
            _invite_all(config_path, role, bot_username, directive, again, out_dir)
            return
        if agency is None:
            raise UserError("give an agency code (e.g. so-khdt), or --all for every agency")
        if directive is not None or again or out_dir is not None:
            raise UserError("--directive, --again and --out go with --all")
        config, engine = setup(config_path)
        # The link must lead to this very bot: ask Telegram its name unless given.
        username = (bot_username or _bot_username(config)).lstrip("@")
        with session_scope(engine) as session:
            try:
                made = agency_contacts.create_invite(
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
    out.print(f"https://t.me/{username}?start={made.code}", soft_wrap=True, highlight=False)


def _invite_all(
    config_path: Path | None,
    role: Role,
    bot_username: str | None,
    directive_code: str | None,
    again: bool,
    out_dir: Path | None,
) -> None:
    """`dondoc invite --all`: invite every agency that owes a task, write the pack."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from dondoc import invite_pack
    from dondoc.agency_roll import directive_named, read_roll

    if role not in invite_pack.PACK_ROLES:
        raise UserError(
            f"--all invites each agency's officer or leader; invite a {role.value} by name "
            f"(`dondoc invite AGENCY --role {role.value}`)"
        )
    config, engine = setup(config_path)
    zone, now = config.schedule.zone, datetime.now(UTC)
    folder = out_dir or Path("out") / f"invites-{now.astimezone(zone):%Y%m%d}"
    docx_file, csv_file = folder / "invites.docx", folder / "invites.csv"
    with session_scope(engine) as session:
        wanted = None
        if directive_code is not None:
            try:
                wanted = directive_named(session=session, code=directive_code)
            except LookupError:
                unknown = f"unknown directive {directive_code!r} (see `dondoc load`)"
                raise UserError(unknown) from None
        roll = read_roll(session=session, directive=wanted)
    where = f" in {wanted.code}" if wanted else ""
    owing = roll.owing
    if not owing:
        out.print(f"No agency owes a task{where}: nothing to invite.", highlight=False)
        return
    chosen = [a for a in owing if invite_pack.needs_invite(a, role, again=again)]
    skipped = [a.code for a in owing if not invite_pack.needs_invite(a, role, again=again)]
    if skipped:
        out.print(
            f"skipped {len(skipped)} of {len(owing)} agencies that have an active {role.value} "
            f"already (--again invites them too): {', '.join(skipped)}",
            highlight=False,
            soft_wrap=True,
        )
    lost = [a.code for a in chosen if not again and a.contacts_in(role)]
    if lost:
        out.print(
            f"invited anew: {len(lost)} {'agency' if len(lost) == 1 else 'agencies'} whose "
            f"every {role.value} cannot be reached "
            f"(blocked the bot or left the chat): {', '.join(lost)}",
            highlight=False,
            soft_wrap=True,
        )
    if not chosen:
        out.print("Nothing to invite: every agency that owes a task has joined.", highlight=False)
        return
    if docx_file.exists() or csv_file.exists():
        # A second run would issue a second set of invites and hide the first one's letters.
        raise UserError(f"{folder} holds an invitation pack already: give --out another folder")
    username = (bot_username or _bot_username(config)).lstrip("@")
    folder.mkdir(parents=True, exist_ok=True)  # before any invite: a bad --out costs nothing
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        issuing = progress.add_task("issuing invites", total=len(chosen))
        with session_scope(engine) as session:
            made = invite_pack.issue_invitations(
                session=session,
                agencies=chosen,
                role=role,
                bot_username=username,
                now=now,
                valid_days=config.invites.valid_days,
                on_issued=lambda: progress.advance(issuing),
            )
        writing = progress.add_task("writing letters", total=len(made))
        letters = invite_pack.render_pack_docx(
            made,
            roll.directives,
            settings=config.report,
            zone=zone,
            locale=config.bot.locale,
            today=now.astimezone(zone).date(),
            on_page=lambda: progress.advance(writing),
        )
    docx_file.write_bytes(letters)
    csv_file.write_bytes(invite_pack.render_pack_csv(made, zone=zone))
    until = made[0].expires_at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
    out.print(
        f"{len(made)} invites ({role.value}{where}, valid until {until}): {docx_file} "
        f"(a letter a page) and {csv_file}",
        highlight=False,
        soft_wrap=True,
    )


invites_app = typer.Typer(help="List and revoke invites.", no_args_is_help=False)
contacts_app = typer.Typer(help="List contacts; revoke one when an officer leaves.")
app.add_typer(invites_app, name="invites")
app.add_typer(contacts_app, name="contacts")


def _local(moment: datetime | None, config: Config) -> str:
    return moment.astimezone(config.schedule.zone).strftime("%d/%m/%Y %H:%M") if moment else "-"


def _bot_username(config: Config) -> str:
    """The bot's @username, from Telegram (getMe), for an invite link to this very bot."""
    import asyncio

    from telegram import Bot
    from telegram.request import HTTPXRequest

    if config.token is None:
        raise UserError("give the bot's username with --bot, or set TELEGRAM_BOT_TOKEN to ask it")

    async def ask() -> str:
        request = HTTPXRequest(proxy=config.bot.proxy_url)
        token = config.require_token()
        async with Bot(token, base_url=config.bot.api_base_url, request=request) as bot:
            return bot.username

    return asyncio.run(ask())


@invites_app.callback(invoke_without_command=True)
def invites(ctx: typer.Context, config_path: ConfigOption = None) -> None:
    """Every invite with its agency, role, expiry and state (open, used, expired, revoked)."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    with friendly_errors():
        config, engine = setup(config_path)
        with session_scope(engine) as session:
            rows = agency_contacts.list_invites(session=session, now=datetime.now(UTC))
    table = Table(title=f"dondoc — {len(rows)} invites")
    table.add_column("code", no_wrap=True, min_width=22)  # whole, for `invites revoke CODE`
    for column in ("agency", "role", "expires", "state", "used by"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.code,
            row.agency_code,
            row.role.value,
            _local(row.expires_at, config),
            row.state,
            str(row.used_by_user_id or ""),
        )
    # Wider than a narrow terminal rather than a code cut short.
    out.print(table, width=max(out.width, 120))


@invites_app.command("revoke")
def invites_revoke(
    code: Annotated[str, typer.Argument(help="The invite code (see `dondoc invites`).")],
    config_path: ConfigOption = None,
) -> None:
    """Revoke an unused invite: the link stops working at once."""
    with friendly_errors():
        _, engine = setup(config_path)
        with session_scope(engine) as session:
            result = agency_contacts.revoke_invite(
                session=session, code=code, now=datetime.now(UTC)
            )
        if result == "unknown":
            raise UserError(f"no invite {code!r} (see `dondoc invites`)")
        if result == "used":
            raise UserError("this invite was already used: revoke the contact instead")
    out.print("already revoked" if result == "already" else f"invite {code} revoked")


@contacts_app.callback(invoke_without_command=True)
def contacts(
    ctx: typer.Context,
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency.")] = None,
    config_path: ConfigOption = None,
) -> None:
    """Every contact, active or not: agency, role, Telegram user and chat."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    with friendly_errors():
        config, engine = setup(config_path)
        with session_scope(engine) as session:
            rows = agency_contacts.list_contacts(session=session, agency_code=agency)
    table = Table(title=f"dondoc — {len(rows)} contacts")
    for column in ("id", "agency", "role", "name", "user", "chat", "joined", "state"):
        table.add_column(column)
    for row in rows:
        state = "active" if row.active else "revoked"
        if row.active and row.unreachable:
            state = "unreachable"
        table.add_row(
            str(row.id),
            row.agency_code,
            row.role.value,
            row.display_name,
            str(row.user_id),
            str(row.chat_id),
            _local(row.joined_at, config),
            state,
        )
    out.print(table)


@contacts_app.command("revoke")
def contacts_revoke(
    contact_id: Annotated[int, typer.Argument(help="The contact's id (see `dondoc contacts`).")],
    config_path: ConfigOption = None,
) -> None:
    """An officer leaves: the contact stops speaking for the agency; the reports stay with it.

    Hand over with a new invite: `dondoc invite AGENCY`.
    """
    with friendly_errors():
        _, engine = setup(config_path)
        with session_scope(engine) as session:
            row = agency_contacts.revoke_contact(
                session=session, contact_id=contact_id, now=datetime.now(UTC)
            )
        if row is None:
            raise UserError(f"no contact {contact_id} (see `dondoc contacts`)")
    out.print(
        f"contact {row.id} ({row.display_name}, {row.agency_code}) revoked; "
        f"hand over with `dondoc invite {row.agency_code}`",
        highlight=False,
    )


@app.command()
def audit(
    limit: Annotated[int, typer.Option("--limit", help="How many of the latest lines.")] = 100,
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency.")] = None,
    config_path: ConfigOption = None,
) -> None:
    """Who changed what, when, from which Telegram update: reports, invites, contacts, data."""
    with friendly_errors():
        config, engine = setup(config_path)
        with session_scope(engine) as session:
            entries = audit_log.audit_entries(session=session, limit=limit, agency_code=agency)
    for e in entries:
        update = f" update {e.update_id}" if e.update_id is not None else ""
        line = f"{_local(e.at, config)}  {e.actor}  {e.action}  {e.subject}"
        line += f"  [{e.agency_code or '-'}]{update}  {e.detail}".rstrip()
        out.print(line, highlight=False, markup=False, soft_wrap=True)


def _sqlite_path(config: Config) -> Path:
    url = config.database.url
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        raise UserError(f"backup and restore need a SQLite file, not {url}")
    return Path(url.split("///", 1)[1])


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    config_path: ConfigOption = None,
) -> None:
    """Copy the database with SQLite's online backup: safe while the bot runs."""
    with friendly_errors():
        config = load_config(config_path)
        source = _sqlite_path(config)
        if not source.exists():
            raise UserError(f"no database at {source}")
        if file.exists():
            raise UserError(f"{file} exists; choose a new file name")
        file.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, file)
    out.print(f"{file} ({file.stat().st_size:,} bytes)", highlight=False)


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A copy made by `dondoc backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the current database.")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Replace the database with a backup (stop the bot first), then migrate it to this version.

    The backup is checked first (SQLite's integrity check, a schema this version knows);
    the database it replaces is kept beside it.
    """
    import sqlite3

    from db.engine import check_revision

    with friendly_errors():
        config = load_config(config_path)
        target = _sqlite_path(config)
        if not file.exists():
            raise UserError(f"no file {file}")
        try:
            with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as check:
                integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
                revision = check.execute("SELECT version_num FROM alembic_version").fetchone()
            check.close()
        except sqlite3.DatabaseError:
            raise UserError(f"{file} is not a dondoc database") from None
        if integrity != "ok":
            raise UserError(f"{file} is damaged (SQLite integrity check: {integrity})")
        check_revision(revision[0] if revision else None, str(file))
        if not yes:
            raise UserError(f"this replaces {target}: stop the bot, then add --yes")
        kept = None
        if target.exists() and target.stat().st_size > 0:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            kept = target.with_name(f"{target.name}.before-restore-{stamp}")
            _sqlite_copy(target, kept)
        engine = make_engine(config.database.url)  # creates the file owner-only if missing
        engine.dispose()
        _sqlite_copy(file, target, create=False)
        upgrade_schema(make_engine(config.database.url))
    out.print(f"{target} restored from {file}", highlight=False)
    if kept is not None:
        out.print(f"the database it replaced is kept as {kept}", highlight=False)


def _sqlite_copy(source: Path, copy: Path, *, create: bool = True) -> None:
    """Copy a SQLite database with its online backup; a new copy is owner-only."""
    import os
    import sqlite3

    if create:
        os.close(os.open(copy, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@app.command()
def doctor(config_path: ConfigOption = None) -> None:
    """Check the config, the database schema, the token (getMe) and the secretariat's contacts."""
    import asyncio

    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from db.engine import MIGRATIONS_DIR

    problems = 0

    def check(ok: bool, what: str) -> None:
        nonlocal problems
        problems += not ok
        out.print(f"{'[green]ok[/green]' if ok else '[red]FAIL[/red]'}  {what}", highlight=False)

    with friendly_errors():
        config = load_config(config_path)
    check(True, "config is valid")
    engine = make_engine(config.database.url)
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    problem = "missing"
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:  # noqa: BLE001 - any failure here is the finding
        version = None
        if isinstance(exc, OperationalError) and "no such table" not in str(exc.orig):
            problem = f"unreadable: {one_line(exc.orig)}"  # read-only, locked, not a database
    check(version == head, f"database schema {version or problem} (this version needs {head})")
    if config.token is None:
        check(False, "TELEGRAM_BOT_TOKEN is not set")
    else:
        from telegram import Bot
        from telegram.request import HTTPXRequest

        token = config.token.get_secret_value()
        redact_in_logs(token, config.bot.proxy_password)
        if config.bot.proxy_url:
            check(True, f"through the proxy {redact(config.bot.proxy_url)}")

        async def reach() -> tuple[str, list[tuple[str, bool]]]:
            proxy = config.bot.proxy_url
            bot = Bot(token, base_url=config.bot.api_base_url, request=HTTPXRequest(proxy=proxy))
            async with bot:
                me = await bot.get_me()
                reached = []
                if version == head:
                    with session_scope(engine) as session:
                        office = agency_contacts.secretariat_contacts(session=session)
                    for contact in office:
                        try:
                            await bot.get_chat(contact.chat_id)
                            reached.append((contact.display_name, True))
                        except Exception:  # noqa: BLE001 - reported as unreachable
                            reached.append((contact.display_name, False))
                return me.username or "?", reached

        try:
            username, reached = asyncio.run(reach())
        except Exception as exc:  # noqa: BLE001 - the token or the network is the finding
            check(False, f"getMe failed: {redact(str(exc))}")
        else:
            check(True, f"token works: @{username}")
            check(bool(reached), f"{len(reached)} secretariat contact(s) registered")
            for name, ok in reached:
                check(ok, f"secretariat contact {name} {'reachable' if ok else 'NOT reachable'}")
    engine.dispose()
    if problems:
        raise typer.Exit(1)


@app.command()
def run(config_path: ConfigOption = None) -> None:
    """Run the bot against Telegram (needs TELEGRAM_BOT_TOKEN)."""
    from bot.app import run as run_bot

    with friendly_errors():
        config, engine = setup(config_path)
        config.require_token()
        configure_logging()
        try:
            run_bot(config, engine=engine)
        except KeyboardInterrupt:  # Ctrl-C at any moment of a start that keeps failing
            raise typer.Exit(0) from None


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

    with friendly_errors():
        if fmt not in FORMATS:
            raise UserError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
        if out_dir is None and fmt not in ("text", "html", "csv"):
            raise UserError(f"--format {fmt} is a binary file: give --out DIR")
        config, engine = setup(config_path)
        now = datetime.now(UTC)
        with session_scope(engine) as session:
            if period is None:
                found = periods.current_period(session=session, now=now)
            else:
                try:
                    month = parse_month(period)
                except ValueError:
                    raise UserError(f"--period: not a month: {period!r} (e.g. 08/2021)") from None
                found = periods.period_by_month(session=session, month=month)
            if found is None:
                raise UserError(f"no reporting period {period or 'yet'} in {config.database.url}")
            digest = build_digest(
                session=session,
                period=found,
                as_of=now,
                directive_code=directive,
                zone=config.schedule.zone,
            )
        made = render_file(
            digest, fmt, zone=config.schedule.zone, locale=config.bot.locale, settings=config.report
        )
    if out_dir is None:
        sys.stdout.write(redact(made.content.decode("utf-8").lstrip("\ufeff")))
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

    with friendly_errors():
        config, engine = setup(config_path)
        try:
            month = parse_month(period) if period else month_of(datetime.now(UTC), config.schedule)
        except ValueError:
            raise UserError(f"--period: not a month: {period!r} (e.g. 08/2021)") from None
        times = period_times(month, config.schedule)
        with session_scope(engine) as session:
            plan = plan_period(session=session, config=config, times=times)
            states = outbox.message_states(session=session, keys=[item.key for item in plan])
    zone = config.schedule.zone
    table = Table(title=f"dondoc — {periods.month_label(month)}: {len(plan)} messages planned")
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

    from bot.app import describe_result, send_owed_once

    with friendly_errors():
        config, engine = setup(config_path)
        config.require_token()
        if at is not None and at.tzinfo is None:
            raise UserError("--at: give the time zone, e.g. 2021-08-16T09:00+07:00")
        configure_logging()
        result = asyncio.run(send_owed_once(config, engine=engine, now=at))
    out.print(f"{result.period}: {describe_result(result)}")


@app.command("import")
def import_directive(
    file: Annotated[
        Path,
        typer.Argument(
            help="The directive: .md, .txt, .docx, a text PDF, or a task list in .xlsx."
        ),
    ],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the reviewable TOML here.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (names as found and as matched).")
    ] = False,
    registry_paths: Annotated[
        list[Path] | None,
        typer.Option(
            "--registry",
            help="Agency registry TOML; repeat for several, the first one's codes win "
            "(default: Hanoi's, then the national one).",
        ),
    ] = None,
) -> None:
    """Read a directive and propose its tasks and agencies as TOML for review (`dondoc load`)."""
    import json

    import tomli_w

    from importer.directive import import_text, to_data, to_json
    from importer.errors import DirectiveImportError
    from importer.names import load_registries
    from importer.report import task_table
    from importer.sources import read_directive
    from reference import IMPORT_REGISTRIES

    with friendly_errors():
        if out_file is not None and not out_file.parent.is_dir():
            raise UserError(f"--out: no folder {out_file.parent} (create it first)")
        try:
            registry = load_registries(registry_paths or list(IMPORT_REGISTRIES))
            found = import_text(read_directive(file), registry, source=str(file))
        except DirectiveImportError as exc:
            raise UserError(str(exc)) from None
        err.print(task_table(found))
        for warning in found.warnings:
            err.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
        if as_json:
            sys.stdout.write(
                redact(json.dumps(to_json(found), ensure_ascii=False, indent=2)) + "\n"
            )
            return
        document = tomli_w.dumps(to_data(found), multiline_strings=True)
        if out_file is None:
            sys.stdout.write(redact(document))
        else:
            out_file.write_text(document, encoding="utf-8")
            err.print(f"wrote {out_file}: review it, then `dondoc load {out_file}`")


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

    with friendly_errors():
        try:
            parse_month(month)
        except ValueError:
            raise UserError(f"--month: not a month: {month!r} (e.g. 08/2021)") from None
        asyncio.run(run_demo(out_dir=out_dir, month=month, seed=seed, console=out))


def _masked_excepthook(
    kind: type[BaseException], value: BaseException, trace: TracebackType | None
) -> None:
    """An unexpected failure's traceback, token masked."""
    sys.stderr.write(redact("".join(traceback.format_exception(kind, value, trace))))


def main() -> None:
    """The `dondoc` command."""
    sys.excepthook = _masked_excepthook
    app()


# The administrator's changes to what is followed, and the agencies' roll, on the same app.
from dondoc import cli_agencies, cli_changes  # noqa: E402, F401

if __name__ == "__main__":
    main()
