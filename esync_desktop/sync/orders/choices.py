"""What the push-orders tender map offers the owner: the tenders the Clover merchant has, and
the payment methods of the store's recent web orders (BigCommerce's v2 orders name the method
each was paid with; the API has no list of the methods a store accepts)."""

from __future__ import annotations

from itertools import islice
from typing import Any

from esync_desktop.connectors.clover_orders import CloverOrders

# One page of the newest orders: enough to meet every method a small store takes.
RECENT_ORDERS = 250


def clover_tender_labels(clover: Any) -> tuple[str, ...]:
    """The merchant's tenders by label, sorted (case-insensitively), each once."""
    labels = {str(t.get("label") or "").strip() for t in CloverOrders(clover).iter_tenders()}
    return tuple(sorted((x for x in labels if x), key=str.casefold))


def recent_payment_methods(bc: Any) -> tuple[str, ...]:
    """The payment methods of the newest web orders, sorted, each once (case-insensitively)."""
    found: dict[str, str] = {}
    orders = bc.iter_orders(sort="date_created:desc")
    for doc in islice(orders, RECENT_ORDERS):
        method = str(doc.get("payment_method") or "").strip()
        if method:
            found.setdefault(method.casefold(), method)
    return tuple(sorted(found.values(), key=str.casefold))
