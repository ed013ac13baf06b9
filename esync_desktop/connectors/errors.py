"""Our own API errors: what the engine sees of HTTP and transport failures (never httpx's)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A store refused or could not answer a request. `message` says what to do next."""

    def __init__(
        self,
        title: str,
        message: str,
        *,
        api: str = "",
        status: int | None = None,
        method: str = "",
        path: str = "",
        details: Any = None,
    ) -> None:
        super().__init__(f"{title}: {message}")
        self.title = title
        self.message = message
        self.api = api
        self.status = status
        self.method = method
        self.path = path
        self.details = details


class AuthError(ApiError):
    """401/403: the token is wrong, expired or lacks a permission."""


class NotFoundError(ApiError):
    """404: no such object or route."""


class ValidationError(ApiError):
    """400/422: the request was refused; `field_errors` maps a field to the store's message."""

    def __init__(
        self, title: str, message: str, *, field_errors: dict[str, str] | None = None, **kw: Any
    ) -> None:
        super().__init__(title, message, **kw)
        self.field_errors: dict[str, str] = dict(field_errors or {})


class ConflictError(ApiError):
    """409: a duplicate name or SKU, or an unknown category id."""


class RateLimitedError(ApiError):
    """429 after the retries."""


class ServerError(ApiError):
    """5xx after the retries."""


class TransportError(ApiError):
    """Connect/read failure or timeout. `maybe_applied` is True for a write whose request was
    sent but whose response was lost: it may have been applied."""

    def __init__(self, title: str, message: str, *, maybe_applied: bool = False, **kw: Any) -> None:
        super().__init__(title, message, **kw)
        self.maybe_applied = maybe_applied
