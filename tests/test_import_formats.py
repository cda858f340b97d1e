"""One directive as Markdown, Word and text PDF imports to one result; a scan is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer.directive import import_text, to_data
from importer.errors import DirectiveImportError
from importer.names import Registry, load_registry
from importer.sources import read_directive, strip_markdown
from tests.conftest import SHARED_SEED

ROOT = Path(__file__).resolve().parents[1]
DIRECTIVES = Path(__file__).resolve().parent / "directives"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SOURCES = [
    DIRECTIVES / "ha-noi-cong-van-xay-dung.md",
    DIRECTIVES / "bac-ninh-chi-thi.md",
    pytest.param(
        SHARED_SEED,
        marks=pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared seed not present"),
    ),
]


@pytest.fixture(scope="module")
def hanoi() -> Registry:
    return load_registry(ROOT / "reference" / "hanoi-agencies.toml")


def blocks(markdown: Path) -> list[list[str]]:
    """The document's paragraphs, each as its lines, as a typist would enter them in Word."""
    text = strip_markdown(markdown.read_text(encoding="utf-8"))
    return [
        [line.strip() for line in block.split("\n") if line.strip()]
        for block in text.split("\n\n")
        if block.strip()
    ]


def write_docx(source: Path, target: Path) -> None:
    import docx

    document = docx.Document()
    for lines in blocks(source):
        paragraph = document.add_paragraph()
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if index < len(lines) - 1:
                run.add_break()
    document.save(str(target))


def write_pdf(source: Path, target: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for lines in blocks(source):
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    pdf.output(str(target))


def imported(path: Path, registry: Registry) -> dict:
    return to_data(import_text(read_directive(path), registry, source=str(path)))


@pytest.mark.parametrize("source", SOURCES)
def test_a_word_file_imports_like_its_text(source: Path, tmp_path: Path, hanoi: Registry) -> None:
    target = tmp_path / "directive.docx"
    write_docx(source, target)
    assert imported(target, hanoi) == imported(source, hanoi)


@pytest.mark.skipif(not FONT.exists(), reason="DejaVu font not installed (fonts-dejavu-core)")
@pytest.mark.parametrize("source", SOURCES)
def test_a_text_pdf_imports_like_its_text(source: Path, tmp_path: Path, hanoi: Registry) -> None:
    target = tmp_path / "directive.pdf"
    write_pdf(source, target)
    assert imported(target, hanoi) == imported(source, hanoi)


def test_a_scanned_pdf_without_text_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("L", (200, 280), color=200).save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=180)
    target = tmp_path / "scan.pdf"
    pdf.output(str(target))
    with pytest.raises(DirectiveImportError, match="no text layer"):
        read_directive(target)


def test_a_broken_word_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "broken.docx"
    target.write_bytes(b"not a zip")
    with pytest.raises(DirectiveImportError, match="Word"):
        read_directive(target)
