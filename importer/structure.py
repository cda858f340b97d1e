"""The body's outline: paragraphs, numbered items and their nesting.

Markers a Vietnamese administrative document numbers its items with: Roman
parts ("I.", "II."), decimals ("1.", "2.1.", "2.1"), "Nhiệm vụ 1", letters
("a)", "b)") and bullets ("-", "+"). A marker's level is learnt from the order
in which the kinds first appear, as a reader does: the first kind seen is the
outermost; "2.1" is always inside "2".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKERS = (
    (
        "part",
        re.compile(
            r"^(?:PHẦN\s+|Phần\s+|MỤC\s+|Mục\s+)?(?P<label>[A-H])[.)/]\s+(?=[A-ZĐ\u00c0-\u1ef9])"
        ),
    ),
    ("roman", re.compile(r"^(?:PHẦN\s+|Phần\s+|MỤC\s+|Mục\s+)?(?P<label>[IVX]{1,5})[.)/]\s+")),
    ("nhiem-vu", re.compile(r"^(?:Nhiệm vụ|NHIỆM VỤ)\s+(?P<label>\d{1,2})\s*[.:)\-–]?\s+")),
    ("decimal", re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})*)[.)]\s+")),
    ("decimal", re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})+)\s+(?=\S)")),
    ("letter", re.compile(r"^(?P<label>[a-zđ])[)]\s+")),
    ("letter", re.compile(r"^(?P<label>[a-hđ])\.\s+(?=\S)")),
    ("bullet", re.compile(r"^(?P<label>[-+•–*])\s+")),
)
_END = re.compile(
    r"^(?:N[ơo]i nhận\b|TM\.\s|KT\.\s|TL\.\s|TUQ\.\s|Q\.\s)|^(?:CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG)$"
)


@dataclass
class Item:
    """A numbered (or bulleted) item: its number, its paragraphs, the items inside it."""

    kind: str
    label: str
    paragraphs: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    bullet: str = ""

    @property
    def level_key(self) -> str:
        """Which kind of marker this is, decimals told apart by depth."""
        if self.kind == "decimal":
            return f"decimal{self.label.count('.') + 1}"
        if self.kind == "bullet":
            return f"bullet{self.bullet}"
        return self.kind


@dataclass
class Outline:
    """The body: paragraphs before the first item, and the items."""

    preamble: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


def marker(paragraph: str) -> tuple[str, str, str] | None:
    """(kind, label, rest) when the paragraph opens with an item marker."""
    for kind, pattern in _MARKERS:
        m = pattern.match(paragraph)
        if m:
            label = m["label"]
            if kind == "decimal" and int(label.split(".")[0]) == 0:
                continue
            return kind, label, paragraph[m.end() :]
    return None


_ATTACHED = re.compile(
    r"^\(?\s*(?:Ban hành |ban hành )?kèm theo (?:Quyết định|Chỉ thị|Kế hoạch|Công văn|Nghị quyết)"
    r"|^(?:KẾ HOẠCH|CHƯƠNG TRÌNH|PHỤ LỤC|Phụ lục|DANH MỤC|ĐỀ ÁN)\b"
)


def attachments(lines: list[str], start: int) -> list[list[str]]:
    """The bodies of what follows the signature: an issued plan or programme, an annex."""
    found: list[list[str]] = []
    index = start + len(body_lines(lines, start))  # the main body's end
    while index < len(lines):
        if _ATTACHED.match(lines[index].strip()):
            body = body_lines(lines, index)
            found.append(body)
            index += len(body)
        index += 1
    return found


def body_lines(lines: list[str], start: int) -> list[str]:
    """The lines of the body: from `start` to the recipients' block or the signature."""
    body = []
    for line in lines[start:]:
        if _END.match(line.strip()):
            break
        body.append(line)
    return body


def paragraphs(lines: list[str]) -> list[str]:
    """Lines joined into paragraphs.

    A blank line ends a paragraph; a line that opens with a marker starts one.
    A line that opens in lower case continues the paragraph before it even
    across a blank line when that one has no final punctuation: a page break
    or a hard wrap in the middle of a sentence ("… triển" / "khai …").
    """
    result: list[str] = []
    current: list[str] = []
    gap = True
    bare_marker = False
    for raw in lines:
        line = re.sub(r"\s+", " ", raw).strip()
        if not line:
            if current and not bare_marker:
                result.append(" ".join(current))
                current = []
            gap = True
            continue
        alone = marker(line + " X")
        bare = alone is not None and alone[2] == "X" and alone[0] != "bullet"
        if current and bare_marker:
            # "1." alone on its line (a converted table cell, a word-segmented text): the next
            # line is the item's text.
            current.append(line)
            bare_marker = False
            gap = False
            continue
        continues = line[:1].islower() and marker(line) is None
        if (
            continues
            and not current
            and result
            and not result[-1].endswith((".", ";", ":", "!", "?"))
        ):
            current = [result.pop()]
        if current and (marker(line) is not None or bare or (gap and not continues)):
            result.append(" ".join(current))
            current = []
        current.append(line)
        bare_marker = bare
        gap = False
    if current:
        result.append(" ".join(current))
    return result


def outline(paras: list[str]) -> Outline:
    """The items of the body, nested by the order their kinds of marker first appear."""
    result = Outline()
    ranks: dict[str, int] = {}
    stack: list[Item] = []
    for paragraph in paras:
        found = marker(paragraph)
        if found is None:
            if stack:
                stack[-1].paragraphs.append(paragraph)
            else:
                result.preamble.append(paragraph)
            continue
        kind, label, rest = found
        item = Item(kind=kind, label=label, paragraphs=[rest.strip()])
        if kind == "bullet":
            item.bullet = label
            item.paragraphs = [paragraph.strip()]
        key = item.level_key
        if kind == "decimal" and "." in label:
            parent_label = label.rsplit(".", 1)[0]
            parents = [
                i
                for i, open_item in enumerate(stack)
                if open_item.kind == "decimal" and open_item.label == parent_label
            ]
            if parents:
                del stack[parents[-1] + 1 :]
            else:
                while stack and stack[-1].kind not in ("roman", "part"):
                    stack.pop()
        elif kind == "bullet":
            # A dash list belongs to the item above it, whatever depth dashes were first seen at.
            while (
                stack
                and stack[-1].kind == "bullet"
                and ranks.get(stack[-1].level_key, 99) >= ranks.get(key, 99)
            ):
                stack.pop()
        elif kind == "part":
            stack.clear()
        elif kind == "roman":
            # A Roman part is inside a lettered part ("B.") and outside everything else.
            while stack and stack[-1].kind != "part":
                stack.pop()
        elif key in ranks:
            while (
                stack
                and stack[-1].kind not in ("roman", "part")
                and ranks.get(stack[-1].level_key, 99) >= ranks[key]
            ):
                stack.pop()
        if key not in ranks:
            ranks[key] = (ranks.get(stack[-1].level_key, -1) + 1) if stack else 0
        if kind == "bullet" and not stack:
            result.preamble.append(paragraph)
            continue
        (stack[-1].children if stack else result.items).append(item)
        stack.append(item)
    return result


def text_of(item: Item) -> list[str]:
    """Every paragraph of an item and of the items inside it, in reading order."""
    out = list(item.paragraphs)
    for child in item.children:
        out.extend(text_of(child))
    return out
