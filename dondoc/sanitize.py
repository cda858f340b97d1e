"""Text from people made safe to store, show and export.

Telegram refuses a message that contains a null byte, and Word and Excel files
cannot hold most C0 control characters, Unicode non-characters (U+FFFE, U+FFFF …)
or unpaired surrogates; nobody means them in a note or a name. A spreadsheet cell
that starts like a formula is made text (OWASP's CSV-injection advice).
"""

from __future__ import annotations

# C0 control characters and DEL (except tab and newline), unpaired surrogates, and the
# 66 non-characters: U+FDD0..U+FDEF and the last two code points of every plane.
_CONTROL = dict.fromkeys(
    [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        0x7F,
        *range(0xD800, 0xE000),
        *range(0xFDD0, 0xFDF0),
        *(plane * 0x10000 + low for plane in range(17) for low in (0xFFFE, 0xFFFF)),
    ]
)
# What makes a spreadsheet take a cell for a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_note(text: str) -> str:
    """A note as it is stored and shown: control characters dropped, surrounding blanks trimmed."""
    return text.translate(_CONTROL).strip()


def inert_cell(text: str) -> str:
    """A CSV field that no spreadsheet will run: a leading formula character is quoted."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
