"""Agency names: folding, the registry matcher, and splitting a list of names.

A name is matched on its *folded* form: Unicode NFC, case and diacritics
removed, "đ" as "d", dashes and spaces made uniform, and the abbreviations
every document uses ("UBND", "TP", "&") spelled out. Matching is greedy and
longest-first over word tokens, so "Sở Kế hoạch và Đầu tư" is one agency and
"Các sở, ban, ngành" one group although both contain separators. Where an
unknown name ends is told by the words that begin a predicate ("triển khai",
"chủ trì"): `PREDICATE`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.errors import DirectiveImportError

# Abbreviations spelled out on both sides of a comparison.
_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "ubnd": ("uy", "ban", "nhan", "dan"),
    "hdnd": ("hoi", "dong", "nhan", "dan"),
    "tp": ("thanh", "pho"),
    "&": ("va",),
}
_TOKEN = re.compile(r"\w+|[&,;\-]", re.UNICODE)
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " "})

# "các đơn vị liên quan" and its kin: whoever in the registry is concerned.
_OPEN_NOUN = r"(?:cơ quan|đơn vị|sở|ban|ngành|địa phương|tổ chức|cơ sở)"
OPEN_SET = re.compile(
    rf"(?:các|những)\s+{_OPEN_NOUN}(?:\s*,\s*{_OPEN_NOUN}|\s+và\s+{_OPEN_NOUN})*"
    r"(?:\s+(?:khác\s+)?(?:có\s+)?liên\s+quan|\s+khác)\b",
    re.IGNORECASE,
)

# Words that begin a predicate (lowercase, as in running text; names are capitalised).
PREDICATE_WORDS = (
    "tiếp tục",
    "trực tiếp",
    "triển khai",
    "tăng cường",
    "tập trung",
    "khẩn trương",
    "chủ động",
    "thực hiện",
    "tổ chức",
    "xây dựng",
    "kiểm tra",
    "rà soát",
    "hướng dẫn",
    "chỉ đạo",
    "đề xuất",
    "báo cáo",
    "theo dõi",
    "hoàn thành",
    "nghiên cứu",
    "chuẩn bị",
    "kịp thời",
    "đẩy mạnh",
    "bảo đảm",
    "đảm bảo",
    "giải quyết",
    "trình",
    "quản lý",
    "phối hợp",
    "chủ trì",
    "cập nhật",
    "thường xuyên",
    "nâng cao",
    "khảo sát",
    "ban hành",
    "lập",
    "tuyên truyền",
    "hỗ trợ",
    "xử lý",
    "phổ biến",
    "nắm",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "cần",
    "phải",
    "sớm",
    "giám sát",
    "tham mưu",
    "quyết liệt",
    "nghiêm túc",
    "đôn đốc",
    "duy trì",
    "bố trí",
    "huy động",
    "vận động",
    "điều chỉnh",
    "sắp xếp",
    "kiện toàn",
    "khắc phục",
    "ứng phó",
    "phòng, chống",
    "phòng chống",
    "phấn đấu",
    "quảng bá",
    "chỉnh trang",
    "tiếp",
    "ngăn chặn",
    "cung cấp",
    "tiếp nhận",
    "đánh giá",
    "tổng hợp",
    "hoàn thiện",
    "sửa đổi",
    "bổ sung",
    "công bố",
    "thẩm định",
    "phê duyệt",
    "làm",
    "là",
    "được",
    "ưu tiên",
    "phát huy",
    "tích cực",
    "nghiêm",
    "tuyệt đối",
    "không",
    "chấp hành",
    "đã",
    "sẽ",
    "đang",
    "cũng",
    "yêu cầu",
    "giao",
    "đề nghị",
    "khẩn cấp",
    "quan tâm",
    "xem xét",
    "chủ động",
    "rà",
    "thống nhất",
    "chịu",
    "quán triệt",
    "bám sát",
    "khẩn",
    "theo",
    "trong",
    "để",
    "nhằm",
    "về",
    "tại",
    "đến",
    "khi",
    "căn cứ",
    "hoàn tất",
    "đầu tư",
    "thanh tra",
    "phân công",
    "lựa chọn",
)
PREDICATE = re.compile(
    r"(?:" + "|".join(re.escape(w) for w in sorted(PREDICATE_WORDS, key=len, reverse=True)) + r")\b"
)


def starts_predicate(text: str) -> bool:
    """Whether the text opens with a word that begins a predicate ("triển khai", "chủ trì")."""
    return bool(PREDICATE.match(text))


# Words that begin the name of a body; a list of unknown names is split before them.
AGENCY_HEADS = (
    "Phó Thủ tướng",  # "Giao Phó Thủ tướng Bùi Thanh Sơn trực tiếp chỉ đạo …": a person leads
    "Bộ",
    "Sở",
    "Cục",
    "Chi cục",
    "Tổng cục",
    "Vụ",
    "Ban",
    "Văn phòng",
    "Thanh tra",
    "Công an",
    "UBND",
    "Ủy ban",
    "Uỷ ban",
    "HĐND",
    "Hội đồng",
    "Ngân hàng",
    "Kho bạc",
    "Bảo hiểm",
    "BHXH",
    "Đài",
    "Báo",
    "Trung tâm",
    "Viện",
    "Trường",
    "Bệnh viện",
    "Tỉnh đoàn",
    "Thành đoàn",
    "Liên đoàn",
    "Hội",
    "Mặt trận",
    "Bộ Chỉ huy",
    "Bộ Tư lệnh",
    "Cảng vụ",
    "Tập đoàn",
    "Tổng công ty",
    "Công ty",
    "Chủ tịch",
    "Phòng",
    "Học viện",
    "Đại học",
    "Quân khu",
    "Cảnh sát",
    "Kiểm toán",
    "Tòa án",
    "Viện kiểm sát",
)


def nfc(text: str) -> str:
    """The text in Unicode NFC with uniform dashes and spaces."""
    return unicodedata.normalize("NFC", text).translate(_DASHES)


def strip_marks(text: str) -> str:
    """The text without diacritics ("đ" as "d"), case kept."""
    decomposed = unicodedata.normalize("NFD", nfc(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """The comparison form of a name: folded tokens joined by single spaces."""
    return " ".join(tok for tok, _, _ in folded_tokens(text))


def folded_tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens of the text with the span of the source token each came from."""
    tokens: list[tuple[str, int, int]] = []
    bare = strip_marks(text).lower()
    # strip_marks keeps the length of an NFC string only if no character
    # decomposes to two letters; Vietnamese letters do not, so spans hold.
    assert len(bare) == len(nfc(text))
    for match in _TOKEN.finditer(bare):
        word = match.group()
        for part in _EXPANSIONS.get(word, (word,)):
            tokens.append((part, match.start(), match.end()))
    return tokens


def clean_name(text: str) -> str:
    """A name as written, without stray spaces, line breaks or list punctuation."""
    name = re.sub(r"\s+", " ", nfc(text)).strip()
    name = re.sub(r"^(?:[-+•*]\s*)", "", name)
    name = re.sub(r"^(?:và|cùng|với)\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"(?:\s+(?:và|cùng|với|các))+$", "", name)
    return name.strip(" ,;:.").strip()


@dataclass(frozen=True)
class Found:
    """A name found in the text: as written, and its registry code (None if unknown)."""

    name: str
    code: str | None

    def as_json(self) -> dict[str, str | None]:
        """The JSON shape of DESIGN.md: name as found, code as matched."""
        return {"name": self.name, "code": self.code}


@dataclass
class Registry:
    """Agency and group names (official and aliases) of one registry, folded."""

    name: str = ""
    secretariat: str | None = None
    codes: dict[tuple[str, ...], str] = field(default_factory=dict)
    longest: int = 0
    place_suffixes: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, code: str, name: str) -> None:
        """Register one more name of an agency or group."""
        key = tuple(tok for tok, _, _ in folded_tokens(name))
        if key:
            self.codes.setdefault(key, code)
            self.longest = max(self.longest, len(key))
        if key[:1] == ("cac",) and "," in key:
            # A group is named with or without its "các": "sở, ban, ngành thành phố".
            self.codes.setdefault(key[1:], code)

    def match(self, name: str) -> str | None:
        """The code of exactly this name (folded), or None."""
        tokens = tuple(tok for tok, _, _ in folded_tokens(name))
        code = self.codes.get(tokens)
        if code is None:
            for suffix in self.place_suffixes:
                if len(tokens) > len(suffix) and tokens[-len(suffix) :] == suffix:
                    code = self.codes.get(tokens[: -len(suffix)])
                    if code:
                        break
        return code

    def match_at(self, tokens: list[tuple[str, int, int]], start: int) -> tuple[str, int] | None:
        """The longest registry name starting at token `start`: (code, end token), or None."""
        words = [tok for tok, _, _ in tokens]
        for length in range(min(self.longest, len(words) - start), 0, -1):
            code = self.codes.get(tuple(words[start : start + length]))
            if code is not None:
                end = start + length
                # "Sở Xây dựng Thành phố": the registry's own place is part of the name.
                for suffix in self.place_suffixes:
                    if tuple(words[end : end + len(suffix)]) == suffix:
                        end += len(suffix)
                        break
                return code, end
        return None


def registry_from_data(data: dict[str, Any]) -> Registry:
    """A matcher for a parsed registry file (the shape of reference/hanoi-agencies.toml)."""
    head = data.get("registry", {})
    registry = Registry(name=head.get("name", ""), secretariat=head.get("secretariat"))
    for table in [*data.get("agency", []), *data.get("group", [])]:
        if not table.get("active", True):
            continue
        registry.add(table["code"], table["name"])
        for alias in table.get("aliases", []):
            registry.add(table["code"], alias)
    place = registry.name
    suffixes = {"thanh pho", "tinh"} if place else set()
    if place:
        suffixes.add(fold(place))
        # "Thành phố Hà Nội" -> also "Hà Nội" alone.
        suffixes.add(re.sub(r"^(?:thanh pho|tinh)\s+", "", fold(place)))
    registry.place_suffixes = sorted((tuple(s.split()) for s in suffixes), key=len, reverse=True)
    return registry


def merged(registries: list[Registry]) -> Registry:
    """One matcher over several registries; where a name is in two, the first one's code wins."""
    first = registries[0]
    result = Registry(
        name=first.name,
        secretariat=first.secretariat,
        place_suffixes=list(first.place_suffixes),
    )
    for registry in registries:
        for tokens, code in registry.codes.items():
            result.codes.setdefault(tokens, code)
        result.longest = max(result.longest, registry.longest)
    return result


def load_registry(path: Path) -> Registry:
    """The registry file at `path`, with a clear error if it cannot be read."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DirectiveImportError(f"{path}: registry file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DirectiveImportError(f"{path}: registry is not valid TOML: {exc}") from None
    if "agency" not in data and "group" not in data:
        raise DirectiveImportError(f"{path}: not a registry (no [[agency]] or [[group]])")
    return registry_from_data(data)


def load_registries(paths: list[Path]) -> Registry:
    """The registries at `paths` as one matcher (the first one's codes win)."""
    return merged([load_registry(path) for path in paths])


_HEAD_SPLIT = re.compile(
    r"\s*(?:[,;]|\bvà\b)\s*(?=(?:" + "|".join(re.escape(h) for h in AGENCY_HEADS) + r")\b)"
)


def split_unknown(chunk: str) -> list[str]:
    """A run of unknown names, split before each word that begins a body ("Bộ", "Sở", …)."""
    parts = _HEAD_SPLIT.split(chunk)
    # A name has letters: "6" or "16" left in the text by a scan's margin names nobody.
    return [name for name in (clean_name(p) for p in parts) if re.search(r"[^\W\d_]{2}", name)]


@dataclass
class NameList:
    """What a phrase naming agencies holds: known and unknown names, open sets."""

    found: list[Found] = field(default_factory=list)
    open_set: bool = False


def read_names(phrase: str, registry: Registry) -> NameList:
    """Every agency in a phrase that is only a list of names ("Sở Y tế, các đơn vị liên quan")."""
    result = NameList()
    text = nfc(phrase)
    tokens = folded_tokens(text)
    pending_start: int | None = None
    position = 0
    index = 0

    def flush(until: int) -> None:
        nonlocal pending_start
        if pending_start is not None:
            chunk = text[pending_start:until]
            result.found.extend(Found(name, None) for name in split_unknown(chunk))
            pending_start = None

    while index < len(tokens):
        start_char = tokens[index][1]
        item_start = (
            index == 0
            or tokens[index - 1][0] in _SEPARATOR_TOKENS
            or (start_char >= position and not text[position:start_char].strip())
        )
        open_match = OPEN_SET.match(text, start_char) if item_start else None
        if open_match:
            flush(start_char)
            result.open_set = True
            position = open_match.end()
            index = _token_after(tokens, position)
            continue
        hit = registry.match_at(tokens, index) if item_start else None
        if hit is not None and _name_goes_on(text[tokens[hit[1] - 1][2] :]):
            hit = None
        if hit is not None:
            flush(start_char)
            code, end = hit
            end_char = tokens[end - 1][2]
            result.found.append(Found(clean_name(text[start_char:end_char]), code))
            position = end_char
            index = end
            continue
        if pending_start is None and tokens[index][0] not in _SEPARATOR_TOKENS:
            pending_start = start_char
        index += 1
    flush(len(text))
    return result


_SEPARATOR_TOKENS = {",", ";", "va", "cung", "voi"}


_NEXT_BODY = {"Sở", "Bộ", "Ủy", "UBND", "Ban", "Cục", "Văn", "Thanh", "Tổng", "Đài", "Báo"}


# After a known name, these words mean the name goes on: "Sở Y tế các tỉnh" is not "Sở Y tế".
def _name_goes_on(rest: str) -> bool:
    """Whether the words after a known name belong to a longer, different name."""
    m = re.match(r"\s+(\S+)", rest)
    if m is None:
        return False
    word = m.group(1)
    if word in _NEXT_BODY:
        return False  # "Sở Xây dựng Sở Tài chính": a table cell's names, one per line
    if word[:1].isupper() and word not in {"và"}:
        return True
    return word in {"các", "tỉnh", "quận", "huyện", "xã", "phường"} or rest.lstrip().startswith(
        ("thành phố", "thị xã", "trung ương")
    )


def _token_after(tokens: list[tuple[str, int, int]], char: int) -> int:
    for index, (_, start, _) in enumerate(tokens):
        if start >= char:
            return index
    return len(tokens)
