"""The write journal: an intent is recorded before a write is sent, then confirmed, marked
failed, or resolved after a crash by looking the object up. Keys make writes idempotent."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from esync_desktop.storage.state.base import Database, dumps, loads, now_text, parse_time
from esync_desktop.storage.state.records import (
    CONFIRMED,
    FAILED,
    INTENT,
    RESOLVED_APPLIED,
    RESOLVED_NOT_APPLIED,
    JournalEntry,
    StateError,
)

# An entry in one of these is sent again under the same key: record_intent() re-opens it.
_RETRYABLE = (FAILED, RESOLVED_NOT_APPLIED)


class JournalMixin(Database):
    """Journal operations; each is one committed (and fsynced) transaction."""

    def record_intent(
        self,
        key: str,
        action: str,
        sku: str | None,
        kind: str = "write",
        payload: Mapping[str, Any] | None = None,
        *,
        run_id: int | None = None,
    ) -> JournalEntry:
        """Record that a write is about to be sent, before it is. Recording a key again returns
        the existing entry untouched while it is open or applied (the caller must not send it
        again); an entry that failed or was found not applied is re-opened for the new attempt."""
        if not key:
            raise ValueError("a journal entry needs an idempotency key")
        now = now_text()
        with self._tx() as conn:
            existing = _get(conn, key)
            if existing is None:
                conn.execute(
                    "INSERT INTO journal (key, action, sku, kind, payload, run_id, status, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, action, sku, kind, dumps(dict(payload or {})), run_id, INTENT, now, now),
                )
            elif existing.status in _RETRYABLE:
                conn.execute(
                    "UPDATE journal SET status = ?, payload = ?, run_id = ?, message = '', "
                    "how = '', remote_id = NULL, result = NULL, attempts = attempts + 1, "
                    "updated_at = ? WHERE key = ?",
                    (INTENT, dumps(dict(payload or {})), run_id, now, key),
                )
            else:
                return existing
            entry = _get(conn, key)
        assert entry is not None
        return entry

    def confirm(
        self, key: str, remote_id: str | int | None = None, result: Mapping[str, Any] | None = None
    ) -> JournalEntry:
        """The store answered: the write happened (with the id it gave, when there is one)."""
        return self._close(key, CONFIRMED, remote_id, result, message="", how="")

    def mark_failed(self, key: str, message: str) -> JournalEntry:
        """The store refused the write, or it is known not to have happened."""
        return self._close(key, FAILED, None, None, message=message, how="")

    def resolve(
        self,
        key: str,
        remote_id: str | int | None,
        how: str,
        *,
        applied: bool | None = None,
        result: Mapping[str, Any] | None = None,
    ) -> JournalEntry:
        """Settle an open intent after a crash or a lost response: applied (the object was
        found, `remote_id` is its id) or not. `how` says how that was established."""
        if applied is None:
            applied = remote_id is not None
        status = RESOLVED_APPLIED if applied else RESOLVED_NOT_APPLIED
        return self._close(key, status, remote_id, result, message="", how=how)

    def pending_intents(self) -> list[JournalEntry]:
        """Intents with no known outcome (a process died between send and confirm), oldest first."""
        rows = self._rows("SELECT * FROM journal WHERE status = ? ORDER BY id", (INTENT,))
        return [_entry(row) for row in rows]

    def get_intent(self, key: str) -> JournalEntry | None:
        with self._lock:
            return _get(self._connection(), key)

    def journal_entries(self, limit: int = 1000) -> list[JournalEntry]:
        """The latest entries, newest first."""
        rows = self._rows("SELECT * FROM journal ORDER BY id DESC LIMIT ?", (limit,))
        return [_entry(row) for row in rows]

    def _close(
        self,
        key: str,
        status: str,
        remote_id: str | int | None,
        result: Mapping[str, Any] | None,
        *,
        message: str,
        how: str,
    ) -> JournalEntry:
        with self._tx() as conn:
            changed = conn.execute(
                "UPDATE journal SET status = ?, remote_id = ?, result = ?, message = ?, how = ?, "
                "updated_at = ? WHERE key = ?",
                (
                    status,
                    None if remote_id is None else str(remote_id),
                    None if result is None else dumps(dict(result)),
                    message,
                    how,
                    now_text(),
                    key,
                ),
            ).rowcount
            if not changed:
                raise StateError(f"no journal entry with key {key!r}: record the intent first")
            entry = _get(conn, key)
        assert entry is not None
        return entry

    # -- the engine's names (sync.journal.Journal, through sync.engine_state) -------------------

    def journal_intent(
        self,
        key: str,
        action: str,
        sku: str | None,
        payload: Mapping[str, Any],
        run_id: int | None = None,
    ) -> JournalEntry:
        return self.record_intent(key, action, sku, payload=payload, run_id=run_id)

    def journal_confirm(self, key: str, result: Mapping[str, Any]) -> JournalEntry:
        return self.confirm(key, result.get("id"), result)

    def journal_fail(self, key: str, error: str) -> JournalEntry:
        return self.mark_failed(key, error)

    def journal_resolve(
        self, key: str, applied: bool, result: Mapping[str, Any], how: str = "looked up"
    ) -> JournalEntry:
        return self.resolve(key, result.get("id"), how, applied=applied, result=result)

    def journal_open(self) -> list[JournalEntry]:
        return self.pending_intents()

    def journal_get(self, key: str) -> JournalEntry | None:
        return self.get_intent(key)


def _get(conn: sqlite3.Connection, key: str) -> JournalEntry | None:
    cursor = conn.execute("SELECT * FROM journal WHERE key = ?", (key,))
    cursor.row_factory = sqlite3.Row
    row = cursor.fetchone()
    return _entry(row) if row is not None else None


def _entry(row: sqlite3.Row) -> JournalEntry:
    return JournalEntry(
        id=row["id"],
        key=row["key"],
        action=row["action"],
        sku=row["sku"],
        kind=row["kind"],
        payload=loads(row["payload"]) or {},
        status=row["status"],
        run_id=row["run_id"],
        remote_id=row["remote_id"],
        result=loads(row["result"]),
        message=row["message"],
        how=row["how"],
        attempts=row["attempts"],
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
    )
