"""The write journal as the engine uses it: intent -> send -> confirm, and resolving intents
left open by a crash or a lost response by looking the object up before anything is retried."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from esync_desktop.domain.sku import sku_key
from esync_desktop.sync.plan_create import SEND_MATRIX, SEND_STANDARD

log = logging.getLogger(__name__)

CREATE_ACTIONS = (SEND_STANDARD, SEND_MATRIX)
# Actions that settle their own intents by looking in Clover (sync/orders/settle.py).
SELF_SETTLED = ("push-orders:",)


@dataclass(frozen=True)
class OpenIntent:
    """A journalled write whose outcome is not known (no confirm, no failure recorded)."""

    key: str
    action: str
    sku: str | None
    payload: Mapping[str, Any] = field(default_factory=dict)


class Journal(Protocol):
    """What the engine needs of the state database's journal."""

    def journal_intent(
        self, key: str, action: str, sku: str | None, payload: Mapping[str, Any], run_id: int
    ) -> None: ...
    def journal_confirm(self, key: str, result: Mapping[str, Any]) -> None: ...
    def journal_fail(self, key: str, error: str) -> None: ...
    def journal_resolve(self, key: str, applied: bool, result: Mapping[str, Any]) -> None: ...
    def journal_open(self) -> list[OpenIntent]: ...
    def journal_confirmed(self, key: str) -> Mapping[str, Any] | None: ...


class ProductFinder(Protocol):
    def products_by_sku(self, skus: Iterable[str]) -> Iterable[Mapping[str, Any]]: ...
    def iter_products(self, include: tuple[str, ...] = ..., **filters: Any) -> Iterable[Any]: ...


def find_created(bc: ProductFinder, action: str, payload: Mapping[str, Any]) -> int | None:
    """The id of the product a create intent would have made, if BigCommerce has it."""
    if action == SEND_STANDARD:
        wanted = sku_key(payload.get("sku"))
        if wanted is None:
            return None
        for product in bc.products_by_sku([str(payload["sku"])]):
            if sku_key(product.get("sku")) == wanted:
                return int(product["id"])
        return None
    # A product with variants has no SKU of its own: its name is unique in BigCommerce, and
    # one of its variant SKUs confirms it is the one this intent made.
    variant_keys = {sku_key(v.get("sku")) for v in payload.get("variants", [])} - {None}
    for product in bc.iter_products(include=("variants",), name=str(payload.get("name", ""))):
        skus = {sku_key(v.get("sku")) for v in product.get("variants") or []}
        if skus & variant_keys:
            return int(product["id"])
    return None


def resolve_open_intents(journal: Journal, bc: ProductFinder, prefix: str = "") -> dict[str, int]:
    """Settle every open intent. A create is looked up in BigCommerce: found means it was
    applied (confirmed with the product id), absent means it never happened. Stock and price
    writes are absolute, so re-sending them is harmless: they are closed and re-planned.
    Returns {action:sku-key -> product id} of creates found applied."""
    found: dict[str, int] = {}
    for intent in journal.journal_open():
        if not intent.key.startswith(prefix):
            continue  # another store pair's: settled when that pair runs
        if intent.action.startswith(SELF_SETTLED):
            continue  # never closed blind: its action looks it up in Clover
        if intent.action not in CREATE_ACTIONS:
            journal.journal_resolve(intent.key, False, {"note": "absolute write, re-planned"})
            continue
        product_id = find_created(bc, intent.action, intent.payload)
        if product_id is None:
            log.info("intent %s: not found in BigCommerce, it was not applied", intent.key)
            journal.journal_resolve(intent.key, False, {})
            continue
        log.info("intent %s: found product %s, it was applied", intent.key, product_id)
        journal.journal_resolve(intent.key, True, {"id": product_id})
        found[create_identity(intent.action, intent.payload)] = product_id
    return found


def create_identity(action: str, payload: Mapping[str, Any]) -> str:
    """What makes two create intents the same product: the SKU, or the group's name."""
    if action == SEND_STANDARD:
        return f"{action}:{sku_key(payload.get('sku'))}"
    return f"{action}:{str(payload.get('name', '')).strip().casefold()}"
