"""pull-sales killed with SIGKILL right after it journals a stock decrement (the adjustment in
flight or not yet sent), several times inside one batch of sales, then run to the end: every
sale's units come off BigCommerce's stock exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest

from esync_desktop.paths import app_paths
from esync_desktop.storage.state import RESOLVED_APPLIED, StateDb
from tests.sync.live import sandbox_env
from tests.sync.sales_live import Levels, ring_up
from tests.sync.test_pull_sales import DEMO_UNITS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KILLS = 4
SKUS = ("JWL-001", "MUG-005", "CRD-001")


def _sync(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "esync_desktop", "sync", "--action", "pull-sales", "--json"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _open_intents(path: str) -> set[tuple[str, str]]:
    if not os.path.exists(path):
        return set()
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            rows = conn.execute(
                "SELECT key, updated_at FROM journal WHERE status = 'intent' "
                "AND action LIKE 'pull-sales:%'"
            ).fetchall()
    except sqlite3.OperationalError:
        return set()
    return {(str(k), str(t)) for k, t in rows}


@pytest.mark.slow
def test_sigkill_between_intent_and_answer_never_decrements_twice(sandbox: Any) -> None:
    levels = Levels(sandbox)
    try:
        sold: Counter[str] = Counter(DEMO_UNITS)
        for n in range(12):
            sku = SKUS[n % 3]
            ring_up(sandbox, (sku, 1), title=f"Counter sale {n}")
            sold[sku] += 1
        before = levels(*sold)
        # Every adjustment takes a while: a kill lands while it is in flight.
        sandbox.faults.configure(
            "bigcommerce", {"latency_ms": 250, "path_contains": "adjustments/relative"}
        )
        env = {**os.environ, **sandbox_env(sandbox)}
        state = str(app_paths().state_db)
        kills = 0
        killed_at: set[str] = set()
        while kills < KILLS:
            left_open = _open_intents(state)
            run = _sync(env)
            deadline = time.monotonic() + 90
            while not (fresh := _open_intents(state) - left_open):
                if run.poll() is not None:
                    break
                assert time.monotonic() < deadline, "no write ever started"
                time.sleep(0.002)
            if run.poll() is not None:
                break
            run.send_signal(signal.SIGKILL)
            run.communicate()
            killed_at |= {key for key, _ in fresh}
            kills += 1
        assert kills == KILLS
        sandbox.faults.clear()
        last = _sync(env)
        out, err = last.communicate(timeout=180)
        assert last.returncode == 0, err

        taken = {sku: before[sku] - level for sku, level in levels(*sold).items()}
        assert taken == dict(sold)  # not one unit twice, not one missing
        db = StateDb(app_paths().state_db)
        try:
            entries = [e for e in db.journal_entries(limit=10_000) if e.action.startswith("pull")]
        finally:
            db.close()
        assert not [e for e in entries if e.is_open]
        by_key = {e.key: e for e in entries}
        assert 0 < len(killed_at) <= KILLS
        for key in killed_at:
            assert by_key[key].status == RESOLVED_APPLIED or by_key[key].attempts > 1, key
        again = _sync(env)
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        assert '"update": 0' in out
    finally:
        levels.close()
