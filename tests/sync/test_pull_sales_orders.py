"""pull-sales with `as_orders` over the running sandbox: each in-store Clover sale becomes one
Completed BigCommerce order (lines by SKU, a custom line for the rest, totals equal to the
cent), BigCommerce's own order handling takes the units off its stock (no adjustment), a
second run records nothing, a lost answer makes no second order, and push-orders never sends
such an order back into Clover."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from esync_desktop.app import Services
from esync_desktop.sync.model import Outcome, Reason
from esync_desktop.sync.sales.options import PULL_SALES
from tests.sync.live import endpoint_count, task
from tests.sync.orders_live import Stores
from tests.sync.sales_live import Levels, ring_up
from tests.sync.sales_orders_live import clover_total, recorded
from tests.sync.test_pull_sales import DEMO_UNITS


@pytest.fixture
def levels(sandbox: Any) -> Iterator[Levels]:
    found = Levels(sandbox)
    yield found
    found.close()


def _plan(services: Services, **options: Any) -> Any:
    return services.plan_task(task(PULL_SALES, pull_sales={"as_orders": True, **options}))


def test_each_demo_sale_becomes_one_order_with_equal_totals(
    services: Services, stores: Stores, levels: Levels, sandbox: Any
) -> None:
    before = levels(*DEMO_UNITS)
    plan = _plan(services)
    rows = list(plan.actions[0].rows)
    creates = [r for r in rows if r.outcome is Outcome.CREATE]
    assert len(creates) == 4
    assert [r.reason for r in rows if r.outcome is Outcome.SKIP] == [Reason.FROM_BIGCOMMERCE] * 2
    for row in creates:
        clover, web = row.changes["total"]
        assert clover == web
    (wrapped,) = [r for r in creates if r.reason is Reason.UNMATCHED_LINE]
    assert wrapped.facts["unmatched"] == [
        {"line": "Gift wrap", "sku": "", "why": "a custom line with no Clover item"}
    ]

    result = services.run_plan(plan)
    assert not result.failures
    made = recorded(stores)
    assert sorted(made) == sorted(f"CLOVER-{r.clover_id}" for r in creates)
    for row in creates:
        (order,) = made[f"CLOVER-{row.clover_id}"]
        assert order["status_id"] == 10 and order["external_source"]
        assert Decimal(order["total_inc_tax"]) == clover_total(stores, str(row.clover_id))
        lines = stores.bc_lines(order["id"])
        assert sum(int(x["quantity"]) for x in lines) == len(
            stores.clover_get(f"/orders/{row.clover_id}/line_items")["elements"]
        )
    gift = stores.bc_lines(made[f"CLOVER-{wrapped.clover_id}"][0]["id"])
    assert [x["product_id"] for x in gift if x["name"] == "Gift wrap"] == [0]
    # BigCommerce took the units off when the orders were placed; nothing was adjusted.
    after = levels(*DEMO_UNITS)
    assert {sku: before[sku] - after[sku] for sku in DEMO_UNITS} == DEMO_UNITS
    assert endpoint_count(sandbox, "bigcommerce", "POST", "adjustments") == 0

    again = _plan(services)
    assert not again.actions[0].has_work
    services.run_plan(again)
    assert recorded(stores) == made and levels(*DEMO_UNITS) == after
    # With the option off later, the recorded sales are not taken off again.
    off = services.plan_task(task(PULL_SALES, pull_sales={"as_orders": False}))
    assert not off.actions[0].has_work


def test_push_orders_never_sends_a_recorded_sale_back_to_clover(
    services: Services, stores: Stores, sandbox: Any
) -> None:
    sale = ring_up(sandbox, ("MUG-005", 2), ("CRD-001", 1), title="Counter sale")
    services.run_plan(_plan(services))
    (order,) = recorded(stores)[f"CLOVER-{sale}"]
    plan = services.plan_task(task("push-orders"))
    (row,) = [r for r in plan.actions[0].rows if r.bc_id == order["id"]]
    assert (row.outcome, row.reason) == (Outcome.SKIP, Reason.FROM_CLOVER)
    services.run_plan(plan)
    assert f"BC{order['id']}" not in stores.pushed()


def test_a_lost_answer_makes_no_second_order(
    services: Services, stores: Stores, sandbox: Any
) -> None:
    sale = ring_up(sandbox, ("JWL-001", 1), title="Counter sale")
    plan = _plan(services)
    sandbox.faults.configure(
        "bigcommerce", {"drop_after_write_next": 1, "path_contains": "/v2/orders"}
    )
    result = services.run_plan(plan)
    sandbox.faults.clear()
    assert not result.failures
    rows = result.document["actions"][0]["rows"]
    # The first order's answer was dropped after it was made: found by its reference.
    found = [r for r in rows if "found by its reference" in r["detail"]]
    assert len(found) == 1 and found[0]["outcome"] == "create"
    assert len([r for r in rows if r["outcome"] == "create"]) == 5
    made = recorded(stores)
    assert all(len(v) == 1 for v in made.values())
    assert f"CLOVER-{sale}" in made
    services.run_plan(_plan(services))
    assert recorded(stores) == made
