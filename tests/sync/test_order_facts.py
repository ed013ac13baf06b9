"""What the order steps' rows carry as data for the window (PlanRow.facts), read from the
running sandbox: a web order's lines matched or not and both totals; a returned line's restock
possibility; and run history keeping them."""

from __future__ import annotations

from esync_desktop.app import Services
from esync_desktop.sync.model import Outcome, Reason
from tests.sync.live import task
from tests.sync.orders_live import Stores, cents


def test_a_web_order_row_carries_its_lines_and_both_totals(
    services: Services, stores: Stores
) -> None:
    mug = stores.variant("MUG-001")
    order = stores.place(
        products=[
            {"product_id": mug["product_id"], "quantity": 2},
            {"name": "Engraving", "quantity": 1, "price_ex_tax": "4.25", "price_inc_tax": "4.60"},
        ],
        shipping_cost_ex_tax="3.00",
        shipping_cost_inc_tax="3.00",
    )
    plan = services.plan_task(task("push-orders"))
    row = next(r for r in plan.actions[0].rows if r.bc_id == order["id"])
    facts = row.facts
    assert facts["kind"] == "web_order" and facts["order_id"] == order["id"]
    assert facts["customer"] == "Rita Web" and facts["email"] == "rita@example.com"
    assert facts["lines_read"] is True
    bc_lines = stores.bc_lines(order["id"])
    assert [(ln["sku"], ln["quantity"], ln["matched"]) for ln in facts["lines"]] == [
        ("MUG-001", 2, True),
        (None, 1, False),
    ]
    assert [ln["total_cents"] for ln in facts["lines"]] == [
        cents(ln["total_ex_tax"]) for ln in bc_lines
    ]
    assert facts["lines"][1]["why"] == "no SKU on BigCommerce"
    assert facts["shipping_cents"] == 300
    assert facts["bc_total_cents"] == facts["clover_total_cents"] == cents(order["total_inc_tax"])
    # A status the step does not push: the order without its lines, no Clover total.
    skipped = next(r for r in plan.actions[0].rows if r.reason is Reason.STATUS_NOT_SELECTED)
    assert skipped.facts["lines_read"] is False and skipped.facts["clover_total_cents"] is None

    # The run keeps the facts, with the Clover order it made.
    result = services.run_plan(plan)
    (item,) = [i for i in services.run_items(result.run_id) if i.bc_id == order["id"]]
    assert item.facts["lines"] == facts["lines"] and item.outcome == Outcome.CREATE
    (clover,) = stores.pushed()[f"BC{order['id']}"]
    assert item.clover_id == clover["id"]


def test_a_returned_line_says_whether_it_could_go_back_on_the_web_stock(
    services: Services,
) -> None:
    plan = services.plan_task(task("sync-refunds"))
    lines = [
        ln
        for r in plan.actions[0].rows
        if r.facts.get("kind") == "restock"
        for ln in r.facts["restock_lines"]
    ]
    by_sku = {ln["sku"]: ln for ln in lines}
    # The demo's in-store returns: a mug both stores sell, a bracelet the web store lacks.
    assert by_sku["MUG-001"]["possible"] is True and by_sku["MUG-001"]["restock"] is False
    assert by_sku["JWL-009"]["possible"] is False
    assert by_sku["JWL-009"]["why"] == "SKU not in BigCommerce"
