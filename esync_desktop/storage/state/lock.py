"""The cross-process run lock: an OS file lock, which the OS frees when its holder dies."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from esync_desktop.storage.state.records import LockHolder, RunLocked

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl


class RunLock:
    """Held by at most one run at a time across every process (and every thread, and every
    RunLock object on the same file). Not re-entrant: a second acquire raises RunLocked.
    The holder's pid, task and start time are written into the file for the message."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._guard = threading.Lock()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, task: str = "") -> None:
        with self._guard:
            if self._fd is not None:
                raise RunLocked(self.holder())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _lock(fd)
            except OSError:
                os.close(fd)
                raise RunLocked(self.holder()) from None
            info = {"pid": os.getpid(), "task": task, "since": datetime.now(UTC).isoformat()}
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(info).encode())
            self._fd = fd

    def release(self) -> None:
        with self._guard:
            fd, self._fd = self._fd, None
            if fd is None:
                return
            # Clear the holder before unlocking: after the unlock the file is someone else's.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            try:
                _unlock(fd)
            finally:
                os.close(fd)

    def holder(self) -> LockHolder | None:
        """Who holds the lock, as far as the file says (None when unknown)."""
        try:
            data = json.loads(self.path.read_bytes() or b"null")
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
            return None
        try:
            since = datetime.fromisoformat(str(data.get("since")))
        except ValueError:
            since = None
        return LockHolder(pid=data["pid"], task=str(data.get("task") or ""), since=since)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:

    def _lock(fd: int) -> None:
        # flock, not lockf: flock locks belong to the open file, so two RunLock objects in
        # one process exclude each other too (POSIX record locks would not).
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
