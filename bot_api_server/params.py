"""Request parameters as the Bot API reads them: query string, JSON, urlencoded or multipart.

Form encodings carry every value as a string; clients such as python-telegram-bot JSON-encode
objects (``reply_markup``, ``entities``, ``allowed_updates``) inside them, so the typed getters
decode on demand.  Like the real server, integers that do not parse count as 0 and out-of-range
integers are clamped by the caller, and booleans accept ``true``/``1``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import bad_request


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """The parameters of one call, with typed getters."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        """Whether the parameter was given (as a value or a file)."""
        return name in self.values or name in self.files

    def raw(self, name: str) -> Any:
        """The value as received (JSON-typed or a string)."""
        return self.values.get(name)

    def string(self, name: str, default: str | None = None) -> str | None:
        """A string parameter; JSON numbers and booleans are given in their text form."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        """An integer parameter; text that is not a number reads as 0, as on Telegram."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            return 0

    def number(self, name: str, default: float | None = None) -> float | None:
        """A float parameter (e.g. a timeout)."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            return 0.0

    def boolean(self, name: str, default: bool = False) -> bool:
        """A boolean parameter: true/1 (any case) are true."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1")

    def json(self, name: str, error: str) -> Any:
        """A JSON object/array parameter; ``error`` is the Bad Request detail for bad JSON."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error) from None

    def chat_id(self, name: str = "chat_id") -> int | str | None:
        """A chat identifier: an integer, or ``@username`` as a string."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            return text

    def input_file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an upload (directly or via ``attach://``), or a file_id/URL string."""
        if name in self.files:
            return self.files[name]
        value = self.string(name)
        if value and value.startswith("attach://"):
            return self.files.get(value[len("attach://") :])
        return value


async def read_params(request: web.Request) -> Params:
    """Collect the parameters of a request; body values override the query string."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    content_type = request.content_type
    if request.method == "POST" and request.can_read_body:
        if content_type == "application/json":
            try:
                body = json.loads(await request.read() or b"{}")
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            values.update(body)
        elif content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = await part.read()
                if part.filename is not None:
                    files[part.name] = UploadedFile(
                        part.filename, part.headers.get("Content-Type"), bytes(data)
                    )
                else:
                    values[part.name] = bytes(data).decode("utf-8", errors="replace")
        else:
            # application/x-www-form-urlencoded, or a body without a useful type.
            form = await request.post()
            values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return Params(values, files)
