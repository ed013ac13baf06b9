"""A web order's particulars as plain data on its preview row (`PlanRow.facts`): what the
window's order view and --json show (number, date, customer, lines, totals on both sides),
so nothing is read back out of the row's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esync_desktop.domain.catalog import CloverItem
from esync_desktop.domain.money import decimal_to_cents
from esync_desktop.domain.orders import BcOrder
from esync_desktop.sync.orders.cart import CartResult, match_line

WEB_ORDER = "web_order"


def order_facts(
    order: BcOrder,
    index: Mapping[str, list[CloverItem]],
    result: CartResult | None = None,
    clover_order_id: str | None = None,
) -> dict[str, Any]:
    """Money in cents. `lines_read` is False when the order's lines were not read (an order
    that is not pushed this time: its status is not selected, or it is already in Clover);
    `clover_total_cents` is None when no Clover order was worked out; `clover_order_id` is
    the Clover order an earlier run made (only its payment is left to record)."""
    lines = []
    for line in order.lines:
        item, why = match_line(line, index)
        lines.append(
            {
                "sku": line.sku,
                "name": line.title,
                "quantity": line.quantity,
                "total_cents": decimal_to_cents(line.total_ex_tax),
                "matched": item is not None,
                "clover_item": None if item is None else item.id,
                "why": why,
            }
        )
    discounts = decimal_to_cents(order.discount_amount) + decimal_to_cents(order.coupon_discount)
    return {
        "kind": WEB_ORDER,
        "order_id": order.id,
        "created_ms": order.created_ms,
        "customer": order.customer,
        "email": order.email,
        "status": order.status,
        "payment_method": order.payment_method,
        "currency": order.currency,
        "lines_read": bool(order.lines),
        "lines": lines,
        "shipping_cents": decimal_to_cents(order.shipping_ex_tax),
        "handling_cents": decimal_to_cents(order.handling_ex_tax),
        "discount_cents": discounts,
        "tax_cents": decimal_to_cents(order.total_tax),
        "bc_total_cents": decimal_to_cents(order.total_inc_tax),
        "clover_total_cents": None if result is None else result.cart.total,
        "rounding_cents": 0 if result is None else result.rounding,
        "clover_order_id": clover_order_id,
    }
