"""The pieces of a Word document laid out as a Vietnamese administrative text.

Decree 30/2020/NĐ-CP (Appendix I): A4, margins 20/20/30/15 mm, Times New Roman 13–14 pt,
page numbers centred at the top from the second page. Fonts are set once through the styles
(not run by run: a report has thousands of runs), so every run takes Times New Roman — or,
where it is not installed (Debian's LibreOffice), its metric twin Liberation Serif.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
HEADER_PT = 13
TABLE_STYLE = "Table Text"
TABLE_STYLE_ID = "TableText"
ANNEX_PT = 11
ANNEX_STYLE = "Annex Text"
ANNEX_STYLE_ID = "AnnexText"


def portrait(section: Section) -> None:
    """A4 upright with the decree's margins."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)


def landscape(document: DocumentObject) -> Section:
    """A new section on a new page, A4 turned (an annex's wide table)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(15)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    return section


def page_numbers(section: Section) -> None:
    """The page number centred at the top, from the second page on (none on the first)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(HEADER_PT)
    # A PAGE field: begin, the instruction, separate, the value shown until it updates, end.
    for tag, value in (
        ("w:fldChar", "begin"),
        ("w:instrText", " PAGE "),
        ("w:fldChar", "separate"),
        ("w:t", "2"),
        ("w:fldChar", "end"),
    ):
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        run._r.append(element)


def styles(document: DocumentObject) -> None:
    """Times New Roman everywhere through the styles; table text a size smaller."""
    normal = document.styles["Normal"]
    typeface(normal._element)
    normal.font.size = Pt(BODY_PT)  # type: ignore[attr-defined]
    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal  # type: ignore[attr-defined]
    table_text.font.size = Pt(TABLE_PT)  # type: ignore[attr-defined]
    table_text.paragraph_format.space_after = Pt(1)  # type: ignore[attr-defined]
    table_text.paragraph_format.line_spacing = 1.0  # type: ignore[attr-defined]
    annex_text = document.styles.add_style(ANNEX_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    annex_text.base_style = table_text  # type: ignore[attr-defined]
    annex_text.font.size = Pt(ANNEX_PT)  # type: ignore[attr-defined]
    for name in ("Header", "Footer"):
        if name in [s.name for s in document.styles]:
            typeface(document.styles[name]._element)


def typeface(element: Any) -> None:
    """Set the serif face on a style or run element for every script."""
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def font(run: Run, size: float | None, bold: bool = False, italic: bool = False) -> None:
    """Only what differs from the paragraph's style."""
    if size is not None:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if italic:
        run.font.italic = True


def paragraph(
    container: DocumentObject | _Cell,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    after: float = 6,
    before: float = 0,
    justify: bool = False,
) -> Paragraph:
    """A body paragraph: first-line indent for prose, justified as the decree's samples are."""
    result = container.add_paragraph()
    if text:
        font(result.add_run(text), size, bold, italic)
    if align is not None:
        result.alignment = align
    elif justify:
        result.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = result.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Mm(12.7)
    return result


def cell_text(
    cell: _Cell,
    lines: Sequence[str],
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    style_id: str = TABLE_STYLE_ID,
) -> None:
    """Fill a cell with one paragraph per line (the cell's first, empty paragraph reused)."""
    first = True
    for line in lines or [""]:
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        # The style id written straight into the XML: python-docx's by-name lookup walks
        # every style each time, which dominates a report with thousands of cells.
        para._p.style = style_id
        run = para.add_run(line)
        if bold:
            run.font.bold = True
        if align is not None:
            para.alignment = align


def table(
    document: DocumentObject,
    header: Sequence[str],
    widths_mm: Sequence[float],
    style_id: str = TABLE_STYLE_ID,
) -> Table:
    """A ruled table with a bold header row repeated on every page."""
    result = document.add_table(rows=1, cols=len(header))
    result.style = "Table Grid"
    result.alignment = WD_TABLE_ALIGNMENT.CENTER
    fix_widths(result, widths_mm)
    for cell, text, width in zip(result.rows[0].cells, header, widths_mm, strict=True):
        cell_text(cell, [text], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, style_id=style_id)
        cell.width = Mm(width)
    repeat_header(result)
    return result


def fix_widths(target: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths: Word reads the cells', LibreOffice the grid's."""
    target.autofit = False
    for column, width in zip(target.columns, widths_mm, strict=True):
        column.width = Mm(width)


def repeat_header(target: Table) -> None:
    tr_pr = target.rows[0]._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr_pr.append(marker)


def keep_rows_whole(target: Table) -> None:
    """A row is not split over two pages (short rows only: a long one must break)."""
    for row in target.rows:
        tr_pr = row._tr.get_or_add_trPr()
        marker = OxmlElement("w:cantSplit")
        marker.set(qn("w:val"), "true")
        tr_pr.append(marker)


def no_borders(target: Table) -> None:
    tbl_pr = target._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def layout_grid(
    document: DocumentObject, widths_mm: Sequence[float], rows: int = 1
) -> list[list[_Cell]]:
    """A borderless table used only to place blocks side by side (header, signature)."""
    grid = document.add_table(rows=rows, cols=len(widths_mm))
    no_borders(grid)
    fix_widths(grid, widths_mm)
    for grid_row in grid.rows:
        for cell, width in zip(grid_row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return [list(r.cells) for r in grid.rows]
