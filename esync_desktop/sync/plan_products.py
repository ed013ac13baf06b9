"""Planner of update-products: the owned fields of products that already exist in BigCommerce
(name, description, weight, categories, visibility, tax class) set to Clover's values.

Compared on every run (no cursor), like send-prices. Per field: the owner's rule
(domain/ownership.py) says whether Clover's value may be written at all, and the values both
stores had when the field was last synced (sync/last_synced.py) tell a one-sided change from a
change on both sides, which is a `conflict` row of its own and is not written. An item hidden
or not for sale in Clover is hidden on the web store (visibility = Clover's "active")."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from esync_desktop.domain import bigcommerce_limits as limits
from esync_desktop.domain.catalog import BcProduct, CloverItem, CloverItemGroup
from esync_desktop.domain.ownership import field_of_key
from esync_desktop.domain.sku import clean_name
from esync_desktop.sync.last_synced import (
    CONFLICT,
    SAME,
    SYNCED,
    WRITE,
    Baseline,
    item_key,
    judge,
    plain,
)
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.plan_create import bad_data, product_name
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot
from esync_desktop.sync.tax_classes import tax_class_for

log = logging.getLogger(__name__)

UPDATE_PRODUCTS = "update-products"
# Payload keys starting with "_" are bookkeeping (last_synced.SYNCED), never sent.


@dataclass(frozen=True)
class ProductsRead:
    """What update-products reads besides the catalogues: the last synced values."""

    baselines: Mapping[tuple[str, str], Baseline]


def plan_update_products(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Any, rules: Rules
) -> ActionPlan:
    read = snapshot.extras.get(UPDATE_PRODUCTS)
    baselines = read.baselines if isinstance(read, ProductsRead) else {}
    truncate = bool(options.get("truncate_long_names", False))
    names = {c.id: c.name for c in snapshot.bc_categories}
    rows: list[PlanRow] = []
    for item in snapshot.simple_items:
        rows.extend(_simple(item, snapshot, rules, baselines, truncate, names))
    for group in snapshot.clover_groups:
        items = snapshot.items_by_group.get(group.id, ())
        if items:
            rows.extend(_group(group, items, snapshot, rules, baselines, truncate, names))
    return ActionPlan(UPDATE_PRODUCTS, tuple(rows))


# SKUs a folded not_in_bigcommerce row names in its detail (its facts list them all).
FOLD_SHOWN = 10


def fold_missing(plan: ActionPlan, task_creates: bool) -> ActionPlan:
    """The items with no simple product on the web store are the create step's to make, not
    this step's to list one by one on every run. When the task creates products (it holds
    send-standard, whose rows say for each item whether it is made and why not), update-products
    drops its rows for them; otherwise they are one row (facts: `skus`, `count`) that says once
    how many there are and how to create them."""
    missing = [r for r in plan.rows if r.reason is Reason.NOT_IN_BIGCOMMERCE]
    if not missing or (len(missing) == 1 and not task_creates):
        return plan
    kept = tuple(r for r in plan.rows if r.reason is not Reason.NOT_IN_BIGCOMMERCE)
    if task_creates:
        return replace(plan, rows=kept)
    skus = [r.sku or r.clover_name or "" for r in missing]
    shown = ", ".join(skus[:FOLD_SHOWN]) + (
        f" and {len(skus) - FOLD_SHOWN} more" if len(skus) > FOLD_SHOWN else ""
    )
    folded = PlanRow(
        action=UPDATE_PRODUCTS,
        sku=None,
        outcome=Outcome.SKIP,
        reason=Reason.NOT_IN_BIGCOMMERCE,
        clover_name=f"{len(skus)} Clover items",
        detail=(
            f"{len(skus)} Clover items have no simple product with their SKU on the web store; "
            f"this step updates existing products only (a 'Create products' step makes them): "
            f"{shown}"
        ),
        facts={"skus": skus, "count": len(skus)},
    )
    return replace(plan, rows=(folded, *kept))


def _base(item: CloverItem, product: BcProduct | None) -> dict[str, Any]:
    return {
        "action": UPDATE_PRODUCTS,
        "sku": item.clean_sku,
        "clover_id": item.id,
        "clover_name": item.clean_name or item.name,
        "bc_id": None if product is None else product.id,
        "bc_name": None if product is None else product.name,
    }


def _skip(item: CloverItem, reason: Reason, detail: str, **extra: Any) -> PlanRow:
    return PlanRow(outcome=Outcome.SKIP, reason=reason, detail=detail, **_base(item, None), **extra)


def _simple(
    item: CloverItem,
    snapshot: Snapshot,
    rules: Rules,
    baselines: Mapping[tuple[str, str], Baseline],
    truncate: bool,
    names: Mapping[int, str],
) -> list[PlanRow]:
    if item.bad is not None:
        reason, detail, facts = bad_data(item.bad, "Clover")
        return [_skip(item, reason, detail, facts=dict(facts))]
    key = item.sku_key
    if key is None:
        return [_skip(item, Reason.MISSING_SKU, "no SKU")]
    if snapshot.is_duplicate(key):
        detail = f"SKU {item.clean_sku!r} is used by more than one item"
        return [_skip(item, Reason.DUPLICATE_SKU, detail)]
    match = snapshot.bc_match(key)
    if match is None or match.is_variant or match.product.has_options:
        detail = "no simple BigCommerce product has this SKU"
        return [_skip(item, Reason.NOT_IN_BIGCOMMERCE, detail)]
    product = match.product
    if product.bad is not None:
        reason, detail, facts = bad_data(product.bad, "BigCommerce", f"product {product.id}")
        return [_skip(item, reason, detail, facts=dict(facts))]
    notes: list[str] = []
    context = (product, snapshot, rules, truncate, notes)
    wanted = _wanted(item.clean_name, item.active, item.categories, item, *context)
    wanted["description"] = item.description or ""
    weight = rules.weight_for(item)
    if weight is not None:
        wanted["weight"] = weight
    return _rows(
        _base(item, product),
        item_key(item.clean_sku, item.id),
        item.modified_ms,
        product,
        wanted,
        rules,
        baselines,
        names,
        notes,
    )


def _group(
    group: CloverItemGroup,
    items: tuple[CloverItem, ...],
    snapshot: Snapshot,
    rules: Rules,
    baselines: Mapping[tuple[str, str], Baseline],
    truncate: bool,
    names: Mapping[int, str],
) -> list[PlanRow]:
    """A product with variants: its product-level fields from the item group."""
    products = {
        m.product.id: m.product
        for i in items
        if i.sku_key
        and not snapshot.is_duplicate(i.sku_key)
        and (m := snapshot.bc_match(i.sku_key)) is not None
        and m.is_variant
    }
    base: dict[str, Any] = {
        "action": UPDATE_PRODUCTS,
        "sku": None,
        "clover_id": group.id,
        "clover_name": clean_name(group.name) or group.name,
    }
    if len(products) != 1 or group.bad is not None or any(i.bad for i in items):
        # Not in BigCommerce, or its variants are spread over several products: nothing to
        # compare (the create and stock steps say why in their own rows).
        return []
    product = next(iter(products.values()))
    if product.bad is not None:
        return []
    base.update(bc_id=product.id, bc_name=product.name)
    notes: list[str] = []
    visible = any(i.active for i in items)
    categories = tuple(sorted({c for i in items for c in i.categories}))
    context = (product, snapshot, rules, truncate, notes)
    wanted = _wanted(clean_name(group.name), visible, categories, items[0], *context)
    changed_ms = max(i.modified_ms for i in items)
    return _rows(
        base,
        item_key(None, group.id),
        changed_ms,
        product,
        wanted,
        rules,
        baselines,
        names,
        notes,
    )


def _wanted(
    name: str | None,
    visible: bool,
    categories: tuple[str, ...],
    tax_item: CloverItem,
    product: BcProduct,
    snapshot: Snapshot,
    rules: Rules,
    truncate: bool,
    notes: list[str],
) -> dict[str, Any]:
    """The fields simple products and products with variants share: visibility (Clover's
    "active"), name, categories and tax class."""
    wanted: dict[str, Any] = {"is_visible": visible}
    final = _name(name, product, snapshot, truncate, notes)
    if final is not None:
        wanted["name"] = final
    _categories(categories, snapshot, rules, wanted, notes)
    tax = tax_class_for(tax_item, snapshot.clover_default_tax_rates, rules)
    if tax is not None:
        wanted["tax_class_id"] = tax
    return wanted


def _name(
    name: str | None, product: BcProduct, snapshot: Snapshot, truncate: bool, notes: list[str]
) -> str | None:
    if name is None:
        return None
    final, refused = product_name(name, truncate)
    if refused is not None:
        notes.append(f"name not sent: {refused.detail}")
        return None
    holder = snapshot.bc_by_name.get(limits.product_name_key(final))
    if holder is not None and holder.id != product.id:
        notes.append(f"name not sent: BigCommerce product {holder.id} has it")
        return None
    return final


def _categories(
    clover: tuple[str, ...],
    snapshot: Snapshot,
    rules: Rules,
    wanted: dict[str, Any],
    notes: list[str],
) -> None:
    """Categories are sent when at least one Clover category has a BigCommerce category; an
    item in no Clover category, or in none BigCommerce has, leaves the web's as they are."""
    if not clover:
        return
    found = snapshot.categories.match(clover, rules)
    if found:
        wanted["categories"] = [c.id for c in found]
    else:
        notes.append(f"categories not sent: no BigCommerce category named {', '.join(clover)}")


def _web_values(product: BcProduct) -> dict[str, Any]:
    return {
        "name": product.name,
        "description": product.description,
        "weight": product.weight,
        "categories": list(product.categories),
        "is_visible": product.is_visible,
        "tax_class_id": product.tax_class_id,
    }


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _rows(
    base: dict[str, Any],
    key: str,
    clover_ms: int,
    product: BcProduct,
    wanted: dict[str, Any],
    rules: Rules,
    baselines: Mapping[tuple[str, str], Baseline],
    names: Mapping[int, str],
    notes: list[str],
) -> list[PlanRow]:
    web = _web_values(product)
    body: dict[str, Any] = {}
    changes: dict[str, tuple[Any, Any]] = {}
    synced: list[list[Any]] = []
    conflicts: list[PlanRow] = []
    for field_key, new in wanted.items():
        name = field_of_key(field_key) or field_key
        old = web[field_key]
        if not rules.ownership.may_write(name, new, old):
            continue
        baseline = baselines.get((key, name))
        verdict = judge(new, old, baseline)
        if verdict == SAME:
            if baseline is None or baseline.clover != plain(new) or baseline.web != plain(old):
                synced.append([key, name, new, old])
        elif verdict == WRITE:
            body[field_key] = new
            changes[field_key] = _shown(field_key, old, new, names)
        elif verdict == CONFLICT:
            assert baseline is not None
            conflicts.append(_conflict(base, key, name, new, old, clover_ms, product, baseline))
    detail = "; ".join(notes)
    if synced:
        # Recorded by the apply: both stores agree now.
        body[SYNCED] = synced
    if changes:
        payload = {"id": product.id, **body}
        row = PlanRow(
            outcome=Outcome.UPDATE,
            changes=changes,
            payload=payload,
            key=f"{UPDATE_PRODUCTS}:{key}",
            detail=detail,
            **base,
        )
    else:
        row = PlanRow(
            outcome=Outcome.UNCHANGED,
            reason=Reason.UNCHANGED,
            detail=detail or "already equal",
            payload={SYNCED: synced} if synced else {},
            **base,
        )
    return [row, *conflicts]


def _shown(field_key: str, old: Any, new: Any, names: Mapping[int, str]) -> tuple[Any, Any]:
    if field_key == "categories":
        return (
            [names.get(c, str(c)) for c in old],
            [names.get(c, str(c)) for c in new],
        )
    return old, new


def _said(value: Any) -> str:
    shown = plain(value)
    return repr(shown) if isinstance(shown, str) else str(shown)


def _conflict(
    base: dict[str, Any],
    key: str,
    name: str,
    clover: Any,
    web: Any,
    clover_ms: int,
    product: BcProduct,
    baseline: Baseline,
) -> PlanRow:
    clover_time, web_time = _iso(clover_ms), product.date_modified
    detail = (
        f"{name.replace('_', ' ')} changed in both stores since the last sync ({baseline.at}): "
        f"Clover {_said(clover)} ({clover_time}), BigCommerce {_said(web)} ({web_time}); "
        "not written until you pick one"
    )
    return PlanRow(
        outcome=Outcome.SKIP,
        reason=Reason.CONFLICT,
        detail=detail,
        facts={
            "field": name,
            "item": key,
            "clover_value": clover,
            "web_value": web,
            "clover_time": clover_time,
            "web_time": web_time,
            "last_synced": baseline.at,
        },
        **base,
    )
