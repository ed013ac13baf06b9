"""Reads both stores through the clients into a Snapshot (pages at each API's maximum)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from esync_desktop.connectors.paging import Ahead, keep
from esync_desktop.domain.catalog import (
    BadField,
    BcCategory,
    BcProduct,
    BcVariant,
    CloverItem,
    CloverItemGroup,
    CloverOption,
)
from esync_desktop.sync import reading_fields as f
from esync_desktop.sync.reading_fields import BadData, shown
from esync_desktop.sync.snapshot import Snapshot

log = logging.getLogger(__name__)


class CloverReader(Protocol):
    def iter_items(
        self, modified_since: int | None = None, expand: tuple[str, ...] = ...
    ) -> Iterable[dict[str, Any]]: ...
    def iter_item_stocks(self) -> Iterable[dict[str, Any]]: ...
    def iter_item_groups(self, expand: tuple[str, ...] = ...) -> Iterable[dict[str, Any]]: ...
    def iter_attributes(self) -> Iterable[dict[str, Any]]: ...
    def iter_options(self) -> Iterable[dict[str, Any]]: ...


class CloverCategoryReader(Protocol):
    def iter_categories(self) -> Iterable[dict[str, Any]]: ...


class BigCommerceReader(Protocol):
    def iter_products(self, include: tuple[str, ...] = ..., **filters: Any) -> Iterable[Any]: ...
    def iter_categories(self) -> Iterable[dict[str, Any]]: ...


# Clover cuts an expanded collection at its first 100 elements.
NESTED_MAX = 100


class Cancelled(Exception):
    """The cancel token was set; the engine stopped between two units of work."""


@dataclass(frozen=True)
class ReadNeeds:
    """Which parts of the stores a plan needs (a task without matrix actions skips groups)."""

    groups: bool = True
    categories: bool = True
    stocks: bool = True
    bigcommerce: bool = True
    # A delta run reads again from BigCommerce the products of the Clover items changed since
    # the last run, so a field edited on the web meanwhile is seen (update-products' conflicts).
    fresh_web: bool = False


def parse_clover_item(
    doc: object,
    option_names: Mapping[str, tuple[str, str]],
    stock: Mapping[str, Any] | None = None,
    position: int | None = None,
) -> CloverItem:
    """A Clover item document (expanded categories, itemStock, options) as a CloverItem.
    `option_names` maps option id -> (attribute name, option name); `stock` overrides the
    expanded itemStock with the item_stocks record (its modifiedTime is the stock's own).
    A field that cannot be read gives an item marked `bad` (never an exception); `position`
    is the item's place in Clover's list, to name an item that is not even an object."""
    if not isinstance(doc, dict):
        return _unreadable_item(BadData("item", doc).as_field(position))
    try:
        return _clover_item(doc, option_names, stock)
    except BadData as bad:
        return CloverItem(
            id=f.loose_text(doc, "id") or "",
            name=f.loose_text(doc, "name"),
            sku=f.loose_text(doc, "sku"),
            price_cents=0,
            stock=None,
            modified_ms=0,
            group_id=f.loose_ref(doc, "itemGroup"),
            bad=bad.as_field(),
        )


def _unreadable_item(bad: BadField) -> CloverItem:
    """A listing entry that is not an item at all. Its id is its place in the list ("#42"), so
    that two such entries stay two rows; it is never looked up or written."""
    place = "" if bad.position is None else f"#{bad.position + 1}"
    return CloverItem(
        id=place, name=None, sku=None, price_cents=0, stock=None, modified_ms=0, bad=bad
    )


def _clover_item(
    doc: Mapping[str, Any],
    option_names: Mapping[str, tuple[str, str]],
    stock: Mapping[str, Any] | None,
) -> CloverItem:
    stock_doc = f.record(stock if stock is not None else doc.get("itemStock"), "itemStock")
    options = []
    for option in f.elements(doc.get("options"), "options"):
        known = option_names.get(str(option.get("id")))
        if known is None:
            known = ("", f.text(option, "name", "options.name") or "")
        options.append(CloverOption(*known))
    # Interned: a hundred thousand items share a few dozen category names.
    categories = tuple(
        sys.intern(f.text(c, "name", "categories.name") or "")
        for c in f.elements(doc.get("categories"), "categories")
    )
    stock_ms: int | None = None
    level: Decimal | None = None
    if stock_doc is not None:
        # Absent quantity: never stocked (untracked), which is not zero.
        level = f.quantity(stock_doc, "quantity", "itemStock.quantity", f.QUANTITY_MAX)
        stock_ms = f.whole(stock_doc, "modifiedTime", "itemStock.modifiedTime", 0, f.EPOCH_MS_MAX)
    deleted = f.flag(doc, "deleted", "deleted", False)
    deleted_ms = f.whole(doc, "deletedTime", "deletedTime", 0, f.EPOCH_MS_MAX)
    return CloverItem(
        id=f.text(doc, "id", "id", required=True) or "",
        name=f.text(doc, "name", "name"),
        sku=f.text(doc, "sku", "sku"),
        price_cents=f.whole(doc, "price", "price", -f.INT64_MAX, f.INT64_MAX) or 0,
        stock=level,
        modified_ms=f.whole(doc, "modifiedTime", "modifiedTime", 0, f.EPOCH_MS_MAX, required=True)
        or 0,
        stock_modified_ms=stock_ms,
        available=f.flag(doc, "available", "available", True),
        hidden=f.flag(doc, "hidden", "hidden", False),
        deleted=deleted or bool(deleted_ms),
        description=f.text(doc, "description", "description") or None,
        categories=categories,
        group_id=f.ref(doc.get("itemGroup"), "itemGroup"),
        options=tuple(options),
        default_tax_rates=f.flag(doc, "defaultTaxRates", "defaultTaxRates", True),
    )


def parse_bc_product(doc: object, position: int | None = None) -> BcProduct:
    """A BigCommerce product (with its variants) as a BcProduct; a field that cannot be read
    gives a product marked `bad`, keeping whatever SKUs can be read so nothing is created over
    it."""
    if not isinstance(doc, dict):
        bad = BadData("product", doc).as_field(position)
        return BcProduct(id=0, name="", sku=None, price=Decimal(0), inventory_level=0, bad=bad)
    try:
        return _bc_product(doc)
    except BadData as bad:
        product_id = doc.get("id")
        return BcProduct(
            id=product_id if type(product_id) is int else 0,
            name=f.loose_text(doc, "name") or "",
            sku=f.loose_text(doc, "sku") or None,
            price=Decimal(0),
            inventory_level=0,
            variants=_salvaged_variants(doc),
            bad=bad.as_field(),
        )


def _bc_product(doc: Mapping[str, Any]) -> BcProduct:
    product_id = f.whole(doc, "id", "id", 1, f.INT64_MAX, required=True) or 0
    tracking = f.text(doc, "inventory_tracking", "inventory_tracking") or "none"
    if tracking not in _TRACKING:
        raise BadData("inventory_tracking", tracking)
    categories = doc.get("categories") or []
    if not isinstance(categories, list):
        raise BadData("categories", categories)
    return BcProduct(
        id=product_id,
        name=f.text(doc, "name", "name", required=True) or "",
        sku=f.text(doc, "sku", "sku") or None,
        price=f.amount(doc, "price", "price") or _ZERO,
        inventory_level=f.whole(doc, "inventory_level", "inventory_level", *_LEVELS) or 0,
        inventory_tracking=tracking,
        categories=tuple(
            f.whole({"c": c}, "c", f"categories[{n}]", 0, f.INT64_MAX, required=True) or 0
            for n, c in enumerate(categories)
        ),
        variants=tuple(
            _bc_variant(v, product_id, f"variants[{n}]")
            for n, v in enumerate(f.elements(doc.get("variants"), "variants"))
        ),
        description=f.text(doc, "description", "description") or "",
        weight=f.amount(doc, "weight", "weight"),
        is_visible=f.flag(doc, "is_visible", "is_visible", True),
        tax_class_id=f.whole(doc, "tax_class_id", "tax_class_id", 0, f.INT32_MAX) or 0,
        sale_price=f.amount(doc, "sale_price", "sale_price") or _ZERO,
        date_modified=f.text(doc, "date_modified", "date_modified") or "",
    )


_ZERO = Decimal(0)
_TRACKING = ("none", "product", "variant")
_LEVELS = (-f.INT32_MAX - 1, f.INT32_MAX)


def _bc_variant(doc: Mapping[str, Any], product_id: int, at: str) -> BcVariant:
    return BcVariant(
        id=f.whole(doc, "id", f"{at}.id", 1, f.INT64_MAX, required=True) or 0,
        product_id=f.whole(doc, "product_id", f"{at}.product_id", 1, f.INT64_MAX) or product_id,
        sku=f.text(doc, "sku", f"{at}.sku"),
        price=f.amount(doc, "price", f"{at}.price"),
        inventory_level=f.whole(doc, "inventory_level", f"{at}.inventory_level", *_LEVELS) or 0,
        option_values=tuple(
            (
                f.text(o, "option_display_name", f"{at}.option_values.option_display_name") or "",
                f.text(o, "label", f"{at}.option_values.label") or "",
            )
            for o in f.elements(doc.get("option_values"), f"{at}.option_values")
        ),
        sale_price=f.amount(doc, "sale_price", f"{at}.sale_price"),
    )


def _salvaged_variants(doc: Mapping[str, Any]) -> tuple[BcVariant, ...]:
    """The SKUs of a bad product's variants, and whether each has options: enough for the
    duplicate and already-in-BigCommerce rules."""
    variants = doc.get("variants")
    if not isinstance(variants, list):
        return ()
    found = []
    for v in variants:
        if isinstance(v, dict) and isinstance(v.get("sku"), str):
            options = (("", ""),) if v.get("option_values") else ()
            found.append(BcVariant(0, 0, v["sku"], None, 0, options))
    return tuple(found)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled


def read_bc_categories(bigcommerce: BigCommerceReader) -> list[BcCategory]:
    """Every category of the store's tree, flat (parent_id 0 at the top). A row that cannot be
    read is left out (and logged): no product can be put into it."""
    found = []
    for row in bigcommerce.iter_categories():
        try:
            if not isinstance(row, dict):
                raise BadData("category", row)
            category_id = f.whole(row, "id", "id", 1, f.INT64_MAX, required=True) or 0
            name = f.text(row, "name", "name") or ""
            parent = f.whole(row, "parent_id", "parent_id", 0, f.INT64_MAX) or 0
        except BadData as bad:
            log.warning("BigCommerce category left out: %s is %s", bad.field, shown(bad.value))
            continue
        found.append(BcCategory(category_id, name, parent))
    return found


def read_clover_categories(clover: CloverCategoryReader) -> list[str]:
    """The names of the merchant's Clover categories, as Clover spells them."""
    return [
        c["name"]
        for c in clover.iter_categories()
        if isinstance(c, dict) and isinstance(c.get("name"), str)
    ]


def _by_id(docs: Iterable[Any], what: str) -> dict[str, Mapping[str, Any]]:
    """Records by id; one without an object shape or an id is left out (and logged)."""
    found: dict[str, Mapping[str, Any]] = {}
    for doc in docs:
        key = doc.get("id") if isinstance(doc, dict) else None
        if isinstance(key, str) and key:
            found[key] = doc
        else:
            log.warning("Clover %s left out: %s", what, shown(doc))
    return found


def _group(doc: Mapping[str, Any], attributes: tuple[str, ...]) -> CloverItemGroup:
    group_id = str(doc["id"])
    try:
        return CloverItemGroup(group_id, f.text(doc, "name", "itemGroup.name") or "", attributes)
    except BadData as bad:
        return CloverItemGroup(group_id, "", attributes, bad=bad.as_field())


def _group_attributes(group: Mapping[str, Any], listed: list[str]) -> tuple[str, ...]:
    """The group's attribute names in the group's own order (its expanded `attributes`), which
    is the order its options are created in; `GET /attributes` (newest first) only fills in
    for a group whose expansion did not come back or came back cut at Clover's 100."""
    expanded = group.get("attributes")
    rows = expanded.get("elements") if isinstance(expanded, dict) else None
    if not isinstance(rows, list) or len(rows) >= NESTED_MAX:
        return tuple(listed)
    names = [f.loose_text(a, "name") or "" for a in rows if isinstance(a, dict)]
    rest = [n for n in listed if n not in names]
    return tuple(names + rest)


def read_snapshot(
    clover: CloverReader,
    bigcommerce: BigCommerceReader,
    needs: ReadNeeds = ReadNeeds(),
    cancel: threading.Event | None = None,
) -> Snapshot:
    """Both catalogues, in full. Clover's items are read whole (1000 a page) because the
    duplicate-SKU rule needs every SKU and Clover cannot search SKUs case-insensitively;
    the cursors decide what is eligible (docs/ENGINE.md)."""
    # Every listing starts at once, each in a thread of its own (the pacers keep each account
    # within its limits), so both stores are read side by side; they are still taken in order.
    expand = ("categories", "itemStock", "options")
    stock_records = Ahead(clover.iter_item_stocks, keep, name="stocks") if needs.stocks else None
    # Raw items wait for the stock records: a few pages of them at most.
    item_docs = Ahead(lambda: clover.iter_items(expand=expand), keep, name="items")
    products = (
        Ahead(
            lambda: bigcommerce.iter_products(include=("variants",)),
            lambda n, p: parse_bc_product(p, n),
            name="products",
        )
        if needs.bigcommerce
        else None
    )
    try:
        return _read(clover, bigcommerce, needs, cancel, stock_records, item_docs, products)
    finally:
        for listing in (stock_records, item_docs, products):
            if listing is not None:
                listing.close()


def _read(
    clover: CloverReader,
    bigcommerce: BigCommerceReader,
    needs: ReadNeeds,
    cancel: threading.Event | None,
    stock_records: Iterable[Any] | None,
    item_docs: Iterable[Any],
    product_listing: Iterable[BcProduct] | None,
) -> Snapshot:
    option_names: dict[str, tuple[str, str]] = {}
    groups: list[CloverItemGroup] = []
    # No item group, no attribute or option to read (an attribute belongs to a group): a store
    # without variants costs one call here.
    group_docs = (
        # Expanded with their attributes, in each group's own order (options are made in it).
        _by_id(clover.iter_item_groups(expand=("attributes",)), "item group")
        if needs.groups
        else {}
    )
    if group_docs:
        attributes = _by_id(clover.iter_attributes(), "attribute")
        for option_id, option in _by_id(clover.iter_options(), "option").items():
            attribute = attributes.get(f.loose_ref(option, "attribute") or "", {})
            option_names[option_id] = (
                f.loose_text(attribute, "name") or "",
                f.loose_text(option, "name") or "",
            )
        by_group: dict[str, list[str]] = {}
        for attribute in attributes.values():
            group_id = f.loose_ref(attribute, "itemGroup")
            if group_id:
                by_group.setdefault(group_id, []).append(f.loose_text(attribute, "name") or "")
        groups = [
            _group(g, _group_attributes(g, by_group.get(key, []))) for key, g in group_docs.items()
        ]
    _check(cancel)
    stocks: dict[str, Mapping[str, Any]] = {}
    if needs.stocks:
        for record in stock_records or ():
            item_id = f.loose_ref(record, "item")
            if item_id:
                stocks[item_id] = record
            else:
                log.warning("Clover stock record left out: %s", shown(record))
    _check(cancel)
    items = []
    for position, doc in enumerate(item_docs):
        stock: Mapping[str, Any] | None = None
        if needs.stocks and isinstance(doc, dict):
            # No item_stocks record: never stocked.
            stock = stocks.get(str(doc.get("id"))) or {}
        items.append(parse_clover_item(doc, option_names, stock, position))
    _check(cancel)
    products: list[BcProduct] = []
    categories: list[BcCategory] = []
    if needs.bigcommerce:
        products = list(product_listing or ())
        _check(cancel)
        if needs.categories:
            categories = read_bc_categories(bigcommerce)
    log.info(
        "read %d Clover items (%d groups), %d BigCommerce products, %d categories",
        len(items),
        len(groups),
        len(products),
        len(categories),
    )
    return Snapshot(
        clover_items=tuple(items),
        clover_groups=tuple(groups),
        bc_products=tuple(products),
        bc_categories=tuple(categories),
    )
