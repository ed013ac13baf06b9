"""push-orders killed with SIGKILL right after it journals an intent (the write in flight or not
yet sent), several times inside one batch of orders, then run to the end: every web order is in
Clover exactly once with exactly one payment."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from typing import Any

import pytest

from esync_desktop.paths import app_paths
from esync_desktop.storage.state import RESOLVED_APPLIED, StateDb
from tests.sync.live import sandbox_env
from tests.sync.orders_live import Stores

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KILLS = 4


def _sync(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "esync_desktop", "sync", "--action", "push-orders", "--json"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _open_intents(path: str, action: str = "push-orders:%") -> set[tuple[str, str]]:
    """Intents of an action (LIKE pattern) with no outcome yet (key, when recorded), read
    beside the running process."""
    if not os.path.exists(path):
        return set()
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            rows = conn.execute(
                "SELECT key, updated_at FROM journal WHERE status = 'intent' AND action LIKE ?",
                (action,),
            ).fetchall()
    except sqlite3.OperationalError:
        return set()  # not created yet, or busy for a moment
    return {(str(k), str(t)) for k, t in rows}


@pytest.mark.slow
def test_sigkill_between_intent_and_answer_never_duplicates_an_order_or_payment(
    sandbox: Any,
) -> None:
    sandbox.apis[1].configure({"plan": "unlimited"})
    stores = Stores(sandbox)
    try:
        for n in range(12):
            stores.place(
                products=[
                    {
                        "name": f"Print {n}",
                        "quantity": 1 + n % 3,
                        "price_ex_tax": "12.50",
                        "price_inc_tax": "13.53",
                    }
                ],
                shipping_cost_ex_tax="4.00",
                shipping_cost_inc_tax="4.00",
            )
        # Every Clover order and payment write takes a while: a kill lands while it is in flight.
        sandbox.faults.configure("clover", {"latency_ms": 250, "path_contains": "orders"})
        env = {**os.environ, **sandbox_env(sandbox)}
        state = str(app_paths().state_db)
        kills = 0
        killed_at: set[str] = set()
        while kills < KILLS:
            left_open = _open_intents(state)
            run = _sync(env)
            deadline = time.monotonic() + 90
            # Kill the moment this run journals a write of its own (settling the last run's
            # open intent is not enough: that one is looked up, not sent).
            while not (fresh := _open_intents(state) - left_open):
                if run.poll() is not None:
                    break
                assert time.monotonic() < deadline, "no write ever started"
                time.sleep(0.002)
            if run.poll() is not None:
                break  # it finished before a kill could land: nothing left to push
            run.send_signal(signal.SIGKILL)
            run.communicate()
            killed_at |= {key for key, _ in fresh}
            kills += 1
        assert kills == KILLS
        sandbox.faults.clear()
        last = _sync(env)
        out, err = last.communicate(timeout=180)
        assert last.returncode == 0, err

        assert stores.duplicates() == ({}, {})
        pushed = stores.pushed()
        # The qualifying demo orders, the twelve placed, and the two an earlier push sent.
        assert len(pushed) == 10 + 12 + len(stores.pushed_before)
        for (order,) in pushed.values():
            assert len(stores.payments(order["id"])) == 1
        db = StateDb(app_paths().state_db)
        try:
            entries = [e for e in db.journal_entries(limit=10_000) if e.action.startswith("push")]
        finally:
            db.close()
        assert not [e for e in entries if e.is_open]
        # Each kill left a write open, settled by a Clover lookup: found (resolved applied), or
        # not there (resolved not applied, then sent again under the same key: an attempt more).
        by_key = {e.key: e for e in entries}
        assert 0 < len(killed_at) <= KILLS  # a key killed twice is sent (and settled) twice
        for key in killed_at:
            assert by_key[key].status == RESOLVED_APPLIED or by_key[key].attempts > 1, key
        again = _sync(env)
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        assert '"create": 0' in out
    finally:
        stores.close()
