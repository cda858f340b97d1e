"""Who a task's text assigns: the lead (chủ trì, or the sentence's subject) and coordinating.

Rules, in the order a reader applies them:
- "X chủ trì" / "Giao X chủ trì" / "X là cơ quan chủ trì": X leads.
- Otherwise the subject of a sentence leads when it is a list of agencies
  followed by the predicate ("Công an Thành phố, Bộ Tư lệnh Thủ đô triển khai …").
- "A yêu cầu / giao / đề nghị X …" and a sentence opening with "Giao X",
  "Yêu cầu X", "Đề nghị X": X leads, A is the one assigning.
- "phối hợp (chặt chẽ) (với) Y": Y coordinates; "các đơn vị liên quan" and
  its kin are an open set, never a name.
Names that are only the source of guidance ("theo hướng dẫn của Bộ …") or the
addressee of advice ("tham mưu UBND Thành phố") are in no role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from importer.names import (
    AGENCY_HEADS,
    OPEN_SET,
    PREDICATE,
    Found,
    NameList,
    Registry,
    nfc,
    read_names,
)
from importer.titles import plain_names

ASSIGNING = re.compile(
    r"\b(?:yêu cầu|(?:phân công|giao)(?!\s+(?:thông|dịch|lưu|nhận|kết|ban))|đề nghị)\s+",
    re.IGNORECASE,
)
OPENING = re.compile(r"^(?:Giao(?!\s+thông)|Phân công|Yêu cầu|Đề nghị)\s+")
# OCR writes "chủ trì" as "chủ tri", "chi trì".
_LEAD = re.compile(
    r"\s*(?:là cơ quan |làm cơ quan )?(?:ch[ủuỉi] tr[ìi]|là đầu mối|làm đầu mối)\b(?!\w)"
)
# "Ban QLRR chủ trì, Vụ KK phối hợp": who joins, named before the words.
_JOINS = re.compile(r"\s*,\s*(?P<names>[^,;:]+?(?:,[^,;:]+?)*?)\s+phối hợp\b(?!\s+(?:với|chặt))")
_COORDINATE = re.compile(r"\bphối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+")
_INTRO = re.compile(
    r"^(?:Về|Trong|Đối với|Để|Căn cứ|Trên cơ sở|Theo(?! dõi)|Trường hợp|Khi|Nếu|"
    r"Thực hiện(?= (?:Nghị quyết|Chỉ thị|Kế hoạch|Quyết định|Công văn|Thông báo|Công điện|ý kiến|"
    r"chỉ đạo|Luật|Nghị định)))\b"
    r"[^,]*,\s*",
    re.IGNORECASE,
)
_COLLECTIVE = re.compile(
    r"(?:Các|Những|các|những)\s+(?:cấp|ngành|sở|ban|bộ|cơ quan|đơn vị|địa phương|quận|huyện|"
    r"xã|phường|tổ chức|doanh nghiệp|chủ đầu tư|hội|đoàn thể|trường|bệnh viện|cơ sở|"
    r"tổng công ty|công ty|UBND|Ủy ban|tỉnh|thành phố|Bộ|Sở)\b"
)
_HEAD = re.compile(
    # A head word that opens an ordinary word is no body: "Trường hợp", "Ban hành", "Bộ phận".
    r"(?!Trường hợp|Ban (?:chất|hành|đầu|ngày|đêm)|Bộ (?:phận|máy|hồ sơ|tiêu chí|công cụ|chỉ số|"
    r"luật|mặt)|Vụ (?:việc|án)|Cục (?:bộ|diện)|Sở (?:hữu|dĩ|thích)|Hội (?:nghị|thảo|chợ|nhập|đủ)|"
    r"Phòng (?:chống|ngừa|họp|cháy|bệnh)|Viện (?:phí|dẫn|trợ))"
    "(?:" + "|".join(re.escape(h) for h in AGENCY_HEADS) + r")\b"
    r"|Cơ quan (?=[A-ZĐ])"  # "Cơ quan Lao động - Thương binh và Xã hội ở địa phương"
)
# "Các sở, ban, ngành trực thuộc UBND tỉnh": whose they are, not another body.
_QUALIFIER = re.compile(
    r"\s+(?:trực thuộc|thuộc)\s+(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)"
    r"(?:\s+(?:tỉnh|thành phố|Thành phố|quận|huyện|thị xã))?(?=[\s,;:.]|$)"
)
_SEPARATOR = re.compile(r"\s*(?:[,;]|\bvà\b|\bcùng\b)\s*")


@dataclass
class Assignees:
    """The agencies one paragraph (or task) assigns, as found in the text."""

    lead: list[Found] = field(default_factory=list)
    coordinating: list[Found] = field(default_factory=list)
    coordinating_open: bool = False
    # A lead read from a sentence's subject ("Sở Y tế hướng dẫn …"), not from "chủ trì"/"Giao".
    inferred: bool = False

    def merge(self, other: Assignees) -> None:
        """Add another paragraph's assignees, keeping order and dropping repeats."""
        self.inferred = self.inferred or (other.inferred and bool(other.lead))
        self.lead = unique([*self.lead, *other.lead])
        self.coordinating = unique([*self.coordinating, *other.coordinating])
        self.coordinating_open = self.coordinating_open or other.coordinating_open

    def settle(self) -> Assignees:
        """An agency that leads is not also listed as coordinating."""
        leads = {key(f) for f in self.lead}
        self.coordinating = [f for f in self.coordinating if key(f) not in leads]
        return self


def key(found: Found) -> str:
    """What makes two found names the same agency."""
    return found.code or found.name.casefold()


def unique(found: list[Found]) -> list[Found]:
    """The names without repeats, first occurrence kept."""
    seen: set[str] = set()
    result = []
    for item in found:
        if key(item) not in seen:
            seen.add(key(item))
            result.append(item)
    return result


def sentences(paragraph: str) -> list[str]:
    """The paragraph cut into sentences (a full stop followed by a capital)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[\"“(]?[^\W\d_])", paragraph.strip())
    merged: list[str] = []
    for part in parts:
        if merged and not part[:1].isupper() and part[:1] not in '"“(':
            merged[-1] += " " + part
        else:
            merged.append(part)
    return merged


def leading_names(text: str, registry: Registry) -> tuple[NameList, int]:
    """The list of agencies that opens `text`, and where it ends (0 if there is none)."""
    position = 0
    end = 0
    result = NameList()
    while position < len(text):
        item_end = _item_at(text, position, registry)
        if item_end is None:
            break
        names = read_names(text[position:item_end], registry)
        qualifier = _QUALIFIER.match(text, item_end)
        item_end = qualifier.end() if qualifier else item_end
        end = item_end
        result.found.extend(names.found)
        result.open_set = result.open_set or names.open_set
        separator = _SEPARATOR.match(text, item_end)
        if separator is None or separator.end() == item_end:
            break
        position = separator.end()
    return result, end


def _item_at(text: str, position: int, registry: Registry) -> int | None:
    """Where one agency name (known, unknown or an open set) starting here ends."""
    open_match = OPEN_SET.match(text, position)
    if open_match:
        return open_match.end()
    rest = text[position:]
    known = read_names(_first_words(rest, registry.longest + 3), registry)
    if known.found and known.found[0].code and rest.startswith(known.found[0].name):
        return position + len(known.found[0].name)
    if not (_HEAD.match(rest) or _COLLECTIVE.match(rest)):
        return None
    # An unknown name runs to the predicate, the end of the clause, or the next known name.
    end = position
    for word in re.finditer(r"\S+", rest):
        start = position + word.start()
        if start > position and PREDICATE.match(text, start) and text[start].islower():
            break
        if start > position and word.group() in {"và", "cùng"}:
            after = text[start + len(word.group()) :].lstrip()
            if _next_item(after, registry):
                break
        if (
            start > position
            and text[start - 2 : start - 1] == ","
            and _next_item(text[start:], registry)
        ):
            end = start - 2
            break
        end = position + word.end()
        if re.search(r"[;:.()]$", word.group()):
            end -= 1
            break
    return end if end > position else None


def _next_item(text: str, registry: Registry) -> bool:
    """Whether `text` opens with another name: known, an open set, or a body's head word."""
    if OPEN_SET.match(text) or _HEAD.match(text):
        return True
    names = read_names(_first_words(text, registry.longest + 3), registry)
    return bool(names.found and names.found[0].code and text.startswith(names.found[0].name))


def _first_words(text: str, count: int) -> str:
    words = list(re.finditer(r"\S+", text))
    if len(words) <= count:
        return text
    return text[: words[count - 1].end()]


def find_assignees(paragraph: str, registry: Registry) -> Assignees:
    """The lead and coordinating agencies one paragraph names."""
    found = Assignees()
    subjects: list[Found] = []
    plain = plain_names(nfc(paragraph.strip()), registry)
    for sentence in sentences(re.sub(r"^[-+•–*]\s+", "", plain)):
        chair = False
        for clause in re.split(r";\s*", sentence):
            for lead in _LEAD.finditer(clause):
                before = clause[: lead.start()]
                cut = max((m.end() for m in ASSIGNING.finditer(before)), default=0)
                phrase = _INTRO.sub("", before[cut:].strip())
                names = read_names(phrase, registry)
                found.lead.extend(names.found)
                chair = chair or bool(names.found)
                joins = _JOINS.match(clause, lead.end())
                if joins:
                    others, end = leading_names(joins["names"], registry)
                    if others.found and end >= len(joins["names"].rstrip()):
                        found.coordinating.extend(others.found)
            for coordinate in _COORDINATE.finditer(clause):
                names, _ = leading_names(clause[coordinate.end() :], registry)
                found.coordinating.extend(names.found)
                found.coordinating_open = found.coordinating_open or names.open_set
        if not chair:
            subjects.extend(_subject(sentence, registry))
    found.inferred = bool(subjects)
    found.lead = unique([*found.lead, *subjects])
    return found.settle()


def _subject(sentence: str, registry: Registry) -> list[Found]:
    """The agencies a sentence is about, when it opens with them and their duty."""
    text = _INTRO.sub("", sentence.strip())
    opening = OPENING.match(text)
    if opening:
        names, _ = leading_names(text[opening.end() :], registry)
        return names.found
    names, end = leading_names(text, registry)
    if not names.found or end == 0:
        return []
    rest = text[end:].lstrip()
    assigning = ASSIGNING.match(rest)
    if assigning:
        objects, _ = leading_names(rest[assigning.end() :], registry)
        return objects.found
    known = all(f.code for f in names.found)
    if not (PREDICATE.match(rest) or known and rest[:1].islower()):
        return []
    return names.found


def duty_of(paragraph: str, registry: Registry) -> str:
    """The paragraph's first duty without the names that open it: the stuff of a title."""
    sentence = sentences(plain_names(nfc(paragraph), registry))[0] if paragraph.strip() else ""
    clause = re.split(r";\s*", sentence)[0]
    text = _INTRO.sub("", clause.strip())
    lead = _LEAD.search(text)
    if lead:
        text = text[lead.end() :].lstrip(" ,")
    else:
        opening = OPENING.match(text)
        if opening:
            text = text[opening.end() :]
        _, end = leading_names(text, registry)
        text = text[end:].lstrip(" ,")
    coordinate = re.match(r"phối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+", text)
    if coordinate:
        _, end = leading_names(text[coordinate.end() :], registry)
        text = text[coordinate.end() + end :].lstrip(" ,")
    return text.strip(" .;:")


def labelled_assignees(lead: list[str], coordinating: list[str], registry: Registry) -> Assignees:
    """The agencies of labelled fields or table cells: "Cơ quan chủ trì: Sở Nội vụ", "Phối hợp: …".

    A lead value may be a sentence ("Sở Y tế chủ trì, phối hợp với Sở Tài chính"); otherwise
    it is only names, one per line or separated by commas and semicolons.
    """
    assignees = Assignees()
    for value in lead:
        value = re.sub(r"\s*\n\s*", ", ", value.strip())
        found = find_assignees(value, registry)
        if not found.lead:
            names = read_names(plain_names(value, registry).rstrip(" .;"), registry)
            found = Assignees(lead=names.found, coordinating_open=names.open_set)
        found.inferred = False
        assignees.merge(found)
    for value in coordinating:
        value = re.sub(r"\s*\n\s*", ", ", value.strip())
        names = read_names(plain_names(value, registry).rstrip(" .;"), registry)
        assignees.merge(Assignees(coordinating=names.found, coordinating_open=names.open_set))
    return assignees.settle()


TITLE_CHARS = 100


def short_title(text: str) -> str:
    """A text's first clause, cut at a word within TITLE_CHARS."""
    first = re.split(r"[;.]\s", text)[0]
    if len(first) <= TITLE_CHARS:
        return first
    return first[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def task_title(paragraph: str, registry: Registry) -> str:
    """A task's title: its first duty without the names that open it, capitalised."""
    duty = short_title(duty_of(paragraph, registry) or paragraph)
    return duty[:1].upper() + duty[1:]
