"""pull-sales with `as_orders` killed with SIGKILL right after it journals an order (the create
in flight or not yet sent), several times inside one batch of sales, then run to the end: every
sale is one BigCommerce order, none twice, none missing."""

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
from esync_desktop.storage.state import StateDb
from tests.sync.live import sandbox_env
from tests.sync.orders_live import Stores
from tests.sync.sales_live import ring_up
from tests.sync.sales_orders_live import recorded

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KILLS = 4
SKUS = ("JWL-001", "MUG-005", "CRD-001")
TASK = "Counter sales"


def _cli(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "esync_desktop", *args],
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
                "AND action = 'pull-sales:bc-order'"
            ).fetchall()
    except sqlite3.OperationalError:
        return set()
    return {(str(k), str(t)) for k, t in rows}


@pytest.mark.slow
def test_sigkill_between_intent_and_answer_never_records_a_sale_twice(sandbox: Any) -> None:
    stores = Stores(sandbox)
    try:
        sales = [ring_up(sandbox, (SKUS[n % 3], 1), title=f"Counter sale {n}") for n in range(12)]
        env = {**os.environ, **sandbox_env(sandbox)}
        for args in (("tasks", "add", TASK, "pull-sales"),
                     ("tasks", "option", TASK, "pull-sales", "as_orders", "on")):  # fmt: skip
            made = _cli(env, *args)
            out, err = made.communicate(timeout=60)
            assert made.returncode == 0, err
        # Every order takes a while: a kill lands while one is in flight.
        sandbox.faults.configure("bigcommerce", {"latency_ms": 250, "path_contains": "/v2/orders"})
        state = str(app_paths().state_db)
        kills = 0
        while kills < KILLS:
            left_open = _open_intents(state)
            run = _cli(env, "sync", "--task", TASK, "--json")
            deadline = time.monotonic() + 90
            while not (_open_intents(state) - left_open):
                if run.poll() is not None:
                    break
                assert time.monotonic() < deadline, "no write ever started"
                time.sleep(0.002)
            if run.poll() is not None:
                break
            run.send_signal(signal.SIGKILL)
            run.communicate()
            kills += 1
        assert kills == KILLS
        sandbox.faults.clear()
        last = _cli(env, "sync", "--task", TASK, "--json")
        out, err = last.communicate(timeout=180)
        assert last.returncode == 0, err

        made_orders = recorded(stores)
        assert {f"CLOVER-{s}" for s in sales} <= set(made_orders)
        assert all(len(found) == 1 for found in made_orders.values()), made_orders
        db = StateDb(app_paths().state_db)
        try:
            entries = [e for e in db.journal_entries(limit=10_000) if e.action.startswith("pull")]
        finally:
            db.close()
        assert entries and not [e for e in entries if e.is_open]
        again = _cli(env, "sync", "--task", TASK, "--json")
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        assert '"create": 0' in out
        assert recorded(stores) == made_orders
    finally:
        stores.close()
