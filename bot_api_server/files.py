"""Files: storage by ``file_id``, Document / PhotoSize objects, image size sniffing.

Files sent by a bot, and files people send to it (``SimUser.send_document`` / ``send_photo``),
are kept in memory so the user side can read them back and the bot can re-send them by
``file_id`` or download them with ``getFile`` and ``/file/bot<token>/<file_path>``.  Photos are
not re-encoded: a photo message carries one PhotoSize, the original (Telegram would add smaller
thumbnails).  URLs given instead of a file are not fetched (this server has no outside access).

A ``file_id`` is usable only by a bot that got it (Telegram: "file_id is unique for each
individual bot and can't be transferred from one bot to another"): ``BotAccount.file_ids`` holds
the ones a bot uploaded or received in an update.  Telegram gives each bot its own file_id string
for the same file; here the bots that legitimately hold a file share one string, which a bot
that never got it still cannot use.  ``file_unique_id`` is the same for every bot, as documented.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import struct
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # what a bot may upload (multipart)
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# getFile: "For the moment, bots can download files of up to 20MB in size"; the Bot API server
# (telegram-bot-api Client.h MAX_DOWNLOAD_FILE_SIZE = 20 << 20, Client::do_get_file) answers
# 400 "Bad Request: file is too big" when the size is above it.
MAX_DOWNLOAD_BYTES = 20 << 20
# What a person may send from a Telegram client: 4000 parts of 512 KB (core.telegram.org/api/files,
# upload.saveBigFilePart), i.e. 2000 MB; Premium doubles it (not modelled).
MAX_USER_UPLOAD_BYTES = 4000 * 512 * 1024

# Folder and default suffix of ``file_path`` per kind, as getFile reports them on Telegram.
_FOLDERS = {"document": "documents", "photo": "photos", "voice": "voice", "sticker": "stickers"}
_SUFFIXES = {"photo": ".jpg", "voice": ".oga", "sticker": ".webp"}
# The start of real file_ids of each kind (a type byte, then the DC and version bytes).
_ID_PREFIXES = {
    "document": "BQACAgIAAxk",
    "photo": "AgACAgIAAxk",
    "voice": "AwACAgIAAxk",
    "sticker": "CAACAgIAAxk",
}


@dataclass
class StoredFile:
    """One file the server holds, with the identifiers Telegram would give it."""

    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # "document", "photo", "voice" or "sticker"
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def file_path(self) -> str:
        """Path under ``/file/bot<token>/`` as getFile reports it."""
        folder = _FOLDERS.get(self.kind, "documents")
        suffix = _SUFFIXES.get(self.kind, "")
        if self.file_name and "." in self.file_name:
            suffix = "." + self.file_name.rsplit(".", 1)[1]
        return f"{folder}/file_{self.file_unique_id}{suffix}"

    @property
    def size(self) -> int:
        """The size in bytes (``file_size``)."""
        return len(self.data)

    def document(self) -> dict[str, Any]:
        """The Bot API Document object."""
        doc: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        doc["file_size"] = len(self.data)
        return doc

    def photo_sizes(self) -> list[dict[str, Any]]:
        """The Bot API PhotoSize list (just the original size, see the module docstring)."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.data),
                "width": self.width,
                "height": self.height,
            }
        ]

    def file_object(self) -> dict[str, Any]:
        """The Bot API File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG image, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            # SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


class FileStore:
    """All files of one server, by file_id."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._paths: dict[str, StoredFile] = {}
        self._counter = 0

    def _identifiers(self, kind: str, data: bytes) -> tuple[str, str]:
        self._counter += 1
        digest = hashlib.sha256(data + self._counter.to_bytes(8, "big")).digest()
        # Real file_ids are long url-safe base64 strings; keep the look and the uniqueness.
        prefix = b"\x05\x00" if kind == "document" else b"\x02\x00"
        file_id = base64.urlsafe_b64encode(prefix + digest[:40]).decode().rstrip("=")
        unique = "AgAD" + base64.urlsafe_b64encode(digest[-9:]).decode().rstrip("=")
        return _ID_PREFIXES.get(kind, _ID_PREFIXES["document"]) + file_id, unique

    def add(
        self,
        kind: str,
        data: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
        *,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        """Store ``data`` as a new file of ``kind`` (no limits checked: callers check theirs)."""
        file_id, unique = self._identifiers(kind, data)
        stored = StoredFile(file_id, unique, data, kind, file_name, mime_type, width, height)
        self._files[file_id] = stored
        self._paths[stored.file_path] = stored
        return stored

    def add_document(self, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        """Store a document a bot uploaded."""
        if not data:
            raise bad_request("file must be non-empty")
        if len(data) > MAX_UPLOAD_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        return self.add("document", data, file_name, document_mime_type(file_name, mime_type))

    def add_photo(self, data: bytes) -> StoredFile:
        """Store a photo a bot uploaded after checking it is an image Telegram could process."""
        if not data:
            raise bad_request("file must be non-empty")
        if len(data) > MAX_PHOTO_BYTES:
            raise bad_request("PHOTO_SAVE_FILE_INVALID")
        size = image_size(data)
        if size is None or min(size) == 0:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return self.add("photo", data, width=width, height=height)

    def get(self, file_id: str) -> StoredFile | None:
        """Return the file with this file_id, if any."""
        return self._files.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """Return the file getFile reported at ``file_path``."""
        return self._paths.get(file_path)


def document_mime_type(file_name: str | None, mime_type: str | None) -> str | None:
    """The MIME type a Document reports: the given one, or guessed from the file name when
    missing or generic (``application/octet-stream``)."""
    guessed = mimetypes.guess_type(file_name)[0] if file_name else None
    if mime_type in (None, "", "application/octet-stream") and guessed:
        return guessed
    return mime_type or None


def file_ids_in(value: Any) -> list[str]:
    """Every ``file_id`` inside a Bot API object (a message, an update payload ...)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            file_id = item.get("file_id")
            if isinstance(file_id, str):
                found.append(file_id)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return found


# -- small real files for ``SimUser.send_media`` -----------------------------------------------

# A 32x24 JPEG and a 512x512 WebP (a sticker's size), made once with Pillow.
_PLACEHOLDER_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERX"
    "RTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAYACADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwC7RRRXacgUUUUAFFFFABRRRQB//9k="
)
_PLACEHOLDER_WEBP = base64.b64decode(
    "UklGRi4AAABXRUJQVlA4TCEAAAAv/8F/AAdQ5OpH/wMCgWR/7xmK6H/Gf/7zn//85z//+T8A"
)


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packet: bytes, sequence: int, flags: int) -> bytes:
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, 0, 1, sequence, 0, 1)
    page = header + bytes([len(packet)]) + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def _placeholder_voice() -> bytes:
    """An Ogg Opus stream with its two header pages and no audio (a silent voice note)."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 3) + b"sim" + struct.pack("<I", 0)
    return _ogg_page(head, 0, 0x02) + _ogg_page(tags, 1, 0x04)


def _placeholder_pdf() -> bytes:
    """A one-page PDF with no content."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def placeholder(kind: str) -> tuple[bytes, str | None, str | None]:
    """Small real content for a ``kind`` of media: (data, file_name, mime_type)."""
    if kind == "photo":
        return _PLACEHOLDER_JPEG, None, None
    if kind == "sticker":
        return _PLACEHOLDER_WEBP, None, "image/webp"
    if kind == "voice":
        return _placeholder_voice(), None, "audio/ogg"
    if kind == "document":
        return _placeholder_pdf(), "bao-cao.pdf", "application/pdf"
    raise ValueError(f"unknown media kind {kind!r}")
