"""Message text handling: parse modes, explicit entities, trimming and auto-detected entities.

The Bot API turns ``text`` + ``parse_mode`` (or ``entities``) into the final text and entity list
of a Message.  Besides the markup entities Telegram adds the ones it detects by itself (URLs,
mentions, hashtags, bot commands, e-mail addresses) and trims surrounding whitespace, which is why
``"   "`` is an *empty* message.  Detection here uses simplified patterns of TDLib's matchers.

Parse modes: ``HTML`` is implemented fully (see :mod:`.html`).  ``MarkdownV2`` and ``Markdown``
are accepted but *not parsed*: the text is kept as sent, markup characters included, so a bot
using them gets no entities and no Markdown escaping errors from this server.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .html import Entity, UserLookup, checked_link, entity_sort_key, parse_html, user_id_from_link

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

# Entity types a sender may set explicitly; the others are always recomputed by Telegram.
USER_ENTITY_TYPES = frozenset(
    {
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "blockquote",
        "expandable_blockquote",
    }
)
# Auto-detected entities are never placed inside these.
_OPAQUE_TYPES = frozenset({"code", "pre", "text_link", "text_mention", "url", "email"})

# Simplified forms of TDLib's matchers (match_bot_commands, match_mentions, ...).
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_MENTION = re.compile(r"(?<!\w)@[A-Za-z0-9_]{4,32}(?!\w)")
_HASHTAG = re.compile(r"(?<![\w#])#(?=\w*[^\W\d_])\w{1,256}(?![\w]*#)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?![\w@])")
# Without a scheme only well-known top-level domains count, so that "bao_cao.docx" is no link.
_URL = re.compile(
    r"(?<![\w@/.])(?:(?:https?|ftp|tg|ton)://[^\s<>\"]+"
    r"|(?:[A-Za-z0-9-]+\.)+(?:com|net|org|info|io|me|ru|vn|gov|edu|dev|app|ai|co|uk|de|jp)"
    r"(?::\d{1,5})?(?:[/?#][^\s<>\"]*)?)(?![\w@])"
)
_TRAILING_PUNCTUATION = ".,:;!?)]}'\""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Return the part of ``text`` an entity covers."""
    units = text.encode("utf-16-le", errors="surrogatepass")
    return units[2 * offset : 2 * (offset + length)].decode("utf-16-le", errors="replace")


def text_length(text: str) -> int:
    """Length as Telegram checks the 4096/1024 limits: Unicode code points (TDLib utf8_length)."""
    return len(text)


def _trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip surrounding whitespace as Telegram does and clip the entities to what remains."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    new_len = utf16_len(stripped)
    clipped = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, new_len)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return stripped, clipped


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def detect_entities(text: str, existing: list[Entity]) -> list[Entity]:
    """Find the entities Telegram adds by itself (urls, mentions, hashtags, commands, e-mails)."""
    blocked = [
        (e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _OPAQUE_TYPES
    ]
    found: list[Entity] = []
    # Order matters: an e-mail wins over the url inside it, a url over a mention.
    for kind, pattern in (
        ("email", _EMAIL),
        ("url", _URL),
        ("bot_command", _BOT_COMMAND),
        ("mention", _MENTION),
        ("hashtag", _HASHTAG),
    ):
        for match in pattern.finditer(text):
            value = match.group(0)
            if kind == "url":
                value = value.rstrip(_TRAILING_PUNCTUATION)
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(value)
            if end > start and not _overlaps(start, end, blocked):
                found.append({"type": kind, "offset": start, "length": end - start})
                blocked.append((start, end))
    return found


def normalize_entities(raw: Any, text: str, lookup_user: UserLookup | None = None) -> list[Entity]:
    """Validate an explicit ``entities`` / ``caption_entities`` array into Bot API entities."""
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result: list[Entity] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse MessageEntity: MessageEntity should be an Object")
        kind = item.get("type")
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(kind, str) or not isinstance(offset, int) or not isinstance(length, int):
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        if kind not in USER_ENTITY_TYPES:
            continue  # url, mention... are recomputed from the text by Telegram
        start, end = max(offset, 0), min(offset + length, total)
        if end <= start:
            continue
        entity: Entity = {"type": kind, "offset": start, "length": end - start}
        if kind == "text_link":
            url = str(item.get("url", ""))
            if not url:
                raise bad_request("entity URL is empty")
            checked = checked_link(url)
            if not checked:
                raise bad_request(f"entity URL '{url}' is invalid: Wrong HTTP URL")
            entity["url"] = checked
        elif kind == "text_mention":
            user = item.get("user")
            user_id = user.get("id") if isinstance(user, dict) else None
            found = lookup_user(user_id) if lookup_user and isinstance(user_id, int) else None
            if found is None:
                raise bad_request("can't parse MessageEntity: user not found")
            entity["user"] = found
        elif kind == "pre" and item.get("language"):
            entity["language"] = str(item["language"])
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = str(item.get("custom_emoji_id", ""))
        result.append(entity)
    return result


def prepare_text(
    text: str,
    parse_mode: str | None,
    entities: Any = None,
    *,
    lookup_user: UserLookup | None = None,
    limit: int = MAX_TEXT_LENGTH,
    empty_error: str | None = "message text is empty",
    too_long_error: str = "message is too long",
) -> tuple[str, list[Entity]]:
    """Turn request text into the final (text, entities) of a message, with Telegram's errors."""
    if entities is not None:
        parsed = normalize_entities(entities, text, lookup_user)
    elif parse_mode:
        mode = parse_mode.lower()
        if mode == "html":
            text, parsed = parse_html(text, lookup_user)
        elif mode in ("markdownv2", "markdown"):
            parsed = []  # accepted but not parsed, see the module docstring
        else:
            raise bad_request("unsupported parse_mode")
    else:
        parsed = []
    text, parsed = _trim(text, parsed)
    if not text:
        if empty_error is None:
            return "", []
        raise bad_request(empty_error)
    if text_length(text) > limit:
        raise bad_request(too_long_error)
    combined = parsed + detect_entities(text, parsed)
    combined.sort(key=entity_sort_key)
    return text, combined


def user_text_entities(text: str) -> list[Entity]:
    """Entities of a message typed by a person: what Telegram detects in plain text."""
    found = detect_entities(text, [])
    found.sort(key=entity_sort_key)
    return found


__all__ = [
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "checked_link",
    "detect_entities",
    "prepare_text",
    "user_id_from_link",
    "user_text_entities",
    "utf16_len",
    "utf16_slice",
]
