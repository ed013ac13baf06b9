"""What the state database returns: frozen dataclasses, never rows; and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class StateError(RuntimeError):
    """The state database cannot be used; the message says why and what to do."""


class RunLocked(RuntimeError):
    """Another run (in this or another process) holds the run lock."""

    def __init__(self, holder: LockHolder | None) -> None:
        if holder is None:
            what = "Another sync is running"
        else:
            since = holder.since.astimezone().strftime("%H:%M:%S") if holder.since else "?"
            task = f"task {holder.task!r}" if holder.task else "a task"
            what = f"Another sync is running ({task}, process {holder.pid}, since {since})"
        super().__init__(f"{what}. Wait for it to finish, or cancel it, then try again.")
        self.holder = holder


@dataclass(frozen=True)
class LockHolder:
    """Who holds the run lock, as the holder wrote it into the lock file."""

    pid: int
    task: str
    since: datetime | None


@dataclass(frozen=True)
class RunRecord:
    """One run of a task. `result` is "running" until finished (or "interrupted" when its
    process died); `counts` are per outcome; `api_calls` per API."""

    run_id: int
    task: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, int]
    result: str
    cancelled: bool
    api_calls: dict[str, int]
    error: str | None = None
    pid: int | None = None

    @property
    def duration_s(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class ItemResult:
    """What became of one item in a run: the outcome reached (which may differ from the plan's,
    e.g. a create refused by the store is "fail"), the reason and the messages."""

    run_id: int
    seq: int
    action: str
    sku: str | None
    outcome: str
    planned: str | None = None
    reason: str | None = None
    clover_id: str | None = None
    clover_name: str | None = None
    bc_id: int | None = None
    bc_name: str | None = None
    name: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    detail: str = ""
    message: str = ""
    missing_categories: tuple[str, ...] = ()
    held_back_by: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


# Journal statuses: an intent is open until confirmed, failed or resolved after a crash.
INTENT = "intent"
CONFIRMED = "confirmed"
FAILED = "failed"
RESOLVED_APPLIED = "resolved_applied"
RESOLVED_NOT_APPLIED = "resolved_not_applied"
JOURNAL_STATUSES = (INTENT, CONFIRMED, FAILED, RESOLVED_APPLIED, RESOLVED_NOT_APPLIED)


@dataclass(frozen=True)
class JournalEntry:
    """A journalled write. `remote_id` is the id the store gave the object (when known);
    `how` says how an open intent was resolved (e.g. "found in BigCommerce by SKU")."""

    id: int
    key: str
    action: str
    sku: str | None
    kind: str
    payload: dict[str, Any]
    status: str
    run_id: int | None = None
    remote_id: str | None = None
    result: dict[str, Any] | None = None
    message: str = ""
    how: str = ""
    attempts: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == INTENT

    @property
    def applied(self) -> bool:
        """The write is known to have reached the store."""
        return self.status in (CONFIRMED, RESOLVED_APPLIED)


EXCHANGE = "exchange"
MAPPING_ERROR = "mapping_error"


@dataclass(frozen=True)
class LogEntry:
    """One entry of the integration log: an HTTP exchange or a mapping error."""

    id: int
    run_id: int | None
    at: datetime
    kind: str
    api: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = None
    duration_ms: float | None = None
    attempt: int | None = None
    request_body: str | None = None
    response_body: str | None = None
    error: str | None = None
    action: str | None = None
    sku: str | None = None
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """One line for a list: the request and its answer, or the mapping error."""
        if self.kind == EXCHANGE:
            answer = str(self.status) if self.status is not None else (self.error or "no answer")
            took = f" ({self.duration_ms:.0f} ms)" if self.duration_ms is not None else ""
            return (
                f"{self.api or ''} {self.method or ''} {self.path or ''} -> {answer}{took}".strip()
            )
        where = ": ".join(x for x in (self.action, self.sku) if x)
        return f"{where}: {self.message}" if where else self.message
