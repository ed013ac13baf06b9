"""Settling a pull-sales stock decrement whose outcome is unknown (a process killed between
intent and answer, or an answer lost on the way back).

BigCommerce offers no way to read inventory adjustments back, so a decrement is made decidable
instead: right before it is sent, the on-hand level of every item it touches is read and kept
in the intent. Afterwards the levels are read again: every item down by exactly its quantity ->
applied; every item unchanged -> not applied (sent again under the same key); anything else
(another sale or a hand edit moved the level meanwhile) -> undecided: the sale stays
`unconfirmed` and is never sent blind. docs/ENGINE.md "In-store sales off the web stock" states
what this cannot tell apart."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import Enum
from typing import Any

from esync_desktop.connectors.bigcommerce_stock import BcStock
from esync_desktop.connectors.errors import ApiError
from esync_desktop.sync.journal import Journal
from esync_desktop.sync.sales.options import PULL_SALES, SALE, key_prefix

log = logging.getLogger(__name__)


class Verdict(Enum):
    APPLIED = "applied"
    NOT_APPLIED = "not_applied"
    UNDECIDED = "undecided"


def decide(
    before: Mapping[str, int], after: Mapping[str, int | None], change: Mapping[str, int]
) -> tuple[Verdict, str]:
    """Compare the levels read before the send with those read now, per item ("v12"/"p5")."""
    applied = unchanged = 0
    odd: list[str] = []
    for target, delta in change.items():
        was, now = before.get(target), after.get(target)
        if was is None or now is None:
            odd.append(f"{target}: its level cannot be read")
        elif now == was + delta and delta != 0:
            applied += 1
        elif now == was:
            unchanged += 1
        else:
            odd.append(f"{target}: was {was}, now {now}, the sale takes {-delta}")
    if not odd and applied == len(change):
        return Verdict.APPLIED, "every item is down by the sale's quantity"
    if not odd and unchanged == len(change):
        return Verdict.NOT_APPLIED, "no item's level moved"
    if not odd:
        odd.append("some items moved by the sale's quantity and others did not")
    return Verdict.UNDECIDED, "; ".join(odd)


def levels_now(stock: BcStock, payload: Mapping[str, Any]) -> dict[str, int | None]:
    """The on-hand level now of each item the intent touches, at its location."""
    location = int(payload["location_id"])
    skus = [str(i["sku"]) for i in payload["items"]]
    found = {item.target: item for item in stock.levels(skus, location).values()}
    return {
        str(i["target"]): (
            found[i["target"]].onhand.get(location) if i["target"] in found else None
        )
        for i in payload["items"]
    }


def judge(stock: BcStock, payload: Mapping[str, Any]) -> tuple[Verdict, str]:
    """Whether the decrement this intent stands for was applied (a failed read: undecided)."""
    try:
        after = levels_now(stock, payload)
    except ApiError as exc:
        return Verdict.UNDECIDED, f"the levels cannot be read: {exc.title}: {exc.message}"
    change = {str(i["target"]): int(i["quantity"]) for i in payload["items"]}
    before = {str(k): int(v) for k, v in dict(payload.get("before") or {}).items()}
    return decide(before, after, change)


def settle(journal: Journal, stock: BcStock, scope: str) -> dict[str, str]:
    """Resolve every open pull-sales intent of this store pair; returns {Clover order id ->
    why} for those left open (reported `unconfirmed`, looked at again next run)."""
    undecided: dict[str, str] = {}
    prefix = key_prefix(scope)
    for intent in journal.journal_open():
        if not intent.key.startswith(prefix) or intent.action != f"{PULL_SALES}:{SALE}":
            continue
        order_id = str(intent.payload.get("order_id") or "")
        if not intent.payload.get("before"):
            # Killed before the levels were read: nothing was sent.
            journal.journal_resolve(intent.key, False, {"note": "killed before sending"})
            continue
        verdict, why = judge(stock, intent.payload)
        if verdict is Verdict.APPLIED:
            log.info("intent %s: %s, it was applied", intent.key, why)
            journal.journal_resolve(intent.key, True, {"settled": why})
        elif verdict is Verdict.NOT_APPLIED:
            log.info("intent %s: %s, it was not applied", intent.key, why)
            journal.journal_resolve(intent.key, False, {"settled": why})
        else:
            log.warning("intent %s: cannot tell whether it was applied: %s", intent.key, why)
            undecided[order_id] = why
    return undecided
