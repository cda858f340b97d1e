"""The ruled tables of a PDF page: cells from the rules drawn around them.

A PDF has no tables, only text placed at positions and lines drawn between
them. Where the drawn rules form a grid (a bordered table, the way Word and
most PDF writers draw one), each band between two horizontal rules is a row
and each band between two vertical rules a column; the text inside is put
into its cell, so a row whose cells wrap over several lines is still one row.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

_MIN_CELL = 4.0  # points: thinner than this, a rectangle is a rule, not a cell


@dataclass(frozen=True)
class Chunk:
    """A run of text at a position on the page (the baseline's start)."""

    x: float
    y: float
    height: float
    text: str


def page_chunks(page: Any) -> list[Chunk]:
    """The page's runs of text, in the order they are drawn."""
    chunks: list[Chunk] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        height = abs(size * tm[3] * cm[3]) or size
        chunks.append(Chunk(x, y, height, text))

    page.extract_text(visitor_text=visit)
    return chunks


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]


def _apply(m: list[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


@dataclass
class Grid:
    """The horizontal and vertical rules of the page's ruled tables."""

    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)

    @classmethod
    def of_page(cls, page: Any, reader: Any) -> Grid:
        """The rules drawn on a page: rectangles' edges and straight horizontal/vertical lines."""
        from pypdf.errors import PdfReadError

        try:
            return cls._read(page, reader)
        except (PdfReadError, ValueError, TypeError, KeyError, IndexError):
            return cls()  # drawing the reader cannot follow: the text is read as lines

    @classmethod
    def _read(cls, page: Any, reader: Any) -> Grid:
        from pypdf.generic import ContentStream

        contents = page.get_contents()
        if contents is None:
            return cls()
        xs: set[float] = set()
        ys: set[float] = set()
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        stack: list[list[float]] = []
        start: tuple[float, float] | None = None
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q" and stack:
                ctm = stack.pop()
            elif operator == b"cm" and len(operands) == 6:
                ctm = _multiply([float(v) for v in operands], ctm)
            elif operator == b"re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                (x1, y1), (x2, y2) = _apply(ctm, x, y), _apply(ctm, x + w, y + h)
                if abs(x2 - x1) >= _MIN_CELL:
                    ys.update((round(y1, 1), round(y2, 1)))
                if abs(y2 - y1) >= _MIN_CELL:
                    xs.update((round(x1, 1), round(x2, 1)))
                if abs(x2 - x1) < _MIN_CELL <= abs(y2 - y1):
                    xs.add(round((x1 + x2) / 2, 1))
                if abs(y2 - y1) < _MIN_CELL <= abs(x2 - x1):
                    ys.add(round((y1 + y2) / 2, 1))
            elif operator == b"m" and len(operands) == 2:
                start = _apply(ctm, float(operands[0]), float(operands[1]))
            elif operator == b"l" and len(operands) == 2 and start is not None:
                end = _apply(ctm, float(operands[0]), float(operands[1]))
                if abs(end[1] - start[1]) < 0.5 and abs(end[0] - start[0]) >= _MIN_CELL:
                    ys.add(round(start[1], 1))
                elif abs(end[0] - start[0]) < 0.5 and abs(end[1] - start[1]) >= _MIN_CELL:
                    xs.add(round(start[0], 1))
                start = end
        grid = cls(sorted(_merged(xs)), sorted(_merged(ys)))
        return grid if len(grid.xs) >= 3 and len(grid.ys) >= 3 else cls()

    def holds(self, chunk: Chunk) -> bool:
        """Whether the text sits inside the ruled area."""
        if not self.xs:
            return False
        return self.xs[0] <= chunk.x <= self.xs[-1] and self.ys[0] <= chunk.y <= self.ys[-1]

    def rows(self, chunks: list[Chunk]) -> list[tuple[float, float, str]]:
        """Each ruled row with text as one "| … |" line at the row's top."""
        cells: dict[int, dict[int, list[Chunk]]] = {}
        for chunk in chunks:
            if not self.holds(chunk):
                continue
            row = bisect_right(self.ys, chunk.y) - 1
            column = bisect_right(self.xs, chunk.x + 0.5) - 1
            cells.setdefault(row, {}).setdefault(column, []).append(chunk)
        lines = []
        for row, columns in cells.items():
            texts = []
            for column in range(len(self.xs) - 1):
                texts.append(_cell_text(columns.get(column, [])))
            height = min(c.height for cs in columns.values() for c in cs)
            lines.append((self.ys[row + 1], height, "| " + " | ".join(texts) + " |"))
        return lines


def _merged(values: set[float]) -> list[float]:
    """Rule positions within a point of each other are one rule (a border drawn twice)."""
    merged: list[float] = []
    for value in sorted(values):
        if not merged or value - merged[-1] > 1.0:
            merged.append(value)
    return merged


def _cell_text(chunks: list[Chunk]) -> str:
    """A cell's text, its lines top to bottom joined: a PDF's line breaks are only wrapping."""
    lines: list[list[Chunk]] = []
    for chunk in sorted(chunks, key=lambda c: (-c.y, c.x)):
        if lines and abs(lines[-1][0].y - chunk.y) < chunk.height * 0.3:
            lines[-1].append(chunk)
        else:
            lines.append([chunk])
    text = " ".join(" ".join("".join(c.text for c in line).split()) for line in lines)
    return text.replace("|", "/")
