"""Planners of send-standard and send-matrix: which Clover items become new products."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from esync_desktop.domain import bigcommerce_limits as limits
from esync_desktop.domain.catalog import BadField, BcCategory, CloverItem, CloverItemGroup
from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.domain.plan import EMPTY
from esync_desktop.domain.sku import clean_name
from esync_desktop.sync.cursors import Cursor, content_hash, plain_hash
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot
from esync_desktop.sync.stock.web_level import created_level
from esync_desktop.sync.tax_classes import tax_class_for

log = logging.getLogger(__name__)

SEND_STANDARD = "send-standard"
SEND_MATRIX = "send-matrix"


class Refusal(NamedTuple):
    """Why an item is not created: its reason, in words, and as data."""

    reason: Reason
    detail: str
    facts: dict[str, Any] = {}


@dataclass(frozen=True)
class _Checked:
    """An item that passed every criterion, with what the product will carry."""

    item: CloverItem
    weight: Decimal
    level: int
    categories: list[BcCategory]
    # The mapped BigCommerce tax class (None: not mapped, BigCommerce's default applies).
    tax_class: int | None = None


def bad_data(bad: BadField, store: str, whose: str = "") -> Refusal:
    """The refusal of an item whose data (or whose matched product's) cannot be read."""
    where = f"{whose} " if whose else ""
    if bad.position is not None:
        detail = f"entry {bad.position + 1} of {store}'s list is {bad.value}, not a record"
    else:
        detail = f"{store} {where}{bad.field} is {bad.value}"
    facts: dict[str, Any] = {"store": store, "field": bad.field, "value": bad.value}
    if bad.position is not None:
        facts["position"] = bad.position
    return Refusal(Reason.BAD_DATA, detail, facts)


def _clover_bad(item: CloverItem) -> Refusal | None:
    return None if item.bad is None else bad_data(item.bad, "Clover")


def product_name(name: str, truncate: bool) -> tuple[str, Refusal | None]:
    """The name the product will get: a name over BigCommerce's limit is refused, or cut at a
    word boundary when the owner turned `truncate_long_names` on."""
    if len(name) <= limits.NAME_MAX:
        return name, None
    if truncate:
        return limits.truncate_name(name), None
    facts = {"length": len(name), "limit": limits.NAME_MAX}
    detail = f"the name has {len(name)} characters; BigCommerce takes at most {limits.NAME_MAX}"
    return name, Refusal(Reason.NAME_TOO_LONG, detail, facts)


# Names given by earlier creates of a plan: name key -> (Clover id, how to name it to people).
Claimed = dict[str, tuple[str, str]]


def name_taken(name: str, snapshot: Snapshot, claimed: Claimed) -> Refusal | None:
    """A name another BigCommerce product has, or an earlier create of this plan will have."""
    key = limits.product_name_key(name)
    holder = snapshot.bc_by_name.get(key)
    if holder is not None:
        detail = f"BigCommerce product {holder.id} ({holder.name!r}) has this name"
        return Refusal(Reason.NAME_IN_USE, detail, {"bc_id": holder.id, "bc_name": holder.name})
    other = claimed.get(key)
    if other is not None:
        detail = f"{other[1]} gets this name first in this sync"
        return Refusal(Reason.NAME_IN_USE, detail, {"clover_id": other[0]})
    return None


def _value_limits(item: CloverItem, weight: Decimal) -> Refusal | None:
    """SKU length, price and weight against BigCommerce's ranges."""
    sku = item.clean_sku or ""
    if len(sku) > limits.SKU_MAX:
        detail = f"the SKU has {len(sku)} characters; BigCommerce takes at most {limits.SKU_MAX}"
        return Refusal(Reason.SKU_TOO_LONG, detail, {"length": len(sku), "limit": limits.SKU_MAX})
    if item.price_cents > limits.PRICE_MAX_CENTS:
        price = cents_to_decimal(item.price_cents)
        detail = f"Clover price is {price}; the most BigCommerce is sent is {limits.PRICE_MAX}"
        facts = {"price": price, "limit": limits.PRICE_MAX}
        return Refusal(Reason.PRICE_OUT_OF_RANGE, detail, facts)
    if not weight.is_finite() or not 0 <= weight <= limits.WEIGHT_MAX:
        detail = f"the weight rule gives {weight}; BigCommerce takes 0 to {limits.WEIGHT_MAX}"
        facts = {"weight": weight, "limit": limits.WEIGHT_MAX}
        return Refusal(Reason.WEIGHT_OUT_OF_RANGE, detail, facts)
    return None


def _item_hash(item: CloverItem) -> str:
    return plain_hash(
        (
            item.name,
            item.sku,
            item.price_cents,
            str(item.stock),
            item.active,
            item.description,
            item.categories,
            item.group_id,
            tuple((o.attribute, o.option) for o in item.options),
        )
    )


def _check(item: CloverItem, snapshot: Snapshot, rules: Rules) -> Refusal | _Checked:
    """The create criteria after the cursor one, in the documented order: the first that
    fails is the item's one reason."""
    key = item.sku_key
    if key is None:
        return Refusal(Reason.MISSING_SKU, "the Clover item has no SKU")
    if snapshot.is_duplicate(key):
        detail = f"SKU {item.clean_sku!r} is used by more than one item"
        return Refusal(Reason.DUPLICATE_SKU, detail)
    match = snapshot.bc_match(key)
    if match is not None:
        what = "a variant of" if match.is_variant else "product"
        detail = f"{what} {match.product.name!r} has this SKU"
        return Refusal(Reason.ALREADY_IN_BIGCOMMERCE, detail)
    if not item.active:
        state = "deleted" if item.deleted else "hidden" if item.hidden else "not available"
        return Refusal(Reason.INACTIVE, f"the Clover item is {state}")
    if item.clean_name is None:
        return Refusal(Reason.MISSING_NAME, "the Clover item has no name")
    weight = rules.weight_for(item)
    if weight is None:
        detail = "no weight rule for this SKU, its categories or a default"
        # The categories a weight could be set for (the fix offers them).
        return Refusal(Reason.MISSING_WEIGHT, detail, {"categories": list(item.categories)})
    if item.stock is None:
        return Refusal(Reason.NO_STOCK_VALUE, "stock was never set in Clover")
    if item.stock < 0:
        return Refusal(Reason.NEGATIVE_STOCK, f"Clover stock is {item.stock}")
    if item.price_cents < 0:
        price = cents_to_decimal(item.price_cents)
        return Refusal(Reason.NEGATIVE_PRICE, f"Clover price is {price}")
    if not item.categories:
        return Refusal(Reason.NO_CATEGORY, "the Clover item is in no category")
    categories = snapshot.categories.match(item.categories, rules)
    if not categories:
        names = ", ".join(item.categories)
        detail = f"no BigCommerce category named {names}"
        facts = {"categories": list(item.categories)}
        return Refusal(Reason.CATEGORY_NOT_IN_BIGCOMMERCE, detail, facts)
    refused = _value_limits(item, weight)
    if refused is not None:
        return refused
    tax_class = tax_class_for(item, snapshot.clover_default_tax_rates, rules)
    level = created_level(item, item.stock, snapshot, rules)
    return _Checked(item, weight, level, categories, tax_class)


def skip_row(action: str, item: CloverItem, refusal: Refusal, **cursor: Any) -> PlanRow:
    reason, detail, refused = refusal
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s: %s skipped: %s (%s)", action, item.id, reason.value, detail)
    outcome = Outcome.UNCHANGED if reason is Reason.UNCHANGED else Outcome.SKIP
    # These two travel as the row's own fields, not among its facts.
    facts = dict(refused) if refused else EMPTY
    held_back_by = facts.pop("held_by", None) if facts else None
    categories = tuple(facts.pop("categories", ())) if facts else ()
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
        facts=facts or EMPTY,
        missing_categories=categories if missing else (),
        held_back_by=held_back_by,
        changes=EMPTY,
        payload=EMPTY,
        **cursor,
    )


_NOT_MODIFIED = Refusal(Reason.UNCHANGED, "not modified")


def plan_send_standard(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    """send-standard: one new simple product per eligible Clover item (not in a group)."""
    visible = bool(options.get("visible", True))
    truncate = bool(options.get("truncate_long_names", False))
    rows: list[PlanRow] = []
    claimed: Claimed = {}
    for item in snapshot.planned_simple_items:
        bad = _clover_bad(item)
        if bad is not None:
            # Before the cursor: shown on every run until fixed, and never moves the cursor.
            rows.append(skip_row(SEND_STANDARD, item, bad))
            continue
        digest = _item_hash(item)
        mark: dict[str, Any] = {
            "source_ms": item.changed_ms,
            "content_hash": digest,
            "cursor_key": item.id,
        }
        if not cursor.is_candidate(item.id, item.changed_ms, digest):
            rows.append(skip_row(SEND_STANDARD, item, _NOT_MODIFIED, **mark))
            continue
        checked = _check(item, snapshot, rules)
        if isinstance(checked, Refusal):
            rows.append(skip_row(SEND_STANDARD, item, checked, **mark))
            continue
        name, refused = product_name(checked.item.clean_name or "", truncate)
        refused = refused or name_taken(name, snapshot, claimed)
        if refused is not None:
            rows.append(skip_row(SEND_STANDARD, item, refused, **mark))
            continue
        claimed[limits.product_name_key(name)] = (item.id, f"Clover item {item.clean_sku}")
        rows.append(_create_row(checked, name, visible, mark))
    return ActionPlan(SEND_STANDARD, tuple(rows), cursor_after={"previous": cursor.to_json()})


def _create_row(checked: _Checked, name: str, visible: bool, mark: dict[str, Any]) -> PlanRow:
    item = checked.item
    price = cents_to_decimal(item.price_cents)
    body: dict[str, Any] = {
        "name": name,
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
        "name": (None, name),
        "sku": (None, item.clean_sku),
        "price": (None, price),
        "weight": (None, checked.weight),
        "inventory_level": (None, checked.level),
        "categories": (None, [c.name for c in checked.categories]),
    }
    if item.description:
        body["description"] = item.description
        changes["description"] = (None, item.description)
    if checked.tax_class is not None:
        body["tax_class_id"] = checked.tax_class
        changes["tax_class_id"] = (None, checked.tax_class)
    log.debug("send-standard: %s will be created as %s", item.id, item.clean_sku)
    facts: dict[str, Any] = {}
    detail = ""
    if name != item.clean_name:
        facts = {"truncated_from": len(item.clean_name or ""), "limit": limits.NAME_MAX}
        detail = f"name shortened to {len(name)} characters (BigCommerce's limit)"
    return PlanRow(
        action=SEND_STANDARD,
        sku=item.clean_sku,
        outcome=Outcome.CREATE,
        clover_id=item.id,
        clover_name=item.clean_name,
        changes=changes,
        payload=body,
        key=f"{SEND_STANDARD}:{item.sku_key}",
        detail=detail,
        facts=facts,
        **mark,
    )


def plan_send_matrix(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    """send-matrix: one product with options and variants per Clover item group, created whole
    or not at all."""
    visible = bool(options.get("visible", True))
    truncate = bool(options.get("truncate_long_names", False))
    rows: list[PlanRow] = []
    claimed: Claimed = {}
    for group in snapshot.planned_groups:
        items = snapshot.items_by_group.get(group.id, ())
        if items:
            plan = _plan_group(group, items, snapshot, cursor, rules, truncate, claimed)
            rows.extend(plan if isinstance(plan, list) else [_group_row(*plan, visible)])
    return ActionPlan(SEND_MATRIX, tuple(rows), cursor_after={"previous": cursor.to_json()})


def _held(
    rows_for: tuple[CloverItem, ...], checks: list[Refusal | None], **mark: Any
) -> list[PlanRow]:
    """Rows of a group that is not created: a variant that fails shows its own reason; every
    other variant the first one's, held back by it."""
    first = next(n for n, c in enumerate(checks) if c is not None)
    first_item, first_refusal = rows_for[first], checks[first]
    assert first_refusal is not None
    by = first_item.clean_sku or first_item.id
    held = Refusal(first_refusal.reason, f"held back: variant {by} of the group", {"held_by": by})
    return [
        skip_row(SEND_MATRIX, item, check if check is not None else held, **mark)
        for item, check in zip(rows_for, checks, strict=True)
    ]


def _options_fit(item: CloverItem) -> Refusal | None:
    for option in item.options:
        for text in (option.attribute, option.option):
            if len(text) > limits.OPTION_TEXT_MAX:
                detail = (
                    f"option {text[:40]!r}... has {len(text)} characters; BigCommerce takes "
                    f"at most {limits.OPTION_TEXT_MAX}"
                )
                facts = {"length": len(text), "limit": limits.OPTION_TEXT_MAX}
                return Refusal(Reason.OPTION_TOO_LONG, detail, facts)
    return None


def _plan_group(
    group: CloverItemGroup,
    items: tuple[CloverItem, ...],
    snapshot: Snapshot,
    cursor: Cursor,
    rules: Rules,
    truncate: bool,
    claimed: Claimed,
) -> list[PlanRow] | tuple[CloverItemGroup, str, list[_Checked], dict[str, Any]]:
    """The group's skip rows, or what its create row is made of."""
    if group.bad is not None:
        refusal = bad_data(group.bad, "Clover", "item group")
        return [skip_row(SEND_MATRIX, i, refusal) for i in items]
    bad = [_clover_bad(i) for i in items]
    if any(bad):
        return _held(items, bad)
    source_ms = max(i.changed_ms for i in items)
    digest = content_hash(group.name, group.attributes, [_item_hash(i) for i in items])
    mark: dict[str, Any] = {"source_ms": source_ms, "content_hash": digest, "cursor_key": group.id}
    if not cursor.is_candidate(group.id, source_ms, digest):
        return [skip_row(SEND_MATRIX, i, _NOT_MODIFIED, **mark) for i in items]
    name = clean_name(group.name)
    checks = [_check(i, snapshot, rules) for i in items]
    refusals = [
        c if isinstance(c, Refusal) else _options_fit(i) for i, c in zip(items, checks, strict=True)
    ]
    if name is None and not any(refusals):
        missing = Refusal(Reason.MISSING_NAME, "the item group has no name")
        return [skip_row(SEND_MATRIX, i, missing, **mark) for i in items]
    if any(refusals):
        return _held(items, refusals, **mark)
    final, refused = product_name(name or group.name, truncate)
    if refused is None and len(items) > limits.VARIANTS_MAX:
        detail = f"the group has {len(items)} variants; BigCommerce takes at most 600"
        facts = {"count": len(items), "limit": limits.VARIANTS_MAX}
        refused = Refusal(Reason.TOO_MANY_VARIANTS, detail, facts)
    refused = refused or name_taken(final, snapshot, claimed)
    if refused is not None:
        return [skip_row(SEND_MATRIX, i, refused, **mark) for i in items]
    claimed[limits.product_name_key(final)] = (group.id, f"Clover item group {group.id}")
    passed = [c for c in checks if isinstance(c, _Checked)]
    return group, final, passed, mark


def _group_row(
    group: CloverItemGroup,
    name: str,
    variants: list[_Checked],
    mark: dict[str, Any],
    visible: bool,
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
    if first.tax_class is not None:
        body["tax_class_id"] = first.tax_class
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
