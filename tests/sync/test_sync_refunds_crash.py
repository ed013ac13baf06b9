"""sync-refunds killed with SIGKILL right after it journals an intent (the note in flight or
not yet sent), several times inside one batch of refunds, then run to the end: every refund is
noted on its Clover order exactly once."""

from __future__ import annotations

import os
from typing import Any

import pytest

from esync_desktop.paths import app_paths
from esync_desktop.storage.state import StateDb
from esync_desktop.sync.refunds.options import BC_REFUND, marker
from tests.sync.crash import kill_mid_write, sync_to_end
from tests.sync.live import sandbox_env, services_for, task
from tests.sync.orders_live import Stores
from tests.sync.test_sync_refunds import MUG, _refund

KILLS = 3
ORDERS = 8


@pytest.mark.slow
def test_sigkill_between_intent_and_send_never_notes_a_refund_twice(sandbox: Any) -> None:
    sandbox.apis[1].configure({"plan": "unlimited"})
    stores = Stores(sandbox)
    services = services_for(sandbox)
    try:
        mug = stores.variant(MUG)
        placed = [
            stores.place(products=[{"product_id": mug["product_id"], "quantity": 1}])
            for _ in range(ORDERS)
        ]
        services.run_plan(services.plan_task(task("push-orders")))
        refunds = {}
        for order in placed:
            (line,) = stores.bc_lines(order["id"])
            item = [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
            refunds[order["id"]] = _refund(stores, order["id"], item)["id"]
        # Every Clover order write takes a while: a kill lands while a note is in flight.
        sandbox.faults.configure("clover", {"latency_ms": 250, "path_contains": "/orders/"})
        env = {**os.environ, **sandbox_env(sandbox)}
        kills, _ = kill_mid_write("sync-refunds", env, KILLS)
        sandbox.faults.clear()
        sync_to_end("sync-refunds", env)
        print(f"sync-refunds crash test: {kills} kills")
        assert kills == KILLS
        duplicates = 0
        for order in placed:
            (clover,) = stores.pushed()[f"BC{order['id']}"]
            note = stores.clover_get(f"/orders/{clover['id']}")["note"]
            count = note.count(marker(BC_REFUND, refunds[order["id"]]))
            duplicates += max(0, count - 1)
            assert count == 1, note
        print(f"sync-refunds crash test: {duplicates} duplicates")
        db = StateDb(app_paths().state_db)
        try:
            entries = [e for e in db.journal_entries(limit=10_000) if e.action.startswith("sync-")]
        finally:
            db.close()
        assert not [e for e in entries if e.is_open]
    finally:
        services.stop()
        stores.close()
