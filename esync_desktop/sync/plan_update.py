"""Planners of send-inventory-standard, send-inventory-matrix and send-prices."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from esync_desktop.domain import bigcommerce_limits as limits
from esync_desktop.domain.catalog import CloverItem
from esync_desktop.domain.money import cents_to_decimal, same_amount
from esync_desktop.domain.ownership import CLOVER, SALE_PRICE
from esync_desktop.domain.plan import EMPTY
from esync_desktop.domain.sku import name_key
from esync_desktop.sync.cursors import Cursor, content_hash
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.plan_create import Refusal, bad_data
from esync_desktop.sync.rules import BcMatch, Rules, stock_to_level
from esync_desktop.sync.snapshot import Snapshot

log = logging.getLogger(__name__)

SEND_INVENTORY_STANDARD = "send-inventory-standard"
SEND_INVENTORY_MATRIX = "send-inventory-matrix"
SEND_PRICES = "send-prices"


def _row(
    action: str,
    item: CloverItem,
    outcome: Outcome,
    reason: Reason | None,
    match: BcMatch | None = None,
    **extra: Any,
) -> PlanRow:
    if reason is not None and log.isEnabledFor(logging.DEBUG):
        log.debug("%s: %s -> %s (%s)", action, item.id, reason.value, extra.get("detail", ""))
    return PlanRow(
        action=action,
        sku=item.clean_sku,
        outcome=outcome,
        reason=reason,
        clover_id=item.id,
        clover_name=item.clean_name or item.name,
        bc_id=None if match is None else match.product.id,
        bc_name=None if match is None else match.product.name,
        changes=extra.pop("changes", EMPTY),
        payload=extra.pop("payload", EMPTY),
        facts=extra.pop("facts", EMPTY),
        **extra,
    )


def plan_send_inventory(
    action: str, snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    """Stock of existing BigCommerce products (standard) or variants (matrix) from Clover."""
    require_name = bool(options.get("require_name_match", True))
    if cursor.since_ms is None and not cursor.hashes:
        key = (action, require_name)
        return snapshot.remembered(
            key, rules, lambda: _plan_inventory(action, snapshot, require_name, cursor, rules)
        )
    return _plan_inventory(action, snapshot, require_name, cursor, rules)


def _plan_inventory(
    action: str, snapshot: Snapshot, require_name: bool, cursor: Cursor, rules: Rules
) -> ActionPlan:
    matrix = action == SEND_INVENTORY_MATRIX
    groups = {g.id: g for g in snapshot.clover_groups}
    rows: list[PlanRow] = []
    items = [i for i in snapshot.planned_items if (i.group_id is not None) == matrix]
    for item in items:
        if item.bad is not None:
            # Before the cursor: shown on every run until fixed, and never moves the cursor.
            rows.append(_refused(action, item, bad_data(item.bad, "Clover")))
            continue
        # Stock writes do not move the item's modifiedTime, and an item edit (re-activated, a SKU
        # given) does not move the stock's: the newer of the two is the cursor's source time.
        source = item.changed_ms
        clover_name = groups[item.group_id].name if matrix and item.group_id in groups else None
        digest = content_hash(item.sku, str(item.stock), item.active, item.name, clover_name)
        mark: dict[str, Any] = {"source_ms": source, "content_hash": digest, "cursor_key": item.id}
        if not cursor.is_candidate(item.id, source, digest):
            rows.append(
                _row(
                    action,
                    item,
                    Outcome.UNCHANGED,
                    Reason.UNCHANGED,
                    detail="stock not changed since the last run",
                    **mark,
                )
            )
            continue
        compare_name = clover_name if matrix else item.clean_name
        rows.append(_inventory_row(action, item, snapshot, rules, require_name, compare_name, mark))
    return ActionPlan(action, tuple(rows), cursor_after={"previous": cursor.to_json()})


def _inventory_row(
    action: str,
    item: CloverItem,
    snapshot: Snapshot,
    rules: Rules,
    require_name: bool,
    clover_name: str | None,
    mark: dict[str, Any],
) -> PlanRow:
    checked = inventory_checks(action, item, snapshot, require_name, clover_name, mark)
    if isinstance(checked, PlanRow):
        return checked
    match = checked
    matrix = action == SEND_INVENTORY_MATRIX
    assert item.stock is not None
    level = stock_to_level(item.stock)
    current = match.variant.inventory_level if match.variant else match.product.inventory_level
    tracking = match.product.inventory_tracking
    wanted_tracking = "variant" if matrix else "product"
    # Stock of a non-default location cannot be read from the catalogue: always set it.
    if current == level and tracking == wanted_tracking and rules.location_id == 1:
        return _row(
            action,
            item,
            Outcome.UNCHANGED,
            Reason.UNCHANGED,
            match,
            detail="already equal",
            **mark,
        )
    changes: dict[str, tuple[Any, Any]] = {"inventory_level": (current, level)}
    payload: dict[str, Any] = {"location_id": rules.location_id, "quantity": level}
    if match.variant is not None:
        payload["variant_id"] = match.variant.id
    else:
        payload["product_id"] = match.product.id
    if tracking != wanted_tracking:
        # Stock of an untracked product cannot be set; tracking is switched on first.
        changes["inventory_tracking"] = (tracking, wanted_tracking)
        payload["tracking"] = {"id": match.product.id, "inventory_tracking": wanted_tracking}
    detail = ""
    if item.stock != level:
        detail = f"Clover stock {item.stock} sent as {level} (whole units, not below 0)"
    return _row(
        action,
        item,
        Outcome.UPDATE,
        None,
        match,
        changes=changes,
        payload=payload,
        key=f"{action}:{item.sku_key}",
        detail=detail,
        **mark,
    )


def inventory_checks(
    action: str,
    item: CloverItem,
    snapshot: Snapshot,
    require_name: bool,
    clover_name: str | None,
    mark: dict[str, Any],
) -> PlanRow | BcMatch:
    """The stock actions' checks of one Clover item (docs/ENGINE.md): the skip row, or the
    BigCommerce product or variant whose stock it sets."""
    matrix = action == SEND_INVENTORY_MATRIX
    key = item.sku_key
    if key is None:
        return _row(action, item, Outcome.SKIP, Reason.MISSING_SKU, detail="no SKU", **mark)
    if snapshot.is_duplicate(key):
        return _row(
            action,
            item,
            Outcome.SKIP,
            Reason.DUPLICATE_SKU,
            detail=f"SKU {item.clean_sku!r} is used by more than one item",
            **mark,
        )
    if not item.active:
        return _row(action, item, Outcome.SKIP, Reason.INACTIVE, detail="not active", **mark)
    if item.stock is None:
        return _row(
            action,
            item,
            Outcome.SKIP,
            Reason.NO_STOCK_VALUE,
            detail="stock was never set in Clover",
            **mark,
        )
    match = snapshot.bc_match(key)
    if match is None or match.is_variant != matrix or (not matrix and match.product.has_options):
        detail = "no BigCommerce product has this SKU"
        if match is not None and match.is_variant:
            detail = f"the SKU is a variant of {match.product.name!r} (send-inventory-matrix)"
        elif match is not None and matrix:
            detail = f"the SKU is the product {match.product.name!r}, not one of its variants"
        elif match is not None:
            detail = f"{match.product.name!r} has options: its stock is kept per variant"
        return _row(action, item, Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE, detail=detail, **mark)
    if match.product.bad is not None:
        return _refused(action, item, _bc_bad(match), match, **mark)
    if require_name and name_key(clover_name) != name_key(match.product.name):
        return _row(
            action,
            item,
            Outcome.SKIP,
            Reason.NAME_MISMATCH,
            match,
            detail=f"Clover {clover_name!r} vs BigCommerce {match.product.name!r}",
            **mark,
        )
    return match


def plan_send_prices(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    """Prices of matched products and variants whose BigCommerce price differs. Compared on
    every run (no cursor): a price changed on the web side is put back too."""
    return snapshot.remembered(SEND_PRICES, rules, lambda: _plan_prices(snapshot, rules))


def _plan_prices(snapshot: Snapshot, rules: Rules) -> ActionPlan:
    rows: list[PlanRow] = []
    # Clover has no sale price: owning it means the web store has none either.
    clear_sale = rules.ownership.owner(SALE_PRICE) == CLOVER
    for item in snapshot.planned_items:
        rows.append(_price_row(item, snapshot, clear_sale))
    return ActionPlan(SEND_PRICES, tuple(rows))


def _refused(
    action: str, item: CloverItem, refusal: Refusal, match: BcMatch | None = None, **mark: Any
) -> PlanRow:
    reason, detail, facts = refusal
    return _row(action, item, Outcome.SKIP, reason, match, detail=detail, facts=dict(facts), **mark)


def _bc_bad(match: BcMatch) -> Refusal:
    assert match.product.bad is not None
    return bad_data(match.product.bad, "BigCommerce", f"product {match.product.id}")


def _price_row(item: CloverItem, snapshot: Snapshot, clear_sale: bool = False) -> PlanRow:
    action = SEND_PRICES
    if item.bad is not None:
        return _refused(action, item, bad_data(item.bad, "Clover"))
    key = item.sku_key
    if key is None:
        return _row(action, item, Outcome.SKIP, Reason.MISSING_SKU, detail="no SKU")
    if snapshot.is_duplicate(key):
        return _row(
            action,
            item,
            Outcome.SKIP,
            Reason.DUPLICATE_SKU,
            detail=f"SKU {item.clean_sku!r} is used by more than one item",
        )
    match = snapshot.bc_match(key)
    if match is None:
        return _row(
            action,
            item,
            Outcome.SKIP,
            Reason.NOT_IN_BIGCOMMERCE,
            detail="no BigCommerce product or variant has this SKU",
        )
    new = cents_to_decimal(item.price_cents)
    if item.price_cents < 0:
        return _row(
            action,
            item,
            Outcome.SKIP,
            Reason.NEGATIVE_PRICE,
            match,
            detail=f"Clover price is {new}",
        )
    if item.price_cents > limits.PRICE_MAX_CENTS:
        detail = f"Clover price is {new}; the most BigCommerce is sent is {limits.PRICE_MAX}"
        facts = {"price": new, "limit": limits.PRICE_MAX}
        return _refused(action, item, Refusal(Reason.PRICE_OUT_OF_RANGE, detail, facts), match)
    if match.product.bad is not None:
        return _refused(action, item, _bc_bad(match), match)
    variant = match.variant
    current = match.product.price if variant is None or variant.price is None else variant.price
    sale = (match.product.sale_price if variant is None else variant.sale_price) or Decimal(0)
    changes: dict[str, tuple[Any, Any]] = {}
    payload: dict[str, Any] = {}
    if not same_amount(item.price_cents, current):
        changes["price"] = (current, new)
        payload["price"] = new
    if clear_sale and sale > 0:
        changes["sale_price"] = (sale, Decimal(0))
        payload["sale_price"] = Decimal(0)
    if not changes:
        return _row(action, item, Outcome.UNCHANGED, Reason.UNCHANGED, match, detail="same price")
    if variant is None:
        payload["product_id"] = match.product.id
    else:
        payload.update(variant_id=variant.id, product_id=match.product.id)
    return _row(
        action,
        item,
        Outcome.UPDATE,
        None,
        match,
        changes=changes,
        payload=payload,
        key=f"{action}:{key}",
    )
