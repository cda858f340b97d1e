"""The digest as a Word report laid out as a Vietnamese administrative document.

The layout follows Decree 30/2020/NĐ-CP (Appendix I): A4, margins 20/20/30/15 mm, Times New
Roman; the issuing body and the national motto side by side at the top, the number and the
place and date under them; the kind of document ("BÁO CÁO") and its summary centred; the body;
the recipients ("Nơi nhận") on the left and the signature block on the right at the end.
The body has one table per section, one row per task in the task table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from db.models import AssignmentRole
from jobs.digest import (
    CATEGORY_ORDER,
    AgencyEntry,
    Category,
    Digest,
    bucket_label,
    category_label,
    owing_agency_count,
    silent_assignments,
    status_text,
    words,
)

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
HEADER_PT = 13

REPORT_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "motto_1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto_2": "Độc lập - Tự do - Hạnh phúc",
        "number": "Số:        /BC-VP",
        "place_date": "{place}ngày {day} tháng {month} năm {year}",
        "kind": "BÁO CÁO",
        "summary_one": "Tình hình thực hiện các nhiệm vụ tại Văn bản số {code} ngày {date} "
        "của {issuer}, tháng {month}",
        "summary_many": "Tình hình thực hiện các nhiệm vụ tại các văn bản chỉ đạo, tháng {month}",
        "intro": "Thực hiện nhiệm vụ theo dõi, đôn đốc, báo cáo tình hình thực hiện các nhiệm vụ "
        "được giao, {office} tổng hợp tình hình thực hiện tháng {month} (số liệu đến {when}) "
        "như sau:",
        "office_default": "Văn phòng",
        "part_1": "I. KẾT QUẢ CHUNG",
        "part_2": "II. TÌNH HÌNH THỰC HIỆN TỪNG NHIỆM VỤ",
        "part_3": "III. KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT",
        "part_4": "IV. CÁC ĐƠN VỊ CHƯA BÁO CÁO",
        "part_5": "V. THAY ĐỔI SO VỚI THÁNG {month}",
        "part_5_none": "V. THAY ĐỔI SO VỚI KỲ TRƯỚC",
        "part_6": "VI. BÁO CÁO SỬA SAU KHI CHỐT KỲ",
        "directive": "Văn bản số {code}: {subject}",
        "col_category": "Tình trạng",
        "col_tasks": "Số nhiệm vụ",
        "col_share": "Tỷ lệ",
        "total": "Tổng số",
        "silent_line": "Số đơn vị chưa báo cáo: {count}/{total} đơn vị ({tasks} lượt nhiệm vụ).",
        "col_no": "STT",
        "col_number": "Số",
        "col_task": "Nhiệm vụ",
        "col_agencies": "Đơn vị chủ trì, phối hợp và kết quả báo cáo",
        "col_deadline": "Thời hạn",
        "col_overall": "Tình trạng chung",
        "col_agency": "Đơn vị",
        "col_content": "Nội dung",
        "col_date": "Ngày",
        "col_contacts": "Cán bộ đầu mối",
        "col_before": "Tháng trước",
        "col_after": "Tháng này",
        "col_at_close": "Lúc chốt kỳ",
        "col_now": "Hiện nay",
        "lead": "Chủ trì",
        "coordinating": "Phối hợp",
        "no_deadline": "Không có",
        "passed": "đã quá hạn",
        "none": "Không có.",
        "closing": "{office} kính báo cáo./.",
        "recipients": "Nơi nhận:",
        "recipient_lines": "- Lãnh đạo UBND Thành phố (để b/c);\n- Các đơn vị được giao nhiệm vụ;"
        "\n- Lưu: VT.",
        "signer": "CHÁNH VĂN PHÒNG",
    },
    "en": {
        "motto_1": "SOCIALIST REPUBLIC OF VIETNAM",
        "motto_2": "Independence - Freedom - Happiness",
        "number": "No.:        /BC-VP",
        "place_date": "{place}{day}/{month}/{year}",
        "kind": "REPORT",
        "summary_one": "Progress of the tasks of document {code} of {date} by {issuer}, {month}",
        "summary_many": "Progress of the tasks of the directives, {month}",
        "intro": "Following up the tasks assigned, {office} reports their progress in {month} "
        "(figures as of {when}):",
        "office_default": "The Office",
        "part_1": "I. OVERALL",
        "part_2": "II. TASK BY TASK",
        "part_3": "III. DIFFICULTIES AND REQUESTS",
        "part_4": "IV. AGENCIES THAT HAVE NOT REPORTED",
        "part_5": "V. CHANGES SINCE {month}",
        "part_5_none": "V. CHANGES SINCE THE PREVIOUS PERIOD",
        "part_6": "VI. REPORTS EDITED AFTER THE PERIOD CLOSED",
        "directive": "Document {code}: {subject}",
        "col_category": "Status",
        "col_tasks": "Tasks",
        "col_share": "Share",
        "total": "Total",
        "silent_line": "Agencies not reported: {count}/{total} ({tasks} assignments).",
        "col_no": "No.",
        "col_number": "Task",
        "col_task": "Title",
        "col_agencies": "Lead and coordinating agencies and their reports",
        "col_deadline": "Deadline",
        "col_overall": "Overall",
        "col_agency": "Agency",
        "col_content": "Content",
        "col_date": "Date",
        "col_contacts": "Contacts",
        "col_before": "Previous",
        "col_after": "This month",
        "col_at_close": "At the close",
        "col_now": "Now",
        "lead": "Lead",
        "coordinating": "Coordinating",
        "no_deadline": "None",
        "passed": "passed",
        "none": "None.",
        "closing": "Respectfully reported by {office}.",
        "recipients": "To:",
        "recipient_lines": "- City leaders;\n- Agencies assigned;\n- Archive.",
        "signer": "CHIEF OF OFFICE",
    },
}


def report_words(locale: str) -> dict[str, str]:
    """The report's own phrases in `locale`."""
    return REPORT_WORDS.get(locale, REPORT_WORDS["vi"])


def place_of(issuer: str) -> str:
    """The place name in an issuer such as "UBND Thành phố Hà Nội" (empty if none)."""
    found = re.search(r"(?:thành phố|tỉnh|tp\.?)\s+(.+)$", issuer, flags=re.IGNORECASE)
    return found.group(1).strip() if found else ""


def administrative_date(day: datetime, zone: ZoneInfo, locale: str, place: str) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2022": days under 10 and months under 3 get a zero."""
    local = day.astimezone(zone).date()
    w = report_words(locale)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return w["place_date"].format(
        place=f"{place}, " if place else "", day=f"{local.day:02d}", month=month, year=local.year
    )


TABLE_STYLE = "Table Text"
TABLE_STYLE_ID = "TableText"


def _styles(document: DocumentObject) -> None:
    """Times New Roman everywhere through the styles (not run by run: a big report has
    thousands of runs); the table text one size smaller, with little space after."""
    normal = document.styles["Normal"]
    _typeface(normal._element)
    normal.font.size = Pt(BODY_PT)  # type: ignore[attr-defined]
    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal  # type: ignore[attr-defined]
    table_text.font.size = Pt(TABLE_PT)  # type: ignore[attr-defined]
    table_text.paragraph_format.space_after = Pt(2)  # type: ignore[attr-defined]


def _font(run: Run, size: float | None, bold: bool = False, italic: bool = False) -> None:
    """Only what differs from the paragraph's style."""
    if size is not None:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if italic:
        run.font.italic = True


def _typeface(element: Any) -> None:
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph(
    container: DocumentObject | _Cell,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    after: float = 6,
) -> Paragraph:
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        _font(run, size, bold, italic)
        run.font.underline = underline
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    if indent:
        fmt.first_line_indent = Mm(12.7)
    return paragraph


def _cell_text(
    cell: _Cell,
    lines: Sequence[str],
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    """Fill a cell with one paragraph per line (the cell's first, empty paragraph reused)."""
    first = True
    for line in lines or [""]:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        # The style id written straight into the XML: python-docx's by-name lookup walks
        # every style each time, which dominates a report with thousands of cells.
        paragraph._p.style = TABLE_STYLE_ID
        run = paragraph.add_run(line)
        if bold:
            run.font.bold = True
        if align is not None:
            paragraph.alignment = align


def _table(document: DocumentObject, header: Sequence[str], widths_mm: Sequence[float]) -> Table:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fix_widths(table, widths_mm)
    for cell, text, width in zip(table.rows[0].cells, header, widths_mm, strict=True):
        _cell_text(cell, [text], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell.width = Mm(width)
    _repeat_header(table)
    return table


def _fix_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths: Word reads the cells', LibreOffice the grid's."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr_pr.append(marker)


def _row(table: Table, values: Sequence[Sequence[str] | str], widths_mm: Sequence[float]) -> None:
    cells = table.add_row().cells
    for cell, value, width in zip(cells, values, widths_mm, strict=True):
        _cell_text(cell, [value] if isinstance(value, str) else value)
        cell.width = Mm(width)


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _heading_block(document: DocumentObject, digest: Digest, zone: ZoneInfo, locale: str) -> str:
    """The issuer and motto header, number and date line; returns the office's name."""
    w = report_words(locale)
    first = digest.directives[0] if digest.directives else None
    issuer = first.issuer if first else ""
    office = (first.tracker if first else None) or w["office_default"]
    unit = "VĂN PHÒNG" if office.casefold().startswith("văn phòng") else office.upper()
    header = document.add_table(rows=2, cols=2)
    _no_borders(header)
    _fix_widths(header, (65, 100))
    left, right = header.rows[0].cells
    for row in header.rows:
        for cell, width in zip(row.cells, (65, 100), strict=True):
            cell.width = Mm(width)
    top = left.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(top.add_run(issuer.upper()), HEADER_PT)
    unit_line = left.add_paragraph()
    unit_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(unit_line.add_run(unit), HEADER_PT, bold=True)
    rule = left.add_paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(rule.add_run("───────"), 8)
    motto = right.paragraphs[0]
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(motto.add_run(w["motto_1"]), 12.5, bold=True)
    motto_2 = right.add_paragraph()
    motto_2.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = motto_2.add_run(w["motto_2"])
    _font(run, BODY_PT, bold=True)
    run.font.underline = True
    number_cell, date_cell = header.rows[1].cells
    _cell_text(number_cell, [w["number"]], align=WD_ALIGN_PARAGRAPH.CENTER)
    date_paragraph = date_cell.paragraphs[0]
    date_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(
        date_paragraph.add_run(administrative_date(digest.as_of, zone, locale, place_of(issuer))),
        BODY_PT,
        italic=True,
    )
    return office


def _title(document: DocumentObject, digest: Digest, locale: str) -> None:
    w = report_words(locale)
    _paragraph(document, after=0)
    _paragraph(document, w["kind"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    if len(digest.directives) == 1:
        d = digest.directives[0]
        summary = w["summary_one"].format(
            code=d.code,
            date=f"{d.issued_on.day}/{d.issued_on.month}/{d.issued_on.year}" if d.issued_on else "",
            issuer=d.issuer,
            month=digest.period.label,
        )
    else:
        summary = w["summary_many"].format(month=digest.period.label)
    _paragraph(document, summary, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _paragraph(document, "──────────", size=8, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)


def _agency_lines(entries: list[AgencyEntry], zone: ZoneInfo, locale: str) -> list[str]:
    """Each agency's role, status, date and note, one line each."""
    w, h = report_words(locale), words(locale)
    lines = []
    for entry in entries:
        role = w["lead"] if entry.role is AssignmentRole.LEAD else w["coordinating"]
        line = f"{role}: {entry.agency} — {bucket_label(entry.bucket, locale)}"
        if entry.reported_at:
            line += f" ({entry.reported_at.astimezone(zone).strftime('%d/%m/%Y')})"
        if entry.note:
            line += f": {entry.note}"
        if entry.edited_after_close and entry.reported_at:
            when = entry.reported_at.astimezone(zone).strftime("%d/%m/%Y")
            line += f" [{h['edited'].format(date=when, before=status_text(entry.status_at_close, locale))}]"  # noqa: E501
        elif entry.late_report and entry.reported_at:
            when = entry.reported_at.astimezone(zone).strftime("%d/%m/%Y")
            line += f" [{h['late_report'].format(date=when)}]"
        lines.append(line)
    return lines


def render_docx(
    digest: Digest, *, zone: ZoneInfo, locale: str = "vi", chart_png: bytes | None = None
) -> bytes:
    """The digest as a .docx administrative report (Decree 30/2020/NĐ-CP layout)."""
    w, h = report_words(locale), words(locale)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _styles(document)

    office = _heading_block(document, digest, zone, locale)
    _title(document, digest, locale)
    when = digest.as_of.astimezone(zone).strftime("%H:%M %d/%m/%Y")
    _paragraph(
        document,
        w["intro"].format(office=office, month=digest.period.label, when=when),
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )

    # I. Overall counts.
    _paragraph(document, w["part_1"], bold=True)
    categories = digest.categories
    total = len(digest.tasks)
    widths: tuple[float, ...] = (95, 35, 35)
    table = _table(document, [w["col_category"], w["col_tasks"], w["col_share"]], widths)
    for category in CATEGORY_ORDER:
        count = categories.get(category, 0)
        share = f"{100 * count / total:.0f}%" if total else "—"
        _row(table, [category_label(category, locale), str(count), share], widths)
    _row(table, [w["total"], str(total), "100%" if total else "—"], widths)
    _paragraph(document, after=0)
    _paragraph(
        document,
        w["silent_line"].format(
            count=len(digest.silent),
            total=owing_agency_count(digest),
            tasks=silent_assignments(digest),
        ),
        indent=True,
    )
    if chart_png:
        document.add_picture(BytesIO(chart_png), width=Mm(145))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    # II. Task by task: one table per directive, one row per task.
    _paragraph(document, w["part_2"], bold=True)
    widths = (12, 35, 78, 18, 22)
    for directive in digest.directives:
        _paragraph(
            document,
            w["directive"].format(code=directive.code, subject=directive.subject),
            bold=True,
            italic=True,
            indent=True,
        )
        table = _table(
            document,
            [
                w["col_number"],
                w["col_task"],
                w["col_agencies"],
                w["col_deadline"],
                w["col_overall"],
            ],
            widths,
        )
        for task in directive.tasks:
            deadline = [task.deadline.strftime("%d/%m/%Y")] if task.deadline else [w["no_deadline"]]
            if task.past_deadline:
                deadline.append(w["passed"])
            overall = [status_text(task.status, locale), category_label(task.category, locale)]
            _row(
                table,
                [
                    task.number,
                    task.title,
                    _agency_lines(task.entries, zone, locale),
                    deadline,
                    overall,
                ],
                widths,
            )
        _paragraph(document, after=0)

    # III. Difficulties and requests.
    _paragraph(document, w["part_3"], bold=True)
    if digest.blockers:
        widths = (14, 15, 44, 72, 20)
        table = _table(
            document,
            [w["col_no"], w["col_number"], w["col_agency"], w["col_content"], w["col_date"]],
            widths,
        )
        for index, blocker in enumerate(digest.blockers, 1):
            date_text = (
                blocker.reported_at.astimezone(zone).strftime("%d/%m/%Y")
                if blocker.reported_at
                else ""
            )
            content = blocker.note or status_text(blocker.status, locale)
            _row(table, [str(index), blocker.number, blocker.agency, content, date_text], widths)
        _paragraph(document, after=0)
    else:
        _paragraph(document, h["no_blockers"], indent=True)

    # IV. Agencies that have not reported.
    _paragraph(document, w["part_4"], bold=True)
    if digest.silent:
        widths = (14, 60, 34, 57)
        table = _table(
            document,
            [w["col_no"], w["col_agency"], w["col_task"], w["col_contacts"]],
            widths,
        )
        for index, agency in enumerate(digest.silent, 1):
            contacts = [
                f"{c.name}: "
                + (
                    h["reachable"]
                    if c.unreachable_since is None
                    else h["unreachable"].format(
                        date=c.unreachable_since.astimezone(zone).strftime("%d/%m/%Y")
                    )
                )
                for c in agency.contacts
            ] or [h["no_contact"]]
            numbers = ", ".join(n.split(" ", 1)[1] for n in agency.tasks)
            _row(table, [str(index), agency.name, numbers, contacts], widths)
        _paragraph(document, after=0)
    else:
        _paragraph(document, h["no_silent"], indent=True)

    # V. Changes since the previous period.
    if digest.previous is None:
        _paragraph(document, w["part_5_none"], bold=True)
        _paragraph(document, h["no_previous"], indent=True)
    else:
        _paragraph(document, w["part_5"].format(month=digest.previous.label), bold=True)
        widths = (95, 35, 35)
        table = _table(document, [w["col_category"], w["col_before"], w["col_after"]], widths)
        earlier: Counter[Category] = digest.previous_categories or Counter()
        for category in CATEGORY_ORDER:
            _row(
                table,
                [
                    category_label(category, locale),
                    str(earlier.get(category, 0)),
                    str(categories.get(category, 0)),
                ],
                widths,
            )
        _paragraph(document, after=0)
        if digest.changes:
            widths = (15, 70, 40, 40)
            table = _table(
                document,
                [w["col_number"], w["col_task"], w["col_before"], w["col_after"]],
                widths,
            )
            for change in digest.changes:
                before = (
                    status_text(change.before, locale) if change.before_category else h["new_task"]
                )
                now = [
                    status_text(change.after, locale),
                    category_label(change.after_category, locale),
                ]
                _row(table, [change.number, change.title, before, now], widths)
        else:
            _paragraph(document, h["no_changes"], indent=True)

    # VI. Reports edited after the period closed (the edit log of the period).
    if digest.edits:
        _paragraph(document, after=0)
        _paragraph(document, w["part_6"], bold=True)
        widths = (15, 50, 40, 40, 20)
        table = _table(
            document,
            [w["col_number"], w["col_agency"], w["col_at_close"], w["col_now"], w["col_date"]],
            widths,
        )
        for edit in digest.edits:
            before = status_text(edit.before, locale) + (
                f": {edit.before_note}" if edit.before_note else ""
            )
            after = status_text(edit.after, locale) + (
                f": {edit.after_note}" if edit.after_note else ""
            )
            when_edited = edit.edited_at.astimezone(zone).strftime("%d/%m/%Y")
            _row(table, [edit.number, edit.agency, before, after, when_edited], widths)

    _paragraph(document, after=0)
    _paragraph(document, w["closing"].format(office=office), indent=True)
    _signature(document, w)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _signature(document: DocumentObject, w: dict[str, str]) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _fix_widths(table, (85, 80))
    left, right = table.rows[0].cells
    left.width, right.width = Mm(85), Mm(80)
    heading = left.paragraphs[0]
    _font(heading.add_run(w["recipients"]), 12, bold=True, italic=True)
    for line in w["recipient_lines"].split("\n"):
        _font(left.add_paragraph().add_run(line), 11)
    signer = right.paragraphs[0]
    signer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(signer.add_run(w["signer"]), BODY_PT, bold=True)
