"""The demo plays a whole month of 2658/UBND-KT and leaves a digest the Office could read."""

from __future__ import annotations

import asyncio
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from rich.console import Console

from dondoc.demo import run_demo

TASK_NUMBERS = ["1", *(f"2.{n}" for n in range(1, 12))]


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo month, its files in a folder the tests below read."""
    out = tmp_path_factory.mktemp("demo")
    console = Console(file=io.StringIO(), width=100)
    asyncio.run(run_demo(out_dir=out, month="08/2021", seed=2658, console=console))
    return out


def test_the_demo_month_ends_with_a_digest_of_every_task_and_every_status(
    demo_out: Path,
) -> None:
    tmp_path = demo_out

    text = (tmp_path / "bao-cao-2021-08.txt").read_text(encoding="utf-8")
    html = (tmp_path / "bao-cao-2021-08.html").read_text(encoding="utf-8")
    summary = json.loads((tmp_path / "demo-summary.json").read_text(encoding="utf-8"))
    for number in TASK_NUMBERS:
        assert re.search(rf"^{re.escape(number)} \S", text, re.MULTILINE), number
    for label in ("Đã hoàn thành", "Đang thực hiện", "Chậm tiến độ", "Có vướng mắc"):
        assert f"): {label}" in text, label
    assert "<b>TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ — THÁNG 08/2021</b>" in html
    assert summary["problems"] == []
    assert summary["requests_sent"] == summary["officers"] == summary["agencies"]
    assert summary["nudges_sent"] > 0
    assert 0 < summary["never_answered"] < summary["agencies"] // 5
    assert summary["summary_messages"] == html.count('class="message"')
    assert all(summary["status_counts"][status] > 0 for status in ("done", "behind", "blocked"))

    # The register of a Văn phòng: no "tôi"/"bạn", and the Office asks, it does not require.
    chat = (tmp_path / "bao-cao-2021-08-chat.txt").read_text(encoding="utf-8")
    assert "Đề nghị báo cáo tháng 08/2021" in chat and "chậm nhất trong ngày" in chat
    document = Document(str(tmp_path / "bao-cao-2021-08.docx"))
    report = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    workbook = load_workbook(tmp_path / "bao-cao-2021-08.xlsx")
    sheets = "\n".join(
        str(v) for s in workbook.worksheets for r in s.iter_rows(values_only=True) for v in r if v
    )
    for name, content in (("chat", chat), ("text", text), ("docx", report), ("xlsx", sheets)):
        casual = re.findall(r"\b(?:tôi|bạn)\b|yêu cầu báo cáo", content, re.IGNORECASE)
        assert casual == [], (name, casual)


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) not installed: page count not checked",
)
def test_the_printed_report_is_a_few_pages_of_body_then_the_annex(
    demo_out: Path, tmp_path: Path
) -> None:
    from reports.pages import page_shapes

    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(demo_out / "bao-cao-2021-08.docx"),
        ],
        check=True,
        capture_output=True,  # no timeout: its polling sleeps, which libfaketime breaks
    )
    shapes = page_shapes(tmp_path / "bao-cao-2021-08.pdf")
    body = shapes.index("landscape")
    assert 2 <= body <= 6, shapes  # the report itself: a few portrait pages
    assert set(shapes[body:]) == {"landscape"}  # then the annex, landscape to the end
