"""Telegram's HTML parse mode: markup -> plain text + MessageEntity list.

This follows the parser of TDLib (``parse_html`` in ``td/telegram/MessageEntity.cpp``), which is
what the Bot API server runs for ``parse_mode=HTML``.  It works on the UTF-8 bytes, so the byte
offsets in the error messages are the ones Telegram reports, and it counts entity offsets and
lengths in UTF-16 code units as the Bot API documents.  Notable Telegram behaviours kept here:

* only ``&lt; &gt; &amp; &quot;`` and numeric references are decoded; any other ``&`` (a bare
  ``&`` or ``&nbsp;``) is kept as literal text, not an error;
* a ``<`` that does not start a supported tag is an error (``a < b`` gives
  ``Unsupported start tag "" at byte offset 2``);
* ``</>`` closes the innermost open tag; empty entities are dropped;
* attribute values without quotes are lower-cased "name tokens".

``tg-time`` (newest TDLib) is not supported: it is reported as an unsupported tag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError, bad_request

Entity = dict[str, Any]

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}

# TDLib's MessageEntity::get_type_priority, used to order entities that share offset and length.
TYPE_PRIORITY = {
    "mention": 50,
    "hashtag": 50,
    "bot_command": 50,
    "url": 50,
    "email": 50,
    "bold": 90,
    "italic": 91,
    "code": 20,
    "pre": 11,
    "text_link": 49,
    "text_mention": 49,
    "cashtag": 50,
    "phone_number": 50,
    "underline": 92,
    "strikethrough": 93,
    "blockquote": 0,
    "expandable_blockquote": 0,
    "spoiler": 94,
    "custom_emoji": 99,
}

# Looks up a user for ``tg://user?id=...`` links; returns the Bot API User object or None.
UserLookup = Callable[[int], "dict[str, Any] | None"]


class HtmlParseError(ApiError):
    """``Bad Request: can't parse entities: ...``."""

    def __init__(self, detail: str) -> None:
        super().__init__(400, f"Bad Request: can't parse entities: {detail}")
        self.detail = detail


def entity_sort_key(entity: Entity) -> tuple[int, int, int]:
    """Order entities as Telegram does: by offset, longer first, then by type priority."""
    priority = TYPE_PRIORITY.get(entity["type"], 50)
    if entity["type"] == "pre" and entity.get("language"):
        priority = 10
    return entity["offset"], -entity["length"], priority


def _is_space(c: int) -> bool:
    # TDLib's is_space counts NUL as space; the NUL terminator is how it detects the end.
    return c in (0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x00)


def _is_alpha(c: int) -> bool:
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _is_hex(c: int) -> bool:
    return _is_digit(c) or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


class _Parser:
    """One parse; mirrors TDLib's loop with ``at(i) == 0`` standing for its NUL terminator."""

    def __init__(self, source: str, lookup_user: UserLookup | None) -> None:
        self.src = source.encode("utf-8", errors="surrogatepass")
        self.lookup_user = lookup_user
        self.out = bytearray()
        self.utf16 = 0
        self.entities: list[Entity] = []

    def at(self, i: int) -> int:
        return self.src[i] if i < len(self.src) else 0

    def decode_entity(self, pos: int) -> tuple[int, int]:
        """Decode a character reference at ``pos`` (an ``&``); return (code point, end) or 0."""
        end = pos + 1
        code = 0
        if self.at(pos + 1) == ord("#"):
            end += 1
            if self.at(pos + 2) == ord("x"):
                end += 1
                while _is_hex(self.at(end)):
                    code = code * 16 + int(chr(self.at(end)), 16)
                    end += 1
            else:
                while _is_digit(self.at(end)):
                    code = code * 10 + self.at(end) - 0x30
                    end += 1
            if code == 0 or code >= 0x10FFFF or end - pos >= 10:
                return 0, pos
        else:
            while _is_alpha(self.at(end)):
                end += 1
            name = self.src[pos + 1 : end]
            code = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}.get(name, 0)
            if code == 0:
                return 0, pos
        if self.at(end) == ord(";"):
            end += 1
        return code, end

    def parse(self) -> tuple[str, list[Entity]]:
        if b"\0" in self.src:
            raise bad_request("text must not contain null bytes")
        # Open tags: (tag name, argument, utf16 offset, byte position in the output).
        stack: list[tuple[str, str, int, int]] = []
        i = 0
        size = len(self.src)
        while i < size:
            c = self.src[i]
            if c == ord("&"):
                code, end = self.decode_entity(i)
                if code:
                    self.utf16 += 2 if code > 0xFFFF else 1
                    self.out += chr(code).encode("utf-8", errors="surrogatepass")
                    i = end
                    continue
            if c != ord("<"):
                if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                    self.utf16 += 2 if c >= 0xF0 else 1
                self.out.append(c)
                i += 1
                continue
            begin = i
            i += 1
            if self.at(i) != ord("/"):
                i = self.start_tag(begin, i, stack)
            else:
                i = self.end_tag(begin, i, stack)
            i += 1  # skip the closing '>'
        if stack:
            # Telegram prints the tag name without quotes here.
            raise HtmlParseError(f"Can't find end tag corresponding to start tag {stack[-1][0]}")
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=entity_sort_key)
        try:
            text = bytes(self.out).decode("utf-8")
        except UnicodeDecodeError:
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            ) from None
        return text, self.entities

    def start_tag(self, begin: int, i: int, stack: list[tuple[str, str, int, int]]) -> int:
        while not _is_space(self.at(i)) and self.at(i) != ord(">"):
            i += 1
        if self.at(i) == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        tag = _text(self.src[begin + 1 : i].lower())
        if tag not in _SUPPORTED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while self.at(i) != ord(">"):
            while self.at(i) != 0 and _is_space(self.at(i)):
                i += 1
            if self.at(i) == ord(">"):
                break
            name_begin = i
            while not _is_space(self.at(i)) and self.at(i) not in b"=>/\"'":
                i += 1
            name = self.src[name_begin:i]
            if not name:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                )
            while self.at(i) != 0 and _is_space(self.at(i)):
                i += 1
            if self.at(i) != ord("="):
                if self.at(i) == 0:
                    raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if tag == "blockquote" and name == b"expandable":
                    argument = "1"
                continue
            i += 1
            while self.at(i) != 0 and _is_space(self.at(i)):
                i += 1
            if self.at(i) == 0:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
            value, i = self.attribute_value(i)
            if self.at(i) == 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            if tag == "a" and name == b"href":
                argument = value
            elif tag == "code" and name == b"class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and name == b"class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and name == b"emoji-id":
                argument = value
            elif tag == "blockquote" and name == b"expandable":
                argument = "1"
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        stack.append((tag, argument, self.utf16, len(self.out)))
        return i

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in (ord("'"), ord('"')):
            # An unquoted "name token": letters, digits, periods, hyphens; not case sensitive.
            token_begin = i
            while _is_alpha(self.at(i)) or _is_digit(self.at(i)) or self.at(i) in b".-":
                i += 1
            if not _is_space(self.at(i)) and self.at(i) != ord(">"):
                raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
            return _text(self.src[token_begin:i].lower()), i
        i += 1
        value = bytearray()
        while self.at(i) != quote and self.at(i) != 0:
            if self.at(i) == ord("&"):
                code, end = self.decode_entity(i)
                if code:
                    value += chr(code).encode("utf-8", errors="surrogatepass")
                    i = end
                    continue
            value.append(self.src[i])
            i += 1
        if self.at(i) == quote:
            i += 1
        return _text(bytes(value)), i

    def end_tag(self, begin: int, i: int, stack: list[tuple[str, str, int, int]]) -> int:
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        while not _is_space(self.at(i)) and self.at(i) != ord(">"):
            i += 1
        end_name = _text(self.src[begin + 2 : i].lower())
        while _is_space(self.at(i)) and self.at(i) != 0:
            i += 1
        if self.at(i) != ord(">"):
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        tag, argument, offset, out_pos = stack.pop()
        if end_name and end_name != tag:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > offset:
            self.add_entity(tag, argument, offset, self.utf16 - offset, out_pos)
        return i

    def add_entity(self, tag: str, argument: str, offset: int, length: int, out_pos: int) -> None:
        span: Entity = {"offset": offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag in _SIMPLE_TYPES or tag == "span":
            self.entities.append({"type": _SIMPLE_TYPES.get(tag, "spoiler"), **span})
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": argument})
        elif tag == "a":
            url = argument or _text(bytes(self.out[out_pos:]))
            self.add_link(url, span)
        elif tag == "pre":
            if same_span and last is not None and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"  # <pre><code class="language-x">...</code></pre>
            else:
                self.entities.append({"type": "pre", **span})
        elif tag == "code":
            if same_span and last is not None and last["type"] == "pre" and argument:
                last["language"] = argument
            else:
                code: Entity = {"type": "code", **span}
                if argument:
                    code["language"] = argument  # kept until a wrapping <pre> claims it
                self.entities.append(code)
        elif tag == "blockquote":
            kind = "expandable_blockquote" if argument else "blockquote"
            self.entities.append({"type": kind, **span})

    def add_link(self, url: str, span: Entity) -> None:
        user_id = user_id_from_link(url)
        if user_id is not None:
            user = self.lookup_user(user_id) if self.lookup_user else None
            if user is not None:
                self.entities.append({"type": "text_mention", **span, "user": user})
            return
        checked = checked_link(url)
        if checked:
            self.entities.append({"type": "text_link", **span, "url": checked})


def user_id_from_link(url: str) -> int | None:
    """Return the user id of a ``tg://user?id=<id>`` link, else None."""
    lowered = url.lower()
    if not lowered.startswith("tg://user?id="):
        return None
    tail = url[len("tg://user?id=") :]
    return int(tail) if tail.isdigit() else None


def checked_link(url: str) -> str:
    """Normalise a link as Telegram does (scheme added, ``/`` path); '' when it is not a link."""
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme in ("tg", "ton"):
        return url
    if scheme not in ("http", "https", "ftp") or not parts.hostname or " " in url:
        return ""
    if "." not in parts.hostname and parts.hostname != "localhost":
        return ""
    path = parts.path or "/"
    rebuilt = f"{scheme}://{parts.netloc}{path}"
    if parts.query:
        rebuilt += f"?{parts.query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return rebuilt


def parse_html(text: str, lookup_user: UserLookup | None = None) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML into (plain text, entities); raise HtmlParseError like Telegram."""
    return _Parser(text, lookup_user).parse()
