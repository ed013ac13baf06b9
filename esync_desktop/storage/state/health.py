"""Keeping the state database usable: a last good copy after each run, damage found at start
(always the cheap checks; `PRAGMA integrity_check` when a process did not close it), and a
damaged file moved aside with the last good copy put back in its place."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
import uuid
import weakref
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from esync_desktop.storage.notices import STATE_RESET, STATE_RESTORED, Notice
from esync_desktop.storage.state.lock import _lock, _unlock
from esync_desktop.storage.state.records import StateError

log = logging.getLogger(__name__)

_MAGIC = b"SQLite format 3\x00"
_DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
GUARD_WAIT_S = 120.0


class Damaged(Exception):
    """The file is not a usable SQLite database; `reason` says how, in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_damage(exc: sqlite3.Error) -> bool:
    """SQLite's own verdict (its primary error code): the file is corrupt or not a database."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DAMAGE_CODES


def last_good_path(path: Path) -> Path:
    return path.with_name(path.name + ".last-good")


def header_problem(path: Path) -> str | None:
    """What the first bytes say is wrong with the file, without SQLite: not a database at all,
    or shorter than the page count its header records (truncated). None when it looks whole."""
    try:
        size = path.stat().st_size
        if size == 0:
            # A new database, unless one was kept before: then the file lost all it held.
            return "it is empty" if last_good_path(path).exists() else None
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(f"cannot read the state database {path}: {exc.strerror or exc}") from exc
    if len(header) < 100 or not header.startswith(_MAGIC):
        return "it is not a SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is only kept up to date by writers that also stamp bytes 92-95 with the
    # change counter; pages may also sit in the write-ahead log until a checkpoint.
    counted = header[92:96] == header[24:28] and pages > 0
    wal = path.with_name(path.name + "-wal")
    wal_empty = not wal.exists() or wal.stat().st_size == 0
    if counted and wal_empty and size < pages * page_size:
        return f"it is truncated: {size:,} bytes where its header says {pages * page_size:,}"
    return None


def integrity_problem(conn: sqlite3.Connection, *, quick: bool = False) -> str | None:
    """The first problem `PRAGMA integrity_check` (or quick_check) finds, or None."""
    pragma = "quick_check" if quick else "integrity_check"
    rows = conn.execute(f"PRAGMA {pragma}(5)").fetchall()
    found = [str(row[0]) for row in rows]
    if found == ["ok"]:
        return None
    return f"the integrity check found: {'; '.join(found)[:300]}"


@contextlib.contextmanager
def guard(path: Path) -> Iterator[None]:
    """One process at a time checks, repairs or replaces the database (a file lock that the OS
    frees if its holder dies)."""
    lock_path = path.with_name(path.name + ".guard")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + GUARD_WAIT_S
        while True:
            try:
                _lock(fd)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise StateError(
                        f"the state database {path} is being checked by another eSync Desktop "
                        "process; try again in a minute"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


class Session:
    """This process's mark that it has the database open, in a folder beside it. A process that
    closes the database removes its mark; one that is killed leaves it behind (unlocked, as the
    OS frees its lock), and the next start then checks the database's integrity."""

    def __init__(self, path: Path) -> None:
        self.folder = path.with_name(path.name + ".sessions")
        self._fd: int | None = None
        self._path: Path | None = None
        self._closer: weakref.finalize[Any, Any] | None = None

    def _marks(self) -> list[Path]:
        try:
            return sorted(p for p in self.folder.iterdir() if p.suffix == ".open")
        except FileNotFoundError:
            return []

    def _held_by_someone(self, mark: Path) -> bool:
        try:
            with mark.open("rb") as handle:
                try:
                    _lock(handle.fileno())
                except OSError:
                    return True
                _unlock(handle.fileno())
                return False
        except FileNotFoundError:
            return False

    def collect_unclean(self) -> bool:
        """Whether a process left its mark behind; those marks are removed."""
        found = False
        for mark in self._marks():
            if mark != self._path and not self._held_by_someone(mark):
                found = True
                with contextlib.suppress(OSError):
                    mark.unlink()
        return found

    def others_open(self) -> bool:
        return any(m != self._path and self._held_by_someone(m) for m in self._marks())

    def begin(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path = self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.open"
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        _lock(fd)
        self._fd = fd
        # Never closed (the owner forgot): the mark stays, unlocked once this object is gone.
        self._closer = weakref.finalize(self, os.close, fd)

    def end(self, *, clean: bool) -> None:
        """Remove the mark; a session that met damage keeps it, so the next start checks."""
        fd, path, closer = self._fd, self._path, self._closer
        self._fd = self._closer = None
        if fd is None or path is None or closer is None:
            return
        with contextlib.suppress(OSError):
            _unlock(fd)
        closer()
        if clean:
            with contextlib.suppress(OSError):
                path.unlink()


def keep_last_good(conn: sqlite3.Connection, path: Path) -> bool:
    """Copy the open database (SQLite's online backup) beside it as its last good copy. The
    copy replaces the previous one only when it passes a quick check; False when it did not
    (the database itself is damaged) or could not be written."""
    try:
        _backup_to(conn, last_good_path(path))
        return True
    except Damaged as damage:
        log.error("state database %s: not keeping a copy, %s", path, damage.reason)
    except (OSError, sqlite3.Error) as exc:
        log.warning("could not keep a last good copy of %s: %s", path, exc)
    return False


def _backup_to(source: sqlite3.Connection, target: Path) -> None:
    """Copy an open database over `target` through a temp file, as a plain (rollback journal)
    file: one file to copy back, readable read-only. Damaged when the copy fails quick_check,
    and then `target` is left as it was."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        copy = sqlite3.connect(temp)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            problem = integrity_problem(copy, quick=True)
        finally:
            copy.close()
        if problem is not None:
            raise Damaged(problem)
        os.replace(temp, target)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def heal(path: Path, reason: str) -> Notice:
    """Move the damaged database aside (with its write-ahead log) under a dated name, put the
    last good copy in its place when there is a sound one, and say what was lost."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        os.replace(path, aside)
        for suffix in ("-wal", "-journal"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + suffix))
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + "-shm").unlink()
    except OSError as exc:
        raise StateError(
            f"the state database {path} is damaged ({reason}) and could not be moved aside: "
            f"{exc.strerror or exc}. Check that the folder {path.parent} is writable."
        ) from exc
    log.info("state database %s is damaged (%s); moved to %s", path, reason, aside)
    good = last_good_path(path)
    as_of = _restore(good, path)
    if as_of is None:
        return Notice(
            STATE_RESET,
            f"The state database {path} was damaged ({reason}) and no good copy of it had been "
            f"kept yet. It was moved to {aside} and a new one started: the history of runs, "
            "the write journal and the sync bookmarks start empty, so the next sync compares "
            "every item again. Your settings are not affected.",
            moved_to=aside,
        )
    return Notice(
        STATE_RESTORED,
        f"The state database {path} was damaged ({reason}). It was moved to {aside} and the "
        f"copy kept after the last successful run ({as_of:%Y-%m-%d %H:%M}) was put back: what "
        "was recorded after it (at most the last run's history) is lost. Your settings are "
        "not affected.",
        moved_to=aside,
        restored_from=good,
        good_as_of=as_of,
    )


def _restore(good: Path, path: Path) -> datetime | None:
    """Copy the last good copy into place; when it was taken, or None when there is no sound
    copy (none kept, or itself damaged)."""
    if not good.exists():
        return None
    try:
        as_of = datetime.fromtimestamp(good.stat().st_mtime)
        source = sqlite3.connect(f"{good.as_uri()}?mode=ro", uri=True)
        try:
            problem = integrity_problem(source)
            if problem is not None:
                raise Damaged(problem)
            _backup_to(source, path)
        finally:
            source.close()
        return as_of
    except Damaged as damage:
        log.error("the last good copy %s is damaged too (%s); not restoring it", good, damage)
    except (OSError, sqlite3.Error) as exc:
        log.error("could not restore the last good copy %s: %s", good, exc)
    return None
