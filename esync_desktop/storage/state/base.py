"""The state database's connection: WAL, foreign keys, busy timeout, one lock around it."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from esync_desktop.storage.notices import Notice
from esync_desktop.storage.state.health import (
    Damaged,
    Session,
    guard,
    header_problem,
    heal,
    integrity_problem,
    is_damage,
    keep_last_good,
)
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


def _session_pragmas(conn: sqlite3.Connection) -> None:
    """What every connection to the state database sets (the file itself is in WAL mode)."""
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL: a journal intent must survive a power cut, not only a killed process.
    conn.execute("PRAGMA synchronous = FULL")


class Database:
    """One SQLite connection shared by every thread, used under a lock: writes are short, and
    a single connection keeps transactions simple. WAL lets other processes read meanwhile."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        # Whether this session met a damaged file: then it is checked at the next start.
        self._damaged = False
        # What the owner should be told about the database (a damaged file healed).
        self.notices: list[Notice] = []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(self._cannot_open(exc)) from exc
        self._session = Session(self.path)
        with guard(self.path):
            unclean = self._session.collect_unclean()
            if unclean:
                log.info("state database %s was not closed cleanly: checking it", self.path)
            self._session.begin()
            try:
                self._open_healed(unclean)
            except BaseException:
                self._drop_connection()
                # A damaged file left in place keeps the mark: the next start checks it again.
                self._session.end(clean=not self._damaged)
                raise

    def _open_healed(self, check: bool) -> None:
        """Open the database; a damaged one is moved aside and its last good copy put back."""
        try:
            self._open_checked(check)
            return
        except Damaged as damage:
            reason = damage.reason
        self._drop_connection()
        self._damaged = True
        if self._session.others_open():
            raise StateError(
                f"the state database {self.path} is damaged ({reason}). Close eSync Desktop "
                "everywhere it is open (the window, commands), then start it again: the last "
                "good copy is then put back."
            )
        self.notices.append(heal(self.path, reason))
        log.warning("%s", self.notices[-1].message)
        try:
            self._open_checked(False)
        except Damaged as again:
            raise StateError(
                f"the state database {self.path} cannot be used ({again.reason}) even after "
                "putting its last good copy back. Move it aside to start with a fresh history; "
                "the settings are not affected."
            ) from None
        self._damaged = False

    def _cannot_open(self, exc: BaseException) -> str:
        return (
            f"cannot open the state database {self.path}: {exc}. Check that the folder exists "
            "and is writable."
        )

    def _open_checked(self, check: bool) -> None:
        """Open, look for damage (cheap checks always, integrity_check when asked), migrate,
        then _prepare(); Damaged when the file is not usable."""
        problem = header_problem(self.path)
        if problem is not None:
            raise Damaged(problem)
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StateError(self._cannot_open(exc)) from exc
        self._conn = conn
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("state database %s is not in WAL mode (%s)", self.path, mode)
            _session_pragmas(conn)
            if check:
                problem = integrity_problem(conn)
                if problem is not None:
                    raise Damaged(problem)
            self.schema_version = migrate(conn, self.path)
            self._prepare()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise Damaged(str(exc)) from exc
            raise StateError(
                f"the state database {self.path} cannot be used ({exc}). Move it aside to start "
                f"with a fresh history; the settings are not affected."
            ) from exc
        except StateError as exc:
            if isinstance(exc.__cause__, sqlite3.DatabaseError) and is_damage(exc.__cause__):
                raise Damaged(str(exc.__cause__)) from exc
            raise

    def _prepare(self) -> None:
        """Work done on every open, inside the damage check (a subclass prunes here)."""

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StateError(f"the state database {self.path} is closed")
        return self._conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken at once (IMMEDIATE) so it never fails half-way on a lock."""
        with self._lock, self._damage_reported():
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _tx_behind(self, work: Callable[[sqlite3.Connection], None], name: str) -> WriteBehind:
        """`work` in a write transaction of its own, on a connection of its own, in a thread:
        SQLite does its part with the GIL released, so a large write (a full read's 100k
        records) goes on while the caller plans. WAL keeps this connection's reads meanwhile
        on what was committed before; a write here waits (busy timeout) until it commits."""
        pending = WriteBehind(self, name)

        def run() -> None:
            try:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
                try:
                    _session_pragmas(conn)
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        work(conn)
                    except BaseException:
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                        raise
                    conn.execute("COMMIT")
                finally:
                    conn.close()
            except BaseException as exc:  # raised again by wait(), in the caller's thread
                pending.error = exc

        pending.thread = threading.Thread(target=run, name=f"state-{name}", daemon=False)
        pending.thread.start()
        return pending

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        with self._lock, self._damage_reported():
            cursor = self._connection().execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    @contextmanager
    def _damage_reported(self) -> Iterator[None]:
        """Damage met while in use: the owner's message, and a check at the next start."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if self._conn is None or not is_damage(exc):
                raise
            self._damaged = True
            raise StateError(
                f"the state database {self.path} is damaged ({exc}). Close eSync Desktop and "
                "start it again: it is then checked, and its last good copy put back."
            ) from exc

    def integrity_problem(self) -> str | None:
        """What `PRAGMA integrity_check` finds wrong with the database, or None when it is ok."""
        with self._lock:
            try:
                return integrity_problem(self._connection())
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc):
                    raise
                self._damaged = True
                return str(exc)

    def keep_last_good(self) -> bool:
        """Copy the database beside itself as its last good copy (after a run that ended): a
        damaged database found later is replaced by it. False when no copy could be kept."""
        with self._lock:
            kept = keep_last_good(self._connection(), self.path)
            if not kept:
                self._damaged = True  # checked at the next start
            return kept

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._drop_connection()
                self._session.end(clean=not self._damaged)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WriteBehind:
    """A write transaction under way in a thread (Database._tx_behind): `wait()` until it has
    committed, or raise what stopped it (a damaged file as the owner's message)."""

    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
        error, self.error = self.error, None
        if error is None:
            return
        if isinstance(error, sqlite3.DatabaseError) and is_damage(error):
            with self.db._damage_reported():  # the owner's message, as for any write
                raise error
        if isinstance(error, sqlite3.Error):
            raise StateError(
                f"could not save {self.name} in the state database {self.db.path}: {error}"
            ) from error
        raise error
