"""Deadlines and reporting cadences written in Vietnamese, read relative to the document's date.

A deadline is a date phrase that governs a duty: "trước ngày 30/9/2021",
"chậm nhất ngày 30 tháng 9 năm 2021", "trong tháng 10/2021", "trong Quý III/2021",
"(đến) cuối năm 2021", "trong năm 2021". A date inside a target ("phấn đấu …
đến cuối năm 2021") is the horizon of an aim, not a deadline; a date inside a
reference ("Nghị quyết số 63/NQ-CP ngày 29/6/2021") has none of those words.
A cadence is "hằng/hàng tháng", "định kỳ hằng quý", …, optionally with the day
("trước ngày 20 hằng tháng").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from importer.names import nfc

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_YEAR = r"(?:/|\s*năm\s+|\s*-\s*)(?P<year>\d{4})"

_DAY = re.compile(
    r"(?:trước|chậm nhất(?:\s+(?:là|vào|trước))?|hạn chót|xong trước|hoàn thành trước)"
    r"\s+(?:ngày\s+)?(?P<day>\d{1,2})(?:/|\s*tháng\s+)(?P<month>\d{1,2})"
    r"(?:(?:/|\s*năm\s+)(?P<year>\d{4}))?",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"(?:trong|trước|chậm nhất|hoàn thành|xong)\s+(?:trong\s+)?tháng\s+(?P<month>\d{1,2})"
    + "(?:"
    + _YEAR
    + ")?",
    re.IGNORECASE,
)
_QUARTER = re.compile(
    r"(?:trong|trước|chậm nhất|hoàn thành|xong|cuối)\s+(?:trong\s+)?quý\s+"
    r"(?P<quarter>IV|I{1,3}|[1-4])(?:" + _YEAR + ")?",
    re.IGNORECASE,
)
_YEAR_END = re.compile(
    r"(?:(?:đến|trước|trong)\s+)?cuối\s+năm\s+(?P<year>\d{4})|trong\s+năm\s+(?P<within>\d{4})",
    re.IGNORECASE,
)
_CADENCES = (
    ("monthly", re.compile(r"h[ằà]ng\s+tháng|mỗi\s+tháng|định\s+kỳ\s+tháng", re.IGNORECASE)),
    ("quarterly", re.compile(r"h[ằà]ng\s+quý|mỗi\s+quý|định\s+kỳ\s+quý", re.IGNORECASE)),
    (
        "half-yearly",
        re.compile(
            r"(?:định\s+kỳ\s+)?6\s+tháng(?:\s+một\s+lần)?,?\s+h[ằà]ng\s+năm|"
            r"h[ằà]ng\s+6\s+tháng",
            re.IGNORECASE,
        ),
    ),
    ("yearly", re.compile(r"h[ằà]ng\s+năm|mỗi\s+năm|định\s+kỳ\s+năm", re.IGNORECASE)),
)
_CADENCE_DAY = re.compile(
    r"(?:trước|chậm nhất|vào)\s+(?:ngày\s+)?(?P<day>\d{1,2})(?!\d)(?!\s*(?:/|tháng))", re.IGNORECASE
)
_TARGET = re.compile(r"\bphấn đấu\b", re.IGNORECASE)


@dataclass(frozen=True)
class Deadline:
    """A date a duty must be done by, with the words that set it."""

    due: date
    phrase: str


@dataclass(frozen=True)
class Cadence:
    """A recurring reporting duty: every month/quarter/…, optionally by a day of the period."""

    every: str
    day: int | None
    phrase: str


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, year: str | None, issued: date) -> int:
    """The year a date without one falls in: the first such month on or after the issue date."""
    if year:
        return int(year)
    return issued.year if month >= issued.month else issued.year + 1


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[;.]\s+|\n", nfc(text)) if c.strip()]


def find_deadlines(text: str, issued: date) -> list[Deadline]:
    """Every deadline in the text, in order; dates inside a target ("phấn đấu") are not."""
    found: list[Deadline] = []
    for clause in _clauses(text):
        if _TARGET.search(clause):
            continue
        hits: list[tuple[int, Deadline]] = []
        for m in _DAY.finditer(clause):
            month, day = int(m["month"]), int(m["day"])
            year = _year_for(month, m["year"], issued)
            try:
                hits.append((m.start(), Deadline(date(year, month, day), m.group())))
            except ValueError:
                continue
        for m in _MONTH.finditer(clause):
            month = int(m["month"])
            if 1 <= month <= 12:
                due = _month_end(_year_for(month, m["year"], issued), month)
                hits.append((m.start(), Deadline(due, m.group())))
        for m in _QUARTER.finditer(clause):
            quarter = _ROMAN.get(m["quarter"].upper()) or int(m["quarter"])
            last_month = quarter * 3
            year = _year_for(last_month, m["year"], issued)
            hits.append((m.start(), Deadline(_month_end(year, last_month), m.group())))
        for m in _YEAR_END.finditer(clause):
            year = int(m["year"] or m["within"])
            hits.append((m.start(), Deadline(date(year, 12, 31), m.group())))
        found.extend(hit for _, hit in sorted(hits, key=lambda h: h[0]))
    return found


def find_deadline(text: str, issued: date) -> Deadline | None:
    """The task's deadline: the latest one its text sets (the task is done when all of it is)."""
    found = [d for d in find_deadlines(text, issued) if d.due >= issued]
    return max(found, key=lambda d: d.due) if found else None


def deadline_in_cell(cell: str, issued: date) -> Deadline | None:
    """The deadline a table's or a field's time cell sets: "Quý II/2026", "Tháng 6", "30/6/2026".

    A cell holds only the time, so a bare date or period is the deadline; "Thường xuyên"
    (a standing task) has none.
    """
    text = " ".join(cell.split())
    if not text:
        return None
    found = find_deadline(text, issued)
    years = re.fullmatch(r"(?:[Nn]ăm\s+)?(\d{4})(?:\s*[-–]\s*(\d{4}))?", text)
    if found is None and years:  # "2026", "2025 - 2026": by the end of the last year
        due = date(int(years.group(2) or years.group(1)), 12, 31)
        return Deadline(due, text) if due >= issued else None
    if found is None and re.match(r"\d{1,2}/\d{4}\b", text):  # "6/2025": a month
        found = find_deadline(f"trong tháng {text}", issued)
    if found is None and re.match(r"(?:tháng|quý|năm)\b", text, re.IGNORECASE):
        found = find_deadline(f"trong {text}", issued)
    if found is None and re.match(r"(?:ngày\s+)?\d{1,2}(?:/|\s*tháng\s+)\d{1,2}", text):
        found = find_deadline(f"trước {text}", issued)
    return Deadline(found.due, text) if found else None


def find_cadence(text: str) -> Cadence | None:
    """The reporting cadence a text sets ("báo cáo định kỳ hằng tháng, trước ngày 20")."""
    for clause in _clauses(text):
        for every, pattern in _CADENCES:
            m = pattern.search(clause)
            if m is None:
                continue
            day_match = _CADENCE_DAY.search(clause)
            day = int(day_match["day"]) if day_match and 1 <= int(day_match["day"]) <= 31 else None
            return Cadence(every, day, clause.strip())
    return None
