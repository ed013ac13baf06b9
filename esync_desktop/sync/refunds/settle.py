"""Settling sync-refunds intents whose outcome is unknown (a process killed between intent and
confirm, or an answer lost on the way back). A note is looked for in the Clover order (its
marker); a stock adjustment cannot be looked up at all (BigCommerce keeps no readable record of
one), so such an intent stays open: the refund is `unconfirmed`, never restocked twice."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from esync_desktop.connectors.clover_orders import CloverOrders
from esync_desktop.connectors.errors import ApiError
from esync_desktop.sync.journal import Journal
from esync_desktop.sync.refunds.options import BC_CANCEL, BC_REFUND, RESTOCK, SYNC_REFUNDS

log = logging.getLogger(__name__)

NO_RECORD = (
    "BigCommerce keeps no record of a stock adjustment that can be read back: check the "
    "stock of these SKUs in BigCommerce"
)


class Undecided(Exception):
    """The store could not say whether the write happened."""


def find_note(clover: CloverOrders, payload: Mapping[str, Any]) -> str | None:
    """The Clover order id when its note carries this refund's marker, else None."""
    order_id = str(payload["clover_order_id"])
    try:
        note = str(clover.get_order(order_id).get("note") or "")
    except ApiError as exc:
        raise Undecided(f"{exc.title}: {exc.message}") from exc
    return order_id if str(payload["marker"]) in note else None


def lookup(clover: CloverOrders, kind: str, payload: Mapping[str, Any]) -> str | None:
    if kind == RESTOCK:
        raise Undecided(NO_RECORD)
    return find_note(clover, payload)


def settle(journal: Journal, clover: CloverOrders, scope: str) -> dict[str, str]:
    """Resolve every open sync-refunds intent of this store pair; returns the keys left open
    with why (reported `unconfirmed`, looked up again next run)."""
    undecided: dict[str, str] = {}
    prefix = f"{scope}|{SYNC_REFUNDS}/"
    for intent in journal.journal_open():
        kind = intent.action.partition(":")[2]
        if not intent.key.startswith(prefix) or kind not in (BC_REFUND, BC_CANCEL, RESTOCK):
            continue
        try:
            found = lookup(clover, kind, intent.payload)
        except Undecided as why:
            log.warning("intent %s: cannot tell whether it was applied: %s", intent.key, why)
            undecided[intent.key] = str(why)
            continue
        log.info("intent %s: %s", intent.key, "applied" if found else "not applied")
        journal.journal_resolve(intent.key, found is not None, {"id": found} if found else {})
    return undecided
