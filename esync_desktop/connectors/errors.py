"""Typed API errors raised at the connector edge, each with a title and a next step."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A store refused or could not answer a request. `title` is short, `message` says what to
    do next; `api`, `status`, `method` and `path` name the request (never a token)."""

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
        field_errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{title}: {message}")
        self.title = title
        self.message = message
        self.api = api
        self.status = status
        self.method = method
        self.path = path
        self.details = details
        # Field name -> the store's message, when the store named fields (422, some 409s).
        self.field_errors: dict[str, str] = dict(field_errors or {})

    @property
    def request(self) -> str:
        """`GET /path` of the failed request, for logs and the details dialog."""
        return f"{self.method} {self.path}".strip()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(api={self.api!r}, status={self.status!r}, "
            f"request={self.request!r}, title={self.title!r})"
        )


class AuthError(ApiError):
    """401/403: the token, the account id or the token's permissions are wrong."""


class NotFoundError(ApiError):
    """404: the object (or the store/merchant address) does not exist."""


class ValidationError(ApiError):
    """400/413/422: the request was refused as invalid; `field_errors` names the fields."""


class ConflictError(ApiError):
    """409: a duplicate name or SKU, or a reference to something that does not exist."""


class RateLimitedError(ApiError):
    """429 still answered after every retry."""

    def __init__(
        self, title: str, message: str, *, retry_after: float | None = None, **kwargs: Any
    ):
        super().__init__(title, message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx after every retry, or a success status whose body could not be read."""


class BadResponseError(ServerError):
    """A 2xx answer whose body is not the JSON it should be. A write may have been applied,
    so it is a ServerError: the engine looks the object up before doing anything else."""


class TransportError(ApiError):
    """The store could not be reached, or the answer was lost. `maybe_applied` is True when a
    write was sent and its response never came: look the object up before sending it again."""

    def __init__(self, title: str, message: str, *, maybe_applied: bool = False, **kwargs: Any):
        super().__init__(title, message, **kwargs)
        self.maybe_applied = maybe_applied


class DeadlineError(TransportError):
    """The answer did not arrive in full within the request's deadline (`seconds`): a server
    that stalls or trickles its body. A write may have been applied (`maybe_applied`)."""

    def __init__(self, title: str, message: str, *, seconds: float = 0.0, **kwargs: Any):
        super().__init__(title, message, **kwargs)
        self.seconds = seconds


class ResponseTooLargeError(BadResponseError):
    """An answer larger than the HTTP layer reads (MAX_BODY_BYTES); never retried."""
