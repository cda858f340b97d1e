"""Loading the TOML data files (agency registry, directives) into the database.

Loading is idempotent: every row is matched on its stable code (agency,
group, directive, task number), so loading the same file twice changes
nothing, and loading an edited file updates what changed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from db.agencies import end_agency, merge_agency
from db.models import (
    Agency,
    AgencyGroup,
    AgencyGroupMember,
    AgencyName,
    Assignment,
    AssignmentRole,
    Directive,
    StatusReport,
    Task,
)


class DataFileError(Exception):
    """A data file that cannot be loaded, worded as `file: where: problem`."""


@dataclass
class LoadResult:
    """What a load created and changed."""

    source: str
    kind: str
    created: int = 0
    updated: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the load wrote anything."""
        return bool(self.created or self.updated)


def read_data_file(path: Path) -> dict[str, Any]:
    """Parse a data file, with a clear error for a missing or malformed one."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML: {exc}") from None


def data_file_kind(data: dict[str, Any]) -> str:
    """ "registry" or "directive", from the file's top-level tables."""
    if "agency" in data or "registry" in data:
        return "registry"
    if "directive" in data:
        return "directive"
    return "unknown"


def load_data(
    *, session: Session, data: dict[str, Any], source: str, now: datetime | None = None
) -> LoadResult:
    """Load one parsed data file of either kind (`now`: when its changes take effect)."""
    kind = data_file_kind(data)
    if kind == "registry":
        return load_registry(session=session, data=data, source=source, now=now)
    if kind == "directive":
        return load_directive(session=session, data=data, source=source, now=now)
    raise DataFileError(f"{source}: neither a registry ([[agency]]) nor a directive ([directive])")


def _set(row: Any, values: dict[str, Any]) -> bool:
    """Assign the values that differ; whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _id(row: Agency | AgencyGroup | Task | Directive) -> int:
    """The primary key of a flushed row."""
    assert row.id is not None
    return row.id


def _require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table or table[key] in ("", None):
        raise DataFileError(f"{where}: missing {key!r}")
    return table[key]


def _upsert(
    session: Session, model: Any, code: str, values: dict[str, Any], result: LoadResult
) -> Any:
    """The row of `model` with this code, created or brought up to date."""
    row = session.exec(select(model).where(model.code == code)).first()
    if row is None:
        row = model(code=code, **values)
        session.add(row)
        session.flush()
        result.created += 1
    elif _set(row, values):
        result.updated += 1
    return row


def load_registry(
    *, session: Session, data: dict[str, Any], source: str, now: datetime | None = None
) -> LoadResult:
    """Agencies and groups, matched on their codes; group members synchronised.

    A new name is kept with the time it ended; a body marked `until` (with `merged_into`
    its successor) is merged or ended from `now` (db/agencies.py).
    """
    now = now or datetime.now(UTC)
    result = LoadResult(source=source, kind="registry")
    agencies: dict[str, Agency] = {}
    ending: dict[str, str | None] = {}  # code: its successor (None: abolished)
    for index, table in enumerate(data.get("agency", []), start=1):
        where = f"{source}: agency #{index}"
        code = _require(table, "code", where)
        if code in agencies:
            raise DataFileError(f"{where}: duplicate code {code!r}")
        values = {
            "name": _require(table, "name", f"{where} ({code})"),
            "kind": table.get("kind", "khac"),
            "aliases": list(table.get("aliases", [])),
        }
        known = _agency_by_code(session, code)
        if known is not None and known.name != values["name"]:
            # Renamed: past periods keep the name they had (db/agencies.py).
            session.add(AgencyName(agency_id=_id(known), name=known.name, until=now))
            result.details.append(f"{where} ({code}): renamed from {known.name!r}")
        if known is None or known.ended_at is None:
            values["active"] = bool(table.get("active", True))
        agencies[code] = _upsert(session, Agency, code, values, result)
        if "until" in table or "merged_into" in table:
            ending[code] = table.get("merged_into")

    for index, table in enumerate(data.get("group", []), start=1):
        where = f"{source}: group #{index}"
        code = _require(table, "code", where)
        values = {
            "name": _require(table, "name", f"{where} ({code})"),
            "aliases": list(table.get("aliases", [])),
        }
        group = _upsert(session, AgencyGroup, code, values, result)
        wanted: set[int] = set()
        for member in table.get("members", []):
            agency = agencies.get(member) or _agency_by_code(session, member)
            if agency is None:
                raise DataFileError(f"{where} ({code}): unknown member agency {member!r}")
            wanted.add(_id(agency))
        current = {
            m.agency_id: m
            for m in session.exec(
                select(AgencyGroupMember).where(AgencyGroupMember.group_id == group.id)
            )
        }
        for agency_id in wanted - current.keys():
            session.add(AgencyGroupMember(group_id=group.id, agency_id=agency_id))
            result.created += 1
        for agency_id in current.keys() - wanted:
            session.delete(current[agency_id])
            result.updated += 1
    session.flush()
    # Bodies the file says were merged or abolished: their open tasks and contacts move
    # (or end) now, once; loading the file again finds them ended and changes nothing.
    for code, successor in ending.items():
        if agencies[code].ended_at is not None:
            continue
        if successor:
            if successor not in agencies and _agency_by_code(session, successor) is None:
                raise DataFileError(f"{source}: {code}: unknown merged_into {successor!r}")
            change = merge_agency(session=session, code=code, into=successor, now=now, actor="cli")
            result.details.append(
                f"{code} merged into {successor}: {change.tasks_moved} task(s), "
                f"{change.contacts_moved} contact(s) moved"
            )
        else:
            change = end_agency(session=session, code=code, now=now, actor="cli")
            result.details.append(f"{code} ended: {change.tasks_moved} task(s) no longer owed")
        result.updated += 1
    session.flush()
    return result


def _agency_by_code(session: Session, code: str) -> Agency | None:
    return session.exec(select(Agency).where(Agency.code == code)).first()


def expand_codes(session: Session, codes: list[str], where: str) -> list[tuple[int, int | None]]:
    """Agency ids for agency or group codes, as (agency_id, via_group_id), in order."""
    expanded: list[tuple[int, int | None]] = []
    for code in codes:
        agency = _agency_by_code(session, code)
        if agency is not None:
            expanded.append((agency.id, None))  # type: ignore[arg-type]
            continue
        group = session.exec(select(AgencyGroup).where(AgencyGroup.code == code)).first()
        if group is None:
            raise DataFileError(
                f"{where}: unknown agency or group code {code!r} (load the registry first?)"
            )
        members = session.exec(
            select(AgencyGroupMember.agency_id)
            .where(AgencyGroupMember.group_id == group.id)
            .order_by(col(AgencyGroupMember.agency_id))
        ).all()
        expanded.extend((agency_id, group.id) for agency_id in members)
    return expanded


def _as_date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DataFileError(f"{where}: not a date (YYYY-MM-DD): {value!r}") from None


def load_directive(
    *, session: Session, data: dict[str, Any], source: str, now: datetime | None = None
) -> LoadResult:
    """A directive with its tasks and their assignments (groups expanded to members).

    Reloaded after an edit, an agency added to a task owes it from `now`, and one taken
    off a task it has reported on is relieved of it from `now` (its reports stay).
    """
    now = now or datetime.now(UTC)
    result = LoadResult(source=source, kind="directive")
    head = data["directive"]
    where = f"{source}: [directive]"
    code = _require(head, "code", where)
    tracker = head.get("tracker")
    tracker_agency = _agency_by_code(session, tracker) if tracker else None
    if tracker and tracker_agency is None:
        raise DataFileError(
            f"{where}: unknown tracker agency {tracker!r} (load the registry first?)"
        )
    directive = _upsert(
        session,
        Directive,
        code,
        {
            "subject": _require(head, "subject", where),
            "issuer": _require(head, "issuer", where),
            "issued_on": _as_date(_require(head, "date", where), f"{where} date"),
            "signer": head.get("signer"),
            "cadence": head.get("cadence", "monthly"),
            "tracker_agency_id": tracker_agency.id if tracker_agency else None,
            # No more requests after this day (the cycle closes it then).
            "ends_on": _as_date(head.get("ends"), f"{where} ends"),
        },
        result,
    )
    tasks = data.get("task", [])
    if not tasks:
        raise DataFileError(f"{source}: the directive has no [[task]]")
    seen: set[str] = set()
    for position, table in enumerate(tasks, start=1):
        task_where = f"{source}: task #{position}"
        number = str(_require(table, "number", task_where))
        task_where = f"{source}: task {number}"
        if number in seen:
            raise DataFileError(f"{task_where}: duplicate task number")
        seen.add(number)
        values = {
            "position": position,
            "title": _require(table, "title", task_where),
            "text": table.get("text", ""),
            "deadline": _as_date(table.get("deadline"), f"{task_where} deadline"),
            "monthly": bool(table.get("monthly", True)),
        }
        task = session.exec(
            select(Task).where(Task.directive_id == directive.id, Task.number == number)
        ).first()
        since = None  # a new task's agencies owe it from the start
        if task is None:
            task = Task(directive_id=directive.id, number=number, **values)
            session.add(task)
            session.flush()
            result.created += 1
        else:
            since = now
            if _set(task, values):
                result.updated += 1
        _sync_assignments(session, task, table, task_where, result, since=since, now=now)
    session.flush()
    return result


def _sync_assignments(
    session: Session,
    task: Task,
    table: dict[str, Any],
    where: str,
    result: LoadResult,
    *,
    since: datetime | None,
    now: datetime,
) -> None:
    """Make the task's assignments match the file; a lead role wins over coordinating."""
    wanted: dict[int, tuple[AssignmentRole, int | None]] = {}
    for agency_id, via in expand_codes(session, list(table.get("coordinating", [])), where):
        wanted[agency_id] = (AssignmentRole.COORDINATING, via)
    for agency_id, via in expand_codes(session, list(table.get("lead", [])), where):
        wanted[agency_id] = (AssignmentRole.LEAD, via)
    if not wanted:
        raise DataFileError(f"{where}: no lead or coordinating agency")
    current = {
        a.agency_id: a
        for a in session.exec(select(Assignment).where(Assignment.task_id == task.id))
    }
    for agency_id, (role, via) in wanted.items():
        row = current.get(agency_id)
        if row is None:
            session.add(
                Assignment(
                    task_id=_id(task), agency_id=agency_id, role=role, via_group_id=via, since=since
                )
            )
            result.created += 1
        else:
            if row.ended_at is not None:  # the file is the truth: owed again from now
                result.details.append(
                    f"{where}: agency #{agency_id} given the task again "
                    f"(relieved of it on {row.ended_at:%Y-%m-%d})"
                )
            if _set(row, {"role": role, "via_group_id": via, "ended_at": None}):
                result.updated += 1
    for agency_id, row in current.items():
        if agency_id in wanted or row.ended_at is not None:
            continue
        has_reports = session.exec(
            select(StatusReport.id).where(StatusReport.assignment_id == row.id)
        ).first()
        if has_reports is None:
            session.delete(row)
            result.updated += 1
        else:
            row.ended_at = now
            result.updated += 1
            result.details.append(
                f"{where}: agency #{agency_id} relieved of the task; its reports are kept"
            )
