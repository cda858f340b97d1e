"""Agencies as documents name them, rewritten as the bodies a registry knows.

A directive assigns a task to a person by title, meaning the body they head
("Bộ trưởng Bộ Y tế" is Bộ Y tế, "Giám đốc Sở Tài chính" is Sở Tài chính), and
lets one title or head word serve a list ("Bộ trưởng các Bộ: Quốc phòng, Công
an" is two ministers; "UBND các tỉnh: Lào Cai, Yên Bái" two provinces). Before
names are read, `plain_names` rewrites a sentence so each body is named in full.
"""

from __future__ import annotations

import re

from importer.names import AGENCY_HEADS, Registry, folded_tokens, starts_predicate

_TITLE = re.compile(
    r"\b(?:Phó\s+)?(?:Bộ trưởng|Thứ trưởng|Thủ trưởng|Giám đốc|Chủ tịch|Tổng [Gg]iám đốc|"
    r"Chánh Văn phòng|Chánh Thanh tra|Tổng Thanh tra|Trưởng [Bb]an|Tổng [Cc]ục trưởng|"
    r"Cục trưởng|Thống đốc|Tổng Kiểm toán nhà nước|Viện trưởng|Chánh án|Hiệu trưởng|"
    r"Người đứng đầu|Lãnh đạo|Trưởng phòng|Chỉ huy trưởng|Tư lệnh|Chủ nhiệm|Tổng biên tập|"
    r"Tổng Giám đốc)\s+(?:của\s+)?"
    r"(?=(?:Bộ|Sở|Ủy ban|Uỷ ban|UBND|Ban|Cục|Tổng cục|Văn phòng|Thanh tra|Ngân hàng|Kho bạc|"
    r"Bảo hiểm|BHXH|Đài|Thông tấn|Viện|Tòa|Kiểm toán|Tập đoàn|Tổng công ty|Công ty|Trường|"
    r"Bệnh viện|Trung tâm|Công an|Bộ Chỉ huy|Bộ Tư lệnh|Hội|Liên đoàn|Đại học|Học viện|"
    r"Chi cục|Phòng|cơ quan|đơn vị|các|tỉnh|thành phố|quận|huyện|xã|phường)\b)",
)
# "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ" and kin.
_MINISTERS = re.compile(
    r"\b(?:Các\s+|các\s+)?Bộ trưởng(?:\s+các\s+[Bb]ộ)?\s*,\s*"
    r"Thủ trưởng\s+(?:các\s+)?cơ quan ngang\s+[Bb]ộ"
    r"(?:\s*,\s*(?:Thủ trưởng\s+)?(?:các\s+)?cơ quan thuộc Chính phủ)?",
)
_DISTRIBUTED = re.compile(
    # "Ủy ban nhân dân các tỉnh: …", "Sở Nông nghiệp và Phát triển nông thôn các tỉnh: …"
    r"(?P<pre>(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Sở\s+[^,:;()]{2,60}?|Công an|Cục Thuế|"
    r"Kho bạc Nhà nước|Bảo hiểm xã hội|Bộ Chỉ huy Quân sự)\s+)?\b[Cc]ác\s+"
    r"(?P<head>Bộ|Sở|tỉnh,\s*thành phố(?:\s+trực thuộc [Tt]rung ương)?|tỉnh|thành phố|"
    r"Tổng cục|Cục|Ban|Tập đoàn|Tổng công ty|quận|huyện)"
    r"(?:\s*:\s*|\s+(?=[A-ZĐÂÊÔƠƯĂ]))"
)
# "các bộ, ngành, địa phương": the ministries and the provinces, "các" shared by both.
_CENTRE_AND_LOCAL = re.compile(
    r"\b(?:[Cc]ác\s+)?([Bb]ộ,\s*(?:cơ quan\s+)?ngành(?:\s+[Tt]rung ương)?)"
    r"(?:\s*,\s*|\s+và\s+)(?:các\s+)?(địa phương)\b"
)
_HEAD_WORD = re.compile("(?:" + "|".join(re.escape(h) for h in AGENCY_HEADS) + r")\s")
_LIST_END = re.compile(r"[;:.()]|\s(?:chủ trì|phối hợp|theo|khẩn trương|tiếp tục|có trách)\b")


_ASIDE = re.compile(r"\s*\((?:sau đây|dưới đây|gọi tắt|gọi chung)[^)]*\)")
_BOARD = re.compile(r"\bChủ tịch Hội đồng thành viên\s*,?\s*(?:Tổng [Gg]iám đốc\s+)?")


def plain_names(text: str, registry: Registry) -> str:
    """The text with titles taken off the bodies they head and shared heads distributed."""
    text = _ASIDE.sub("", text)
    text = _BOARD.sub("", text)
    text = _MINISTERS.sub("các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ", text)
    text = _TITLE.sub("", text)
    text = _CENTRE_AND_LOCAL.sub(r"các \1, các \2", text)
    out: list[str] = []
    position = 0
    for match in _DISTRIBUTED.finditer(text):
        if match.start() < position:
            continue
        names, end = _distributed(text, match, registry)
        if not names or (len(names) < 2 and not match.group(0).rstrip().endswith(":")):
            continue
        out.append(text[position : match.start()])
        out.append(", ".join(names))
        position = end
    out.append(text[position:])
    return "".join(out)


def _distributed(text: str, match: re.Match[str], registry: Registry) -> tuple[list[str], int]:
    """The names a shared head word serves ("các Bộ: A, B và C"), and where the list ends."""
    head = match["head"]
    prefix = (match["pre"] or "").strip()
    position = match.end()
    stop = _LIST_END.search(text, position)
    limit = stop.start() if stop else len(text)
    names: list[str] = []
    end = position
    while position < limit:
        words = list(re.finditer(r"[^\s,]+", text[position:limit]))[:12]
        if not words:
            break
        taken = None
        # The longest run of words that is one known name: "Văn hóa, Thể thao và Du lịch".
        for last in range(len(words) - 1, -1, -1):
            candidate = _named(
                prefix, head, text[position : position + words[last].end()], registry
            )
            if _known(candidate, registry):
                taken = (candidate, words[last].end())
                break
        if taken is None and _HEAD_WORD.match(text, position):
            break  # "…, Giám đốc Sở Y tế": another body, not one more of the list
        if taken is None:
            # An unknown name: its capitalised words, up to the next comma or predicate.
            stop_at = 0
            for word in words:
                before = text[position + stop_at : position + word.start()]
                if "," in before or (stop_at and re.search(r"\bvà\b", before)):
                    break
                rest = text[position + word.start() :]
                if not word.group()[:1].isupper() and (stop_at == 0 or starts_predicate(rest)):
                    break
                stop_at = word.end()
            if stop_at == 0:
                break
            taken = (_named(prefix, head, text[position : position + stop_at], registry), stop_at)
        names.append(taken[0])
        end = position + taken[1]
        separator = re.match(r"\s*(?:,|\bvà\b)\s*(?:và\s+)?", text[end:limit])
        if separator is None:
            break
        position = end + separator.end()
    return names, end


def _named(prefix: str, head: str, words: str, registry: Registry) -> str:
    if head.startswith("tỉnh,"):
        # "các tỉnh, thành phố: Quảng Ninh, Hải Phòng": each as the registry names it.
        city = _named(prefix, "thành phố", words, registry)
        if tuple(tok for tok, _, _ in folded_tokens(city)) in registry.codes:
            return city
        return _named(prefix, "tỉnh", words, registry)
    if head in {"tỉnh", "thành phố", "quận", "huyện"}:
        return f"{prefix or 'UBND'} {head} {words}"
    return f"{head} {words}"


def _known(name: str, registry: Registry) -> bool:
    tokens = tuple(tok for tok, _, _ in folded_tokens(name))
    if tokens in registry.codes:
        return True
    if tokens[:4] == ("uy", "ban", "nhan", "dan") and tokens[4:5] == ("tinh",):
        # "UBND tỉnh Đà Nẵng" for a city: the registry names it "thành phố".
        return ("uy", "ban", "nhan", "dan", "thanh", "pho", *tokens[5:]) in registry.codes
    return False
