"""Table rows written straight as WordprocessingML, for tables of thousands of rows.

python-docx builds a cell through a dozen proxy calls, and several of them (adding a row,
setting a width, merging cells) search the whole table again each time: a city's annex, a
row per task and lead agency, took minutes. Here each row is composed as a `<w:tr>` string,
a batch of rows parsed at once and moved into the table, which takes well under a second.

The XML is what `docx_kit.cell_text` and python-docx's `_Cell.merge` wrote for the same
rows, element for element, so the document is unchanged: each line a paragraph in the given
style with one run (a tab a `<w:tab/>`, a line break a `<w:br/>`), the cell's width in twips,
and a vertical merge as `restart` on the first cell and a bare `<w:vMerge/>` below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm
from docx.table import Table

# A cell: its lines (a string is one line), or None where the cell above reaches down into
# this row (a vertical merge).
Cell = str | Sequence[str] | None
Row = Sequence[Cell]

BATCH = 500  # rows parsed at once: a string under a megabyte, not the whole table

# What XML 1.0 cannot hold (most C0 controls, surrogates, U+FFFE and U+FFFF): dropped, where
# python-docx would refuse the whole document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_RUN_BREAK = re.compile("([\t\r\n])")
# Each row declares the namespace itself. lxml, moving an element into the document, looks
# up every descendant's namespace, and when the declaration sits above the moved element that
# takes time growing with the square of its size (a cell merged over thousands of rows holds
# thousands of paragraphs); declared on the row, the move is linear, and the declaration is
# dropped there as the document's own makes it redundant.
_W = nsdecls("w")


def append_rows(
    table: Table,
    groups: Iterable[Sequence[Row]],
    widths_mm: Sequence[float],
    *,
    style_id: str,
) -> None:
    """Add rows to the bottom of `table`, group by group; a None cell continues the one above.

    Merges stay inside a group (a task and its agencies), so a group's first row has no None.
    """
    twips = [Mm(width).twips for width in widths_mm]
    batch: list[str] = []
    for group in groups:
        batch.extend(_group_xml(group, twips, style_id))
        if len(batch) >= BATCH:
            _move_into(table, batch)
            batch = []
    if batch:
        _move_into(table, batch)


def _move_into(table: Table, rows: list[str]) -> None:
    """Parse the rows' XML at once and append them to the table's own element."""
    parsed = parse_xml(f"<rows>{''.join(rows)}</rows>")
    table._tbl.extend(list(parsed))


def _group_xml(group: Sequence[Row], twips: Sequence[int], style_id: str) -> list[str]:
    """The `<w:tr>` of each row of a group, its cells merged down where the rows below say."""
    if group and any(cell is None for cell in group[0]):
        raise ValueError("a group's first row has no cell above it to continue")
    rows = []
    for row, reach in zip(group, _reach_below(group, len(twips)), strict=True):
        cells = []
        for cell, width, below in zip(row, twips, reach, strict=True):
            if cell is None:
                cells.append(_continued_cell(width))
            else:
                lines = [cell] if isinstance(cell, str) else list(cell)
                cells.append(_cell(lines, width, style_id, below))
        rows.append(f"<w:tr {_W}>{''.join(cells)}</w:tr>")
    return rows


def _reach_below(group: Sequence[Row], columns: int) -> list[list[int]]:
    """How many rows below each cell of the group it reaches into (the None cells under it).

    Counted from the bottom up, so that a task given to thousands of agencies stays linear.
    """
    for row in group:
        if len(row) != columns:
            raise ValueError(f"a row of {len(row)} cells in a table of {columns} columns")
    reach = [[0] * columns for _ in group]
    for index in range(len(group) - 2, -1, -1):
        for column, cell in enumerate(group[index + 1]):
            if cell is None:
                reach[index][column] = reach[index + 1][column] + 1
    return reach


def _cell(lines: Sequence[str], width: int, style_id: str, below: int) -> str:
    """A cell with a paragraph per line; merged down over `below` more rows when not 0.

    A merged cell ends with an empty paragraph for each row it reaches into: python-docx's
    merge moved each covered cell's (empty) line up into it, and the report keeps that layout.
    """
    paragraphs = [_paragraph(line, style_id) for line in lines or [""]]
    paragraphs.extend([_paragraph("", style_id)] * below)
    merge = '<w:vMerge w:val="restart"/>' if below else ""
    return f"<w:tc>{_cell_properties(width, merge)}{''.join(paragraphs)}</w:tc>"


def _continued_cell(width: int) -> str:
    """A cell covered by the merged cell above: only the paragraph Word requires."""
    return f"<w:tc>{_cell_properties(width, '<w:vMerge/>')}<w:p/></w:tc>"


def _cell_properties(width: int, merge: str) -> str:
    return f'<w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{merge}</w:tcPr>'


def _paragraph(line: str, style_id: str) -> str:
    """One line of a cell: a paragraph in the table's style holding one run."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{_run(line)}</w:p>'


def _run(text: str) -> str:
    """A `<w:r>` of `text` as python-docx's `add_run` writes it, less what XML cannot hold."""
    text = _NOT_XML.sub("", text)
    if not text:
        return "<w:r/>"
    parts = []
    for piece in _RUN_BREAK.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            # Word drops a text's outer blanks unless told to keep them.
            keep = ' xml:space="preserve"' if piece.strip() != piece else ""
            parts.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return f"<w:r>{''.join(parts)}</w:r>"
