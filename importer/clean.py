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
    return "\n".join(_without_running_headers(_without_page_breaks(lines)))


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
