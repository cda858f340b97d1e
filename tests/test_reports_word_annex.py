"""The Word report's annex as the Office reads it: a row per task and lead agency, the task's
own cells written once and merged down over its agencies' rows.

The digest is built by hand (plain data, no database): two tasks of one directive, one led by
three agencies, one by a single agency, with text that XML must escape. One note also holds
control characters that XML cannot hold at all: the digest drops them when it reads notes
(`jobs.digest._shown`), and the annex's rows drop them too rather than fail the report.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Row

from db.models import AssignmentRole, Status
from db.periods import PeriodInfo
from jobs.digest import AgencyEntry, Category, Digest, DirectiveDigest, TaskDigest
from reports.word import render_docx
from tests.conftest import HANOI, hanoi

ANNEX_WIDTHS_MM = [12, 64, 22, 42, 26, 22, 74]


def entry(agency: str, role: AssignmentRole, note: str | None = None) -> AgencyEntry:
    reported = note is not None
    return AgencyEntry(
        agency=agency,
        role=role,
        status=Status.IN_PROGRESS if reported else None,
        reported=reported,
        note=note,
        reported_at=hanoi(2021, 8, 17) if reported else None,
        agency_code=agency.lower().replace(" ", "-"),
    )


def august_digest() -> Digest:
    """Task 2.3 led by three agencies (one coordinating), task 2.4 by one."""
    ring_road = TaskDigest(
        number="2.3",
        title="Cải tạo & mở rộng <đường> Vành đai 4",
        deadline=date(2021, 12, 31),
        entries=[
            entry(
                "Sở Giao thông vận tải",
                AssignmentRole.LEAD,
                'Vốn < 5 tỷ & "chậm" >\x02 dự\x1f kiến',
            ),
            entry("Sở Tài chính", AssignmentRole.LEAD, "Đã cấp vốn"),
            entry("UBND huyện Sóc Sơn", AssignmentRole.LEAD),
            entry("Sở Xây dựng", AssignmentRole.COORDINATING, "Đã thẩm định"),
        ],
        status=Status.IN_PROGRESS,
        category=Category.OPEN_ON_TIME,
    )
    markets = TaskDigest(
        number="2.4",
        title="Kiểm tra an toàn thực phẩm",
        deadline=None,
        entries=[entry("Cục Quản lý thị trường", AssignmentRole.LEAD, "Đang kiểm tra")],
        status=Status.IN_PROGRESS,
        category=Category.OPEN_ON_TIME,
    )
    directive = DirectiveDigest(
        code="2658/UBND-KT",
        subject="V/v triển khai nhiệm vụ",
        tasks=[ring_road, markets],
        issuer="UBND Thành phố Hà Nội",
        issued_on=date(2021, 8, 16),
    )
    period = PeriodInfo(
        id=1,
        month="2021-08",
        request_at=hanoi(2021, 8, 15),
        due_at=hanoi(2021, 8, 20),
        digest_at=hanoi(2021, 8, 22),
    )
    return Digest(period=period, as_of=hanoi(2021, 8, 22, 8), directives=[directive])


def annex_of(digest: Digest) -> Table:
    document = Document(io.BytesIO(render_docx(digest, zone=HANOI)))
    return document.tables[-1]


def merge_marks(row: _Row) -> list[str | None]:
    """Each cell's vertical merge: "restart", "continue" (a bare w:vMerge) or None."""
    marks: list[str | None] = []
    for tc in row._tr.tc_lst:
        merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        marks.append(None if merge is None else merge.get(qn("w:val"), "continue"))
    return marks


def test_a_task_led_by_three_agencies_is_written_once_over_their_three_rows() -> None:
    header, first, second, third, markets = annex_of(august_digest()).rows

    assert [merge_marks(row) for row in (first, second, third)] == [
        ["restart"] * 3 + [None] * 4,
        ["continue"] * 3 + [None] * 4,
        ["continue"] * 3 + [None] * 4,
    ]
    # Every row of the task reads the same number, task and deadline, and its own agency.
    for row in (first, second, third):
        number, task, deadline = ([p.text for p in cell.paragraphs] for cell in row.cells[:3])
        assert number[0] == "1"
        assert task[:2] == [
            "2.3. Cải tạo & mở rộng <đường> Vành đai 4",
            "Tình trạng chung: chưa hoàn thành, trong hạn",
        ]
        assert deadline[0] == "31/12/2021"
    assert [row.cells[3].text.split("\n")[0] for row in (first, second, third)] == [
        "Sở Giao thông vận tải",
        "Sở Tài chính",
        "UBND huyện Sóc Sơn",
    ]
    # The coordinating agency is named under the last lead, not given a row of its own.
    assert third.cells[3].text.split("\n")[1].startswith("Đơn vị phối hợp: Sở Xây dựng")
    assert [row.cells[6].text for row in (first, second, third)] == [
        'Vốn < 5 tỷ & "chậm" > dự kiến',
        "Đã cấp vốn",
        "",
    ]
    # A task with one lead agency: one row, nothing merged.
    assert markets.cells[1].text.startswith("2.4. Kiểm tra an toàn thực phẩm")
    assert merge_marks(markets) == [None] * 7
    assert header.cells[1].text == "Nhiệm vụ"


def test_the_annex_rows_keep_the_tables_widths_style_and_repeated_header() -> None:
    table = annex_of(august_digest())
    header, *rows = table.rows

    assert header._tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    for row in rows:
        assert [round(cell.width.mm) for cell in row.cells] == ANNEX_WIDTHS_MM
        for paragraph in (p for cell in row.cells for p in cell.paragraphs):
            assert paragraph.style.name == "Annex Text"
            # Times New Roman and the size come from the style, not from each run.
            assert all(r._r.rPr is None for r in paragraph.runs)
