"""Real damage to real files: a state database with some history, then broken bytes."""

from __future__ import annotations

import os
import random
import signal
from pathlib import Path

from esync_desktop.storage.state import StateDb
from tests.storage.helpers import expect_line, raw_db, start_child

LOG_ROWS = 3000


def make_history(path: Path, runs: int = 3, kept_after: int = 2) -> None:
    """`runs` finished runs with a good-sized integration log; the last good copy is taken
    after run `kept_after` (0: none)."""
    with StateDb(path) as db:
        for n in range(1, runs + 1):
            run = db.start_run("Catalogue sync")
            db.finish_run(run, {"ok": n})
            if n == 1:
                with raw_db(path) as conn:
                    conn.executemany(
                        "INSERT INTO log_entries (run_id, at, kind, message) VALUES (?, ?, ?, ?)",
                        [
                            (run, f"2099-01-01T00:00:{i % 60:02d}", "mapping_error", "x" * 300)
                            for i in range(LOG_ROWS)
                        ],
                    )
            if n == kept_after:
                assert db.keep_last_good()


def garbage(path: Path) -> None:
    """The whole file overwritten with bytes that are not SQLite's."""
    size = path.stat().st_size
    path.write_bytes(random.Random(1).randbytes(size))


def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def empty(path: Path) -> None:
    path.write_bytes(b"")


def overwrite_middle(path: Path) -> None:
    """One page in the middle of the file filled with random bytes (the header stays sound)."""
    size = path.stat().st_size
    page = 4096
    offset = (size // 2) // page * page
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(random.Random(2).randbytes(page))


def kill_while_open(path: Path) -> None:
    """A process that has the database open is killed (SIGKILL): it never closes it."""
    child = start_child(
        f"""
        import sys
        from esync_desktop.storage.state import StateDb
        db = StateDb({str(path)!r}, prune=False)
        print("open", flush=True)
        sys.stdin.readline()
        """
    )
    try:
        expect_line(child, "open")
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)
