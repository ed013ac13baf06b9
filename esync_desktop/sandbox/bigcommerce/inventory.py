"""Inventory API: items per location, settings, absolute and relative adjustments (§9)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import (
    INT_MAX,
    BcError,
    Doc,
    csv_arg,
    int_list,
    json_object,
    ok,
    to_int,
    v3_error,
)
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.fields import MISSING, TITLE
from esync_desktop.sandbox.bigcommerce.paging import pagination, v3_page
from esync_desktop.sandbox.http import Request, Response, Router

ADJUST_LIMIT = 2000
READ_LIMIT = 1000
IDENTIFIERS = ("sku", "variant_id", "product_id")

# (product, variant or None, stock target "p{id}" / "v{id}")
Item = tuple[Doc, Doc | None, str]


def transaction() -> Response:
    return Response.json(200, {"transaction_id": str(uuid.uuid4())})


class Inventory:
    def __init__(self, db: BcDb) -> None:
        self.db = db

    def register(self, router: Router) -> None:
        router.add("GET", "/v3/inventory/items", self.items)
        router.add("GET", "/v3/inventory/locations/{location_id}/items", self.location_items)
        router.add("PUT", "/v3/inventory/locations/{location_id}/items", self.settings)
        router.add("PUT", "/v3/inventory/adjustments/absolute", self.absolute)
        router.add("POST", "/v3/inventory/adjustments/relative", self.relative)

    # -- items ---------------------------------------------------------------------------------

    def _items_of(self, product: Doc) -> Iterator[Item]:
        if product["inventory_tracking"] == "product":
            base = product.get("base_variant_id")
            yield product, self.db.variant(base) if base else None, f"p{product['id']}"
            return
        for variant in self.db.variants_for(product["id"]):
            yield product, variant, f"v{variant['id']}"

    def _select(self, request: Request) -> list[Item]:
        db = self.db
        skus = csv_arg(request, "sku:in")
        pids = int_list(request, "product_id:in")
        vids = int_list(request, "variant_id:in")
        if skus is not None:
            found = [db.find_by_sku(s) for s in skus]
            candidates = sorted({f[0]["id"] for f in found if f is not None})
        elif vids is not None:
            candidates = sorted({v["product_id"] for v in db.docs(db.variants, vids)})
        else:
            candidates = sorted(set(pids)) if pids is not None else db.product_ids
        out = []
        wanted_skus = {s.lower() for s in skus} if skus is not None else None
        for product in db.docs(db.products, candidates):
            for item in self._items_of(product):
                if pids is not None and product["id"] not in pids:
                    continue
                variant_id = item[1]["id"] if item[1] is not None else None
                if vids is not None and variant_id not in vids:
                    continue
                if wanted_skus is not None and self._sku(item).lower() not in wanted_skus:
                    continue
                out.append(item)
        return out

    @staticmethod
    def _sku(item: Item) -> str:
        product, variant, _ = item
        return str(variant["sku"] if variant is not None else product["sku"])

    def _identity(self, item: Item, with_sku_id: bool) -> Doc:
        product, variant, _ = item
        identity: Doc = {"sku": self._sku(item), "product_id": product["id"]}
        if variant is not None:
            identity["variant_id"] = variant["id"]
            if with_sku_id and variant.get("sku_id") is not None:
                identity["sku_id"] = variant["sku_id"]
        return identity

    def _level(self, location_id: int, item: Item) -> Doc:
        onhand = self.db.onhand(location_id, item[2])
        doc = self.db.stock_doc(location_id, item[2]) or {}
        safety = int(doc.get("safety_stock", 0))
        return {
            "available_to_sell": max(onhand - safety, 0),
            "total_inventory_onhand": onhand,
            "settings": {
                "safety_stock": safety,
                "is_in_stock": bool(doc.get("is_in_stock", True)),
                "warning_level": int(doc.get("warning_level", 0)),
                "bin_picking_number": str(doc.get("bin_picking_number", "")),
            },
        }

    def items(self, request: Request) -> Response:
        page = v3_page(request, max_limit=READ_LIMIT)
        locations = [self.db.locations.rows[str(i)] for i in self.db.location_ids()]
        wanted = int_list(request, "location_id:in")
        codes = csv_arg(request, "location_code:in")
        locations = [
            loc
            for loc in locations
            if (wanted is None or loc["id"] in wanted) and (codes is None or loc["code"] in codes)
        ]
        rows = self._select(request)
        data = []
        for item in page.cut(rows):
            entries = []
            for loc in locations:
                entry = {
                    "location_id": loc["id"],
                    "location_code": loc["code"],
                    "location_name": loc["label"],
                    "location_enabled": loc["enabled"],
                }
                entry.update(self._level(loc["id"], item))
                entries.append(entry)
            data.append({"identity": self._identity(item, True), "locations": entries})
        return ok(data, {"pagination": pagination(request, page, len(rows), len(data))})

    def _location(self, request: Request) -> Doc:
        location = self.db.locations.get(to_int(request.params.get("location_id")) or 0)
        if location is None:
            raise v3_error(404, "Location not found")
        return location

    def location_items(self, request: Request) -> Response:
        location = self._location(request)
        page = v3_page(request, max_limit=READ_LIMIT)
        rows = self._select(request)
        data = [
            {"identity": self._identity(item, False), **self._level(location["id"], item)}
            for item in page.cut(rows)
        ]
        return ok(data, {"pagination": pagination(request, page, len(rows), len(data))})

    def settings(self, request: Request) -> Response:
        location = self._location(request)
        body = json_object(request)
        entries = body.get("settings")
        if not isinstance(entries, list):
            raise v3_error(422, TITLE, {"settings": MISSING})
        if len(entries) > ADJUST_LIMIT:
            raise self._too_many()
        planned = []
        for entry in entries:
            identity = entry.get("identity") if isinstance(entry, dict) else None
            try:
                item = self._resolve(identity if isinstance(identity, dict) else {})
            except _Problem as problem:
                raise v3_error(422, f"[{problem}]") from None
            planned.append((item, entry))
        for (product, variant, target), entry in planned:
            doc = self.db.stock_doc(location["id"], target)
            if doc is None:
                doc = self.db.set_onhand(
                    location["id"],
                    target,
                    0,
                    product_id=product["id"],
                    variant_id=variant["id"] if variant else None,
                    absolute=False,
                )
            for key, kind in (
                ("safety_stock", int),
                ("warning_level", int),
                ("is_in_stock", bool),
                ("bin_picking_number", str),
            ):
                if key in entry:
                    doc[key] = kind(entry[key])
            self.db.stock.touch(self.db.stock_key(location["id"], target))
        return transaction()

    # -- adjustments ---------------------------------------------------------------------------

    @staticmethod
    def _too_many() -> BcError:
        return v3_error(
            413,
            "The request payload is too large. "
            f"The maximum items allowed in the array is {ADJUST_LIMIT}.",
        )

    def _resolve(self, entry: Doc) -> Item:
        """The stock an identifier names, refusing one that does not fit the tracking mode."""
        given = [k for k in IDENTIFIERS if entry.get(k) is not None]
        if len(given) != 1:
            raise _Problem("Exactly one of sku, variant_id or product_id is required")
        key = given[0]
        value = entry[key]
        label = f"{key} {value}"
        if key == "product_id":
            product = self.db.product(to_int(value) or 0)
            if product is None:
                raise _Problem(f"Item with {label} does not exist")
            variant = None
            if product["inventory_tracking"] == "variant":
                raise _Problem(
                    f"Item with {label} is tracked by variant, please update stock by variant id"
                )
        elif key == "variant_id":
            variant = self.db.variant(to_int(value) or 0)
            if variant is None:
                raise _Problem(f"Item with {label} does not exist")
            product = self.db.products.rows[str(variant["product_id"])]
            if product["inventory_tracking"] == "product":
                raise _Problem(
                    f"Item with {label} is tracked by product, please update stock by product id"
                )
        else:
            found = self.db.find_by_sku(str(value))
            if found is None:
                raise _Problem(f"Item with {label} does not exist")
            product, variant = found
            if (
                product["inventory_tracking"] == "product"
                and variant is not None
                and not (self.db.is_base(variant))
            ):
                raise _Problem(
                    f"Item with {label} is tracked by product, please update stock by product id"
                )
        if product["inventory_tracking"] == "none":
            raise _Problem(f"Item with {label} does not track inventory")
        if product["inventory_tracking"] == "product":
            base = product.get("base_variant_id")
            return product, self.db.variant(base) if base else None, f"p{product['id']}"
        assert variant is not None
        return product, variant, f"v{variant['id']}"

    def _adjust(self, request: Request, *, relative: bool) -> Response:
        body = json_object(request)
        items = body.get("items")
        if not isinstance(items, list):
            raise v3_error(422, TITLE, {"items": MISSING})
        if len(items) > ADJUST_LIMIT:
            raise self._too_many()
        problems: list[str] = []
        planned: list[tuple[int, Item, int]] = []
        pending: dict[str, int] = {}
        for index, entry in enumerate(items):
            try:
                planned.append(self._plan(index, entry, relative, pending))
            except _Problem as problem:
                problems.append(str(problem))
        if problems:
            # Nothing is applied when any item is refused (§9.4 titles list the items).
            raise v3_error(422, "[" + ", ".join(problems) + "]")
        touched = set()
        for location_id, (product, variant, target), quantity in planned:
            self.db.set_onhand(
                location_id,
                target,
                quantity,
                product_id=product["id"],
                variant_id=variant["id"] if variant else None,
            )
            touched.add(product["id"])
        for pid in touched:
            self.db.touch_product(pid)
        return transaction()

    def _plan(
        self, index: int, entry: Any, relative: bool, pending: dict[str, int]
    ) -> tuple[int, Item, int]:
        if not isinstance(entry, dict):
            raise _Problem(f"items.{index} must be an object")
        location_id = to_int(entry.get("location_id"))
        quantity = to_int(entry.get("quantity"))
        if location_id is None or quantity is None or isinstance(entry.get("quantity"), str):
            raise _Problem(f"items.{index} needs an integer location_id and quantity")
        if location_id not in self.db.locations:
            raise _Problem(f"Location with id {location_id} does not exist")
        item = self._resolve(entry)
        key = self.db.stock_key(location_id, item[2])
        label = next(f"{k} {entry[k]}" for k in IDENTIFIERS if entry.get(k) is not None)
        if relative:
            doc = self.db.stock.get(key)
            if doc is None or not doc.get("absolute"):
                raise _Problem(
                    f"Items with identity: [{label}] requires absolute adjustment before relative"
                )
            current = pending.get(key, int(doc["quantity"]))
            new = current + quantity
            if new < int(doc.get("safety_stock", 0)):
                raise _Problem(f"Item with {label} cannot go below its safety stock")
        else:
            new = quantity
            if new < 0:
                raise _Problem(f"Item with {label} cannot be set to a negative quantity")
        if new > INT_MAX:
            raise _Problem(f"Item with {label} would exceed the maximum stock of {INT_MAX}")
        pending[key] = new
        return location_id, item, new

    def absolute(self, request: Request) -> Response:
        return self._adjust(request, relative=False)

    def relative(self, request: Request) -> Response:
        return self._adjust(request, relative=True)


class _Problem(Exception):
    """One refused item; all of them are reported together in one 422 title."""
