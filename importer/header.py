"""The header and footer of a Vietnamese administrative document (Decree 30/2020/NĐ-CP layout).

Number and symbol ("Số: 2658/UBND-KT"), place and date ("Hà Nội, ngày 16
tháng 8 năm 2021"), issuer (the upper-case lines at the top, "ỦY BAN NHÂN
DÂN / THÀNH PHỐ HÀ NỘI"), subject ("V/v …", or the line under the kind of
document: "CHỈ THỊ / Về việc …"), recipients ("Kính gửi: …") and signer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from importer.names import fold, nfc

_NUMBER = re.compile(r"\bSố\s*[:.]?\s*(?P<code>\d+[\w\-/Đđ.]*/[\w\-Đđ]+)", re.IGNORECASE)
_DATE = re.compile(
    r"(?P<place>[^\W\d][^,\n]{0,40}),\s*ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s+"
    r"năm\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_MOTTO = re.compile(
    r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|CỘNG\s+HOÀ\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT"
    r"\s+NAM|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
KINDS = (
    "CHỈ THỊ",
    "KẾ HOẠCH",
    "QUYẾT ĐỊNH",
    "THÔNG BÁO",
    "CÔNG ĐIỆN",
    "CÔNG VĂN",
    "NGHỊ QUYẾT",
    "CHƯƠNG TRÌNH",
    "HƯỚNG DẪN",
    "KẾT LUẬN",
)
# "Kính gửi: …", or a công điện's "BỘ TRƯỞNG BỘ Y TẾ điện:" over its addressees.
_RECIPIENTS = re.compile(
    r"^\s*(?:Kính\s+gửi\s*:?|[^\n:]{3,120}\s+điện\s*:)\s*(?P<rest>.*)$", re.IGNORECASE
)
_SIGN_TITLE = re.compile(
    r"^(?:(?:TM|KT|TL|TUQ|Q)\.\s|(?:CHỦ TỊCH|PHÓ CHỦ TỊCH|BỘ TRƯỞNG|THỨ TRƯỞNG|GIÁM ĐỐC|"
    r"PHÓ GIÁM ĐỐC|CHÁNH VĂN PHÒNG|THỦ TƯỚNG|PHÓ THỦ TƯỚNG|CỤC TRƯỞNG|TỔNG CỤC TRƯỞNG)\b)"
)
_ORG_START = re.compile(
    r"^(?:SỞ|CỤC|CHI CỤC|TỔNG CỤC|VỤ|BAN|VĂN PHÒNG|PHÒNG|TRUNG TÂM|THANH TRA|BỘ CHỈ HUY)\b"
)
# Words kept lower case inside a title-cased institution name.
_LOWER = {"và", "của", "các", "về", "với", "nhà", "nước"}


@dataclass
class Header:
    """What the header and footer say about the document."""

    code: str | None = None
    date: date | None = None
    place: str | None = None
    issuer: str | None = None
    kind: str | None = None
    subject: str | None = None
    recipients: list[str] = field(default_factory=list)
    signer: str | None = None
    signer_title: str | None = None
    body_start: int = 0


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def institution_name(upper: str) -> str:
    """An upper-case institution name in the case documents write it in running text."""
    words = re.sub(r"\s+", " ", upper).strip().split(" ")
    text = " ".join(words)
    folded = fold(text)
    for prefix, short in (("uy ban nhan dan", "UBND"), ("hoi dong nhan dan", "HĐND")):
        if folded.startswith(prefix):
            rest = words[4:]
            if rest and fold(rest[0]) in {"thanh", "tinh", "quan", "huyen", "thi", "xa", "phuong"}:
                kind = 2 if fold(" ".join(rest[:2])) in {"thanh pho", "thi xa"} else 1
                unit = " ".join(rest[:kind]).lower()
                unit = "Thành phố" if unit == "thành phố" else unit
                return " ".join([short, unit, *(_proper(w) for w in rest[kind:])])
            return short
    out: list[str] = []
    for index, word in enumerate(words):
        lower = word.lower()
        capital = index < 2 or out and out[-1] in {"và", "-", "Nam"} or word == "-"
        out.append(_proper(word) if capital and lower not in _LOWER else lower)
    return " ".join(out).replace("Chính phủ", "Chính phủ")


def _proper(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def parse_header(lines: list[str]) -> Header:
    """Number, date, issuer, kind, subject and recipients from the document's top lines."""
    head = Header()
    issuer_lines: list[str] = []
    issuer_done = False
    index = 0
    clean = [_MOTTO.sub("", nfc(line)).strip() for line in lines]
    while index < len(clean):
        line = clean[index]
        if not line:
            index += 1
            continue
        if head.code is None and (m := _NUMBER.search(line)):
            head.code = m["code"].rstrip(".")
            issuer_done = True
        if head.date is None and (m := _DATE.search(line)):
            head.place = m["place"].strip()
            try:
                head.date = date(int(m["year"]), int(m["month"]), int(m["day"]))
            except ValueError:
                head.date = None
            issuer_done = True
            head.body_start = index + 1
        if re.match(r"^V/v\b", line, re.IGNORECASE):
            head.subject, index = _continued(clean, index)
            head.body_start = index
            continue
        if head.subject is None and (m := _INLINE_SUBJECT.search(line)):
            # A header flattened into one line: "Số: 435/QĐ-UBND Kon Tum, ngày … V/V BAN HÀNH …"
            head.subject = _without_enacting(m["subject"])
            head.body_start = index + 1
        kind = line.upper().strip(" .:")
        # "QUYẾT ĐỊNH:" over the articles is the enacting formula, not the title over a subject.
        title = not line.rstrip().endswith(":")
        if _is_upper(line) and kind in KINDS and head.kind is None and head.code and title:
            head.kind = kind.capitalize()
            head.subject, index = _continued(clean, index + 1)
            head.body_start = index
            continue
        if m := _RECIPIENTS.match(line):
            head.recipients, index = _recipients(clean, index, m["rest"])
            head.body_start = index
            break
        if (
            not issuer_done
            and _is_upper(line)
            and not _NUMBER.search(line)
            and not _NOT_ISSUER.match(line)
        ):
            issuer_lines.append(line)
        elif issuer_lines:
            issuer_done = True
        if head.code and head.date and head.subject and index > 40:
            break
        index += 1
    head.issuer = _issuer(issuer_lines)
    head.signer, head.signer_title = parse_signature(lines)
    return head


# A title over a task list is no issuer: "DANH MỤC NHIỆM VỤ …", "PHỤ LỤC", "BẢNG THEO DÕI".
_NOT_ISSUER = re.compile(
    r"^(?:DANH MỤC|PHỤ LỤC|BẢNG|KẾ HOẠCH|CHƯƠNG TRÌNH|BÁO CÁO|TỔNG HỢP|THEO DÕI)\b"
)
_INLINE_SUBJECT = re.compile(r"\s(?P<subject>V/[Vv]\b.{10,400})$")
_ENACTING = re.compile(r"\s+(?:CHỦ TỊCH\s+)?(?:ỦY|UỶ) BAN NHÂN DÂN\b")


def _without_enacting(subject: str) -> str:
    """The subject without the enacting body run onto its line ("… MỚI” ỦY BAN NHÂN DÂN TỈNH")."""
    for m in reversed(list(_ENACTING.finditer(subject))):
        if not any(c.islower() for c in subject[m.start() :]):
            return subject[: m.start()].strip()
    return subject.strip()


def _continued(lines: list[str], index: int) -> tuple[str, int]:
    """A subject that runs over several lines, from `index`; the index after it."""
    parts = [lines[index]]
    index += 1
    while index < len(lines):
        line = lines[index]
        if not line:
            nxt = next((x for x in lines[index:] if x), "")
            if parts and (nxt[:1].islower()) and not parts[-1].endswith((".", ":")):
                index += 1
                continue
            break
        if _is_upper(line) or _DATE.search(line) or _RECIPIENTS.match(line) or _NUMBER.search(line):
            break
        parts.append(line)
        index += 1
    return re.sub(r"\s+", " ", " ".join(parts)).strip(), index


def _recipients(lines: list[str], index: int, rest: str) -> tuple[list[str], int]:
    """The addressees after "Kính gửi:", inline or one per line; the index after them."""
    found = [rest] if rest.strip() else []
    index += 1
    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        if re.match(r"^[-+•–]\s*", line) or (not found and not line.endswith(":")):
            found.append(line)
            index += 1
            if not re.match(r"^[-+•–]", line) and line.rstrip().endswith("."):
                break
            continue
        break
    names = [re.sub(r"^[-+•–]\s*", "", r) for r in found]
    cleaned = [re.sub(r"\s+", " ", n).strip().rstrip(";,.").strip() for n in names]
    return [n for n in cleaned if n], index


def _issuer(lines: list[str]) -> str | None:
    if not lines:
        return None
    # "BỘ Y TẾ / CỤC QUẢN LÝ …": the second line is the issuer, the first its parent.
    for position in range(1, len(lines)):
        if _ORG_START.match(lines[position]):
            lines = lines[position:]
            break
    return institution_name(re.sub(r"[\s\-_–—=]+$", "", " ".join(lines)))


def parse_signature(lines: list[str]) -> tuple[str | None, str | None]:
    """The signer's name and title lines (TM./KT. …) from the end of the document."""
    title: list[str] = []
    signer = None
    tail = [nfc(x).strip() for x in lines if x.strip()][-25:]
    for position, line in enumerate(tail):
        if _SIGN_TITLE.match(line) and not _RECIPIENTS.match(line):
            title = [line]
            for follow in tail[position + 1 :]:
                if _is_upper(follow) and len(follow) < 40:
                    title.append(follow)
                else:
                    break
    for line in reversed(tail):
        words = line.split()
        if (
            2 <= len(words) <= 5
            and all(w[:1].isupper() and (len(w) == 1 or not w[1:].isupper()) for w in words)
            and not re.search(r"[\d:;,.()/]", line)
        ):
            signer = line
            break
    return signer, " / ".join(title) if title else None
