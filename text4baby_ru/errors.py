"""The application's base error: every expected failure carries a code and an HTTP status."""

from __future__ import annotations


class AppError(Exception):
    """An expected failure with a stable code, an HTTP status and a human-readable reason."""

    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(AppError):
    """The thing asked for does not exist (or may not be seen)."""

    status_code = 404
    code = "not_found"


class Conflict(AppError):
    """The request clashes with the current state (for example a newer draft)."""

    status_code = 409
    code = "conflict"


class Invalid(AppError):
    """The request is well-formed but its content is not acceptable."""

    status_code = 422
    code = "invalid"


class Forbidden(AppError):
    """The caller is known but may not do this."""

    status_code = 403
    code = "forbidden"
