"""send-matrix for an item group whose product is already in BigCommerce: each Clover item of
the group that BigCommerce lacks becomes a new variant of that product, with the option values
it needs (the missing ones are created first). Every other group is planned by plan_create."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from esync_desktop.domain import bigcommerce_limits as limits
from esync_desktop.domain.catalog import BcProduct, CloverItem, CloverItemGroup
from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.sync.cursors import Cursor, content_hash
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.plan_create import (
    _NOT_MODIFIED,
    SEND_MATRIX,
    Refusal,
    _check,
    _Checked,
    _clover_bad,
    _item_hash,
    _options_fit,
    plan_send_matrix,
    skip_row,
)
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot

# Marks a send-matrix payload that adds one variant to an existing product (sync/journal.py
# and sync/apply.py tell the two kinds of create apart by it).
VARIANT = "variant"


def is_variant_create(payload: Mapping[str, Any]) -> bool:
    return isinstance(payload.get(VARIANT), Mapping)


def variant_key(sku_key: str) -> str:
    return f"{SEND_MATRIX}:{VARIANT}:{sku_key}"


def existing_product(items: tuple[CloverItem, ...], snapshot: Snapshot) -> BcProduct | None:
    """The one BigCommerce product with options that the group's items already are variants
    of, when some item of the group is not in BigCommerce yet (None otherwise)."""
    products: dict[int, BcProduct] = {}
    new = 0
    for item in items:
        key = item.sku_key
        if key is None:
            continue
        found = snapshot.bc_by_sku.get(key, [])
        if not found:
            new += 1
        for match in found:
            products[match.product.id] = match.product
    if len(products) != 1 or not new:
        return None
    (product,) = products.values()
    return product if product.has_options and product.bad is None else None


class _Options:
    """The product's options as its variants show them: display names and labels (folded ->
    as BigCommerce spells them), and the value combinations already taken."""

    def __init__(self, product: BcProduct) -> None:
        self.names: dict[str, str] = {}
        self.labels: dict[str, dict[str, str]] = {}
        self.taken: dict[frozenset[tuple[str, str]], str] = {}
        for variant in product.variants:
            combo = []
            for name, label in variant.option_values:
                folded = name.casefold()
                self.names.setdefault(folded, name)
                self.labels.setdefault(folded, {}).setdefault(label.casefold(), label)
                combo.append((folded, label.casefold()))
            if combo:
                self.taken[frozenset(combo)] = variant.sku or str(variant.id)

    def claim(self, values: list[dict[str, str]], holder: str) -> None:
        """An earlier row of this plan takes these values (and makes its new labels)."""
        combo = []
        for value in values:
            name, label = value["option_display_name"].casefold(), value["label"]
            self.labels[name].setdefault(label.casefold(), label)
            combo.append((name, label.casefold()))
        self.taken[frozenset(combo)] = holder

    def check(self, item: CloverItem) -> Refusal | None:
        have = {o.attribute.casefold() for o in item.options}
        if have != set(self.names):
            facts = {
                "options": sorted(self.names.values()),
                "clover_attributes": sorted(o.attribute for o in item.options),
            }
            detail = (
                f"the BigCommerce product's options are {', '.join(facts['options']) or 'none'}"
                f"; this item has {', '.join(facts['clover_attributes']) or 'none'}"
            )
            return Refusal(Reason.OPTION_MISMATCH, detail, facts)
        combo = frozenset((o.attribute.casefold(), o.option.casefold()) for o in item.options)
        holder = self.taken.get(combo)
        if holder is not None:
            detail = f"variant {holder} of the BigCommerce product has the same option values"
            return Refusal(Reason.OPTION_MISMATCH, detail, {"variant": holder})
        return None

    def values(
        self, item: CloverItem, order: Mapping[str, int]
    ) -> tuple[list[dict[str, str]], list[str]]:
        """The variant's option values in BigCommerce's spelling (in the group's attribute
        order), and the values the product lacks ("Size: XL")."""
        out, new = [], []
        for option in sorted(item.options, key=lambda o: order.get(o.attribute, len(order))):
            name = self.names[option.attribute.casefold()]
            label = self.labels[option.attribute.casefold()].get(option.option.casefold())
            if label is None:
                label = option.option
                new.append(f"{name}: {label}")
            out.append({"option_display_name": name, "label": label})
        return out, new


def _variant_row(
    checked: _Checked,
    product: BcProduct,
    values: list[dict[str, str]],
    new: list[str],
    mark: dict[str, Any],
) -> PlanRow:
    item = checked.item
    price = cents_to_decimal(item.price_cents)
    body = {
        "sku": item.clean_sku,
        "price": price,
        "weight": checked.weight,
        "inventory_level": checked.level,
        "option_values": values,
    }
    shown = ", ".join(f"{v['option_display_name']} {v['label']}" for v in values)
    detail = f"new variant of {product.name!r} ({shown})"
    if new:
        detail += "; new option value(s): " + ", ".join(new)
    return PlanRow(
        action=SEND_MATRIX,
        sku=item.clean_sku,
        outcome=Outcome.CREATE,
        clover_id=item.id,
        clover_name=item.clean_name,
        bc_id=product.id,
        bc_name=product.name,
        changes={
            "variant": (None, item.clean_sku),
            "options": (None, shown),
            "price": (None, price),
            "weight": (None, checked.weight),
            "inventory_level": (None, checked.level),
        },
        detail=detail,
        facts={"product_id": product.id, "new_values": new},
        payload={"product_id": product.id, "product_name": product.name, VARIANT: body},
        key=variant_key(item.sku_key or ""),
        **mark,
    )


def _plan_extension(
    group: CloverItemGroup,
    items: tuple[CloverItem, ...],
    product: BcProduct,
    snapshot: Snapshot,
    cursor: Cursor,
    rules: Rules,
) -> list[PlanRow]:
    """One row per item: a create for each new variant that passes the criteria, the others
    skipped with their own reason (a new variant never waits for another)."""
    source_ms = max(i.changed_ms for i in items)
    digest = content_hash(group.name, group.attributes, [_item_hash(i) for i in items])
    mark: dict[str, Any] = {"source_ms": source_ms, "content_hash": digest, "cursor_key": group.id}
    if not cursor.is_candidate(group.id, source_ms, digest):
        return [skip_row(SEND_MATRIX, i, _NOT_MODIFIED, **mark) for i in items]
    options = _Options(product)
    order = {attr: n for n, attr in enumerate(group.attributes)}
    count = len(product.variants)
    rows: list[PlanRow] = []
    for item in items:
        checked = _check(item, snapshot, rules)
        refusal = checked if isinstance(checked, Refusal) else _options_fit(item)
        refusal = refusal or options.check(item)
        if refusal is None and count >= limits.VARIANTS_MAX:
            detail = f"the product has {count} variants; BigCommerce takes at most 600"
            facts = {"count": count + 1, "limit": limits.VARIANTS_MAX}
            refusal = Refusal(Reason.TOO_MANY_VARIANTS, detail, facts)
        if refusal is not None or not isinstance(checked, _Checked):
            assert refusal is not None
            rows.append(skip_row(SEND_MATRIX, item, refusal, **mark))
            continue
        values, new = options.values(item, order)
        count += 1
        rows.append(_variant_row(checked, product, values, new, mark))
        # A later item of this plan with the same values is refused, not sent to a 409.
        options.claim(values, item.clean_sku or item.id)
    return rows


def plan_send_matrix_with_variants(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    """send-matrix: new products for new groups (plan_create), new variants for groups whose
    product BigCommerce already has."""
    extended: list[PlanRow] = []
    rest: list[CloverItemGroup] = []
    for group in snapshot.clover_groups:
        items = snapshot.items_by_group.get(group.id, ())
        product = existing_product(items, snapshot) if items and group.bad is None else None
        if product is None or any(_clover_bad(i) for i in items):
            rest.append(group)
            continue
        extended.extend(_plan_extension(group, items, product, snapshot, cursor, rules))
    if not extended:
        return plan_send_matrix(snapshot, options, cursor, rules)
    # Only when some group is extended: the indexes of a replaced snapshot are built anew.
    plan = plan_send_matrix(replace(snapshot, clover_groups=tuple(rest)), options, cursor, rules)
    return replace(plan, rows=plan.rows + tuple(extended))
