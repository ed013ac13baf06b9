"""Journal keys of the orders pull-sales records: per store pair and Clover order, never per
plan (a sale is recorded once, ever)."""

from __future__ import annotations

from esync_desktop.sync.sales.options import PULL_SALES

BC_ORDER = "bc-order"  # journal kind: the intent's action is f"{PULL_SALES}:{BC_ORDER}"
ACTION = f"{PULL_SALES}:{BC_ORDER}"


def order_key(scope: str, clover_order_id: str) -> str:
    return f"{scope}|{PULL_SALES}/{BC_ORDER}/{clover_order_id}"


def row_key(clover_order_id: str) -> str:
    return f"{BC_ORDER}/{clover_order_id}"
