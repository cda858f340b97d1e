"""`dondoc agencies`: the registry's agencies, what each owes, and (`--contacts`) who has joined.

A sub-app on the shared `app`, its listing the callback, so that commands on agencies
(`dondoc agencies rename`, `merge`, …) can be added beside it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bot.texts import role_label, say
from db.agencies import AgencyChange, add_agency, end_agency, merge_agency, rename_agency
from db.engine import session_scope
from db.lifecycle import Refused
from db.models import Role
from dondoc.agency_roll import AgencyOnRoll, JoinedContact, directive_named, read_roll
from dondoc.cli_common import ConfigOption, UserError, app, friendly_errors, out, setup
from dondoc.config import Config

# What the listing says in the Office's terms, Vietnamese first.
ROLL_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "no_officer": "chưa có đầu mối",
        "unreachable": "không liên lạc được",
        "joined": "{name} ({role}, {day})",
        "summary": "{joined}/{owing} đơn vị đã có cán bộ đầu mối",
        "summary_unreachable": "; {count} đơn vị chỉ có đầu mối không liên lạc được",
        "counts": "{listed} đơn vị; {owing} đơn vị có nhiệm vụ đang theo dõi",
    },
    "en": {
        "no_officer": "no officer yet",
        "unreachable": "unreachable",
        "joined": "{name} ({role}, {day})",
        "summary": "{joined}/{owing} agencies have a reporting officer",
        "summary_unreachable": "; {count} have only officers who cannot be reached",
        "counts": "{listed} agencies; {owing} owe tasks being followed",
    },
}

agencies_app = typer.Typer(help="The agencies: what each owes, who has joined for it.")
app.add_typer(agencies_app, name="agencies")


@agencies_app.callback(invoke_without_command=True)
def agencies(
    ctx: typer.Context,
    contacts: Annotated[
        bool, typer.Option("--contacts", help="Who has joined for each agency, and who has not.")
    ] = False,
    directive: Annotated[
        str | None,
        typer.Option("--directive", help="Only agencies owing a task in this directive."),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Every agency (registry order) with its open tasks; --contacts adds who has joined."""
    if ctx.invoked_subcommand is not None:
        return
    with friendly_errors():
        config, engine = setup(config_path)
        with session_scope(engine) as session:
            try:
                wanted = directive_named(session=session, code=directive) if directive else None
            except LookupError:
                raise UserError(f"unknown directive {directive!r} (see `dondoc load`)") from None
            roll = read_roll(session=session, directive=wanted)
    w = ROLL_WORDS.get(config.bot.locale, ROLL_WORDS["vi"])
    scope = f" in {wanted.code}" if wanted else ""
    table = Table(title=f"dondoc — {len(roll.agencies)} agencies{scope}")
    for column in ("code", "name", "kind", "open tasks"):
        table.add_column(column, justify="right" if column == "open tasks" else "left")
    if contacts:
        table.add_column("contacts")
    for agency in roll.agencies:
        # Names are text, not markup: a "[" in a name stays as written.
        row = [escape(agency.code), escape(agency.name), escape(agency.kind)]
        row.append(str(len(agency.tasks)))
        if contacts:
            row.append(_contacts_cell(agency, config, w))
        table.add_row(*row)
    out.print(table)
    owing = roll.owing
    if not contacts:
        out.print(w["counts"].format(listed=len(roll.agencies), owing=len(owing)), highlight=False)
        return
    joined = [a for a in owing if a.contacts_in(Role.OFFICER)]
    lost = [a for a in joined if not a.reachable(Role.OFFICER)]
    summary = w["summary"].format(joined=len(joined), owing=len(owing))
    if lost:
        summary += w["summary_unreachable"].format(count=len(lost))
    out.print(summary, highlight=False)


def _contacts_cell(agency: AgencyOnRoll, config: Config, w: dict[str, str]) -> str:
    """Its active contacts a line each; an agency that owes tasks without an officer marked."""
    lines = [_joined(contact, config, w) for contact in agency.contacts]
    if agency.tasks and not agency.contacts_in(Role.OFFICER):
        lines.insert(0, f"[bold red]{escape(w['no_officer'])}[/bold red]")
    return "\n".join(lines)


def _joined(contact: JoinedContact, config: Config, w: dict[str, str]) -> str:
    day = contact.joined_at.astimezone(config.schedule.zone).strftime("%d/%m/%Y")
    text = escape(
        w["joined"].format(
            name=contact.display_name, role=role_label(contact.role, config.bot.locale), day=day
        )
    )
    if contact.unreachable:
        text += f" — [yellow]{escape(w['unreachable'])}[/yellow]"
    return text


def _agency_change(config_path: ConfigOption, change: Callable[..., AgencyChange]) -> AgencyChange:
    """Make one change to the registry now, audited as "cli"; a refusal is one line."""
    with friendly_errors():
        config, engine = setup(config_path)
        try:
            with session_scope(engine) as session:
                return change(session=session, now=datetime.now(UTC), actor="cli")
        except Refused as refused:
            why = say(refused.key, config.bot.locale, **refused.values)
            raise UserError(html.unescape(re.sub(r"<[^>]+>", "", why))) from None


@agencies_app.command("add")
def agencies_add(
    code: Annotated[str, typer.Argument(help="A new stable code (lower case, e.g. so-dan-toc).")],
    name: Annotated[str, typer.Argument(help="Its official name.")],
    kind: Annotated[str, typer.Option("--kind", help="so, ban, nganh, xa, phuong, …")] = "khac",
    config_path: ConfigOption = None,
) -> None:
    """A new agency in the registry (add it to the registry file too, to keep them one)."""
    done = _agency_change(config_path, partial(add_agency, code=code, name=name, kind=kind))
    out.print(f"{done.code}: {done.name} added", highlight=False)


@agencies_app.command("rename")
def agencies_rename(
    code: Annotated[str, typer.Argument(help="The agency's code.")],
    name: Annotated[str, typer.Argument(help="Its new official name.")],
    config_path: ConfigOption = None,
) -> None:
    """A new official name from now on; past periods keep the old one (also kept as an alias)."""
    done = _agency_change(config_path, partial(rename_agency, code=code, name=name))
    out.print(f"{done.code}: now {done.name!r}; past periods keep the old name", highlight=False)


@agencies_app.command("merge")
def agencies_merge(
    code: Annotated[str, typer.Argument(help="The agency merged away.")],
    into: Annotated[str, typer.Argument(help="Its successor's code.")],
    config_path: ConfigOption = None,
) -> None:
    """An agency merged into another from now on: its open tasks and contacts go there."""
    done = _agency_change(config_path, partial(merge_agency, code=code, into=into))
    out.print(
        f"{done.code} merged into {done.successor_code}: {done.tasks_moved} open task(s) and "
        f"{done.contacts_moved} contact(s) moved; past periods stay as they were",
        highlight=False,
    )


@agencies_app.command("end")
def agencies_end(
    code: Annotated[str, typer.Argument(help="The agency abolished.")],
    config_path: ConfigOption = None,
) -> None:
    """An agency abolished with no successor: it owes nothing more, its contacts are revoked."""
    done = _agency_change(config_path, partial(end_agency, code=code))
    out.print(f"{done.code} ended: {done.tasks_moved} task(s) no longer requested", highlight=False)
