"""``reply_markup`` validation: inline keyboards, reply keyboards, keyboard removal, force reply.

Errors use the Bot API descriptions (``can't parse reply keyboard markup JSON object``,
``BUTTON_DATA_INVALID``, ``can't parse inline keyboard button: Text buttons are unallowed in the
inline keyboard`` ...).  Only inline keyboards are echoed in the returned Message; the other kinds
change what the person sees under the input field, which the user side can read.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from .errors import bad_request

Markup = dict[str, Any]

# Exactly one of these makes an inline button do something.
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_INLINE_OPTIONAL = ("style", "icon_custom_emoji_id")
_REPLY_KEYBOARD_OPTIONS = (
    "is_persistent",
    "resize_keyboard",
    "one_time_keyboard",
    "input_field_placeholder",
    "selective",
)
_KEYBOARD_BUTTON_OPTIONS = (
    "request_users",
    "request_chat",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)


# Telegram refuses an inline keyboard of more than 100 buttons ("reply markup is too long").
MAX_INLINE_BUTTONS = 100


def _check_button_url(url: Any) -> str:
    if not isinstance(url, str) or not url:
        raise bad_request("BUTTON_URL_INVALID")
    candidate = url if "://" in url else "http://" + url
    try:
        parts = urlsplit(candidate)
    except ValueError:
        raise bad_request(
            f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "tg", "ton"):
        raise bad_request(
            f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
        )
    if scheme in ("http", "https") and (not parts.hostname or "." not in parts.hostname):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return url


def _inline_button(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton should be an Object"
        )
    if "text" not in raw:
        raise bad_request("can't parse inline keyboard button: Can't find field \"text\"")
    if not isinstance(raw["text"], str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    button: dict[str, Any] = {"text": raw["text"]}
    # An empty callback_data counts as absent, as on Telegram.
    actions = [name for name in _INLINE_ACTIONS if raw.get(name) not in (None, "")]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    action = actions[0]
    value = raw[action]
    if action == "callback_data":
        if not isinstance(value, str) or len(value.encode("utf-8")) > 64:
            raise bad_request("BUTTON_DATA_INVALID")
    elif action == "url":
        value = _check_button_url(value)
    button[action] = value
    for name in _INLINE_OPTIONAL:
        if raw.get(name) is not None:
            button[name] = raw[name]
    return button


def _rows(raw: Any, field: str, owner: str) -> list[Any]:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request(f'field "{field}" of the {owner} should be an Array of Arrays')
    return raw


def _keyboard_button(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        return {"text": raw}
    if not isinstance(raw, dict):
        raise bad_request(
            "can't parse keyboard button: KeyboardButton should be a String or an Object"
        )
    if not isinstance(raw.get("text"), str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    button = {"text": raw["text"]}
    for name in _KEYBOARD_BUTTON_OPTIONS:
        if raw.get(name) is not None:
            button[name] = raw[name]
    return button


def parse_reply_markup(raw: Any) -> Markup | None:
    """Validate and normalise ``reply_markup`` (a JSON string or an already decoded dict)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if not raw.strip():
            return None
        try:
            raw = json.loads(raw)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(raw, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in raw:
        rows = _rows(raw["inline_keyboard"], "inline_keyboard", "InlineKeyboardMarkup")
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        buttons = [[_inline_button(b) for b in row] for row in rows]
        return {"inline_keyboard": [row for row in buttons if row]}
    if "keyboard" in raw:
        rows = _rows(raw["keyboard"], "keyboard", "ReplyKeyboardMarkup")
        markup: Markup = {"keyboard": [[_keyboard_button(b) for b in row] for row in rows]}
        for name in _REPLY_KEYBOARD_OPTIONS:
            if raw.get(name) is not None:
                markup[name] = raw[name]
        return markup
    if raw.get("remove_keyboard"):
        return {"remove_keyboard": True, **({"selective": True} if raw.get("selective") else {})}
    if raw.get("force_reply"):
        markup = {"force_reply": True}
        if raw.get("input_field_placeholder"):
            markup["input_field_placeholder"] = raw["input_field_placeholder"]
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def message_markup(markup: Markup | None) -> Markup | None:
    """The ``reply_markup`` a Message carries: only a non-empty inline keyboard."""
    if markup and markup.get("inline_keyboard"):
        return markup
    return None


def require_inline(markup: Markup | None) -> Markup | None:
    """Edits accept only inline keyboards."""
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def find_callback_button(markup: Markup | None, callback_data: str) -> dict[str, Any] | None:
    """Return the inline button carrying ``callback_data``, if the keyboard has one."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if button.get("callback_data") == callback_data:
                return button
    return None


def find_button_by_text(markup: Markup | None, text: str) -> dict[str, Any] | None:
    """Return the first inline button whose label is ``text``."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if button.get("text") == text:
                return button
    return None
