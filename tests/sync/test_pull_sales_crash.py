"""pull-sales killed with SIGKILL right after it journals a stock decrement (the adjustment in
flight or not yet sent), several times inside one batch of sales, then run to the end: every
sale's units come off BigCommerce's stock exactly once."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

from esync_desktop.paths import app_paths
from esync_desktop.storage.state import RESOLVED_APPLIED, StateDb
from tests.sync.crash import kill_mid_write, sync_to_end
from tests.sync.live import sandbox_env
from tests.sync.sales_live import Levels, ring_up
from tests.sync.test_pull_sales import DEMO_UNITS

KILLS = 4
SKUS = ("JWL-001", "MUG-005", "CRD-001")


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
        kills, killed_at = kill_mid_write("pull-sales", env, KILLS)
        assert kills == KILLS
        sandbox.faults.clear()
        sync_to_end("pull-sales", env)

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
        assert '"update": 0' in sync_to_end("pull-sales", env, timeout=60)
    finally:
        levels.close()
