"""The engine against the demo stores over loopback: criteria on the real catalogue, batched
writes counted by the sandbox, delta runs, stop_when_empty and cancel."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal
from typing import Any

from esync_desktop.storage.settings import WeightRules
from esync_desktop.sync.model import Outcome, Reason
from esync_desktop.sync.runner import Progress
from tests.sync.live import admin, endpoint_count, rows_by, task

R = Reason


def _only_cards(services: Any) -> None:
    """Weights for one category only: a few dozen creates keep a test quick."""
    services.settings.weights = WeightRules(by_category={"Cards": Decimal("0.03")})


def _reasons(plan: Any, action: str) -> dict[str, Reason | None]:
    return {k: r.reason for k, r in rows_by(plan, action).items()}


def test_send_standard_on_the_demo_catalogue(services: Any, sandbox: Any) -> None:
    plan = services.plan_task(task("send-standard"))
    reasons = _reasons(plan, "send-standard")
    expected = {
        "CRD-002": R.DUPLICATE_SKU,
        "STA-005": R.INACTIVE,
        "STA-006": R.INACTIVE,
        "JWL-003": R.NO_STOCK_VALUE,
        "JWL-004": R.NEGATIVE_STOCK,
        "MUG-006": R.NO_CATEGORY,
        "BAG-001": R.CATEGORY_NOT_IN_BIGCOMMERCE,
        "SEA-001": R.MISSING_WEIGHT,
        "GC-25": R.MISSING_WEIGHT,
        "MUG-001": R.ALREADY_IN_BIGCOMMERCE,
        "tea-001": R.ALREADY_IN_BIGCOMMERCE,  # BigCommerce has TEA-001: case-insensitive
        "CRD-007": R.MISSING_NAME,
        "CRD-006": None,  # a free item is created
        "COF-007": None,  # stray spaces trimmed
        "tea-005": None,  # case kept as typed
    }
    for sku, reason in expected.items():
        assert reasons[sku] == reason, sku
    names = {r.clover_name: r for r in plan.actions[0].rows}
    assert names["Stoneware Mug Gift Box"].reason is R.MISSING_SKU  # MUG-003, no SKU
    assert names["Soy Candle Fig Gift Box"].reason is R.MISSING_SKU  # CND-003, empty SKU
    assert names["Bag Fee"].reason is R.MISSING_SKU
    creates = [r for r in plan.actions[0].rows if r.outcome is Outcome.CREATE]
    assert rows_by(plan, "send-standard")["COF-010"].payload["inventory_level"] == 3  # 3.5
    assert endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") == 0  # preview

    result = services.run_plan(plan)
    assert result.counts["create"] == len(creates) > 100
    assert result.failures == []
    assert endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") == len(creates)

    again = services.plan_task(task("send-standard"))
    counts = again.counts()
    assert counts["create"] == 0 and counts["update"] == 0
    result = services.run_plan(again)
    assert result.counts["create"] == 0
    assert endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") == len(creates)


def test_send_matrix_creates_each_group_in_one_call(services: Any, sandbox: Any) -> None:
    plan = services.plan_task(task("send-matrix"))
    rows = plan.actions[0].rows
    creates = {r.clover_name: r for r in rows if r.outcome is Outcome.CREATE}
    assert set(creates) == {"Logo Tee", "Ceramic Planter"}
    assert len(creates["Logo Tee"].payload["variants"]) == 12
    skipped = Counter(
        (r.clover_name or "").split()[0] + " " + r.reason.value for r in rows if r.reason
    )
    assert skipped["Canvas " + R.CATEGORY_NOT_IN_BIGCOMMERCE.value] == 4
    assert skipped["Pocket " + R.ALREADY_IN_BIGCOMMERCE.value] == 6
    services.run_plan(plan)
    assert endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") == 2
    _, bc, _ = services._clients()
    try:
        [tee] = list(bc.iter_products(include=("variants",), name="Logo Tee"))
    finally:
        bc.close()
    assert tee["inventory_tracking"] == "variant"
    variants = {v["sku"]: v for v in tee["variants"]}
    assert len(variants) == 12
    labels = {(o["option_display_name"], o["label"]) for o in variants["LT-S-BLA"]["option_values"]}
    assert labels == {("Size", "S"), ("Color", "Black")}
    assert services.plan_task(task("send-matrix")).counts()["create"] == 0


def test_stock_and_prices_are_batched(services: Any, sandbox: Any) -> None:
    actions = ("send-inventory-standard", "send-inventory-matrix", "send-prices")
    plan = services.plan_task(task(*actions, stop_when_empty=False))
    stock = rows_by(plan, "send-inventory-standard")
    assert stock["MUG-002"].changes == {
        "inventory_level": (99, stock["MUG-002"].payload["quantity"])
    }
    assert stock["TEA-003"].reason is R.NAME_MISMATCH
    assert "Chai Masala Tin (old name)" in stock["TEA-003"].detail
    assert stock["MUG-004"].reason is R.NOT_IN_BIGCOMMERCE
    matrix = rows_by(plan, "send-inventory-matrix")
    pocket = [r for k, r in matrix.items() if k.startswith("PT-")]
    assert len(pocket) == 6 and all(r.outcome is Outcome.UPDATE for r in pocket if r.writes)
    prices = rows_by(plan, "send-prices")
    assert prices["COF-001"].outcome is Outcome.UPDATE
    writes = plan.counts()["update"]
    sandbox.reset_counters()
    result = services.run_plan(plan)
    assert result.counts["update"] == writes and not result.failures
    # One absolute adjustment per stock action (2000 items a call), prices in product batches.
    assert endpoint_count(sandbox, "bigcommerce", "PUT", "/inventory/adjustments/absolute") == 2
    price_rows = [r for r in rows_by(plan, "send-prices").values() if r.writes]
    assert endpoint_count(sandbox, "bigcommerce", "PUT", "/catalog/products") == -(
        -sum(1 for r in price_rows if "variant_id" not in r.payload) // 10
    )
    after = services.plan_task(task(*actions, stop_when_empty=False))
    assert after.counts()["update"] == 0


def test_delta_picks_up_an_edit_and_a_stock_only_change(services: Any, sandbox: Any) -> None:
    _only_cards(services)
    services.settings.weights.by_sku["MUG-003"] = Decimal("0.4")
    first = services.plan_task(
        task("send-standard", "send-inventory-standard", stop_when_empty=False)
    )
    services.run_plan(first)
    quiet = services.plan_task(
        task("send-standard", "send-inventory-standard", stop_when_empty=False)
    )
    assert quiet.counts()["create"] == quiet.counts()["update"] == 0
    # The owner gives the SKU-less mug a SKU, and counts the stock of another.
    travel = rows_by(first, "send-standard")["Stoneware Mug Gift Box"]
    admin(sandbox, f"/_sandbox/clover/items/{travel.clover_id}", {"sku": "MUG-003"})
    admin(sandbox, "/_sandbox/clover/stock", {"sku": "MUG-002", "quantity": 7})
    plan = services.plan_task(
        task("send-standard", "send-inventory-standard", stop_when_empty=False)
    )
    writes = [(r.action, r.sku) for a in plan.actions for r in a.rows if r.writes]
    assert sorted(writes) == [("send-inventory-standard", "MUG-002"), ("send-standard", "MUG-003")]
    assert rows_by(plan, "send-inventory-standard")["MUG-002"].changes["inventory_level"][1] == 7
    services.run_plan(plan)


def test_stop_when_empty(services: Any) -> None:
    _only_cards(services)
    services.run_plan(services.plan_task(task("send-standard")))
    plan = services.plan_task(task("send-standard", "send-prices"))
    assert plan.stopped_after == "send-standard"
    assert [a.action for a in plan.actions] == ["send-standard"]
    plan = services.plan_task(task("send-standard", "send-prices", stop_when_empty=False))
    assert [a.action for a in plan.actions] == ["send-standard", "send-prices"]


def test_cancel_between_writes_then_resume(services: Any, sandbox: Any) -> None:
    _only_cards(services)
    plan = services.plan_task(task("send-standard"))
    wanted = plan.counts()["create"]
    cancel = threading.Event()

    def progress(p: Progress) -> None:
        if p.done >= 5:
            cancel.set()

    result = services.run_plan(plan, progress=progress, cancel=cancel)
    assert result.cancelled and result.counts["create"] == 5
    rest = services.plan_task(task("send-standard"))
    assert rest.counts()["create"] == wanted - 5
    services.run_plan(rest)
    assert endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products") == wanted
