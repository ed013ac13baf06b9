"""Settling a recorded-sale order whose outcome is unknown (a process killed between intent and
answer, or an answer lost on the way back): BigCommerce is asked for an order with the sale's
`external_order_id`. Found: applied. Not there: not applied (sent again under the same key). A
lookup that fails leaves the intent open and the sale `unconfirmed`: never sent blind."""

from __future__ import annotations

import logging
from enum import Enum

from esync_desktop.connectors.bigcommerce_order_writes import BcOrderWrites
from esync_desktop.connectors.errors import ApiError
from esync_desktop.domain.orders import clover_sale_reference
from esync_desktop.sync.journal import Journal
from esync_desktop.sync.sales_orders.keys import ACTION, order_key

log = logging.getLogger(__name__)


class Found(Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


def look_up(orders: BcOrderWrites, clover_order_id: str) -> tuple[Found, int | None, str]:
    reference = clover_sale_reference(clover_order_id)
    try:
        found = orders.by_reference(reference)
    except ApiError as exc:
        return Found.UNKNOWN, None, f"BigCommerce could not be asked: {exc.title}"
    if found:
        return Found.YES, int(min(int(o["id"]) for o in found)), f"order with {reference} found"
    return Found.NO, None, f"no order with {reference}"


def settle(journal: Journal, orders: BcOrderWrites, scope: str) -> dict[str, str]:
    """Resolve every open recorded-sale intent of this store pair; returns {Clover order id ->
    why} for those left open."""
    undecided: dict[str, str] = {}
    for intent in journal.journal_open():
        if intent.action != ACTION or not intent.key.startswith(f"{scope}|"):
            continue
        sale_id = str(intent.payload.get("order_id") or "")
        if intent.key != order_key(scope, sale_id):
            continue
        found, bc_id, why = look_up(orders, sale_id)
        if found is Found.YES:
            log.info("intent %s: %s, it was applied", intent.key, why)
            journal.journal_resolve(intent.key, True, {"id": bc_id, "settled": why})
        elif found is Found.NO:
            log.info("intent %s: %s, it was not applied", intent.key, why)
            journal.journal_resolve(intent.key, False, {"settled": why})
        else:
            log.warning("intent %s: %s; left open", intent.key, why)
            undecided[sale_id] = why
    return undecided
