"""pull-sales: its id, default options, journal keys, and how a pushed web order is told
apart from an in-store sale."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PULL_SALES = "pull-sales"
SALE = "sale"  # journal kind: the intent's action is f"{PULL_SALES}:{SALE}"
DEFAULTS: dict[str, Any] = {
    # BigCommerce location whose stock the sales come off (0: the stock location in Settings).
    "location_id": 0,
    # The first run counts the sales of this many days back (0: only sales from now on).
    "first_run_days": 1,
    # Record each sale as a BigCommerce order (POST /v2/orders, which takes the units off
    # BigCommerce's stock itself) instead of a relative stock adjustment (sync/sales_orders/).
    "as_orders": False,
}
MAX_FIRST_RUN_DAYS = 80
# What push-orders writes on the Clover orders it makes (docs/ENGINE.md "Web orders into
# Clover"): those units were sold on the web and BigCommerce already took them off its stock.
_PUSHED_REFERENCE = re.compile(r"^BC\d+$")
_PUSHED_TITLE = re.compile(r"^BigCommerce #\d+$")


def journal_key(scope: str, order_id: str) -> str:
    """Per store pair and Clover order, not per plan: a sale is counted once, ever."""
    return f"{scope}|{PULL_SALES}/{SALE}/{order_id}"


def key_prefix(scope: str) -> str:
    return f"{scope}|{PULL_SALES}/"


def adjustment_reason(order_id: str) -> str:
    """The adjustment's free-text reason names the sale, for the owner reading BigCommerce."""
    return f"Clover sale {order_id} (eSync Desktop)"


def pushed_from_bigcommerce(order: Mapping[str, Any]) -> bool:
    reference = str(order.get("externalReferenceId") or "").strip()
    title = str(order.get("title") or "").strip()
    return bool(_PUSHED_REFERENCE.match(reference) or _PUSHED_TITLE.match(title))


@dataclass(frozen=True)
class SalesOptions:
    location_id: int  # 0: the store pair's stock location
    first_run_days: int
    notes: tuple[str, ...] = ()
    as_orders: bool = False

    def location(self, default: int) -> int:
        return self.location_id or default

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> SalesOptions:
        merged = {**DEFAULTS, **dict(options)}
        notes: list[str] = []
        location = _whole(merged.get("location_id"))
        if location is None or location < 0:
            notes.append("location_id is not a location number: the Settings location is used")
            location = 0
        days = _whole(merged.get("first_run_days"))
        if days is None or days < 0:
            notes.append("first_run_days is not a whole number: 1 day is read")
            days = int(DEFAULTS["first_run_days"])
        as_orders = merged.get("as_orders")
        if not isinstance(as_orders, bool):
            notes.append("as_orders is not on or off: sales are taken off as adjustments")
            as_orders = False
        return cls(location, min(days, MAX_FIRST_RUN_DAYS), tuple(notes), as_orders)


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value or "0").strip()
    return int(text) if text.isdigit() else None
