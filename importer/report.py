"""What an import found, as a table for the terminal."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from importer.directive import ImportedDirective
from importer.names import Found


def _names(found: list[Found], open_set: bool = False) -> str:
    names = [f.code or f"{f.name}?" for f in found]
    if open_set:
        names.append("các đơn vị liên quan")
    return escape(", ".join(names))  # a document's text is never markup


def task_table(directive: ImportedDirective) -> Table:
    """Task number, lead, coordinating, deadline and the names not in the registry."""
    header = directive.header
    tracker = directive.tracker.code or directive.tracker.name if directive.tracker else "—"
    cadence = directive.cadence.every if directive.cadence else "—"
    table = Table(
        title=escape(
            f"{header.code or '?'} ({f'{header.date:%d/%m/%Y}' if header.date else '?'}) — "
            f"{header.issuer or '?'}\n"
            f"{header.subject or ''}\ntheo dõi: {tracker} · báo cáo: {cadence}"
        ),
        show_lines=False,
    )
    for column in ("task", "lead", "coordinating", "deadline", "review"):
        table.add_column(column, overflow="fold")
    for task in directive.tasks:
        table.add_row(
            escape(task.number + (f" ({len(task.parts)} parts)" if task.parts else "")),
            _names(task.assignees.lead) or "[red]—[/red]",
            _names(task.assignees.coordinating, task.assignees.coordinating_open),
            f"{task.deadline.due:%d/%m/%Y}" if task.deadline else "",
            "[yellow]" + escape("; ".join(task.review)) + "[/yellow]" if task.review else "",
        )
    return table
