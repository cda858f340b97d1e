"""Text from people made safe to store and to show: no control characters.

Telegram refuses a message that contains a null byte, and Word files cannot hold
most C0 control characters; nobody means them in a note or a name.
"""

from __future__ import annotations

# C0 control characters and DEL, except tab and newline.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def clean_note(text: str) -> str:
    """A note as it is stored and shown: control characters dropped, surrounding blanks trimmed."""
    return text.translate(_CONTROL).strip()
