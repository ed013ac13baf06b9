"""The link table as the engine keeps it: which SKU is which object on each store, and the values
last written and last confirmed per field (storage/state/links.py; docs/ENGINE.md "Links")."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from esync_desktop.domain.catalog import CloverItem
from esync_desktop.domain.money import cents_to_decimal, same_amount
from esync_desktop.domain.plan import Outcome, PlanRow
from esync_desktop.domain.sku import name_key, sku_key
from esync_desktop.storage.state.base import WriteBehind
from esync_desktop.storage.state.links import (
    CONFIRMED,
    NO_LOCATION,
    WRITTEN,
    FieldMark,
    Link,
    LinkChange,
    LinkField,
    LinkRead,
    StagedRecords,
)
from esync_desktop.sync.link_records import BC_PRODUCT, Doc
from esync_desktop.sync.rules import stock_to_level
from esync_desktop.sync.snapshot import Snapshot

# The catalogue shows the level of the default location only (docs/ENGINE.md "Stock values").
DEFAULT_LOCATION = 1
PRICE = "price"
STOCK = "stock"
NAME = "name"
WEIGHT = "weight"
TRACKING = "inventory_tracking"


class LinkStore(Protocol):
    """What the engine uses of the state database's link table (StateDb has these)."""

    def links_get(self, scope: str, sku_keys: Iterable[str] | None = None) -> dict[str, Link]: ...
    def link_fields_get(
        self, scope: str, sku_keys: Iterable[str] | None = None
    ) -> dict[tuple[str, str, int], LinkField]: ...
    def link_records(self, scope: str, kind: str) -> dict[str, Any]: ...
    def link_record_texts(
        self, scope: str, kind: str, extracts: Sequence[str] = ()
    ) -> list[tuple[Any, ...]]: ...
    def link_read(self, scope: str, part: str) -> LinkRead | None: ...
    def links_write(self, scope: str, change: LinkChange) -> None: ...
    def links_write_behind(self, scope: str, change: LinkChange) -> WriteBehind: ...
    def records_staging(self, read_id: str) -> StagedRecords: ...


def now() -> datetime:
    return datetime.now(UTC)


def snapshot_links(snapshot: Snapshot, at: datetime) -> list[Link]:
    """A link for every SKU either store holds, from a full read of both."""
    return list(iter_links(snapshot, at))


def iter_links(snapshot: Snapshot, at: datetime) -> Iterator[Link]:
    """snapshot_links one at a time, in SKU key order."""
    first = _first_items(snapshot)
    by_sku = snapshot.bc_by_sku
    for key in sorted(first.keys() | by_sku.keys()):
        item = first.get(key)
        sku = (item.clean_sku or key) if item is not None else None
        clover_id = item.id if item is not None else None
        matches = by_sku.get(key)
        if matches is None:
            yield Link(key, sku or key, clover_id, checked_at=at)
            continue
        match = matches[0] if len(matches) == 1 else None
        variant = match.variant if match else None
        yield Link(
            key,
            sku
            or (variant.sku if variant else None)
            or (match.product.sku if match else None)
            or key,
            clover_id,
            match.product.id if match else None,
            variant.id if variant else None,
            at,
        )


def _first_items(snapshot: Snapshot) -> dict[str, CloverItem]:
    """The first readable Clover item of each SKU key, in listing order."""
    first: dict[str, CloverItem] = {}
    for item in snapshot.clover_items:
        key = item.sku_key
        if key is not None and item.bad is None and key not in first:
            first[key] = item
    return first


def confirmed_fields(
    snapshot: Snapshot, keys: Iterable[str] | None, at: datetime
) -> list[FieldMark]:
    """The values both stores hold alike (name, price, stock at the default location): what a
    read confirms as synced. A value that differs is not confirmed (it is drift or a change
    still to be sent)."""
    return list(iter_confirmed(snapshot, keys, at))


def iter_confirmed(
    snapshot: Snapshot, keys: Iterable[str] | None, at: datetime
) -> Iterator[FieldMark]:
    """confirmed_fields one at a time, in SKU key order."""
    wanted = None if keys is None else set(keys)
    first = _first_items(snapshot)
    for key in sorted(first):
        item = first[key]
        if (wanted is not None and key not in wanted) or snapshot.is_duplicate(key):
            continue
        match = snapshot.bc_match(key)
        if match is None or match.product.bad is not None:
            continue
        variant = match.variant
        price = match.product.price if variant is None or variant.price is None else variant.price
        if same_amount(item.price_cents, price):
            yield FieldMark(key, PRICE, str(cents_to_decimal(item.price_cents)), CONFIRMED, at=at)
        level = variant.inventory_level if variant else match.product.inventory_level
        if item.stock is not None and stock_to_level(item.stock) == level:
            yield FieldMark(key, STOCK, str(level), CONFIRMED, DEFAULT_LOCATION, at)
        if (
            variant is None
            and item.clean_name
            and name_key(item.clean_name) == name_key(match.product.name)
        ):
            yield FieldMark(key, NAME, item.clean_name, CONFIRMED, at=at)


def written_change(
    rows: Iterable[tuple[PlanRow, int | None]], products: Mapping[str, Doc]
) -> LinkChange:
    """What confirmed writes change: the values written per SKU and field, the links of new
    products, and the remembered BigCommerce records (so the next delta run plans from what the
    store now holds). `products` are the remembered product records by id."""
    at = now()
    change = LinkChange()
    edited: dict[str, Doc] = {}
    for row, bc_id in rows:
        key = sku_key(row.sku)
        payload = row.payload
        if row.outcome is Outcome.CREATE and bc_id is not None:
            _created(change, edited, row, bc_id, at)
            continue
        if row.action == "update-products" and "id" in payload:
            # The product's own fields as written (update-products' batch body; a group's row
            # has no SKU).
            body = {k: v for k, v in payload.items() if k != "id" and not k.startswith("_")}
            _edit(products, edited, {"product_id": payload["id"]}, bc_id, body)
        if key is None:
            continue
        if PRICE in payload and ("product_id" in payload or "variant_id" in payload):
            change.fields.append(FieldMark(key, PRICE, str(payload[PRICE]), WRITTEN, at=at))
            _edit(products, edited, payload, bc_id, {"price": _number(payload[PRICE])})
        if "quantity" in payload:
            location = int(payload.get("location_id") or DEFAULT_LOCATION)
            level = int(payload["quantity"])
            change.fields.append(FieldMark(key, STOCK, str(level), WRITTEN, location, at))
            if location == DEFAULT_LOCATION:
                _edit(products, edited, payload, bc_id, {"inventory_level": level})
        if "sale_price" in payload and ("product_id" in payload or "variant_id" in payload):
            _edit(products, edited, payload, bc_id, {"sale_price": _number(payload["sale_price"])})
        tracking = payload.get("tracking")
        if isinstance(tracking, dict):
            pid = str(tracking.get("id"))
            doc = edited.get(pid) or products.get(pid)
            if doc is not None:
                edited[pid] = {**doc, TRACKING: tracking.get(TRACKING)}
    if edited:
        change.records[BC_PRODUCT] = dict(edited)
    return change


def _number(value: Any) -> Any:
    # Stored as BigCommerce sends it: a JSON number (reading.py's amount() takes int or str too).
    return str(value)


def _edit(
    products: Mapping[str, Doc],
    edited: dict[str, Doc],
    payload: Mapping[str, Any],
    bc_id: int | None,
    values: Mapping[str, Any],
) -> None:
    """Apply a written value to the remembered product (or its variant). A variant's row
    carries its product's id as `bc_id`."""
    variant_id = payload.get("variant_id")
    product_id = str(payload.get("product_id") or bc_id)
    doc = edited.get(product_id) or products.get(product_id)
    if doc is None:
        return
    doc = dict(doc)
    listed = doc.get("variants")
    variants = listed if isinstance(listed, list) else []
    if variant_id is None:
        doc.update(values)
        # A simple product's base variant carries the same values.
        doc["variants"] = [
            {**v, **values} if isinstance(v, dict) and not v.get("option_values") else v
            for v in variants
        ]
    else:
        doc["variants"] = [
            {**v, **values} if isinstance(v, dict) and v.get("id") == variant_id else v
            for v in variants
        ]
    edited[product_id] = doc


def _created(
    change: LinkChange, edited: dict[str, Doc], row: PlanRow, bc_id: int, at: datetime
) -> None:
    """A product this run created: remembered from what was sent. Its variants' ids are not
    known yet: the next delta run looks those SKUs up (`sku:in`) before writing to them."""
    payload = row.payload
    variants = payload.get("variants") or []
    doc: Doc = {
        "id": bc_id,
        "name": payload.get("name"),
        "sku": payload.get("sku"),
        "price": str(payload.get("price", "0")),
        "inventory_level": int(payload.get("inventory_level") or 0),
        "inventory_tracking": payload.get("inventory_tracking")
        or ("variant" if variants else "none"),
        "categories": list(payload.get("categories") or []),
    }
    if not variants:
        edited[str(bc_id)] = doc
    for sku in [payload.get("sku")] if not variants else [v.get("sku") for v in variants]:
        key = sku_key(sku)
        if key is None:
            continue
        clover_id = row.clover_id if not variants else None
        change.links.append(Link(key, str(sku).strip(), clover_id, bc_id, None, at))
    if not variants:
        key = sku_key(payload.get("sku"))
        if key is not None:
            for field, value in (
                (NAME, payload.get("name")),
                (PRICE, payload.get("price")),
                (WEIGHT, payload.get("weight")),
            ):
                if value is not None:
                    change.fields.append(FieldMark(key, field, str(value), WRITTEN, at=at))
            change.fields.append(
                FieldMark(key, STOCK, str(doc["inventory_level"]), WRITTEN, DEFAULT_LOCATION, at)
            )
    for variant in variants:
        key = sku_key(variant.get("sku"))
        if key is None:
            continue
        for field in (PRICE, WEIGHT):
            if variant.get(field) is not None:
                change.fields.append(FieldMark(key, field, str(variant[field]), WRITTEN, at=at))
        if variant.get("inventory_level") is not None:
            change.fields.append(
                FieldMark(
                    key, STOCK, str(variant["inventory_level"]), WRITTEN, DEFAULT_LOCATION, at
                )
            )


__all__ = [
    "NO_LOCATION",
    "LinkStore",
    "confirmed_fields",
    "iter_confirmed",
    "iter_links",
    "snapshot_links",
    "written_change",
]
