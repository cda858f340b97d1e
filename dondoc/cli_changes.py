"""The administrator's changes to what is followed: `dondoc close`, `extend`, `assign`,
`unassign` — the same changes (db/lifecycle.py) and the same words as the secretariat's
chat commands, dated now and audited as "cli" — and `dondoc history`, what was said of a
task or by an agency month by month.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlmodel import Session

from bot.lifecycle import parse_day, shown
from bot.texts import say, status_label
from db import lifecycle, periods, questions
from db.engine import session_scope
from db.history import agency_history, task_history
from db.models import AssignmentRole
from dondoc.cli_common import ConfigOption, UserError, app, friendly_errors, out, setup

ACTOR = "cli"
Change = Callable[[Session, datetime], tuple[str, dict[str, object]]]


def _plain(text: str) -> str:
    """A chat text (Telegram HTML) as a terminal line."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _run(config_path: object, change: Change) -> None:
    """Make one change now; print what it did, or its refusal as a one-line error."""
    with friendly_errors():
        config, engine = setup(config_path)  # type: ignore[arg-type]
        locale = config.bot.locale
        try:
            with session_scope(engine) as session:
                key, values = change(session, datetime.now(UTC))
        except lifecycle.Refused as refused:
            why = say(refused.key, locale, **shown(refused.values, locale))
            raise UserError(_plain(why)) from None
        out.print(_plain(say(key, locale, **shown(values, locale))), highlight=False)


Code = Annotated[str, typer.Argument(help="The directive's number, e.g. 2658/UBND-KT.")]
Number = Annotated[str, typer.Argument(help="The task's number, e.g. 2.1.")]
AgencyCode = Annotated[str, typer.Argument(help="The agency's code in the registry.")]


@app.command()
def close(
    code: Code,
    number: Annotated[
        str | None, typer.Argument(help="The task accepted as done; none with --directive.")
    ] = None,
    directive: Annotated[
        bool, typer.Option("--directive", help="Stop following the whole directive.")
    ] = False,
    config_path: ConfigOption = None,
) -> None:
    """A task accepted as done, or a whole directive closed: no more requests.

    Past months' digests stay as they were.
    """
    if (number is None) != directive:
        raise typer.BadParameter("give a task number, or --directive for the whole directive")

    def change(session: Session, now: datetime) -> tuple[str, dict[str, object]]:
        if number is None:
            closed = lifecycle.close_directive(session=session, code=code, now=now, actor=ACTOR)
            return "lifecycle.directive_closed_done", {
                "code": closed.code,
                "open": closed.open_tasks,
            }
        task = lifecycle.close_task(
            session=session, directive_code=code, number=number, now=now, actor=ACTOR
        )
        return "lifecycle.task_closed_done", {"code": task.directive_code, "number": task.number}

    _run(config_path, change)


@app.command()
def extend(
    code: Code,
    number: Number,
    deadline: Annotated[str, typer.Argument(help="The new deadline, 31/12/2026 or 2026-12-31.")],
    config_path: ConfigOption = None,
) -> None:
    """A task's deadline moved later (the old one is kept for the months it was in force)."""
    day = parse_day(deadline)
    if day is None:
        raise typer.BadParameter(f"not a date: {deadline!r} (e.g. 31/12/2026)")

    def change(session: Session, now: datetime) -> tuple[str, dict[str, object]]:
        task = lifecycle.extend_deadline(
            session=session, directive_code=code, number=number, deadline=day, now=now, actor=ACTOR
        )
        values = {"code": task.directive_code, "number": task.number}
        return "lifecycle.extended", {**values, "deadline": task.deadline, "old": task.old_deadline}

    _run(config_path, change)


@app.command()
def assign(
    code: Code,
    number: Number,
    agency: AgencyCode,
    coordinating: Annotated[
        bool, typer.Option("--coordinating", help="As a coordinating agency (default: lead).")
    ] = False,
    config_path: ConfigOption = None,
) -> None:
    """An agency given a task from now on: asked to report from the next send-out."""
    role = AssignmentRole.COORDINATING if coordinating else AssignmentRole.LEAD

    def change(session: Session, now: datetime) -> tuple[str, dict[str, object]]:
        given = lifecycle.add_assignment(
            session=session,
            directive_code=code,
            number=number,
            agency_code=agency,
            role=role,
            now=now,
            actor=ACTOR,
        )
        return "lifecycle.assigned", {
            "code": given.directive_code,
            "number": given.number,
            "agency": given.agency_name,
            "role": given.role,
        }

    _run(config_path, change)


@app.command()
def unassign(
    code: Code, number: Number, agency: AgencyCode, config_path: ConfigOption = None
) -> None:
    """An agency relieved of a task from now on; its reports stay with the past months."""

    def change(session: Session, now: datetime) -> tuple[str, dict[str, object]]:
        taken = lifecycle.remove_assignment(
            session=session,
            directive_code=code,
            number=number,
            agency_code=agency,
            now=now,
            actor=ACTOR,
        )
        values = {"code": taken.directive_code, "number": taken.number}
        return "lifecycle.unassigned", {**values, "agency": taken.agency_name}

    _run(config_path, change)


@app.command()
def history(
    code: Annotated[str | None, typer.Argument(help="The directive's number.")] = None,
    number: Annotated[str | None, typer.Argument(help="The task's number.")] = None,
    agency: Annotated[
        str | None, typer.Option("--agency", help="Every task of this agency instead.")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """A task's reports month by month (`history CODE TASK`), or an agency's (`--agency`)."""
    from rich.table import Table

    if (agency is None) == (code is None or number is None) or (agency and code):
        raise typer.BadParameter("give a directive and a task number, or --agency CODE")
    with friendly_errors():
        config, engine = setup(config_path)
        locale = config.bot.locale
        try:
            with session_scope(engine) as session:
                if agency is not None:
                    rows = agency_history(session=session, agency_code=agency)
                else:
                    assert code is not None and number is not None
                    rows = task_history(session=session, directive_code=code, number=number)
        except lifecycle.Refused as refused:
            raise UserError(_plain(say(refused.key, locale, **refused.values))) from None
    what = f"{agency}" if agency else f"{code} {number}"
    table = Table(title=f"dondoc — {what}, {len(rows)} month-lines")
    for column in ("month", "task", "agency", "status", "by", "note"):
        table.add_column(column)
    for row in rows:
        note = row.note or ""
        table.add_row(
            row.label,
            f"{row.number} ({row.directive_code})",
            row.agency_name,
            status_label(row.status, locale),
            row.reporter or "",
            note if len(note) <= 80 else note[:79] + "…",
        )
    out.print(table)


@app.command()
def ask(
    text: Annotated[str, typer.Argument(help="The question, as the Office writes it.")],
    due: Annotated[str, typer.Option("--due", help="The due day, 05/12/2026 or 2026-12-05.")],
    agency: Annotated[
        list[str] | None, typer.Option("--agency", help="An agency asked (repeat for more).")
    ] = None,
    task: Annotated[
        tuple[str, str] | None,
        typer.Option("--task", help="Every lead agency of a task: DIRECTIVE NUMBER."),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """A one-off question (báo cáo đột xuất) to agencies: owed at once to their officers
    (the running bot, or `dondoc cycle`, sends it)."""
    day = parse_day(due)
    if day is None:
        raise typer.BadParameter(f"not a date: {due!r} (e.g. 05/12/2026)")

    def change(session: Session, now: datetime) -> tuple[str, dict[str, object]]:
        current = periods.current_period(session=session, now=now)
        asked, names, messages = questions.ask(
            session=session,
            text=text,
            due_on=day,
            agency_codes=agency,
            task=task,
            now=now,
            actor=ACTOR,
            period_id=current.id if current is not None else None,
        )
        return "question.asked", {
            "count": len(names),
            "messages": messages,
            "due": f"{asked.due_on:%d/%m/%Y}",
            "names": ", ".join(names),
        }

    _run(config_path, change)
