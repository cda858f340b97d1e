"""Task tables in an annex: read by their headers, alike from Markdown, text, Word and PDF.

The plan below is a unit case in the shape of a provincial plan's Phụ lục (written here;
accuracy is measured on the real documents in tests/directives/real/).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from importer.clean import clean_text
from importer.directive import ImportedDirective, import_text, to_data
from importer.names import Registry, load_registries
from importer.sources import read_directive
from importer.tables import find_task_tables
from reference import IMPORT_REGISTRIES

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

HEAD = """ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI

Số: 123/KH-UBND

Hà Nội, ngày 10 tháng 3 năm 2026

KẾ HOẠCH

Thực hiện công tác quản lý chất thải rắn năm 2026

I. MỤC ĐÍCH, YÊU CẦU

Bảo đảm thu gom, xử lý chất thải rắn sinh hoạt kịp thời.

II. TỔ CHỨC THỰC HIỆN

Các sở, ngành thực hiện các nhiệm vụ tại Phụ lục kèm theo; báo cáo kết quả hằng tháng.

PHỤ LỤC

DANH MỤC NHIỆM VỤ
"""
HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
ROWS = [
    ["I", "Hoàn thiện thể chế, chính sách", "", "", ""],
    [
        "1",
        "Rà soát, sửa đổi quy định về quản lý chất thải rắn sinh hoạt",
        "Sở Tài nguyên và Môi trường",
        "Sở Xây dựng\nSở Tài chính",
        "Quý II/2026",
    ],
    ["2", "Ban hành đơn giá dịch vụ thu gom, vận chuyển", "Sở Tài chính", "", "30/9/2026"],
    ["II", "Đầu tư hạ tầng xử lý", "", "", ""],
    ["1", "Đẩy nhanh tiến độ dự án nhà máy điện rác", "Sở Xây dựng", "Sở Công Thương", "Năm 2026"],
    ["2", "Kiểm tra việc phân loại rác tại nguồn", "", "", "Thường xuyên"],
]
EXPECTED = [
    ("I.1", ["so-tnmt"], ["so-xay-dung", "so-tai-chinh"], date(2026, 6, 30)),
    ("I.2", ["so-tai-chinh"], [], date(2026, 9, 30)),
    ("II.1", ["so-xay-dung"], ["so-cong-thuong"], date(2026, 12, 31)),
    ("II.2", [], [], None),
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registries(list(IMPORT_REGISTRIES))


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("\n", "<br>") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def read(text: str, registry: Registry) -> ImportedDirective:
    return import_text(clean_text(text), registry)


def summary(directive: ImportedDirective) -> list[tuple]:
    return [
        (
            t.number,
            [f.code for f in t.assignees.lead],
            [f.code for f in t.assignees.coordinating],
            t.deadline.due if t.deadline else None,
        )
        for t in directive.tasks
    ]


def test_a_markdown_task_table_gives_one_task_per_row(registry: Registry) -> None:
    directive = read(HEAD + "\n" + markdown_table(HEADER, ROWS) + "\n", registry)
    assert summary(directive) == EXPECTED
    first = directive.tasks[0]
    assert first.text.startswith("Rà soát, sửa đổi quy định")
    assert directive.tasks[3].review == ["no lead agency in the table row: name one before loading"]


def test_columns_are_found_by_their_headers_in_any_order_and_over_two_rows(
    registry: Registry,
) -> None:
    # "Cơ quan thực hiện" over "Chủ trì | Phối hợp", column numbers, the deadline before the task.
    table = "\n".join(
        [
            "| TT | Thời hạn | Nội dung công việc | Cơ quan thực hiện | Cơ quan thực hiện |",
            "|---|---|---|---|---|",
            "| | | | Chủ trì | Phối hợp |",
            "| (1) | (2) | (3) | (4) | (5) |",
            "| 1 | Tháng 6/2026 | Tổng kết mô hình phân loại rác | Sở Xây dựng | Sở Y tế |",
            "| | | tại các phường | | |",
        ]
    )
    directive = read(HEAD + "\n" + table + "\n", registry)
    assert summary(directive) == [("1", ["so-xay-dung"], ["so-y-te"], date(2026, 6, 30))]
    assert directive.tasks[0].text == "Tổng kết mô hình phân loại rác\ntại các phường"


def test_a_row_with_sub_rows_is_their_heading_and_lends_them_its_lead(registry: Registry) -> None:
    rows = [
        ["1", "Tuyên truyền về phân loại rác", "Sở Văn hóa và Thể thao", "", ""],
        ["1.1", "Xây dựng phóng sự", "", "Sở Y tế", "Tháng 5/2026"],
        ["1.2", "Tổ chức hội nghị", "Sở Y tế", "", "Tháng 8/2026"],
    ]
    directive = read(HEAD + "\n" + markdown_table(HEADER, rows) + "\n", registry)
    assert [(t.number, [f.code for f in t.assignees.lead]) for t in directive.tasks] == [
        ("1.1", ["so-vhtt"]),
        ("1.2", ["so-y-te"]),
    ]


def test_a_table_that_lists_no_tasks_is_left_to_the_text() -> None:
    lines = clean_text(
        "| STT | Chỉ tiêu | Kế hoạch năm 2026 |\n|---|---|---|\n| 1 | Tỷ lệ thu gom | 98% |"
    )
    assert find_task_tables(lines.split("\n")) == []


def test_a_plain_text_table_with_tabs_reads_like_markdown(registry: Registry) -> None:
    rows = [[c.replace("\n", ", ") for c in row] for row in ROWS]
    table = "\n".join("\t".join(row) for row in [HEADER, *rows])
    assert summary(read(HEAD + "\n" + table + "\n", registry)) == EXPECTED


def test_an_html_table_reads_like_markdown(registry: Registry) -> None:
    def row(cells: list[str]) -> str:
        return "<tr>" + "".join(f"<td>{c.replace(chr(10), '<br/>')}</td>" for c in cells) + "</tr>"

    table = "<table>" + "".join(row(r) for r in [HEADER, *ROWS]) + "</table>"
    assert summary(read(HEAD + "\n" + table + "\n", registry)) == EXPECTED


def write_docx(target: Path) -> None:
    import docx

    document = docx.Document()
    for block in HEAD.strip().split("\n\n"):
        document.add_paragraph(block)
    table = document.add_table(rows=0, cols=len(HEADER))
    for cells in [HEADER, *ROWS]:
        row = table.add_row()
        for cell, text in zip(row.cells, cells, strict=True):
            lines = text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    document.save(str(target))


def write_pdf(target: Path) -> None:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    for block in HEAD.strip().split("\n\n"):
        pdf.multi_cell(0, 6, block, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    with pdf.table(col_widths=(12, 70, 40, 40, 28), headings_style=FontFace()) as table:
        for cells in [HEADER, *ROWS]:
            row = table.row()
            for text in cells:
                row.cell(text)
    pdf.output(str(target))


def imported(path: Path, registry: Registry) -> dict:
    return to_data(import_text(read_directive(path), registry, source=str(path)))


@pytest.mark.parametrize(
    ("suffix", "write"),
    [
        ("docx", write_docx),
        pytest.param(
            "pdf",
            write_pdf,
            marks=pytest.mark.skipif(
                not FONT.exists(), reason="DejaVu font not installed (fonts-dejavu-core)"
            ),
        ),
    ],
)
def test_a_word_or_pdf_table_imports_like_its_markdown_form(
    suffix: str, write: Callable[[Path], None], tmp_path: Path, registry: Registry
) -> None:
    markdown = tmp_path / "plan.md"
    markdown.write_text(HEAD + "\n" + markdown_table(HEADER, ROWS) + "\n", encoding="utf-8")
    target = tmp_path / f"plan.{suffix}"
    write(target)
    tasks = imported(target, registry)["task"]
    assert tasks == imported(markdown, registry)["task"]
    assert [t["number"] for t in tasks] == [e[0] for e in EXPECTED]


def test_the_offices_spreadsheet_imports_into_the_same_toml(tmp_path: Path) -> None:
    import tomllib
    from datetime import datetime

    from openpyxl import Workbook
    from typer.testing import CliRunner

    from dondoc.cli import app

    book = Workbook()
    sheet = book.active
    sheet.append(["DANH MỤC NHIỆM VỤ THEO DÕI NĂM 2026"])
    sheet.append([])
    sheet.append(["TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"])
    sheet.append(
        [
            1,
            "Rà soát quy định về chất thải rắn",
            "Sở Tài nguyên và Môi trường",
            "Sở Xây dựng\nSở Tài chính",
            datetime(2026, 6, 30),
        ]
    )
    sheet.append([2, "Kiểm tra phân loại rác tại nguồn", "Sở Xây dựng", None, "Thường xuyên"])
    target = tmp_path / "tasks.xlsx"
    book.save(target)
    out = tmp_path / "tasks.toml"

    result = CliRunner().invoke(app, ["import", str(target), "--out", str(out)])

    assert result.exit_code == 0, result.output
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert [
        (t["number"], t["lead"], t["coordinating"], t.get("deadline")) for t in data["task"]
    ] == [
        ("1", ["so-tnmt"], ["so-xay-dung", "so-tai-chinh"], date(2026, 6, 30)),
        ("2", ["so-xay-dung"], [], None),
    ]
    assert data["directive"]["code"] == ""  # a blank for the reviewer, with a warning
    assert "fill in [directive] code" in result.output
    assert data["directive"]["issuer"] == ""  # the sheet's title is no issuer


def test_a_broken_spreadsheet_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dondoc.cli import app

    target = tmp_path / "tasks.xlsx"
    target.write_bytes(b"PK\x03\x04 not really a workbook")
    result = CliRunner().invoke(app, ["import", str(target)])
    assert result.exit_code == 2
    assert "Excel" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("cell", "due"),
    [
        ("Quý II/2026", date(2026, 6, 30)),
        ("Tháng 9/2026", date(2026, 9, 30)),
        ("6/2026", date(2026, 6, 30)),
        ("30/9/2026", date(2026, 9, 30)),
        ("Trước ngày 15/4", date(2026, 4, 15)),
        ("Năm 2026", date(2026, 12, 31)),
        ("2026", date(2026, 12, 31)),
        ("2026 - 2027", date(2027, 12, 31)),
        ("Thường xuyên", None),
        ("Hằng năm", None),
        ("", None),
    ],
)
def test_a_time_cell_is_the_deadline(cell: str, due: date | None) -> None:
    from importer.deadlines import deadline_in_cell

    found = deadline_in_cell(cell, date(2026, 3, 10))
    assert (found.due if found else None) == due


def test_a_table_broken_by_a_page_is_one_table(registry: Registry) -> None:
    rows = [["1", "Rà soát quy định", "Sở Xây dựng", "", "Quý II/2026"]]
    more = [["2", "Kiểm tra phân loại rác", "Sở Y tế", "", "Quý III/2026"]]
    text = (
        HEAD
        + "\n"
        + markdown_table(HEADER, rows)
        + "\n\n--- PAGE BREAK ---\n\n7\n\n"
        + "\n".join("| " + " | ".join(r) + " |" for r in more)
        + "\n"
    )
    directive = read(text, registry)
    assert [(t.number, [f.code for f in t.assignees.lead]) for t in directive.tasks] == [
        ("1", ["so-xay-dung"]),
        ("2", ["so-y-te"]),
    ]


@pytest.mark.skipif(not FONT.exists(), reason="DejaVu font not installed (fonts-dejavu-core)")
@pytest.mark.parametrize("repeat_header", [True, False])
def test_a_pdf_table_over_several_pages_gives_every_row_once(
    tmp_path: Path, registry: Registry, repeat_header: bool
) -> None:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    rows = [
        [str(n), f"Kiểm tra công trình số {n} trên địa bàn", "Sở Xây dựng", "Sở Tài chính", "2026"]
        for n in range(1, 41)
    ]
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    pdf.multi_cell(0, 6, "PHỤ LỤC", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(
        col_widths=(12, 70, 40, 40, 28),
        headings_style=FontFace(),
        repeat_headings=1 if repeat_header else 0,
    ) as table:
        for cells in [HEADER, *rows]:
            row = table.row()
            for text in cells:
                row.cell(text)
    target = tmp_path / "plan.pdf"
    pdf.output(str(target))
    assert pdf.pages_count >= 2

    tasks = import_text(read_directive(target), registry).tasks
    assert [t.number for t in tasks] == [str(n) for n in range(1, 41)]
    assert {f.code for t in tasks for f in t.assignees.lead} == {"so-xay-dung"}
