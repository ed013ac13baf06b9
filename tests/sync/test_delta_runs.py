"""Delta runs on the demo stores over real sockets: the first run reads both stores in full and
fills the link table; later runs read Clover's items modified since and its stock pages, and
nothing from BigCommerce unless a write needs an id the link table lacks. Calls are counted per
side from the integration log."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from esync_desktop.domain.plan import Outcome, TaskPlan
from esync_desktop.storage.settings import ActionConfig, TaskConfig
from esync_desktop.storage.state import EXCHANGE
from esync_desktop.sync import defaults
from esync_desktop.sync.true_up import TRUE_UP
from tests.sync.live import rows_by

PRICE_PATH = "/catalog/products"


def catalogue_task() -> TaskConfig:
    """The built-in task, its drift check due twelve hours from now (never during the test)."""
    at = (datetime.now() + timedelta(hours=12)).strftime("%H:%M")
    steps = [
        ActionConfig(a, {"at": at} if a == TRUE_UP else {}) for a in defaults.default_task_actions()
    ]
    return TaskConfig(name="Catalogue sync", actions=steps, stop_when_empty=False)


class Calls:
    """Exchanges recorded in the integration log since the last look, per side."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.mark = self._last()

    def _entries(self) -> list[Any]:
        return list(self.services.log_entries(kind=EXCHANGE, limit=100_000))

    def _last(self) -> int:
        entries = self._entries()
        return entries[-1].id if entries else 0

    def since(self) -> tuple[Counter[str], list[Any]]:
        new = [e for e in self._entries() if e.id > self.mark]
        self.mark = new[-1].id if new else self.mark
        return Counter(str(e.api) for e in new), new


def writes(plan: TaskPlan) -> int:
    return sum(1 for a in plan.actions for r in a.rows if r.writes)


def _sync(services: Any, task: TaskConfig) -> tuple[TaskPlan, Any]:
    plan = services.plan_task(task)
    return plan, services.run_plan(plan)


def _clover_edit(sandbox: Any, table: str, item_id: str, **fields: Any) -> None:
    """An edit made in Clover (its own modifiedTime moves, as Clover's does)."""
    with sandbox.store.lock:
        row = sandbox.clover.db.t[table].rows[item_id]
        row.update(fields, modifiedTime=int(time.time() * 1000))
        sandbox.clover.db.bump(table)


def _clover_item(sandbox: Any, sku: str) -> dict[str, Any]:
    rows = sandbox.clover.db.t["items"].rows
    (row,) = [r for r in rows.values() if r.get("sku") == sku]
    return dict(row)


def test_first_run_reads_both_then_only_what_changed(services: Any, sandbox: Any) -> None:
    task = catalogue_task()
    calls = Calls(services)
    first, _ = _sync(services, task)
    counted, entries = calls.since()
    # The first run (no links yet) reads both catalogues in full.
    assert any(
        e.api == "bigcommerce" and e.method == "GET" and PRICE_PATH in (e.path or "")
        for e in entries
    )
    assert counted["bigcommerce"] > 0 and writes(first) > 0
    # The next run settles what the first created (variant ids of new products, by SKU).
    _sync(services, task)
    calls.since()

    quiet, result = _sync(services, task)
    counted, entries = calls.since()
    assert writes(quiet) == 0 and result.counts["create"] == result.counts["update"] == 0
    assert counted["bigcommerce"] == 0
    clover_paths = sorted(
        f"{e.path}?{e.details.get('query', '')}" for e in entries if e.api == "clover"
    )
    # One filtered items page, the stock page and the item groups' page (a Clover item group has
    # no modifiedTime, and renaming one moves none of its items'): the demo has fewer than 1000
    # of each.
    assert len(clover_paths) == 3, clover_paths
    assert any("item_stocks" in p for p in clover_paths)
    assert any("item_groups" in p for p in clover_paths)
    assert any("/items" in p and "modifiedTime" in p for p in clover_paths), clover_paths
    assert quiet.api_calls == {"clover": 3, "bigcommerce": 0}

    # A stock change: the same reads, one inventory write.
    row = next(
        r
        for r in rows_by(first, "send-inventory-standard").values()
        if r.bc_id and r.outcome in (Outcome.UPDATE, Outcome.UNCHANGED)
    )
    item = _clover_item(sandbox, row.sku)
    stocks = sandbox.clover.db.t["item_stocks"].rows[item["id"]]
    _clover_edit(sandbox, "item_stocks", item["id"], quantity=float(stocks["quantity"]) + 3)
    stock_plan, stock_run = _sync(services, task)
    counted, entries = calls.since()
    assert stock_plan.api_calls == {"clover": 3, "bigcommerce": 0}
    changed = rows_by(stock_plan, "send-inventory-standard")[row.sku]
    assert changed.outcome is Outcome.UPDATE and writes(stock_plan) == 1
    assert counted["bigcommerce"] == 1 and stock_run.counts["update"] == 1

    # A price change: the same reads, one price write.
    _clover_edit(sandbox, "items", item["id"], price=int(item["price"]) + 100)
    price_plan, _ = _sync(services, task)
    counted, _ = calls.since()
    assert price_plan.api_calls == {"clover": 3, "bigcommerce": 0}
    assert rows_by(price_plan, "send-prices")[row.sku].outcome is Outcome.UPDATE
    assert writes(price_plan) == 1 and counted["bigcommerce"] == 1
    # And the run after that is quiet again: what was written is remembered.
    again, _ = _sync(services, task)
    assert writes(again) == 0 and again.api_calls == {"clover": 3, "bigcommerce": 0}


def test_new_clover_item_is_looked_up_by_sku_only(services: Any, sandbox: Any) -> None:
    task = catalogue_task()
    for _ in range(2):
        _sync(services, task)
    calls = Calls(services)
    source = _clover_item(sandbox, rows_by(services.plan_task(task), "send-prices").popitem()[0])
    with sandbox.store.lock:
        table = sandbox.clover.db.t["items"]
        new = {**source, "id": "NEWITEM00001", "sku": "NEW-SKU-1", "name": "A new mug"}
        new["modifiedTime"] = int(time.time() * 1000)
        table.rows[new["id"]] = new
        sandbox.clover.db.bump("items")
    plan = services.plan_task(task)
    _, entries = calls.since()
    bc_paths = [f"{e.path}?{e.details.get('query', '')}" for e in entries if e.api == "bigcommerce"]
    # One `sku:in` lookup for the new SKU, and the categories it may go into: no listing.
    assert any("sku%3Ain" in p or "sku:in" in p for p in bc_paths), bc_paths
    assert not any(p.endswith("/catalog/products?") or "page=2" in p for p in bc_paths)
    assert plan.api_calls["bigcommerce"] == len(bc_paths) <= 2
