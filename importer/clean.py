"""Conversion noise taken out of a directive's text before it is read.

Texts reach the Office converted from PDF or copied from a web page: HTML
tags and entities, Markdown residue, page-break markers and page numbers, the
page header repeated on every page, and OCR's stray spaces inside words ("Bộ
Y t ế"). Each is removed here, line by line, so the reader sees the document
a person sees.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from importer.structure import marker
from importer.tables import LINE_BREAK

_TAG_BREAK = re.compile(r"<\s*(?:br|/p|/div|/tr|/li|/h\d)\s*/?\s*>", re.IGNORECASE)
_TAG_CELL = re.compile(r"<\s*/t[dh]\s*>", re.IGNORECASE)
_CELL = re.compile(r"<t[dh]\b[^<>]{0,300}>.*?</t[dh]\s*>", re.IGNORECASE | re.DOTALL)
# "<br>" inside a Markdown table row: a line break within the cell, not the row's end.
_TABLE_ROW_BREAK = re.compile(
    r"(?<=\S)\s*<\s*br\s*/?\s*>\s*(?=[^\n]*\|\s*$)", re.IGNORECASE | re.MULTILINE
)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PAGE_MARK = re.compile(
    r"^\s*(?:"
    r"[-=_*#\s]*(?:page|trang)\s*\d+(?:\s*(?:/|of|trên)\s*\d+)?[-=_*#\s]*"
    r"|[-–]\s*\d{1,3}\s*[-–]"
    r"|\d{1,3}"
    r"|\f"
    r"|(?:-{3,}|\*{3,}|_{3,}|={3,})\s*(?:page\s*break|ngắt trang)?\s*(?:-{3,}|\*{3,}|_{3,}|={3,})?"
    r")\s*$",
    re.IGNORECASE,
)
# A consonant cluster never stands alone as a Vietnamese word: "t ế" is "tế".
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])"
_VOWEL = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
_SPLIT_SYLLABLE = re.compile(rf"(?<![\w/.])({_ONSET}) (?=[{_VOWEL}])", re.IGNORECASE)


def clean_text(text: str) -> str:
    """The text without markup residue, page furniture and split syllables."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text:
        text = _COMMENT.sub("\n", text)
        text = _CELL.sub(_one_line_cell, text)
        text = _TABLE_ROW_BREAK.sub(LINE_BREAK, text)
        text = _TAG_CELL.sub(" | ", text)
        text = _TAG_BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\f", "\n").replace("\u00ad", "").replace("\u200b", "")
    text = re.sub(r"\*\*|__", "", text)
    if len(re.findall(r"(?<=\w)_(?=\w)", text)) > 20:
        # A word-segmented text ("Sở Kế_hoạch và Đầu_tư , ..."): words and punctuation as written.
        text = re.sub(r"(?<=\w)_(?=\w)", " ", text)
        text = re.sub(r"(?<=\S) +([,.;:)!?])", r"\1", text)
        text = re.sub(r"\( +", "(", text)
    text = re.sub(r"(?<=\w) -(?=[A-ZĐ][a-zà-ỹđ])", " ", text)  # OCR's "Bộ -Thông tin"
    text = re.sub(r"^[_~]+\s*(?=\d{1,2}\.)", "", text, flags=re.MULTILINE)  # OCR's "_2.3. Giao"
    lines = [_join_split_syllables(line) for line in text.split("\n")]
    lines = _with_sub_numbers_apart(_without_breadcrumbs(lines))
    # "1.Các sở, ban, ngành …": the number without its space.
    lines = [
        re.sub(r"^(\d{1,2}(?:\.\d{1,2})*\.)(?=[A-ZĐ\u00c0-\u00dd\u1ea0-\u1ef8])", r"\1 ", ln)
        for ln in lines
    ]
    return "\n".join(_without_running_headers(_without_page_breaks(lines)))


# A web crawl that starts each section with the document's name: "Quyết định 435/QĐ-UBND năm
# 2020. Điều 1.", "… năm 2020. CHƯƠNG TRÌNH HÀNH ĐỘNG. II. NỘI DUNG HOẠT ĐỘNG".
_BREADCRUMB = re.compile(
    r"^((?:Quyết định|Chỉ thị|Kế hoạch|Nghị quyết|Thông báo|Công văn|Công điện|Thông tư|"
    r"Nghị định)\s+\S[^\n]{0,60}?\.\s+)"
)
_TITLE_BEFORE_MARKER = re.compile(r"^([^.\n]{6,80}\.\s+)(?=(?:[IVX]{1,5}|\d{1,2})[.)]\s)")
_TRAILING_NUMBER = re.compile(r"^(?P<label>\d{1,2})\.\s.*?\S(?P<tail>\s+(?P=label)\.1\.)(?:\s|$)")


def _without_breadcrumbs(lines: list[str]) -> list[str]:
    """Each line without the document's name a crawler put before every section."""
    counts = Counter(m.group(1) for line in lines if (m := _BREADCRUMB.match(line)))
    crumbs = sorted((c for c, n in counts.items() if n >= 3), key=len, reverse=True)
    if crumbs:
        lines = [_without_prefix(line, crumbs) for line in lines]
    titles = Counter(
        m.group(1)
        for line in lines
        if (m := _TITLE_BEFORE_MARKER.match(line)) and m.group(1).isupper()
    )
    repeated = {t for t, n in titles.items() if n >= 2}
    if not repeated:
        return lines
    out = []
    for line in lines:
        m = _TITLE_BEFORE_MARKER.match(line)
        out.append(line[m.end(1) :] if m and m.group(1) in repeated else line)
    return out


def _without_prefix(line: str, prefixes: list[str]) -> str:
    for prefix in prefixes:
        if line.startswith(prefix):
            return line[len(prefix) :]
    return line


def _with_sub_numbers_apart(lines: list[str]) -> list[str]:
    """ "2. Nâng cao năng lực … 2.1." then the sub-item's text: the "2.1." starts its own line."""
    out: list[str] = []
    for line in lines:
        m = _TRAILING_NUMBER.match(line)
        if m:
            out.extend([line[: m.start("tail")], line[m.start("tail") :].strip()])
        else:
            out.append(line)
    return out


def _one_line_cell(match: re.Match[str]) -> str:
    """An HTML table cell on one line, its own line breaks kept as LINE_BREAK."""
    cell = re.sub(r"\s*\n\s*", " ", match.group())
    return _TAG_BREAK.sub(LINE_BREAK, cell)


def _without_page_breaks(lines: list[str]) -> list[str]:
    """Page numbers and break markers gone; a sentence cut by a page break joined again."""
    out: list[str] = []
    broken = False
    for line in lines:
        if line.strip() and _PAGE_MARK.match(line):
            broken = True
            continue
        if not line.strip():
            out.append(line)
            continue
        if broken:
            last = next((i for i in range(len(out) - 1, -1, -1) if out[i].strip()), None)
            if (
                last is not None
                and not out[last].rstrip().endswith((".", ";", ":", "!", "?"))
                and marker(line.strip()) is None
            ):
                del out[last + 1 :]
            broken = False
        out.append(line)
    return out


def _join_split_syllables(line: str) -> str:
    if " " not in line:
        return line
    return _SPLIT_SYLLABLE.sub(_joined, line)


def _joined(match: re.Match[str]) -> str:
    onset = match.group(1)
    # "Y t ế": only a lower-case onset is a split word; "A, B và C" lists are not touched.
    return onset if onset.islower() else match.group(0)


def _without_running_headers(lines: list[str]) -> list[str]:
    """Lines repeated on every page (a running header or footer) blanked after the first."""
    counts = Counter(
        line.strip()
        for line in lines
        if 0 < len(line.strip()) <= 80 or line.strip().lstrip("# ").isupper()
    )
    repeated = {line for line, count in counts.items() if count >= 3 and not _ordinary(line)}
    if not repeated:
        return lines
    seen: set[str] = set()
    out = []
    for line in lines:
        key = line.strip()
        if key in repeated:
            if key in seen:
                out.append("")
                continue
            seen.add(key)
        out.append(line)
    return out


def _ordinary(line: str) -> bool:
    """Lines that may well repeat in a document's own text: markers, table rules, punctuation."""
    if len(line) <= 3 or set(line) <= set("|-–+:= "):
        return True
    return marker(line) is not None
