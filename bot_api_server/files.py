"""Uploaded files: storage by ``file_id``, Document / PhotoSize objects, image size sniffing.

Files sent by a bot are kept in memory so the user side can read them back and the bot can
re-send them by ``file_id`` or download them with ``getFile``.  Photos are not re-encoded: a photo
message carries one PhotoSize, the original (Telegram would add smaller thumbnails).
URLs given instead of a file are not fetched (this server has no outside access).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import struct
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024


@dataclass
class StoredFile:
    """One file the server holds, with the identifiers Telegram would give it."""

    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # "document" or "photo"
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def file_path(self) -> str:
        """Path under ``/file/bot<token>/`` as getFile reports it."""
        folder = "photos" if self.kind == "photo" else "documents"
        suffix = ""
        if self.file_name and "." in self.file_name:
            suffix = "." + self.file_name.rsplit(".", 1)[1]
        elif self.kind == "photo":
            suffix = ".jpg"
        return f"{folder}/file_{self.file_unique_id}{suffix}"

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
        self._counter = 0

    def _identifiers(self, kind: str, data: bytes) -> tuple[str, str]:
        self._counter += 1
        digest = hashlib.sha256(data + self._counter.to_bytes(8, "big")).digest()
        # Real file_ids are long url-safe base64 strings; keep the look and the uniqueness.
        prefix = b"\x05\x00" if kind == "document" else b"\x02\x00"
        file_id = base64.urlsafe_b64encode(prefix + digest[:40]).decode().rstrip("=")
        unique = "AgAD" + base64.urlsafe_b64encode(digest[-9:]).decode().rstrip("=")
        return "BQACAgIAAxk" + file_id if kind == "document" else "AgACAgIAAxk" + file_id, unique

    def add_document(self, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        """Store an uploaded document."""
        if not data:
            raise bad_request("file must be non-empty")
        if len(data) > MAX_UPLOAD_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        guessed = mimetypes.guess_type(file_name)[0] if file_name else None
        if mime_type in (None, "", "application/octet-stream") and guessed:
            mime_type = guessed
        file_id, unique = self._identifiers("document", data)
        stored = StoredFile(file_id, unique, data, "document", file_name, mime_type)
        self._files[file_id] = stored
        return stored

    def add_photo(self, data: bytes) -> StoredFile:
        """Store an uploaded photo after checking it is an image Telegram could process."""
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
        file_id, unique = self._identifiers("photo", data)
        stored = StoredFile(file_id, unique, data, "photo", width=width, height=height)
        self._files[file_id] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """Return the file with this file_id, if any."""
        return self._files.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """Return the file getFile reported at ``file_path``."""
        for stored in self._files.values():
            if stored.file_path == file_path:
                return stored
        return None
