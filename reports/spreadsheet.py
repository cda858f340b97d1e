"""Every assignment's status for the Office's own files: an XLSX workbook and a CSV.

One row per task × agency, with the task's combined status and category, so the Office can
filter and pivot. The CSV is UTF-8 with a byte-order mark, which Excel needs to read
Vietnamese correctly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.texts import role_label
from dondoc.sanitize import FORMULA_STARTS, inert_cell
from jobs.digest import CATEGORY_ORDER, Digest, bucket_label, category_label, status_text, words

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


def assignment_rows(digest: Digest, *, zone: ZoneInfo, locale: str = "vi") -> Iterator[list[str]]:
    """The header, then one row per task × agency."""
    w = SHEET_WORDS.get(locale, SHEET_WORDS["vi"])
    yield [w[name] for name in COLUMNS]
    for task in digest.tasks:
        for entry in task.entries:
            after_close = (
                w["edited"] if entry.edited_after_close else w["late"] if entry.late_report else ""
            )
            yield [
                task.directive_code,
                task.number,
                task.title,
                task.deadline.strftime("%d/%m/%Y") if task.deadline else "",
                status_text(task.status, locale),
                category_label(task.category, locale),
                entry.agency,
                entry.agency_code,
                role_label(entry.role, locale),
                bucket_label(entry.bucket, locale),
                entry.note or "",
                entry.reported_at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
                if entry.reported_at
                else "",
                entry.reporter or "",
                after_close,
            ]


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
    for row in assignment_rows(digest, zone=zone, locale=locale):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # openpyxl takes a string that starts with "=" for a formula: keep it text.
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions

    counts = workbook.create_sheet(w["sheet_counts"])
    counts.append([w["month"], digest.period.label])
    counts.append([w["as_of"], digest.as_of.astimezone(zone).strftime("%d/%m/%Y %H:%M")])
    counts.append([])
    counts.append([w["category"], w["count"]])
    categories = digest.categories
    for category in CATEGORY_ORDER:
        counts.append([category_label(category, locale), categories.get(category, 0)])
    counts.append([words(locale)["silent"].capitalize(), len(digest.silent)])
    counts.column_dimensions["A"].width = 36
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
