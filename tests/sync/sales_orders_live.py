"""Helpers for the tests of pull-sales' `as_orders` option: the BigCommerce orders that record
Clover sales, read directly, and the Clover sales' totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.sync.orders_live import Stores


def recorded(stores: Stores) -> dict[str, list[dict[str, Any]]]:
    """BigCommerce orders with a Clover reference, by reference ("CLOVER-<id>")."""
    out: dict[str, list[dict[str, Any]]] = {}
    page = 1
    while True:
        reply = stores.bc.get("/v2/orders", params={"limit": 250, "page": page})
        if reply.status_code == 204:
            return out
        rows = reply.json()
        for order in rows:
            ref = order.get("external_order_id") or ""
            if ref.startswith("CLOVER-"):
                out.setdefault(ref, []).append(order)
        if len(rows) < 250:
            return out
        page += 1


def clover_total(stores: Stores, clover_order_id: str) -> Decimal:
    return Decimal(int(stores.clover_get(f"/orders/{clover_order_id}")["total"])) / 100
