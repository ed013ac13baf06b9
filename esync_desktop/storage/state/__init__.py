"""SQLite runtime state: runs, item results, write journal, cursors, integration log, run lock."""

from esync_desktop.storage.state.db import StateDb
from esync_desktop.storage.state.lock import RunLock
from esync_desktop.storage.state.records import (
    CONFIRMED,
    EXCHANGE,
    FAILED,
    INTENT,
    MAPPING_ERROR,
    RESOLVED_APPLIED,
    RESOLVED_NOT_APPLIED,
    ItemResult,
    JournalEntry,
    LockHolder,
    LogEntry,
    RunLocked,
    RunRecord,
    StateError,
)

__all__ = [
    "CONFIRMED",
    "EXCHANGE",
    "FAILED",
    "INTENT",
    "MAPPING_ERROR",
    "RESOLVED_APPLIED",
    "RESOLVED_NOT_APPLIED",
    "ItemResult",
    "JournalEntry",
    "LockHolder",
    "LogEntry",
    "RunLock",
    "RunLocked",
    "RunRecord",
    "StateDb",
    "StateError",
]
