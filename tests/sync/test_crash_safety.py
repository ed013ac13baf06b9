"""A sync killed with SIGKILL mid-run, with responses dropped after the write was applied, and
run again: every eligible product exists exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.domain.sku import sku_key
from esync_desktop.paths import app_paths
from esync_desktop.storage.state import RESOLVED_APPLIED, StateDb
from esync_desktop.sync.model import Outcome
from tests.sync.live import admin, endpoint_count, sandbox_env, services_for, task

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _sync(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "esync_desktop", "sync", "--action", "send-standard", "--json"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _skus_in_bigcommerce(server: Any) -> Counter[str]:
    info = server.describe()
    client = BigCommerceClient(info["url"], info["bc_store_hash"], info["bc_token"])
    try:
        return Counter(sku_key(p.get("sku")) or "" for p in client.iter_products(include=()))
    finally:
        client.close()


@pytest.mark.slow
def test_kill_9_mid_sync_with_lost_responses_creates_each_product_once(sandbox: Any) -> None:
    admin(sandbox, "/_sandbox/settings", {"bigcommerce": {"plan": "pro"}})
    services = services_for(sandbox)
    services.save_settings()  # the subprocesses read the weight rules from the settings file
    plan = services.plan_task(task("send-standard"))
    services.stop()
    eligible = {sku_key(r.sku) for r in plan.actions[0].rows if r.outcome is Outcome.CREATE}
    before = _skus_in_bigcommerce(sandbox)
    assert len(eligible) > 100 and not eligible & set(before)

    # The first three creates are applied but their responses lost; every create is slowed
    # down so that the kill lands in the middle of the run.
    sandbox.faults.configure(
        "bigcommerce",
        {"drop_after_write_next": 3, "latency_ms": 20, "path_contains": "/catalog/products"},
    )
    env = {**os.environ, **sandbox_env(sandbox)}
    first = _sync(env)
    deadline = time.monotonic() + 60
    while endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") < 40:
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first sync never got going"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.communicate()  # reaps it and closes its pipes
    created_before_kill = len(_skus_in_bigcommerce(sandbox)) - len(before)
    assert 0 < created_before_kill < len(eligible)

    # The second run loses responses too, then finishes the job.
    sandbox.faults.configure("bigcommerce", {"drop_after_write_next": 2})
    second = _sync(env)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    after = _skus_in_bigcommerce(sandbox)
    assert {k for k in after if k not in before} == eligible
    assert all(after[k] == 1 for k in eligible), [k for k in eligible if after[k] != 1]

    # The five lost responses were settled by looking the product up, never by a resend.
    db = StateDb(app_paths().state_db)
    try:
        entries = db.journal_entries(limit=10_000)
    finally:
        db.close()
    assert sum(1 for e in entries if e.status == RESOLVED_APPLIED) >= 5
    assert not [e for e in entries if e.is_open]

    # And a third run has nothing left to do.
    third = _sync(env)
    out, err = third.communicate(timeout=60)
    assert third.returncode == 0, err
    assert '"create": 0' in out
