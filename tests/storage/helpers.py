"""Running storage code in a child process, to kill it at a chosen point."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_child(code: str) -> subprocess.Popen[str]:
    """A Python child running `code`; it talks over stdin/stdout, one line at a time."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def expect_line(child: subprocess.Popen[str], wanted: str) -> None:
    """Block until the child prints `wanted` (a dead child fails with its stderr)."""
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != wanted:
        child.kill()
        _, err = child.communicate(timeout=10)
        raise AssertionError(f"child said {line!r}, expected {wanted!r}; stderr:\n{err}")


@contextmanager
def raw_db(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection to the state file (to set up what the API cannot), committed and
    closed afterwards."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()
