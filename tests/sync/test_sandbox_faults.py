"""Faults over real sockets: a store answering 500 to one write in ten, answers lost after the
write, a second data folder syncing the same stores, and a store that goes away mid-run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.domain.sku import sku_key
from esync_desktop.paths import AppPaths, app_paths
from esync_desktop.sandbox.server import SandboxServer
from esync_desktop.storage.settings import WeightRules
from esync_desktop.storage.state import StateDb
from esync_desktop.sync.model import Outcome, Reason
from tests.sync.live import admin, endpoint_count, sandbox_env, services_for, task

ROOT = Path(__file__).resolve().parents[2]


def _sync(server: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **sandbox_env(server)}
    return subprocess.run(
        [sys.executable, "-m", "esync_desktop", "sync", "--action", "send-standard", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _bc_skus(server: Any) -> Counter[str]:
    info = server.describe()
    with BigCommerceClient(info["url"], info["bc_store_hash"], info["bc_token"]) as bc:
        return Counter(sku_key(p.get("sku")) or "" for p in bc.iter_products(include=()))


def _open_intents() -> int:
    db = StateDb(app_paths().state_db)
    try:
        return sum(1 for e in db.journal_entries(limit=10_000) if e.is_open)
    finally:
        db.close()


@pytest.fixture
def generated() -> Any:
    """`sandbox serve --items 200` with one default weight: 150 items to create."""
    server = SandboxServer(seed="demo", items=200).start()
    try:
        admin(server, "/_sandbox/settings", {"bigcommerce": {"plan": "enterprise"}})
        services = services_for(server, weights=False)
        services.settings.weights = WeightRules(default=Decimal("1"))
        services.save_settings()
        services.stop()
        yield server
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.parametrize(
    "faults",
    [
        {"error_rate": 0.1, "error_status": 500},
        {"drop_after_write_rate": 0.2, "reset_rate": 0.05, "path_contains": "/catalog/products"},
    ],
    ids=["500-on-one-in-ten", "answers-lost"],
)
def test_faulted_sync_accounts_for_every_item_and_a_clean_one_converges(
    generated: Any, faults: dict[str, Any]
) -> None:
    before = _bc_skus(generated)
    admin(generated, "/_sandbox/faults", {"bigcommerce": faults})
    first = _sync(generated)
    assert first.returncode in (0, 1), first.stderr
    document = json.loads(first.stdout)
    rows = [row for action in document["actions"] for row in action["rows"]]
    assert len(rows) == 200 and "error" not in document
    failed = [row for row in rows if row["outcome"] == "fail"]
    assert all(row["reason"] in ("unconfirmed", "store_error") for row in failed)
    assert all(row["detail"] for row in failed)
    assert (first.returncode == 1) == bool(failed)
    if "error_rate" in faults:
        assert failed, "one create in ten answered 500"

    admin(generated, "/_sandbox/faults", {"bigcommerce": {"error_rate": 0, "reset_rate": 0,
                                                          "drop_after_write_rate": 0}})  # fmt: skip
    second = _sync(generated)
    assert second.returncode == 0, second.stderr
    after = _bc_skus(generated)
    created = {k for k in after if k not in before}
    assert len(created) == 150
    assert all(n == 1 for n in after.values()), [k for k, n in after.items() if n > 1]
    assert _open_intents() == 0
    third = json.loads(_sync(generated).stdout)
    assert third["summary"]["create"] == 0


@pytest.mark.slow
def test_a_second_data_folder_syncing_the_same_stores_links_instead_of_failing(
    sandbox: Any, tmp_path: Path
) -> None:
    admin(sandbox, "/_sandbox/settings", {"bigcommerce": {"plan": "enterprise"}})
    first = services_for(sandbox)
    other = AppPaths(tmp_path / "pc2" / "config", tmp_path / "pc2" / "data", tmp_path / "pc2" / "l")
    second = services_for(sandbox, paths=other)
    try:
        # Both PCs preview before either syncs; the first then creates everything.
        plan_1 = first.plan_task(task("send-standard"))
        plan_2 = second.plan_task(task("send-standard"))
        creates = plan_2.counts()["create"]
        assert creates > 100
        first.run_plan(plan_1)
        posts = endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products")
        result = second.run_plan(plan_2)
    finally:
        first.stop()
        second.stop()
    assert result.failures == [] and result.error is None
    assert result.counts["create"] == 0 and result.counts["skip"] >= creates
    rows = [row for action in result.document["actions"] for row in action["rows"]]
    linked = [r for r in rows if r["reason"] == Reason.ALREADY_IN_BIGCOMMERCE and r["bc_id"]]
    assert len(linked) >= creates
    # One create refused with 409, then the rest was looked up together: no 409 per item.
    assert endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") == posts + 1
    assert all(n == 1 for n in _bc_skus(sandbox).values())


@pytest.mark.slow
def test_a_store_that_goes_away_ends_the_run_with_exit_3_and_an_account(sandbox: Any) -> None:
    admin(sandbox, "/_sandbox/settings", {"bigcommerce": {"plan": "enterprise"}})
    services = services_for(sandbox)
    services.save_settings()
    services.stop()
    proc = subprocess.Popen(
        [sys.executable, "-m", "esync_desktop", "sync", "--action", "send-standard", "--json"],
        env={**os.environ, **sandbox_env(sandbox)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") < 10:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.01)
    # The store goes away in the middle of the creates: every connection is reset.
    admin(sandbox, "/_sandbox/faults", {"bigcommerce": {"reset_rate": 1.0}})
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3, err
    document = json.loads(out)
    assert document["error"]["kind"] == "unreachable"
    assert "could not be reached" in document["error"]["message"]
    assert document["summary"]["create"] >= 10
    assert err.startswith("error: ")
    # The run as History keeps it, with the items recorded before it stopped.
    assert document["run_id"] >= 1 and document["result"] == "error"
    assert sum(1 for i in document["done"] if i["outcome"] == "create") >= 10
    rows = [row for action in document["actions"] for row in action["rows"]]
    assert sum(1 for r in rows if r["outcome"] == Outcome.CREATE) == document["summary"]["create"]
