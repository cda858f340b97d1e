"""A directive file's text: Markdown or plain text, Word (.docx) or a PDF with a text layer.

Every reader returns lines in Unicode NFC with a blank line between
paragraphs. What cannot be read as Vietnamese text (an empty file, a scanned
PDF, a legacy TCVN3/VNI encoding) is refused with a message saying so.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from lxml.etree import XMLSyntaxError

from importer.clean import clean_text
from importer.errors import DirectiveImportError
from importer.names import nfc
from importer.tables import LINE_BREAK, columns_of

# Letters Vietnamese never uses but that legacy encodings (TCVN3, VNI) read as
# Windows-1252 are full of: "Uû ban nh©n d©n", "UÛY BAN NHAÂN DAÂN".
_LEGACY = set("©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÄÅÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïðñö÷øûüþÿ¡¢£¤¥¦§¨")
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")


# A directive is a few dozen pages: anything far larger is not one, and reading it would
# cost minutes and gigabytes (a small .docx can inflate to hundreds of MB of XML).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DOCX_XML_BYTES = 30 * 1024 * 1024
MAX_TEXT_CHARS = 1_000_000  # some 500 pages of text


def read_directive(path: Path) -> str:
    """The text of a directive file, chosen by its extension."""
    if not path.exists():
        raise DirectiveImportError(f"{path}: file not found")
    if path.is_dir():
        raise DirectiveImportError(f"{path}: is a directory, not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DirectiveImportError(
            f"{path}: {size / 2**20:.0f} MB is too large for a directive "
            f"(limit {MAX_FILE_BYTES // 2**20} MB)"
        )
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text = docx_text(path)
    elif suffix == ".pdf":
        text = pdf_text(path)
    elif suffix in {".xlsx", ".xlsm"}:
        text = xlsx_text(path)
    elif suffix == ".xls":
        raise DirectiveImportError(
            f"{path}: legacy Excel .xls is not read; save it as .xlsx (Excel Workbook) first"
        )
    elif suffix == ".doc":
        raise DirectiveImportError(
            f"{path}: legacy Word .doc is not read; save it as .docx or PDF first"
        )
    else:
        text = decode_text(path.read_bytes(), path)
        text = strip_markdown(text) if suffix in {".md", ".markdown"} else text
    if len(text) > MAX_TEXT_CHARS:
        raise DirectiveImportError(
            f"{path}: {len(text):,} characters of text is too long for a directive "
            f"(limit {MAX_TEXT_CHARS:,})"
        )
    text = clean_text(nfc(text))
    if not text.strip():
        raise DirectiveImportError(f"{path}: the file is empty")
    check_not_mojibake(text, path)
    return text


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or UTF-16 text; anything else is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    guess = raw.decode("cp1252", errors="replace")
    if _legacy_share(guess) > 0.02:
        raise DirectiveImportError(
            f"{path}: not Unicode: the text looks like a legacy Vietnamese encoding "
            "(TCVN3/ABC or VNI); convert it to Unicode (UTF-8) first, e.g. with Unikey's converter"
        )
    raise DirectiveImportError(f"{path}: not UTF-8 text; save it as Unicode (UTF-8) first")


def _legacy_share(text: str) -> float:
    letters = [c for c in text if c.isalpha() or c in _LEGACY]
    if not letters:
        return 0.0
    return sum(c in _LEGACY for c in letters) / len(letters)


def check_not_mojibake(text: str, path: Path) -> None:
    """Refuse text that was decoded with the wrong encoding before it reached us."""
    legacy = _legacy_share(text)
    vietnamese = len(_VIETNAMESE.findall(text))
    if legacy > 0.02 and legacy * 20 > vietnamese / max(1, len(text)) * 100:
        raise DirectiveImportError(
            f"{path}: the text is garbled (mojibake): it looks like a legacy Vietnamese "
            "encoding (TCVN3/ABC or VNI) read as Unicode; convert the original to Unicode first"
        )
    if "Ã" in text and re.search(r"Ã[\u0080-\u00bf]|á»|Æ°", text):
        raise DirectiveImportError(
            f"{path}: the text is garbled (mojibake): UTF-8 read as Windows-1252; "
            "re-save the original as UTF-8"
        )


def strip_markdown(text: str) -> str:
    """Markdown without its markup: headings, emphasis, strike-through and escapes."""
    # A numbered heading ended by a hard line break ("5. Bộ Kế hoạch và Đầu tư  ") is its own
    # paragraph: the capitalised line below is its text, not the rest of its name.
    text = re.sub(
        r"^(\d{1,2}\.\s[^\n]{1,120}?\S) {2,}\n(?=[A-ZĐ\u00c0-\u1ef8])", "\\1\n\n", text, flags=re.M
    )
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"~~(.*?)~~", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"\\([\\.\-*_#+()\[\]!])", r"\1", text)
    return re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)


def _zip_inflated(path: Path, kind: str) -> None:
    """Refuse an Office file that is not a zip, or that inflates far beyond a directive."""
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise DirectiveImportError(f"{path}: not a readable {kind} file ({exc})") from None
    if inflated > MAX_DOCX_XML_BYTES:
        raise DirectiveImportError(
            f"{path}: the {kind} file inflates to {inflated / 2**20:.0f} MB "
            f"(limit {MAX_DOCX_XML_BYTES // 2**20} MB): not a directive"
        )


def xlsx_text(path: Path) -> str:
    """An Office's task list kept in Excel: each sheet's rows as "| … |" table lines.

    Rows with a single cell (a title such as "DANH MỤC NHIỆM VỤ …" or "Kế hoạch số …")
    are lines of text; dates are written dd/mm/yyyy, as a person reads them.
    """
    from openpyxl import load_workbook

    _zip_inflated(path, "Excel (.xlsx)")
    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, XMLSyntaxError) as exc:
        raise DirectiveImportError(f"{path}: not a readable Excel (.xlsx) file ({exc})") from None
    blocks: list[str] = []
    try:
        for sheet in workbook.worksheets:
            lines: list[str] = []
            in_table = False
            for values in sheet.iter_rows(values_only=True):
                cells = [_xlsx_cell(v) for v in values]
                while cells and not cells[-1]:
                    cells.pop()
                said = [c for c in cells if c]
                if not said:
                    continue
                in_table = in_table or len(said) >= 2
                if not in_table:  # a title above the table
                    lines.append(said[0].replace(LINE_BREAK, " "))
                else:
                    lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
            blocks.append("\n".join(lines))
    finally:
        workbook.close()
    return "\n\n".join(b for b in blocks if b.strip())


def _xlsx_cell(value: object) -> str:
    from datetime import date, datetime

    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return LINE_BREAK.join(line.strip() for line in str(value).strip().splitlines())


def docx_text(path: Path) -> str:
    """Paragraphs and table cells of a Word file, in document order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _zip_inflated(path, "Word (.docx)")
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as exc:
        raise DirectiveImportError(f"{path}: not a readable Word (.docx) file ({exc})") from None
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            blocks.append(block.text)
        elif isinstance(block, Table):
            rows = [
                [LINE_BREAK.join(p.text for p in cell.paragraphs).strip() for cell in row.cells]
                for row in block.rows
            ]
            if any(columns_of([row]) for row in rows[:4]):
                # A task table: one "| … |" line per row, as the Markdown form has it.
                lines = ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
                blocks.append("\n".join(lines))
                continue
            for row in block.rows:
                for cell in row.cells:
                    blocks.extend(p.text for p in cell.paragraphs)
    return "\n\n".join(b for b in blocks if b.strip())


def pdf_text(path: Path) -> str:
    """The text layer of a PDF, paragraphs told apart by the vertical gaps between lines.

    A ruled table (its cells drawn as rectangles or lines) is read by its grid: each row
    becomes one "| … | … |" line, as a Markdown or Word table does.
    """
    import logging

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    # A damaged file makes the reader log a warning per broken object: the one line we
    # print (or the text we read) says what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        out: list[str] = []
        for page in reader.pages:
            previous_y: float | None = None
            for y, height, text in _page_lines(page, reader):
                if previous_y is not None and previous_y - y > height * 1.6:
                    out.append("")
                out.append(text.strip())
                previous_y = y
            out.append("")
    except LimitReachedError as exc:
        raise DirectiveImportError(f"{path}: the PDF is over the reader's limits ({exc})") from None
    except (PdfReadError, OSError, ValueError) as exc:
        raise DirectiveImportError(f"{path}: not a readable PDF ({exc})") from None
    text = "\n".join(out)
    if not text.strip():
        raise DirectiveImportError(
            f"{path}: the PDF has no text layer (a scan?); run OCR on it first "
            "or import the Word original"
        )
    return text


def _page_lines(page: Any, reader: Any) -> list[tuple[float, float, str]]:
    """A page's lines of text, top to bottom, each with its baseline and height."""
    from importer.pdf_grid import Grid, page_chunks

    chunks = page_chunks(page)
    grid = Grid.of_page(page, reader)
    lines: list[tuple[float, float, str]] = []
    for chunk in chunks:
        if grid.holds(chunk):
            continue
        if lines and abs(lines[-1][0] - chunk.y) < chunk.height * 0.3:
            lines[-1] = (lines[-1][0], lines[-1][1], lines[-1][2] + chunk.text)
        else:
            lines.append((chunk.y, chunk.height, chunk.text))
    rows = grid.rows(chunks)
    if not rows:
        return lines  # in the order drawn: a header's two columns stay apart
    for row in sorted(rows, key=lambda r: -r[0]):
        at = next((i for i, line in enumerate(lines) if line[0] < row[0]), len(lines))
        lines.insert(at, row)
    return lines
