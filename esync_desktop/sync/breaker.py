"""The circuit breaker of a run: an item's failure is that item's, but a store that stopped
answering ends the run early instead of failing every remaining item one by one."""

from __future__ import annotations

from collections.abc import Hashable

from esync_desktop.connectors.errors import (
    ApiError,
    AuthError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
    ValidationError,
)

# Failure kinds. An item's own kind (the store answered and refused that item) never trips it.
REJECTED = "rejected"
SERVER_ERROR = "server_error"
RATE_LIMITED = "rate_limited"
NO_ANSWER = "no_answer"
UNREACHABLE = "unreachable"
AUTH = "auth"
# Kinds that end the run at the first occurrence: after the HTTP layer's own retries the
# store could not be reached at all, or it no longer accepts the credentials.
IMMEDIATE = frozenset({UNREACHABLE, AUTH})
# Consecutive store failures that end the run.
THRESHOLD = 5


def failure_kind(exc: ApiError) -> str:
    if isinstance(exc, ValidationError | ConflictError | NotFoundError):
        return REJECTED
    if isinstance(exc, AuthError):
        return AUTH
    if isinstance(exc, TransportError):
        return NO_ANSWER if exc.maybe_applied else UNREACHABLE
    if isinstance(exc, RateLimitedError):
        return RATE_LIMITED
    if isinstance(exc, ServerError):
        return SERVER_ERROR
    return SERVER_ERROR


class StoreDown(Exception):
    """The run was stopped because the store stopped answering. `kind` is one of the failure
    kinds above; `message` says what happened and what to do."""

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status


class Breaker:
    """Counts consecutive store failures of one kind; any answered write resets the count.

    Narrowing down a refused batch (its halves are sent again) is one failure, not one per
    half: a failure whose rows are a strict subset of the previous failure's rows is the same
    suspect, so a single bad item in a batch of 2000 never looks like a store that is down."""

    def __init__(self, threshold: int = THRESHOLD, store: str = "BigCommerce") -> None:
        self.threshold = threshold
        self.store = store
        self.count = 0
        self.kind = ""
        self._scope: frozenset[Hashable] | None = None
        self._tripped: StoreDown | None = None

    def answered(self) -> None:
        self.count, self._scope, self.kind = 0, None, ""

    def failed(self, exc: ApiError, scope: frozenset[Hashable]) -> str:
        """Record a failure; returns its kind. Call check() once the item's result is kept."""
        kind = failure_kind(exc)
        if kind == REJECTED:
            self.answered()
            return kind
        if kind != self.kind:
            # Another kind of failure starts a new count: scattered faults of different kinds
            # are a flaky line, a store that is down fails the same way every time.
            self.count, self._scope, self.kind = 0, None, kind
        narrowing = self._scope is not None and scope < self._scope
        if not narrowing:
            self.count += 1
        self._scope = scope
        if kind in IMMEDIATE or self.count >= self.threshold:
            self._tripped = StoreDown(kind, self._message(kind, exc), exc.status)
        return kind

    @property
    def tripped(self) -> bool:
        return self._tripped is not None

    def check(self) -> None:
        """Raises StoreDown once the breaker has tripped."""
        if self._tripped is not None:
            raise self._tripped

    def _message(self, kind: str, exc: ApiError) -> str:
        said = f"{exc.title}: {exc.message}"
        if kind == AUTH:
            return f"{self.store} stopped accepting the credentials during the sync. {said}"
        if kind == UNREACHABLE:
            return f"{self.store} could not be reached during the sync. {said}"
        return (
            f"{self.store} stopped answering: {self.count} writes in a row failed "
            f"(the last: {said})"
        )
