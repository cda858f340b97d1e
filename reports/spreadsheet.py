"""Every assignment's status for the Office's own files: an XLSX workbook and a CSV.

One row per task × agency, with the task's combined status and category, so the Office can
filter and pivot. In the workbook dates are date cells (shown dd/mm/yyyy), long texts wrap,
and the sheets print on landscape A4 a page wide, the header row on every page. The CSV is
UTF-8 with a byte-order mark, which Excel needs to read Vietnamese correctly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from io import BytesIO, StringIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.texts import GLOSSARY, role_label
from dondoc.sanitize import FORMULA_STARTS, inert_cell
from jobs.digest import (
    CATEGORY_ORDER,
    Digest,
    bucket_label,
    category_label,
    fully_reported_count,
    owing_agency_count,
    status_text,
)

SHEET_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "sheet_rows": "Phân công",
        "sheet_counts": "Tổng hợp",
        "directive": "Văn bản",
        "number": "Số NV",
        "task": "Nhiệm vụ",
        "deadline": "Thời hạn",
        "overall": "Tình trạng chung",
        "category": "Phân loại",
        "agency": "Đơn vị",
        "agency_code": "Mã đơn vị",
        "role": "Vai trò",
        "status": "Tình trạng báo cáo",
        "note": "Ghi chú",
        "reported_at": "Thời gian báo cáo",
        "reporter": "Người báo cáo",
        "after_close": "Sau khi chốt kỳ",
        "edited": "sửa",
        "late": "báo cáo muộn",
        "month": "Tháng",
        "as_of": "Số liệu đến",
        "count": "Số nhiệm vụ",
        "agencies": "Tình hình báo cáo của đơn vị",
        "agency_count": "Số đơn vị",
        "full": "Đã báo cáo đủ",
        "partial": "Báo cáo chưa đủ",
        "none": "Chưa báo cáo",
        "total": "Tổng số",
    },
    "en": {
        "sheet_rows": "Assignments",
        "sheet_counts": "Summary",
        "directive": "Directive",
        "number": "Task",
        "task": "Title",
        "deadline": "Deadline",
        "overall": "Overall status",
        "category": "Category",
        "agency": "Agency",
        "agency_code": "Agency code",
        "role": "Role",
        "status": "Reported status",
        "note": "Note",
        "reported_at": "Reported at",
        "reporter": "Reported by",
        "after_close": "After the close",
        "edited": "edited",
        "late": "late report",
        "month": "Month",
        "as_of": "As of",
        "count": "Tasks",
        "agencies": "Agencies' reporting",
        "agency_count": "Agencies",
        "full": "Reported in full",
        "partial": "Reported in part",
        "none": "Not reported",
        "total": "Total",
    },
}

COLUMNS = (
    "directive",
    "number",
    "task",
    "deadline",
    "overall",
    "category",
    "agency",
    "agency_code",
    "role",
    "status",
    "note",
    "reported_at",
    "reporter",
    "after_close",
)
WIDTHS = (14, 7, 40, 11, 18, 26, 36, 18, 10, 22, 60, 17, 22, 14)


DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
WRAPPED = {"task", "note", "agency", "category"}


def assignment_records(
    digest: Digest, *, zone: ZoneInfo, locale: str = "vi"
) -> Iterator[list[Any]]:
    """The header, then one row per task × agency; dates as dates, moments as local times."""
    w = SHEET_WORDS.get(locale, SHEET_WORDS["vi"])
    yield [w[name] for name in COLUMNS]
    for task in digest.tasks:
        for entry in task.entries:
            after_close = (
                w["edited"] if entry.edited_after_close else w["late"] if entry.late_report else ""
            )
            reported = (
                entry.reported_at.astimezone(zone).replace(tzinfo=None)
                if entry.reported_at
                else None
            )
            yield [
                task.directive_code,
                task.number,
                task.title,
                task.deadline or GLOSSARY.get(locale, GLOSSARY["vi"])["standing"],
                status_text(task.status, locale),
                category_label(task.category, locale),
                entry.agency,
                entry.agency_code,
                role_label(entry.role, locale),
                bucket_label(entry.bucket, locale),
                entry.note or "",
                reported,
                entry.reporter or "",
                after_close,
            ]


def assignment_rows(digest: Digest, *, zone: ZoneInfo, locale: str = "vi") -> Iterator[list[str]]:
    """The same rows as text, dates written dd/mm/yyyy (the CSV's shape)."""
    for record in assignment_records(digest, zone=zone, locale=locale):
        yield [_text(value) for value in record]


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def render_csv(digest: Digest, *, zone: ZoneInfo, locale: str = "vi") -> bytes:
    """Every assignment as CSV (UTF-8 with BOM); no field starts like a formula."""
    buffer = StringIO()
    writer = csv.writer(buffer)
    for row in assignment_rows(digest, zone=zone, locale=locale):
        writer.writerow([inert_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(digest: Digest, *, zone: ZoneInfo, locale: str = "vi") -> bytes:
    """A workbook: every assignment on the first sheet, the counts on the second."""
    w = SHEET_WORDS.get(locale, SHEET_WORDS["vi"])
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = w["sheet_rows"]
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    # Rows counted here, cells taken by position: `sheet.max_row` and `sheet[row]` scan every
    # cell of the sheet on each call, which made a city-wide spreadsheet take minutes.
    for row, record in enumerate(assignment_records(digest, zone=zone, locale=locale), 1):
        sheet.append(record)
        cells = (sheet.cell(row=row, column=column) for column in range(1, len(COLUMNS) + 1))
        for name, cell in zip(COLUMNS, cells, strict=True):
            # openpyxl takes a string that starts with "=" for a formula: keep it text.
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
            elif isinstance(cell.value, datetime):
                cell.number_format = MOMENT_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            if row > 1:
                cell.alignment = wrap if name in WRAPPED else top
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _print_setup(sheet, title_rows="1:1")

    counts = workbook.create_sheet(w["sheet_counts"])
    counts.append([w["month"], digest.period.label])
    counts.append([w["as_of"], digest.as_of.astimezone(zone).replace(tzinfo=None)])
    counts["B2"].number_format = MOMENT_FORMAT
    counts.append([])
    counts.append([w["category"], w["count"]])
    heading_rows = [counts.max_row]
    categories = digest.categories
    for category in CATEGORY_ORDER:
        counts.append([category_label(category, locale), categories.get(category, 0)])
    counts.append([w["total"], sum(categories.values())])
    counts.append([])
    counts.append([w["agencies"], w["agency_count"]])
    heading_rows.append(counts.max_row)
    counts.append([w["full"], fully_reported_count(digest)])
    counts.append([w["partial"], len(digest.partial)])
    counts.append([w["none"], len(digest.unreported)])
    counts.append([w["total"], owing_agency_count(digest)])
    for row in heading_rows:
        for cell in counts[row]:
            cell.font = Font(bold=True)
    counts.column_dimensions["A"].width = 40
    counts.column_dimensions["B"].width = 18
    _print_setup(counts)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _print_setup(sheet: Worksheet, title_rows: str | None = None) -> None:
    """Landscape A4, a page wide, the header row repeated on every printed page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = title_rows
