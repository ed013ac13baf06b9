"""Property: whatever mix of catalogue lines, custom lines, quantities, shipping, handling,
order discounts, whole-order and per-line coupons and tax a web order has (placed through the
sandbox's POST /v2/orders), the Clover order push-orders makes totals BigCommerce's
total_inc_tax to the cent, and its payment is that total."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esync_desktop.sync.model import Outcome, Reason
from tests.sync.live import services_for, task
from tests.sync.orders_live import Stores, cents

# Catalogue products whose SKU is in Clover, and one that is only a custom line.
SKUS = ("MUG-001", "TEA-001", "PT-M-SAN", "COF-002", "STA-001", "CND-002")


def _amount(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Amounts between low and high cents, with 2 or 4 decimals as BigCommerce keeps them."""
    scale = 10 ** (places - 2)
    return st.integers(low * scale, high * scale).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def lines(draw: Any) -> dict[str, Any]:
    quantity = draw(st.integers(1, 4))
    if draw(st.booleans()):
        line: dict[str, Any] = {"sku": draw(st.sampled_from(SKUS)), "quantity": quantity}
        if draw(st.booleans()):  # a manual order may set its own price on a catalogue line
            price = draw(_amount(1, 9_000, draw(st.sampled_from((2, 4)))))
            line["price_ex_tax"] = price
            line["price_inc_tax"] = price + draw(_amount(0, 900, 4))
        return line
    price = draw(_amount(0, 20_000, draw(st.sampled_from((2, 4)))))
    tax = draw(_amount(0, 2_000, 4))
    return {
        "name": draw(st.sampled_from(("Engraving", "Gift box", "Custom print"))),
        "quantity": quantity,
        "price_ex_tax": price,
        "price_inc_tax": price + tax,
    }


@st.composite
def orders(draw: Any) -> dict[str, Any]:
    shipping = draw(_amount(0, 2_500, 2))
    handling = draw(_amount(0, 500, 2))
    return {
        "lines": draw(st.lists(lines(), min_size=1, max_size=4)),
        "shipping": (shipping, shipping + draw(_amount(0, 300, 4))),
        "handling": (handling, handling),
        "discount_share": draw(st.sampled_from((0, 0, 5, 20))),  # percent of the subtotal
        "whole_coupon": draw(st.sampled_from((0, 0, 10, 33))),
        "line_coupon": draw(st.booleans()),
    }


def _place(stores: Stores, spec: dict[str, Any]) -> dict[str, Any]:
    products = []
    for line in spec["lines"]:
        line = dict(line)
        if "sku" in line:
            line["product_id"] = stores.variant(line.pop("sku"))["product_id"]
            variant = stores.variant_of(line["product_id"])
            if variant is not None:
                line["variant_id"] = variant
        products.append(line)
    body: dict[str, Any] = {
        "products": products,
        "shipping_cost_ex_tax": spec["shipping"][0],
        "shipping_cost_inc_tax": spec["shipping"][1],
        "handling_cost_ex_tax": spec["handling"][0],
        "handling_cost_inc_tax": spec["handling"][1],
    }
    order = stores.place(**body)
    subtotal = Decimal(order["subtotal_ex_tax"])
    if spec["discount_share"] and subtotal > 0:
        # discount_amount can only be set when placing: place a second order with it.
        body["discount_amount"] = (subtotal * spec["discount_share"] / 100).quantize(
            Decimal("0.01")
        )
        order = stores.place(**body)
    lines = stores.bc_lines(order["id"])
    if spec["line_coupon"]:
        biggest = max(lines, key=lambda x: Decimal(x["total_ex_tax"]))
        if Decimal(biggest["total_ex_tax"]) >= 1:
            stores.coupon(order["id"], "LINE1", Decimal("1.00"), biggest["id"])
    left = Decimal(stores.bc_order(order["id"])["subtotal_ex_tax"]) - Decimal(
        order["discount_amount"]
    )
    if spec["whole_coupon"] and left > 2:
        amount = (left * spec["whole_coupon"] / 100).quantize(Decimal("0.01"))
        if amount > 0:
            stores.coupon(order["id"], f"SAVE{spec['whole_coupon']}", amount)
    return stores.bc_order(order["id"])


@pytest.mark.slow
def test_clover_totals_equal_bigcommerce_to_the_cent(sandbox: Any) -> None:
    sandbox.apis[1].configure({"plan": "unlimited"})  # the test places many orders quickly
    services = services_for(sandbox)
    stores = Stores(sandbox)
    checked: list[int] = []
    try:
        services.run_plan(services.plan_task(task("push-orders")))  # the demo orders first

        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
        )
        @given(st.lists(orders(), min_size=1, max_size=3))
        def pushed_totals_equal(specs: list[dict[str, Any]]) -> None:
            placed = [_place(stores, spec) for spec in specs]
            plan = services.plan_task(task("push-orders"))
            rows = {r.bc_id: r for r in plan.actions[0].rows if r.bc_id is not None}
            for order in placed:
                row = rows[order["id"]]
                assert row.outcome is Outcome.CREATE, (row.reason, row.detail)
                assert row.reason in (None, Reason.UNMATCHED_LINE)
            result = services.run_plan(plan)
            assert not result.failures, [r.detail for r in result.failures]
            in_clover = stores.pushed()
            for order in placed:
                (clover,) = in_clover[f"BC{order['id']}"]
                assert clover["total"] == cents(order["total_inc_tax"])
                payments = [p["amount"] for p in stores.payments(clover["id"])]
                assert payments == ([clover["total"]] if clover["total"] else [])
                checked.append(order["id"])

        pushed_totals_equal()
        assert len(checked) >= 20
        assert stores.duplicates() == ({}, {})
    finally:
        services.stop()
        stores.close()
