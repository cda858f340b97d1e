"""Task tables: the annex (Phụ lục) that lists a plan's tasks one row each.

Columns are found by their Vietnamese headers, whatever their order: STT,
Nhiệm vụ (Nội dung), Cơ quan chủ trì, Cơ quan phối hợp, Thời gian hoàn thành,
Sản phẩm. A header may take two rows ("Cơ quan thực hiện" over "Chủ trì |
Phối hợp") and be followed by a row of column numbers ("(1) | (2) | …").
A row numbered I., II. (or A., B.) is a group heading; a row without a number
continues the row above (a cell broken over a page).

Every reader hands tables over in one shape: a row per line, cells between
"|" (Markdown, HTML and Word tables), or separated by tabs (a table copied
into plain text). Line breaks inside a cell are LINE_BREAK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from importer.agencies import labelled_assignees, task_title
from importer.deadlines import deadline_in_cell
from importer.model import ImportedTask
from importer.names import Registry, fold

LINE_BREAK = "\u2028"

_COLUMNS = (
    ("number", re.compile(r"^(?:stt|tt|so tt|so thu tu)$")),
    ("coordinating", re.compile(r"phoi hop")),
    ("lead", re.compile(r"chu tri|(?:co quan|don vi)\s+(?:thuc hien|thuc hien chinh|dau moi)")),
    ("time", re.compile(r"thoi gian|thoi han|tien do|hoan thanh")),
    ("product", re.compile(r"san pham|hinh thuc|ket qua")),
    ("note", re.compile(r"^ghi chu")),
    ("task", re.compile(r"nhiem vu|noi dung|cong viec|hoat dong|giai phap|de an|chuong trinh")),
)
_GROUP = re.compile(r"^(?:[IVX]{1,5}|[A-H])\.?$")
_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?$")
_COLUMN_NUMBER = re.compile(r"^\(?\s*(?:\d{1,2}|[A-Z])\s*\)?$")


@dataclass
class TableRow:
    """One task of a table: its number and cells by column kind."""

    number: str
    task: str
    lead: str = ""
    coordinating: str = ""
    time: str = ""
    product: str = ""
    group: str = ""
    group_lead: str = ""


@dataclass
class TaskTable:
    """A task table and the lines of the text it took."""

    start: int
    end: int
    rows: list[TableRow] = field(default_factory=list)


def cells_of(line: str) -> list[str] | None:
    """The cells of a table line ("| a | b |", "a | b | c", "a\\tb\\tc"), or None."""
    stripped = line.strip()
    if stripped.count("|") >= 2 or (stripped.startswith("|") and stripped.count("|") >= 1):
        parts = stripped.split("|")
        if stripped.startswith("|"):
            parts = parts[1:]
        if stripped.endswith("|"):
            parts = parts[:-1]
    elif line.count("\t") >= 2:
        parts = line.split("\t")
    else:
        return None
    return [p.replace(LINE_BREAK, "\n").strip() for p in parts]


def _separator(cells: list[str]) -> bool:
    return all(re.fullmatch(r":?-{2,}:?|", c) for c in cells) and any(cells)


def columns_of(header: list[list[str]]) -> dict[str, int] | None:
    """Column kind → index, from one or two header rows; None unless it lists tasks and leads."""
    width = max(len(row) for row in header)
    columns: dict[str, int] = {}
    for index in range(width):
        words = " ".join(fold(row[index]) for row in header if index < len(row) and row[index])
        words = re.sub(r"\s+", " ", words).strip()
        if not words:
            continue
        for kind, pattern in _COLUMNS:
            if pattern.search(words) and kind not in columns:
                columns[kind] = index
                break
    if "task" in columns and "lead" in columns:
        return columns
    return None


def find_task_tables(lines: list[str]) -> list[TaskTable]:
    """Every task table in the text, with its rows.

    A table broken by a page (its rows go on after a page number, the header not repeated)
    is one table.
    """
    tables: list[TaskTable] = []
    blocks: list[tuple[int, int, list[list[str]]]] = []
    index = 0
    while index < len(lines):
        if cells_of(lines[index]) is None:
            index += 1
            continue
        start = index
        block: list[list[str]] = []
        while index < len(lines):
            cells = cells_of(lines[index])
            if cells is None:
                if lines[index].strip():
                    break
                index += 1  # a blank line inside a table (a wrapped crawl) does not end it
                continue
            if not _separator(cells):
                block.append(cells)
            index += 1
        if blocks and _goes_on(blocks[-1], start, block, lines):
            first, _, rows = blocks[-1]
            blocks[-1] = (first, index, rows + block)
        else:
            blocks.append((start, index, block))
    for start, end, block in blocks:
        table = _read_table(block, start, end)
        if table is not None:
            tables.append(table)
    return tables


def _goes_on(
    before: tuple[int, int, list[list[str]]], start: int, block: list[list[str]], lines: list[str]
) -> bool:
    """Whether a table without a header continues the one before it, across a page break."""
    _, end, rows = before
    between = [line.strip() for line in lines[end:start] if line.strip()]
    if len(between) > 3 or any(len(line) > 20 for line in between):
        return False
    if any(columns_of([row]) for row in block[:2]) or not any(columns_of([r]) for r in rows[:4]):
        return False
    return max(len(r) for r in block) == max(len(r) for r in rows)


def _read_table(block: list[list[str]], start: int, end: int) -> TaskTable | None:
    for head in range(min(len(block), 4)):
        columns = columns_of(block[head : head + 1])
        if columns is None:
            continue
        body = head + 1
        # "Cơ quan thực hiện" over "Chủ trì | Phối hợp": the second row completes the first.
        if body < len(block) and _is_sub_header(block[body]):
            columns = columns_of(block[head : body + 1]) or columns
            body += 1
        header = block[head:body]
        while body < len(block) and _column_numbers(block[body]):
            body += 1
        # A header repeated at the top of each page is not a row.
        rows = [r for r in block[body:] if r not in header and not _column_numbers(r)]
        return TaskTable(start, end, _rows(rows, columns))
    return None


def _column_numbers(cells: list[str]) -> bool:
    return all(_COLUMN_NUMBER.match(c) or not c for c in cells)


def _is_sub_header(cells: list[str]) -> bool:
    words = {fold(c) for c in cells if c}
    return bool(words) and all(re.search(r"chu tri|phoi hop|thuc hien", w) for w in words)


def _cell(cells: list[str], columns: dict[str, int], kind: str) -> str:
    index = columns.get(kind)
    return cells[index] if index is not None and index < len(cells) else ""


def _rows(block: list[list[str]], columns: dict[str, int]) -> list[TableRow]:
    rows: list[TableRow] = []
    group, group_lead = "", ""
    counter = 0
    for cells in block:
        if not any(cells):
            continue
        number = _cell(cells, columns, "number").strip()
        task = _cell(cells, columns, "task")
        lead = _cell(cells, columns, "lead")
        if _GROUP.match(number) or (not number and "number" in columns and _all_one(cells)):
            # A group row heads the rows below: its label numbers them, a lead it names is theirs.
            group = number.rstrip(".") if number else group
            group_lead = lead if lead and lead != task else ""
            continue
        if not number and "number" in columns and rows:
            _continue(rows[-1], cells, columns)
            continue
        counter += 1
        numbered = _NUMBER.match(number)
        rows.append(
            TableRow(
                number=numbered.group(1) if numbered else number or str(counter),
                task=task,
                lead=lead,
                coordinating=_cell(cells, columns, "coordinating"),
                time=_cell(cells, columns, "time"),
                product=_cell(cells, columns, "product"),
                group=group,
                group_lead=group_lead,
            )
        )
    _headings_over_sub_rows(rows)
    return rows


def _all_one(cells: list[str]) -> bool:
    """A row whose cells all say one thing: a group title merged across the table's width."""
    said = [c for c in cells if c]
    return len(said) >= 2 and len(set(said)) == 1


def _continue(row: TableRow, cells: list[str], columns: dict[str, int]) -> None:
    """A row without a number: the cells of the row above, broken over a page."""
    for kind in ("task", "lead", "coordinating", "time", "product"):
        more = _cell(cells, columns, kind)
        if more:
            before = getattr(row, kind)
            setattr(row, kind, f"{before}\n{more}" if before else more)


def _headings_over_sub_rows(rows: list[TableRow]) -> None:
    """A numbered row with sub-rows ("1" over "1.1", "1.2") heads them: its lead is theirs."""
    numbers = [r.number for r in rows]
    for row in list(rows):
        if not any(n.startswith(row.number + ".") for n in numbers):
            continue
        rows.remove(row)
        for child in rows:
            if child.number.startswith(row.number + ".") and not child.lead.strip():
                child.lead = row.lead


def table_tasks(table: TaskTable, registry: Registry, issued: date) -> list[ImportedTask]:
    """The table's rows as tasks: the cells give the lead, the coordinating and the deadline."""
    tasks = []
    for row in table.rows:
        assignees = labelled_assignees([row.lead], [row.coordinating], registry)
        review = []
        if not assignees.lead and row.group_lead:
            assignees.merge(labelled_assignees([row.group_lead], [], registry))
            review.append("lead taken from the group row above")
        if not assignees.lead:
            review.append("no lead agency in the table row: name one before loading")
        text = row.task.strip()
        if row.product.strip():
            text += f"\nSản phẩm: {' '.join(row.product.split())}"
        tasks.append(
            ImportedTask(
                number=row.number,
                title=task_title(text.split("\n")[0], registry),
                text=text,
                assignees=assignees,
                deadline=deadline_in_cell(row.time, issued),
                review=review,
            )
        )
    groups = [row.group for row in table.rows]
    if len({t.number for t in tasks}) < len(tasks) and all(groups):
        # Numbers restart in each group (I. 1, 2; II. 1, 2): the group is part of the number.
        for task, group in zip(tasks, groups, strict=True):
            task.number = f"{group}.{task.number}"
    return tasks
