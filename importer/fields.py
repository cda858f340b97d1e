"""Field blocks: items whose letters are fields, not tasks.

Plans often write one task as a block of labelled fields: "a) Nhiệm vụ: …",
"b) Cơ quan chủ trì: …", "c) Cơ quan phối hợp: …", "d) Thời gian thực hiện:
…", nested ("2. Cơ quan chủ trì, phối hợp" over "a) Cơ quan chủ trì" and its
dash list) or run together on one line ("Cơ quan thực hiện: X chủ trì, phối
hợp với Y; Thời gian: …"). `fields_of` reads such a block into its fields.
"""

from __future__ import annotations

import re

from importer.structure import Item, marker, text_of

_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[\s;.:]))(?:[a-zđA-Z]\)\s*)*"
    r"(?P<label>(?:Cơ quan|cơ quan|Đơn vị|đơn vị)\s+(?:chủ trì|thực hiện(?: chính)?|phối hợp|"
    r"chịu trách nhiệm)(?:\s*,\s*(?:phối hợp|thực hiện))?|"
    r"Chủ trì(?: thực hiện)?|Phối hợp(?: thực hiện)?|(?:Nhiệm vụ|Nội dung)(?= *:)|"
    r"(?:Thời gian|thời gian|Thời hạn|thời hạn|Tiến độ|tiến độ)(?: thực hiện| hoàn thành)?|"
    r"Sản phẩm|sản phẩm|Kinh phí)\s*(?::|$|(?=\s*\n))",
)


def _kind(label: str) -> str:
    folded = label.casefold()
    if folded.startswith(("thời", "tiến")):
        return "time"
    if "chủ trì" in folded and "phối hợp" in folded:
        return "heading"
    if "chủ trì" in folded or "thực hiện" in folded or "trách nhiệm" in folded:
        return "lead"
    if "phối hợp" in folded:
        return "coordinating"
    if folded.startswith(("thời", "tiến")):
        return "time"
    if folded.startswith(("nhiệm vụ", "nội dung")):
        return "task"
    return "other"


def count_labels(item: Item) -> int:
    """How many field labels the item's own lines and its direct sub-items open with."""
    heads = [*item.paragraphs, *(c.paragraphs[0] for c in _field_items(item) if c.paragraphs)]
    total = 0
    for paragraph in heads:
        found = marker(paragraph)
        text = found[2] if found else paragraph
        total += sum(1 for m in _LABEL.finditer(text) if _kind(m["label"]) != "other")
    return total


def _field_items(item: Item) -> list[Item]:
    """The item's direct sub-items, and the bullets under its bullets ("- Cơ quan …" then
    "* Thời gian …" reads as one more dash level, yet is the same list)."""
    out = []
    for child in item.children:
        out.append(child)
        if child.kind == "bullet":
            out.extend(c for c in _field_items(child) if c.kind == "bullet")
    return out


def is_field_block(item: Item) -> bool:
    """Whether the item is one task written as labelled fields (a lead field and another)."""
    if count_labels(item) < 2:
        return False
    return any(kind == "lead" for kind, _ in fields_of(item))


def fields_of(item: Item) -> list[tuple[str, str]]:
    """(kind, value) of each field in the block, in reading order; text before them as 'task'."""
    out: list[tuple[str, str]] = []
    current = "task"
    for paragraph in text_of(item):
        found = marker(paragraph)
        text = (found[2] if found else paragraph).strip()
        position = 0
        for m in _LABEL.finditer(text):
            before = text[position : m.start()].strip(" ;")
            if before:
                out.append((current, before))
            current = _kind(m["label"])
            position = m.end()
        rest = text[position:].strip(" ;")
        if rest:
            out.append((current, rest))
    return out
