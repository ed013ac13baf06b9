"""The crash tests' driver: a sync of one action run as its own process and killed with SIGKILL
the moment it journals a write of its own (the write in flight or not yet sent), several times,
then run to the end."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from esync_desktop.paths import app_paths

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_cli(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """The command line as its own process, from the checkout."""
    return subprocess.Popen(
        [sys.executable, "-m", "esync_desktop", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_sync(action: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return start_cli(env, "sync", "--action", action, "--json")


def open_intents(path: str, action: str) -> set[tuple[str, str]]:
    """The action's intents with no outcome yet (key, when recorded), read beside the running
    process."""
    if not os.path.exists(path):
        return set()
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            rows = conn.execute(
                "SELECT key, updated_at FROM journal WHERE status = 'intent' AND action LIKE ?",
                (f"{action}:%",),
            ).fetchall()
    except sqlite3.OperationalError:
        return set()  # not created yet, or busy for a moment
    return {(str(k), str(t)) for k, t in rows}


def kill_mid_write(
    action: str, env: dict[str, str], kills: int, sync_args: tuple[str, ...] = ()
) -> tuple[int, set[str]]:
    """Up to `kills` runs, each killed as soon as it journals a write: how many were killed
    (fewer when a run finished first: nothing left to write) and the keys they left open.
    `sync_args`: the command run instead of `sync --action ACTION --json` (a task's sync)."""
    state = str(app_paths().state_db)
    killed_at: set[str] = set()
    done = 0
    while done < kills:
        left_open = open_intents(state, action)
        run = start_cli(env, *sync_args) if sync_args else start_sync(action, env)
        deadline = time.monotonic() + 90
        # Kill the moment this run journals a write of its own (settling the last run's open
        # intent is not enough: that one is looked up, not sent).
        while not (fresh := open_intents(state, action) - left_open):
            if run.poll() is not None:
                break
            assert time.monotonic() < deadline, "no write ever started"
            time.sleep(0.002)
        if run.poll() is not None:
            break
        run.send_signal(signal.SIGKILL)
        run.communicate()
        killed_at |= {key for key, _ in fresh}
        done += 1
    return done, killed_at


def sync_to_end(action: str, env: dict[str, str], timeout: float = 180) -> str:
    """One run left to finish; its --json output (it must end with exit code 0)."""
    run = start_sync(action, env)
    out, err = run.communicate(timeout=timeout)
    assert run.returncode == 0, err
    return out
