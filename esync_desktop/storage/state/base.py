"""The state database's connection: WAL, foreign keys, busy timeout, one lock around it."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from esync_desktop.storage.state.records import StateError
from esync_desktop.storage.state.schema import migrate

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0


def now_text() -> str:
    """Timestamps are stored as UTC ISO 8601 text with milliseconds: sortable as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def to_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


def loads(value: str | None) -> Any:
    return json.loads(value) if value else None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


class Database:
    """One SQLite connection shared by every thread, used under a lock: writes are short, and
    a single connection keeps transactions simple. WAL lets other processes read meanwhile."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StateError(
                f"cannot open the state database {self.path}: {exc}. Check that the folder "
                f"exists and is writable."
            ) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("state database %s is not in WAL mode (%s)", self.path, mode)
            conn.execute("PRAGMA foreign_keys = ON")
            # FULL: a journal intent must survive a power cut, not only a killed process.
            conn.execute("PRAGMA synchronous = FULL")
            self.schema_version = migrate(conn, self.path)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StateError(
                f"the state database {self.path} cannot be used ({exc}). Move it aside to start "
                f"with a fresh history; the settings are not affected."
            ) from exc
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StateError(f"the state database {self.path} is closed")
        return self._conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken at once (IMMEDIATE) so it never fails half-way on a lock."""
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._connection().execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
