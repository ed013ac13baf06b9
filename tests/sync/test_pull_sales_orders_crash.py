"""pull-sales with `as_orders` killed with SIGKILL right after it journals an order (the create
in flight or not yet sent), several times inside one batch of sales, then run to the end: every
sale is one BigCommerce order, none twice, none missing."""

from __future__ import annotations

import os
from typing import Any

import pytest

from esync_desktop.paths import app_paths
from esync_desktop.storage.state import StateDb
from tests.sync.crash import kill_mid_write, start_cli
from tests.sync.live import sandbox_env
from tests.sync.orders_live import Stores
from tests.sync.sales_live import ring_up
from tests.sync.sales_orders_live import recorded

KILLS = 4
SKUS = ("JWL-001", "MUG-005", "CRD-001")
TASK = "Counter sales"


@pytest.mark.slow
def test_sigkill_between_intent_and_answer_never_records_a_sale_twice(sandbox: Any) -> None:
    stores = Stores(sandbox)
    try:
        sales = [ring_up(sandbox, (SKUS[n % 3], 1), title=f"Counter sale {n}") for n in range(12)]
        env = {**os.environ, **sandbox_env(sandbox)}
        for args in (("tasks", "add", TASK, "pull-sales"),
                     ("tasks", "option", TASK, "pull-sales", "as_orders", "on")):  # fmt: skip
            made = start_cli(env, *args)
            out, err = made.communicate(timeout=60)
            assert made.returncode == 0, err
        # Every order takes a while: a kill lands while one is in flight.
        sandbox.faults.configure("bigcommerce", {"latency_ms": 250, "path_contains": "/v2/orders"})
        kills, _ = kill_mid_write("pull-sales", env, KILLS, ("sync", "--task", TASK, "--json"))
        assert kills == KILLS
        sandbox.faults.clear()
        last = start_cli(env, "sync", "--task", TASK, "--json")
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
        again = start_cli(env, "sync", "--task", TASK, "--json")
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        assert '"create": 0' in out
        assert recorded(stores) == made_orders
    finally:
        stores.close()
