"""Reads both stores through the clients into a Snapshot (pages at each API's maximum)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from esync_desktop.domain.catalog import (
    BcCategory,
    BcProduct,
    BcVariant,
    CloverItem,
    CloverItemGroup,
    CloverOption,
)
from esync_desktop.domain.money import to_decimal
from esync_desktop.sync.snapshot import Snapshot

log = logging.getLogger(__name__)


class CloverReader(Protocol):
    def iter_items(
        self, modified_since: int | None = None, expand: tuple[str, ...] = ...
    ) -> Iterable[dict[str, Any]]: ...
    def iter_item_stocks(self) -> Iterable[dict[str, Any]]: ...
    def iter_item_groups(self) -> Iterable[dict[str, Any]]: ...
    def iter_attributes(self) -> Iterable[dict[str, Any]]: ...
    def iter_options(self) -> Iterable[dict[str, Any]]: ...


class CloverCategoryReader(Protocol):
    def iter_categories(self) -> Iterable[dict[str, Any]]: ...


class BigCommerceReader(Protocol):
    def iter_products(self, include: tuple[str, ...] = ..., **filters: Any) -> Iterable[Any]: ...
    def iter_categories(self) -> Iterable[dict[str, Any]]: ...


class Cancelled(Exception):
    """The cancel token was set; the engine stopped between two units of work."""


@dataclass(frozen=True)
class ReadNeeds:
    """Which parts of the stores a plan needs (a task without matrix actions skips groups)."""

    groups: bool = True
    categories: bool = True
    stocks: bool = True
    bigcommerce: bool = True


def _elements(value: object) -> list[dict[str, Any]]:
    """Clover wraps expanded to-many fields as {"elements": [...]}."""
    if isinstance(value, dict):
        value = value.get("elements", [])
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _ref(value: object) -> str | None:
    return str(value["id"]) if isinstance(value, dict) and value.get("id") else None


def _quantity(stock: object) -> Decimal | None:
    """Stock quantity; absent means never stocked (untracked), not zero."""
    if not isinstance(stock, dict) or stock.get("quantity") is None:
        return None
    # Clover sends a double; its decimal text is the value the merchant typed.
    return Decimal(str(stock["quantity"]))


def parse_clover_item(
    doc: Mapping[str, Any],
    option_names: Mapping[str, tuple[str, str]],
    stock: Mapping[str, Any] | None = None,
) -> CloverItem:
    """A Clover item document (expanded categories, itemStock, options) as a CloverItem.
    `option_names` maps option id -> (attribute name, option name); `stock` overrides the
    expanded itemStock with the item_stocks record (its modifiedTime is the stock's own)."""
    stock_doc = stock if stock is not None else doc.get("itemStock")
    options = []
    for option in _elements(doc.get("options")):
        attribute, name = option_names.get(str(option.get("id")), ("", option.get("name", "")))
        options.append(CloverOption(attribute, str(name)))
    stock_ms = stock_doc.get("modifiedTime") if isinstance(stock_doc, dict) else None
    return CloverItem(
        id=str(doc["id"]),
        name=doc.get("name"),
        sku=doc.get("sku"),
        price_cents=int(doc.get("price") or 0),
        stock=_quantity(stock_doc),
        modified_ms=int(doc.get("modifiedTime") or 0),
        stock_modified_ms=int(stock_ms) if stock_ms is not None else None,
        available=bool(doc.get("available", True)),
        hidden=bool(doc.get("hidden", False)),
        deleted=bool(doc.get("deleted", False) or doc.get("deletedTime")),
        description=doc.get("description") or None,
        categories=tuple(str(c.get("name", "")) for c in _elements(doc.get("categories"))),
        group_id=_ref(doc.get("itemGroup")),
        options=tuple(options),
    )


def _money(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def parse_bc_product(doc: Mapping[str, Any]) -> BcProduct:
    variants = tuple(
        BcVariant(
            id=int(v["id"]),
            product_id=int(v.get("product_id") or doc["id"]),
            sku=v.get("sku"),
            price=_money(v.get("price")),
            inventory_level=int(v.get("inventory_level") or 0),
            option_values=tuple(
                (str(o.get("option_display_name", "")), str(o.get("label", "")))
                for o in v.get("option_values") or []
            ),
        )
        for v in doc.get("variants") or []
    )
    return BcProduct(
        id=int(doc["id"]),
        name=str(doc.get("name", "")),
        sku=doc.get("sku") or None,
        price=_money(doc.get("price")) or Decimal(0),
        inventory_level=int(doc.get("inventory_level") or 0),
        inventory_tracking=str(doc.get("inventory_tracking") or "none"),
        categories=tuple(int(c) for c in doc.get("categories") or []),
        variants=variants,
    )


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled


def read_bc_categories(bigcommerce: BigCommerceReader) -> list[BcCategory]:
    """Every category of the store's tree, flat (parent_id 0 at the top)."""
    return [
        BcCategory(int(c["id"]), str(c.get("name", "")), int(c.get("parent_id") or 0))
        for c in bigcommerce.iter_categories()
    ]


def read_clover_categories(clover: CloverCategoryReader) -> list[str]:
    """The names of the merchant's Clover categories, as Clover spells them."""
    return [str(c.get("name") or "") for c in clover.iter_categories()]


def read_snapshot(
    clover: CloverReader,
    bigcommerce: BigCommerceReader,
    needs: ReadNeeds = ReadNeeds(),
    cancel: threading.Event | None = None,
) -> Snapshot:
    """Both catalogues, in full. Clover's items are read whole (1000 a page) because the
    duplicate-SKU rule needs every SKU and Clover cannot search SKUs case-insensitively;
    the cursors decide what is eligible (docs/ENGINE.md)."""
    option_names: dict[str, tuple[str, str]] = {}
    groups: list[CloverItemGroup] = []
    if needs.groups:
        attributes = {str(a["id"]): a for a in clover.iter_attributes()}
        for option in clover.iter_options():
            attribute = attributes.get(_ref(option.get("attribute")) or "", {})
            option_names[str(option["id"])] = (
                str(attribute.get("name", "")),
                str(option.get("name", "")),
            )
        by_group: dict[str, list[str]] = {}
        for attribute in attributes.values():
            group_id = _ref(attribute.get("itemGroup"))
            if group_id:
                by_group.setdefault(group_id, []).append(str(attribute.get("name", "")))
        groups = [
            CloverItemGroup(
                str(g["id"]), str(g.get("name") or ""), tuple(by_group.get(g["id"], ()))
            )
            for g in clover.iter_item_groups()
        ]
    _check(cancel)
    stocks: dict[str, dict[str, Any]] = {}
    if needs.stocks:
        for record in clover.iter_item_stocks():
            item_id = _ref(record.get("item"))
            if item_id:
                stocks[item_id] = record
    _check(cancel)
    items = []
    for doc in clover.iter_items(expand=("categories", "itemStock", "options")):
        stock: dict[str, Any] | None = None
        if needs.stocks:
            # No item_stocks record: never stocked.
            stock = stocks.get(str(doc.get("id"))) or {}
        items.append(parse_clover_item(doc, option_names, stock))
    _check(cancel)
    products: list[BcProduct] = []
    categories: list[BcCategory] = []
    if needs.bigcommerce:
        products = [parse_bc_product(p) for p in bigcommerce.iter_products(include=("variants",))]
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
