"""The write journal as the engine uses it: intent -> send -> confirm, and resolving intents
left open by a crash or a lost response by looking the object up before anything is retried."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from esync_desktop.connectors.errors import ApiError
from esync_desktop.domain.sku import clean_sku, sku_key
from esync_desktop.sync.plan_create import SEND_MATRIX, SEND_STANDARD
from esync_desktop.sync.plan_variants import VARIANT, is_variant_create, variant_key
from esync_desktop.sync.variant_writes import find_variant

log = logging.getLogger(__name__)

CREATE_ACTIONS = (SEND_STANDARD, SEND_MATRIX)
# Actions that settle their own intents by looking in the store (sync/orders/settle.py,
# sync/refunds/settle.py, sync/sales/settle.py).
SELF_SETTLED = ("push-orders:", "sync-refunds:", "pull-sales:")


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


def products_for_skus(bc: ProductFinder, skus: Iterable[str]) -> dict[str, int]:
    """{SKU key -> product id} of the products BigCommerce has for these SKUs, in as few calls
    as the API allows (chunked `sku:in`)."""
    wanted = {sku_key(s) for s in skus} - {None}
    if not wanted:
        return {}
    found: dict[str, int] = {}
    cleaned = {clean_sku(s) for s in skus} - {None}
    for product in bc.products_by_sku(sorted(str(s) for s in cleaned)):
        key = sku_key(product.get("sku"))
        if key is not None and key in wanted:
            found[key] = int(product["id"])
    return found


def find_created(bc: ProductFinder, action: str, payload: Mapping[str, Any]) -> int | None:
    """The id of the product a create intent would have made, if BigCommerce has it (for a
    new variant of an existing product: that product's id, once it has the variant)."""
    if is_variant_create(payload):
        return find_variant(bc, payload)
    if action == SEND_STANDARD:
        wanted = sku_key(payload.get("sku"))
        if wanted is None:
            return None
        return products_for_skus(bc, [str(payload["sku"])]).get(wanted)
    # A product with variants has no SKU of its own: its name is unique in BigCommerce, and
    # one of its variant SKUs confirms it is the one this intent made.
    variant_keys = {sku_key(v.get("sku")) for v in payload.get("variants", [])} - {None}
    for product in bc.iter_products(include=("variants",), name=str(payload.get("name", ""))):
        skus = {sku_key(v.get("sku")) for v in product.get("variants") or []}
        if skus & variant_keys:
            return int(product["id"])
    return None


@dataclass
class Settled:
    """What settling the open intents established. `found`: {create identity -> product id}
    of creates that were applied; `undecided`: identities whose lookup failed (the intent stays
    open and nothing may create them this run), with the error that stopped the lookup."""

    found: dict[str, int] = field(default_factory=dict)
    undecided: set[str] = field(default_factory=set)
    error: ApiError | None = None


def resolve_open_intents(journal: Journal, bc: ProductFinder, prefix: str = "") -> Settled:
    """Settle every open intent of this store pair. A create is looked up in BigCommerce: found
    means it was applied (confirmed with the product id), absent means it never happened; a
    lookup that fails leaves it open (undecided). Stock and price writes are absolute, so
    re-sending them is harmless: they are closed and re-planned. Simple products are looked up
    together, in one chunked call."""
    settled = Settled()
    creates: list[OpenIntent] = []
    for intent in journal.journal_open():
        if not intent.key.startswith(prefix):
            continue  # another store pair's: settled when that pair runs
        if intent.action.startswith(SELF_SETTLED):
            continue  # never closed blind: its action looks it up in Clover
        if intent.action in CREATE_ACTIONS:
            creates.append(intent)
        else:
            journal.journal_resolve(intent.key, False, {"note": "absolute write, re-planned"})
    standard = [str(i.payload.get("sku") or "") for i in creates if i.action == SEND_STANDARD]
    by_sku: dict[str, int] | None = None
    if standard:
        try:
            by_sku = products_for_skus(bc, standard)
        except ApiError as exc:
            settled.error = exc
    for intent in creates:
        identity = create_identity(intent.action, intent.payload)
        try:
            if intent.action != SEND_STANDARD:
                product_id = find_created(bc, intent.action, intent.payload)
            elif by_sku is not None:
                product_id = by_sku.get(sku_key(intent.payload.get("sku")) or "")
            else:
                settled.undecided.add(identity)
                continue
        except ApiError as exc:
            log.warning("intent %s: could not be looked up (%s); left open", intent.key, exc)
            settled.error = exc
            settled.undecided.add(identity)
            continue
        if product_id is None:
            log.info("intent %s: not found in BigCommerce, it was not applied", intent.key)
            journal.journal_resolve(intent.key, False, {})
            continue
        log.info("intent %s: found product %s, it was applied", intent.key, product_id)
        journal.journal_resolve(intent.key, True, {"id": product_id})
        settled.found[identity] = product_id
    return settled


def create_identity(action: str, payload: Mapping[str, Any]) -> str:
    """What makes two create intents the same product: the SKU, or the group's name (a new
    variant: its SKU)."""
    if is_variant_create(payload):
        return variant_key(sku_key(payload[VARIANT].get("sku")) or "")
    if action == SEND_STANDARD:
        return f"{action}:{sku_key(payload.get('sku'))}"
    return f"{action}:{str(payload.get('name', '')).strip().casefold()}"
