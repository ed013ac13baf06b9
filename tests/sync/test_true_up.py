"""The drift check (true-up) on the demo stores over real sockets: what is changed by hand on the
web store after a sync is found by comparing both stores with the link table, and put back or
listed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop.domain.plan import Outcome, Reason
from esync_desktop.sync.true_up import CHANGED_ON_BOTH, CHANGED_ON_WEB, DELETED_ON_WEB, TRUE_UP
from tests.sync.live import rows_by, task
from tests.sync.test_delta_runs import _clover_edit, _clover_item, _sync, catalogue_task

DRIFT_CHECK = task(TRUE_UP)


def _synced(services: Any) -> Any:
    """The demo after two runs of the built-in task: everything that can be synced is."""
    first, _ = _sync(services, catalogue_task())
    _sync(services, catalogue_task())
    return first


def _simple_sku(plan: Any) -> tuple[str, int]:
    row = next(
        r
        for r in rows_by(plan, "send-prices").values()
        if r.bc_id
        and r.outcome in (Outcome.UPDATE, Outcome.UNCHANGED)
        and rows_by(plan, "send-inventory-standard").get(r.sku) is not None
    )
    return str(row.sku), int(row.bc_id)


def _found(plan: Any, sku: str, **facts: Any) -> Any:
    """The drift check's one row for this SKU with these facts."""
    (action,) = [a for a in plan.actions if a.action == TRUE_UP]
    (row,) = [
        r
        for r in action.rows
        if r.sku == sku and all(r.facts.get(k) == v for k, v in facts.items())
    ]
    return row


def _bc_product(stores: Any, product_id: int) -> dict[str, Any] | None:
    answer = stores.bc.get(f"/v3/catalog/products/{product_id}")
    return None if answer.status_code == 404 else answer.json()["data"]


def test_price_edited_by_hand_on_the_web_store_is_put_back(
    services: Any, sandbox: Any, stores: Any
) -> None:
    sku, product_id = _simple_sku(_synced(services))
    assert services.drift_check() is not None  # the first run of the built-in task ran it
    clover_price = Decimal(_clover_item(sandbox, sku)["price"]) / 100
    stores.bc.put(f"/v3/catalog/products/{product_id}", json={"price": 1234.5})

    # A delta run does not read the web store: the hand edit is not seen there.
    quiet = services.plan_task(catalogue_task())
    assert rows_by(quiet, "send-prices")[sku].outcome is Outcome.UNCHANGED

    plan, result = _sync(services, DRIFT_CHECK)
    row = _found(plan, sku, field="price")
    assert row.outcome is Outcome.UPDATE
    assert row.facts["drift"] == CHANGED_ON_WEB and row.facts["age_s"] >= 0
    assert row.changes["price"] == (Decimal("1234.5"), clover_price)
    assert result.counts["update"] == 1
    assert Decimal(str(_bc_product(stores, product_id)["price"])) == clover_price
    check = services.drift_check()
    assert (check.fixed, check.listed, check.failed) == (1, 0, 0)
    # Put back and remembered: the next drift check finds nothing.
    again = services.plan_task(DRIFT_CHECK)
    assert not any(r.writes for r in again.actions[0].rows)


def test_a_value_changed_in_both_stores_is_listed_not_written(
    services: Any, sandbox: Any, stores: Any
) -> None:
    sku, product_id = _simple_sku(_synced(services))
    item = _clover_item(sandbox, sku)
    _clover_edit(sandbox, "items", item["id"], price=int(item["price"]) + 50)
    stores.bc.put(f"/v3/catalog/products/{product_id}", json={"price": 999})
    plan = services.plan_task(DRIFT_CHECK)
    row = _found(plan, sku, field="price")
    assert (row.outcome, row.reason) == (Outcome.SKIP, Reason.DRIFT)
    assert row.facts["drift"] == CHANGED_ON_BOTH and row.facts["last_synced"] is not None
    assert row.facts["age_s"] is not None and not row.payload


def test_product_deleted_on_the_web_store_is_made_again(
    services: Any, sandbox: Any, stores: Any
) -> None:
    first = _synced(services)
    created = next(r for r in rows_by(first, "send-standard").values() if r.writes)
    found = stores.bc.get("/v3/catalog/products", params={"sku": created.sku}).json()["data"]
    (product,) = found
    assert stores.bc.delete(f"/v3/catalog/products/{product['id']}").status_code == 204

    plan, result = _sync(services, DRIFT_CHECK)
    row = _found(plan, str(created.sku), drift=DELETED_ON_WEB)
    assert row.outcome is Outcome.CREATE and row.action == "send-standard"
    assert row.facts["drift"] == DELETED_ON_WEB and row.facts["was_product"] == product["id"]
    assert result.counts["create"] == 1
    (again,) = stores.bc.get("/v3/catalog/products", params={"sku": created.sku}).json()["data"]
    assert again["id"] != product["id"]
    # The link follows the new product: a stock change is written to it without a lookup.
    item = _clover_item(sandbox, str(created.sku))
    stock = sandbox.clover.db.t["item_stocks"].rows[item["id"]]
    _clover_edit(sandbox, "item_stocks", item["id"], quantity=float(stock["quantity"]) + 2)
    after, _ = _sync(services, catalogue_task())
    assert after.api_calls["bigcommerce"] == 0
    assert rows_by(after, "send-inventory-standard")[created.sku].bc_id == again["id"]


def test_product_replaced_by_hand_is_relinked(services: Any, sandbox: Any, stores: Any) -> None:
    sku, product_id = _simple_sku(_synced(services))
    old = _bc_product(stores, product_id)
    assert stores.bc.delete(f"/v3/catalog/products/{product_id}").status_code == 204
    body = {
        "name": old["name"],
        "sku": sku,
        "type": "physical",
        "weight": old["weight"],
        "price": old["price"],
    }
    made = stores.bc.post("/v3/catalog/products", json=body).json()["data"]
    plan, _ = _sync(services, DRIFT_CHECK)
    row = _found(plan, sku, drift=DELETED_ON_WEB)
    assert (row.outcome, row.reason) == (Outcome.SKIP, Reason.RELINKED)
    assert row.facts["relinked_to"] == made["id"] and row.bc_id == made["id"]
    assert services.drift_check().relinked == 1
    after = services.plan_task(catalogue_task())
    assert rows_by(after, "send-prices")[sku].bc_id == made["id"]
