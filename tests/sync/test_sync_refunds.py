"""sync-refunds over the running sandbox: BigCommerce refunds (through the v3 refund routes)
and cancellations noted once on the Clover order push-orders made, in-store Clover refunds put
back on BigCommerce's stock only where the owner says so, and no refund recorded twice after a
lost answer or a process killed between intent and send."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop.app import Services
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from esync_desktop.sync.orders.settle import now_ms
from esync_desktop.sync.refunds.options import BC_REFUND, RESTOCK, journal_key, marker
from tests.sync.live import admin, task
from tests.sync.orders_live import Stores

REFUNDS = "sync-refunds"
MUG = "MUG-001"


def _plan(services: Services, **options: Any) -> Any:
    return services.plan_task(task(REFUNDS, sync_refunds=options))


def _rows(services: Services, **options: Any) -> list[PlanRow]:
    return list(_plan(services, **options).actions[0].rows)


def _sync(services: Services, **options: Any) -> Any:
    plan = _plan(services, **options)
    return plan, services.run_plan(plan)


def _push(services: Services) -> None:
    plan = services.plan_task(task("push-orders"))
    services.run_plan(plan)


def _place(stores: Stores, quantity: int = 2) -> dict[str, Any]:
    mug = stores.variant(MUG)
    return stores.place(
        products=[{"product_id": mug["product_id"], "quantity": quantity}],
        shipping_cost_ex_tax="5.00",
        shipping_cost_inc_tax="5.00",
    )


def _refund(stores: Stores, order_id: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    """A refund as the vendor documents it: quote first, then refund the quoted amount."""
    base = f"/v3/orders/{order_id}/payment_actions"
    quote = stores.bc.post(f"{base}/refund_quotes", json={"items": items})
    assert quote.status_code == 201, quote.text
    method = quote.json()["data"]["refund_methods"][0][0]
    body = {
        "items": items,
        "payments": [{"provider_id": method["provider_id"], "amount": method["amount"]}],
    }
    made = stores.bc.post(f"{base}/refunds", json=body)
    assert made.status_code == 201, made.text
    return made.json()["data"]  # type: ignore[no-any-return]


def _clover_order(stores: Stores, bc_order_id: int) -> dict[str, Any]:
    (order,) = stores.pushed()[f"BC{bc_order_id}"]
    return stores.clover_get(f"/orders/{order['id']}")  # type: ignore[no-any-return]


def _stock(stores: Stores, sku: str) -> int:
    data = stores.bc.get("/v3/inventory/items", params={"sku:in": sku}).json()["data"]
    return int(data[0]["locations"][0]["total_inventory_onhand"])


def _in_store_return(sandbox: Any, lines: list[tuple[str, int]], refunded: int) -> str:
    """An in-store sale, then a refund on the device of its first `refunded` lines."""
    sale = admin(
        sandbox,
        "/_sandbox/clover/sale",
        {"lines": [{"sku": s, "quantity": q} for s, q in lines], "tender": "Cash"},
    )
    ids = [ln["id"] for ln in sale["lineItems"]["elements"]][:refunded]
    refund = admin(sandbox, "/_sandbox/clover/refund", {"order": sale["id"], "lineItems": ids})
    return str(refund["id"])


def test_the_demo_shows_a_partial_refund_a_cancellation_and_an_in_store_return(
    services: Services, stores: Stores
) -> None:
    rows = _rows(services)
    by_reason: dict[Any, list[PlanRow]] = {}
    for row in rows:
        by_reason.setdefault(row.reason, []).append(row)
    noted = [r for r in rows if r.outcome is Outcome.UPDATE]
    assert sorted(r.facts["kind"] for r in noted) == ["bc-cancel", "bc-refund"]
    assert all(r.clover_id and r.bc_id for r in noted)
    # The refunded and the cancelled order of the seed never reached Clover.
    assert len(by_reason[Reason.NOT_IN_CLOVER]) == 2
    # Restocking is off by default: both in-store refunds are shown, nothing restocked.
    assert len(by_reason[Reason.NOT_RESTOCKED]) == 2
    _, result = _sync(services)
    assert not result.failures
    for row in noted:
        note = _clover_order(stores, int(row.bc_id or 0))["note"]
        assert note.count(row.payload["marker"]) == 1
    again = _rows(services)
    assert not [r for r in again if r.writes]


def test_partial_then_full_refund_are_noted_once_each_with_their_amounts(
    services: Services, stores: Stores
) -> None:
    order = _place(stores)
    _push(services)
    clover_before = _clover_order(stores, order["id"])
    (line,) = stores.bc_lines(order["id"])
    first = _refund(
        stores, order["id"], [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
    )
    rows = {r.facts.get("refund_id"): r for r in _rows(services) if r.bc_id == order["id"]}
    row = rows[first["id"]]
    assert row.outcome is Outcome.UPDATE and row.clover_id == clover_before["id"]
    assert row.facts["lines"] == [[line["name"], MUG, 1]]
    amount = Decimal(str(first["total_amount"]))
    assert row.changes["amount"] == (str(amount), str(amount))
    _sync(services)
    # The rest: the other mug and the shipping.
    address = stores.bc.get(f"/v2/orders/{order['id']}/shipping_addresses").json()[0]["id"]
    second = _refund(
        stores,
        order["id"],
        [
            {"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1},
            {"item_type": "SHIPPING", "item_id": address, "amount": 5},
        ],
    )
    assert stores.bc_order(order["id"])["status_id"] == 4  # Refunded
    _sync(services)
    _sync(services)
    after = _clover_order(stores, order["id"])
    for refund in (first, second):
        assert after["note"].count(marker(BC_REFUND, refund["id"])) == 1
    assert f"{Decimal(str(second['total_amount'])):.2f}" in after["note"]
    # Clover /v3 records no refund: the payment stays, one of it.
    assert len(stores.payments(after["id"])) == 1
    assert after["total"] == clover_before["total"]


def test_a_cancellation_is_noted_and_an_order_never_pushed_is_reported(
    services: Services, stores: Stores
) -> None:
    pushed = _place(stores, 1)
    _push(services)
    never = _place(stores, 1)
    for order in (pushed, never):
        put = stores.bc.put(f"/v2/orders/{order['id']}", json={"status_id": 5})
        assert put.status_code == 200, put.text
    rows = {r.bc_id: r for r in _rows(services) if r.facts.get("kind") == "bc-cancel"}
    assert rows[pushed["id"]].outcome is Outcome.UPDATE
    assert rows[never["id"]].outcome is Outcome.SKIP
    assert rows[never["id"]].reason is Reason.NOT_IN_CLOVER
    _sync(services)
    note = _clover_order(stores, pushed["id"])["note"]
    assert note.count(f"[BCX{pushed['id']}]") == 1 and "cancelled" in note
    assert f"BC{never['id']}" not in stores.pushed()


def test_restock_is_per_line_off_by_default_and_never_twice(
    services: Services, stores: Stores, sandbox: Any
) -> None:
    refund_id = _in_store_return(sandbox, [(MUG, 3)], refunded=2)
    row = next(r for r in _rows(services) if r.facts.get("refund_id") == refund_id)
    assert row.reason is Reason.NOT_RESTOCKED
    lines = row.facts["restock_lines"]
    assert [ln["restock"] for ln in lines] == [False, False]
    # Restock on, one of the two returned mugs damaged: only the other goes back.
    damaged = lines[0]["key"]
    before = _stock(stores, MUG)
    options = {"restock": True, "restock_lines": {damaged: False}}
    plan, result = _sync(services, **options)
    rows = [r for r in plan.actions[0].rows if r.key.startswith(RESTOCK)]
    row = next(r for r in rows if r.facts.get("refund_id") == refund_id)
    assert [ln["restock"] for ln in row.facts["restock_lines"]] == [False, True]
    assert row.payload["items"] == [{"location_id": 1, "sku": MUG, "quantity": 1}]
    assert not result.failures
    # The demo's own in-store return of a mug goes back too (restock is on for every line).
    planned = sum(i["quantity"] for r in rows for i in r.payload["items"] if i["sku"] == MUG)
    assert _stock(stores, MUG) == before + planned
    _sync(services, **options)
    _sync(services, restock=True)
    assert _stock(stores, MUG) == before + planned


def test_a_lost_answer_never_records_a_refund_twice_nor_restocks_twice(
    services: Services, stores: Stores, sandbox: Any
) -> None:
    order = _place(stores)
    _push(services)
    (line,) = stores.bc_lines(order["id"])
    refund = _refund(
        stores, order["id"], [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
    )
    refund_id = _in_store_return(sandbox, [(MUG, 1)], refunded=1)
    before = _stock(stores, MUG)
    # Both stores apply the write, then the answer is lost.
    sandbox.faults.configure("clover", {"drop_after_write_next": 1, "path_contains": "/orders/"})
    sandbox.faults.configure(
        "bigcommerce", {"drop_after_write_next": 1, "path_contains": "adjustments"}
    )
    plan, _ = _sync(services, restock=True)
    sandbox.faults.clear()
    restocks = [r for r in plan.actions[0].rows if r.key.startswith(RESTOCK)]
    assert refund_id in {r.facts["refund_id"] for r in restocks}
    planned = sum(i["quantity"] for r in restocks for i in r.payload["items"])
    note = _clover_order(stores, order["id"])["note"]
    assert note.count(marker(BC_REFUND, refund["id"])) == 1
    assert _stock(stores, MUG) == before + planned
    # The adjustment whose answer was lost cannot be looked up in BigCommerce: it stays
    # unconfirmed and is never sent again.
    scope = services._scope(services._credentials())
    keys = [journal_key(scope, RESTOCK, r.facts["refund_id"]) for r in restocks]
    (lost,) = [k for k in keys if services.state.journal_get(k).is_open]
    ids = {r.facts["refund_id"] for r in restocks}
    for _ in range(2):
        rows = [r for r in _rows(services, restock=True) if r.facts.get("refund_id") in ids]
        (row,) = [r for r in rows if r.outcome is not Outcome.UNCHANGED]
        assert row.reason is Reason.UNCONFIRMED and lost.endswith(row.facts["refund_id"])
        _sync(services, restock=True)
    assert _stock(stores, MUG) == before + planned
    assert _clover_order(stores, order["id"])["note"].count(marker(BC_REFUND, refund["id"])) == 1


def test_an_intent_left_by_a_killed_process_is_looked_up_before_anything_is_sent(
    services: Services, stores: Stores
) -> None:
    sent, unsent = _place(stores), _place(stores)
    _push(services)
    scope = services._scope(services._credentials())
    refunds = {}
    for order in (sent, unsent):
        (line,) = stores.bc_lines(order["id"])
        item = [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
        refunds[order["id"]] = _refund(stores, order["id"], item)
    rows = {r.bc_id: r for r in _rows(services) if r.writes}
    # A process was killed after its intents: one note had reached Clover, the other had not.
    for order in (sent, unsent):
        row = rows[order["id"]]
        key = journal_key(scope, BC_REFUND, refunds[order["id"]]["id"])
        payload = {**row.payload, "sent_ms": now_ms()}
        services.state.journal_intent(
            key, action=f"{REFUNDS}:{BC_REFUND}", sku=None, payload=payload
        )
    clover_id = rows[sent["id"]].clover_id
    old = stores.clover_get(f"/orders/{clover_id}")["note"]
    stores.clover_post(
        f"/orders/{clover_id}", {"note": f"{old}\n{rows[sent['id']].payload['note']}"}
    )
    _, result = _sync(services)
    assert not result.failures
    for order in (sent, unsent):
        note = _clover_order(stores, order["id"])["note"]
        assert note.count(marker(BC_REFUND, refunds[order["id"]]["id"])) == 1
        key = journal_key(scope, BC_REFUND, refunds[order["id"]]["id"])
        assert not services.state.journal_get(key).is_open


def test_the_refund_routes_are_served_as_documented(stores: Stores) -> None:
    order = _place(stores, 1)
    (line,) = stores.bc_lines(order["id"])
    made = _refund(
        stores, order["id"], [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
    )
    one = stores.bc.get(f"/v3/orders/payment_actions/refunds/{made['id']}")
    assert one.status_code == 200 and one.json()["data"]["order_id"] == order["id"]
    listed = stores.bc.get(
        "/v3/orders/payment_actions/refunds", params={"order_id:in": order["id"]}
    )
    assert [r["id"] for r in listed.json()["data"]] == [made["id"]]
    of_order = stores.bc.get(f"/v3/orders/{order['id']}/payment_actions/refunds")
    assert [r["id"] for r in of_order.json()["data"]] == [made["id"]]
