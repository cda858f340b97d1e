"""Bot API error answers: the ``{"ok": false, "error_code": ..., "description": ...}`` objects.

The descriptions are the ones the real Bot API server gives (``Bad Request: chat not found``,
``Forbidden: bot was blocked by the user`` ...), so a bot that reacts to them behaves here as it
would against Telegram.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A failed Bot API call; raised anywhere in a method and turned into the JSON answer."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        """Return the answer body exactly as Telegram sends it."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """Return a 400 ``Bad Request: <detail>`` error."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Return a 403 ``Forbidden: <detail>`` error."""
    return ApiError(403, f"Forbidden: {detail}")


def unauthorized() -> ApiError:
    """Return the 401 answer for an unknown (or logged out) token."""
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    """Return the 404 answer for an unknown method or path."""
    return ApiError(404, "Not Found")


def conflict(detail: str) -> ApiError:
    """Return a 409 ``Conflict: <detail>`` error."""
    return ApiError(409, f"Conflict: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """Return a 429 flood error carrying ``parameters.retry_after``."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def bad_gateway() -> ApiError:
    """Return the 502 answer Telegram's front gives when the backend is unreachable."""
    return ApiError(502, "Bad Gateway")
