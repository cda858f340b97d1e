"""What an import proposes: tasks with their agencies, deadline, parts and review notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from importer.agencies import Assignees
from importer.deadlines import Cadence, Deadline
from importer.header import Header
from importer.names import Found


@dataclass
class Part:
    """One paragraph (or run of paragraphs) of a task with its own lead."""

    text: str
    assignees: Assignees


@dataclass
class ImportedTask:
    """A task as read: number, title, text, agencies, deadline, parts."""

    number: str
    title: str
    text: str
    assignees: Assignees
    deadline: Deadline | None = None
    monthly: bool = True
    parts: list[Part] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


@dataclass
class ImportedDirective:
    """Everything an import proposes for a person to confirm."""

    header: Header
    recipients: list[Found]
    tasks: list[ImportedTask]
    tracker: Found | None = None
    cadence: Cadence | None = None
    warnings: list[str] = field(default_factory=list)
