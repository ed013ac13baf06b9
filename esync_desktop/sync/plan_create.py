"""Planners of send-standard and send-matrix: which Clover items become new products."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from esync_desktop.domain.catalog import BcCategory, CloverItem, CloverItemGroup
from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.domain.sku import clean_name
from esync_desktop.sync.cursors import Cursor, content_hash
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.rules import Rules, stock_to_level
from esync_desktop.sync.snapshot import Snapshot

log = logging.getLogger(__name__)

SEND_STANDARD = "send-standard"
SEND_MATRIX = "send-matrix"


@dataclass(frozen=True)
class _Checked:
    """An item that passed every criterion, with what the product will carry."""

    item: CloverItem
    weight: Decimal
    level: int
    categories: list[BcCategory]


def _item_hash(item: CloverItem) -> str:
    return content_hash(
        item.name,
        item.sku,
        item.price_cents,
        str(item.stock),
        item.active,
        item.description,
        item.categories,
        item.group_id,
        [(o.attribute, o.option) for o in item.options],
    )


def _check(item: CloverItem, snapshot: Snapshot, rules: Rules) -> tuple[Reason, str] | _Checked:
    """The create criteria after the cursor one, in the documented order: the first that
    fails is the item's one reason."""
    key = item.sku_key
    if key is None:
        return Reason.MISSING_SKU, "the Clover item has no SKU"
    if snapshot.is_duplicate(key):
        return Reason.DUPLICATE_SKU, f"SKU {item.clean_sku!r} is used by more than one item"
    match = snapshot.bc_match(key)
    if match is not None:
        what = "a variant of" if match.is_variant else "product"
        return Reason.ALREADY_IN_BIGCOMMERCE, f"{what} {match.product.name!r} has this SKU"
    if not item.active:
        state = "deleted" if item.deleted else "hidden" if item.hidden else "not available"
        return Reason.INACTIVE, f"the Clover item is {state}"
    if item.clean_name is None:
        return Reason.MISSING_NAME, "the Clover item has no name"
    weight = rules.weight_for(item)
    if weight is None:
        return Reason.MISSING_WEIGHT, "no weight rule for this SKU, its categories or a default"
    if item.stock is None:
        return Reason.NO_STOCK_VALUE, "stock was never set in Clover"
    if item.stock < 0:
        return Reason.NEGATIVE_STOCK, f"Clover stock is {item.stock}"
    if item.price_cents < 0:
        return Reason.NEGATIVE_PRICE, f"Clover price is {cents_to_decimal(item.price_cents)}"
    if not item.categories:
        return Reason.NO_CATEGORY, "the Clover item is in no category"
    categories = snapshot.categories.match(item.categories, rules)
    if not categories:
        names = ", ".join(item.categories)
        return Reason.CATEGORY_NOT_IN_BIGCOMMERCE, f"no BigCommerce category named {names}"
    return _Checked(item, weight, stock_to_level(item.stock), categories)


def _skip(
    action: str,
    item: CloverItem,
    reason: Reason,
    detail: str,
    held_back_by: str | None = None,
    **cursor: Any,
) -> PlanRow:
    log.debug("%s: %s skipped: %s (%s)", action, item.id, reason.value, detail)
    outcome = Outcome.UNCHANGED if reason is Reason.UNCHANGED else Outcome.SKIP
    # The categories are this item's own problem only when no other variant holds it back.
    missing = reason is Reason.CATEGORY_NOT_IN_BIGCOMMERCE and held_back_by is None
    return PlanRow(
        action=action,
        sku=item.clean_sku,
        outcome=outcome,
        reason=reason,
        clover_id=item.id,
        clover_name=item.clean_name or item.name,
        detail=detail,
        missing_categories=tuple(item.categories) if missing else (),
        held_back_by=held_back_by,
        **cursor,
    )


def plan_send_standard(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    """send-standard: one new simple product per eligible Clover item (not in a group)."""
    visible = bool(options.get("visible", True))
    rows: list[PlanRow] = []
    for item in snapshot.simple_items:
        digest = _item_hash(item)
        mark: dict[str, Any] = {
            "source_ms": item.changed_ms,
            "content_hash": digest,
            "cursor_key": item.id,
        }
        if not cursor.is_candidate(item.id, item.changed_ms, digest):
            rows.append(_skip(SEND_STANDARD, item, Reason.UNCHANGED, "not modified", **mark))
            continue
        checked = _check(item, snapshot, rules)
        if isinstance(checked, tuple):
            rows.append(_skip(SEND_STANDARD, item, *checked, **mark))
            continue
        rows.append(_create_row(checked, visible, mark))
    return ActionPlan(SEND_STANDARD, tuple(rows), cursor_after={"previous": cursor.to_json()})


def _create_row(checked: _Checked, visible: bool, mark: dict[str, Any]) -> PlanRow:
    item = checked.item
    price = cents_to_decimal(item.price_cents)
    body: dict[str, Any] = {
        "name": item.clean_name,
        "type": "physical",
        "sku": item.clean_sku,
        "price": price,
        "weight": checked.weight,
        "categories": [c.id for c in checked.categories],
        "inventory_tracking": "product",
        "inventory_level": checked.level,
        "is_visible": visible,
    }
    changes: dict[str, tuple[Any, Any]] = {
        "name": (None, item.clean_name),
        "sku": (None, item.clean_sku),
        "price": (None, price),
        "weight": (None, checked.weight),
        "inventory_level": (None, checked.level),
        "categories": (None, [c.name for c in checked.categories]),
    }
    if item.description:
        body["description"] = item.description
        changes["description"] = (None, item.description)
    log.debug("send-standard: %s will be created as %s", item.id, item.clean_sku)
    return PlanRow(
        action=SEND_STANDARD,
        sku=item.clean_sku,
        outcome=Outcome.CREATE,
        clover_id=item.id,
        clover_name=item.clean_name,
        changes=changes,
        payload=body,
        key=f"{SEND_STANDARD}:{item.sku_key}",
        **mark,
    )


def plan_send_matrix(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    """send-matrix: one product with options and variants per Clover item group, created whole
    or not at all."""
    visible = bool(options.get("visible", True))
    rows: list[PlanRow] = []
    for group in snapshot.clover_groups:
        items = snapshot.items_by_group.get(group.id, ())
        if items:
            rows.extend(_plan_group(group, items, snapshot, cursor, rules, visible))
    return ActionPlan(SEND_MATRIX, tuple(rows), cursor_after={"previous": cursor.to_json()})


def _plan_group(
    group: CloverItemGroup,
    items: tuple[CloverItem, ...],
    snapshot: Snapshot,
    cursor: Cursor,
    rules: Rules,
    visible: bool,
) -> list[PlanRow]:
    source_ms = max(i.changed_ms for i in items)
    digest = content_hash(group.name, group.attributes, [_item_hash(i) for i in items])
    mark: dict[str, Any] = {"source_ms": source_ms, "content_hash": digest, "cursor_key": group.id}
    if not cursor.is_candidate(group.id, source_ms, digest):
        return [_skip(SEND_MATRIX, i, Reason.UNCHANGED, "not modified", **mark) for i in items]
    name = clean_name(group.name)
    checks = [_check(i, snapshot, rules) for i in items]
    failures = [(i, c) for i, c in zip(items, checks, strict=True) if isinstance(c, tuple)]
    if name is None and not failures:
        return [
            _skip(SEND_MATRIX, i, Reason.MISSING_NAME, "the item group has no name", **mark)
            for i in items
        ]
    if failures:
        first_item, (first_reason, _) = failures[0]
        rows = []
        for item, check in zip(items, checks, strict=True):
            if isinstance(check, tuple):
                rows.append(_skip(SEND_MATRIX, item, *check, **mark))
            else:
                holder = first_item.clean_sku or first_item.id
                held = f"held back: variant {holder} of the group"
                rows.append(_skip(SEND_MATRIX, item, first_reason, held, holder, **mark))
        return rows
    passed = [c for c in checks if not isinstance(c, tuple)]
    return [_group_row(group, name or group.name, passed, visible, mark)]


def _group_row(
    group: CloverItemGroup,
    name: str,
    variants: list[_Checked],
    visible: bool,
    mark: dict[str, Any],
) -> PlanRow:
    categories: dict[int, BcCategory] = {}
    for checked in variants:
        categories.update({c.id: c for c in checked.categories})
    first = variants[0]
    order = {attr: n for n, attr in enumerate(group.attributes)}
    body_variants = []
    for checked in variants:
        item = checked.item
        opts = sorted(item.options, key=lambda o: order.get(o.attribute, len(order)))
        body_variants.append(
            {
                "sku": item.clean_sku,
                "price": cents_to_decimal(item.price_cents),
                "weight": checked.weight,
                "inventory_level": checked.level,
                "option_values": [
                    {"option_display_name": o.attribute, "label": o.option} for o in opts
                ],
            }
        )
    body: dict[str, Any] = {
        "name": name,
        "type": "physical",
        "price": cents_to_decimal(min(v.item.price_cents for v in variants)),
        "weight": first.weight,
        "categories": sorted(categories),
        "inventory_tracking": "variant",
        "is_visible": visible,
        "variants": body_variants,
    }
    skus = [v.item.clean_sku for v in variants]
    log.debug("send-matrix: group %s will be created with %d variants", group.id, len(skus))
    return PlanRow(
        action=SEND_MATRIX,
        sku=None,
        outcome=Outcome.CREATE,
        clover_id=group.id,
        clover_name=name,
        changes={
            "name": (None, name),
            "variants": (None, skus),
            "categories": (None, [c.name for c in categories.values()]),
        },
        detail="1 variant" if len(skus) == 1 else f"{len(skus)} variants",
        payload=body,
        key=f"{SEND_MATRIX}:{group.id}",
        **mark,
    )
