"""Clover items and item stocks: list/get/create/update/delete, bulk items, absolute stock."""

from __future__ import annotations

from typing import Any

from esync_desktop.sandbox.clover.common import (
    BASE,
    as_bool,
    as_float,
    as_int,
    as_str,
    empty_ok,
    id_list,
    json_body,
    ok,
    ref_id,
)
from esync_desktop.sandbox.clover.db import CloverDb, Doc, bad_request, invalid_id
from esync_desktop.sandbox.clover.query import (
    Collection,
    Expand,
    field_getter,
    list_response,
    parse_expand,
)
from esync_desktop.sandbox.clover.render import render_item, stock_count, stock_shape
from esync_desktop.sandbox.http import Request, Response, Router

PRICE_TYPES = ("FIXED", "VARIABLE", "PER_UNIT")
MAX_BULK = 1000
_STR_FIELDS = ("name", "alternateName", "code", "sku", "unitName", "colorCode")
_INT_FIELDS = ("price", "priceWithoutVat", "cost")
_BOOL_FIELDS = ("hidden", "available", "autoManage", "defaultTaxRates", "isRevenue")


def item_collection(db: CloverDb) -> Collection:
    # Look links up on every call: a reseed replaces db.links with fresh indexes.
    def stock_quantity(doc: Doc) -> Any:
        stock = db.stock(doc["id"])
        return None if stock is None else stock.get("quantity")

    def low_stock(doc: Doc) -> bool:
        stock = db.stock(doc["id"])
        threshold = None if stock is None else stock.get("stockAlertThreshold")
        return threshold is not None and stock is not None and stock["quantity"] <= threshold

    def tag_names(doc: Doc) -> list[str]:
        return [
            t["name"]
            for t in (db.get("tags", x) for x in db.links["tag_items"].lefts(doc["id"]))
            if t
        ]

    fields = {
        "lowStock": low_stock,
        "modifiedTime": field_getter("modifiedTime"),
        "hidden": field_getter("hidden"),
        "itemCode": field_getter("code"),
        "available": field_getter("available"),
        "option.id": lambda d: db.links["option_items"].lefts(d["id"]),
        "modifierGroup.id": lambda d: [],
        "autoManage": field_getter("autoManage"),
        "price": field_getter("price"),
        "id": field_getter("id"),
        "sku": field_getter("sku"),
        "defaultTaxRates": field_getter("defaultTaxRates"),
        "tags.id": lambda d: db.links["tag_items"].lefts(d["id"]),
        "alternateName": field_getter("alternateName"),
        "isRevenue": field_getter("isRevenue"),
        "tags.name": tag_names,
        "deleted": lambda d: bool(d.get("deleted")),
        "item.id": field_getter("id"),
        "name": field_getter("name"),
        "itemStock.quantity": stock_quantity,
        "itemGroup.id": field_getter("itemGroup.id"),
        "isAgeRestricted": lambda d: bool(d.get("isAgeRestricted")),
        "ageRestrictedType": field_getter("ageRestrictedObj.type"),
        "minimumAge": field_getter("ageRestrictedObj.minimumAge"),
    }
    return Collection("items", fields, sortable={"code": field_getter("code")})


def stock_collection() -> Collection:
    return Collection(
        "item_stocks",
        {
            "item.id": field_getter("item.id"),
            "quantity": field_getter("quantity"),
            "modifiedTime": field_getter("modifiedTime"),
        },
    )


def apply_item_fields(db: CloverDb, doc: Doc, body: Doc, *, creating: bool) -> None:
    """Copy the writable Item fields of a request body onto a document (partial update)."""
    for key in _STR_FIELDS:
        if key in body and body[key] is not None:
            doc[key] = as_str(body[key], key)
    for key in _INT_FIELDS:
        if key in body and body[key] is not None:
            doc[key] = as_int(body[key], key)
    for key in _BOOL_FIELDS:
        if key in body and body[key] is not None:
            doc[key] = as_bool(body[key], key)
    if body.get("priceType") is not None:
        if body["priceType"] not in PRICE_TYPES:
            raise bad_request(f"Invalid value for priceType: {body['priceType']}")
        doc["priceType"] = body["priceType"]
    if "isAgeRestricted" in body and body["isAgeRestricted"] is not None:
        doc["isAgeRestricted"] = as_bool(body["isAgeRestricted"], "isAgeRestricted")
    # An item joins a group only at creation and never moves (Clover ignores later changes).
    if creating and body.get("itemGroup") is not None:
        group_id = ref_id(body["itemGroup"])
        if group_id is None or db.live("item_groups", group_id) is None:
            raise bad_request("Invalid item group", str(group_id))
        doc["itemGroup"] = {"id": group_id}


def create_item(db: CloverDb, body: Doc, now: int | None = None) -> Doc:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("Item name is required")
    if body.get("price") is None and body.get("priceType") != "VARIABLE":
        raise bad_request("Item price is required")
    stamp = db.now() if now is None else now
    doc: Doc = {
        "id": db.new_id(),
        "hidden": False,
        "available": True,
        "autoManage": False,
        "name": name,
        "price": 0,
        "priceType": "FIXED",
        "defaultTaxRates": True,
        "isRevenue": True,
    }
    apply_item_fields(db, doc, body, creating=True)
    doc["modifiedTime"] = stamp
    doc["_created"] = stamp
    db.put("items", doc)
    if "itemGroup" in doc:
        db.items_by_group.setdefault(doc["itemGroup"]["id"], {})[doc["id"]] = None
    return doc


def update_item(db: CloverDb, doc: Doc, body: Doc) -> Doc:
    if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
        raise bad_request("Item name cannot be empty")
    apply_item_fields(db, doc, body, creating=False)
    doc["modifiedTime"] = max(db.now(), doc.get("modifiedTime", 0) + 1)
    db.put("items", doc)
    return doc


def delete_item(db: CloverDb, doc: Doc) -> None:
    now = db.now()
    doc["deleted"] = True
    doc["deletedTime"] = now
    doc["modifiedTime"] = now
    db.put("items", doc)


def set_stock(db: CloverDb, item: Doc, quantity: float, now: int | None = None) -> Doc:
    """Absolute stock write; leaves the item's modifiedTime alone unless autoManage flips it."""
    stamp = db.now() if now is None else now
    stock = db.stock(item["id"]) or {"item": {"id": item["id"]}, "_created": stamp}
    stock["quantity"] = float(quantity)
    stock["stockCount"] = stock_count(quantity)
    stock["modifiedTime"] = stamp
    db.put("item_stocks", stock)
    apply_auto_manage(db, item, quantity)
    return stock


def apply_auto_manage(db: CloverDb, item: Doc, quantity: float) -> None:
    """autoManage items become unavailable at 0 and available again from 1."""
    if not item.get("autoManage"):
        return
    available = item.get("available", True)
    if quantity <= 0 and available:
        item["available"] = False
    elif quantity >= 1 and not available:
        item["available"] = True
    else:
        return
    # Availability is an item attribute, so this change does show in the item's modifiedTime.
    item["modifiedTime"] = db.now()
    db.put("items", item)


def decrement_stock(db: CloverDb, item_id: str, by: float = 1.0) -> None:
    """A sale: when the merchant tracks and auto-updates stock, stocked items go down."""
    props = db.properties()
    if db.seeding or not (props.get("trackStock") and props.get("updateStock")):
        return
    item = db.live("items", item_id)
    stock = db.stock(item_id)
    if item is None or stock is None:
        return  # never-stocked items are untracked
    set_stock(db, item, stock["quantity"] - by)


def _item_or_404(db: CloverDb, item_id: str) -> Doc:
    doc = db.live("items", item_id)
    if doc is None:
        raise invalid_id()
    return doc


class Items:
    """Handlers bound to one CloverDb: items, bulk items and item stocks."""

    def __init__(self, db: CloverDb) -> None:
        self.db = db
        self.items = item_collection(db)
        self.stocks = stock_collection()

    def register(self, router: Router) -> None:
        one = f"{BASE}/items/{{itemId}}"
        stock = f"{BASE}/item_stocks/{{itemId}}"
        router.add("GET", f"{BASE}/items", self.list_items)
        router.add("POST", f"{BASE}/items", self.post_items)
        router.add("DELETE", f"{BASE}/items", self.delete_items)
        router.add("GET", one, self.get_item)
        router.add("POST", one, self.post_item)
        router.add("DELETE", one, self.delete_one)
        router.add("POST", f"{BASE}/bulk_items", self.bulk_create)
        router.add("PUT", f"{BASE}/bulk_items", self.bulk_update)
        router.add("GET", f"{BASE}/item_stocks", self.list_stocks)
        router.add("GET", stock, self.get_stock)
        router.add("POST", stock, self.post_stock)
        router.add("DELETE", stock, self.delete_stock)

    def _render(self, doc: Doc, expand: Expand) -> Doc:
        return render_item(self.db, doc, expand)

    def _item(self, request: Request) -> Doc:
        return _item_or_404(self.db, request.params["itemId"])

    # -- items ---------------------------------------------------------------------------------

    def list_items(self, request: Request) -> Response:
        return list_response(request, self.db, self.items, self._render)

    def post_items(self, request: Request) -> Response:
        made = create_item(self.db, json_body(request))
        return ok(self._render(made, parse_expand(request)))

    def delete_items(self, request: Request) -> Response:
        for item_id in id_list(request, "itemIds"):
            doc = self.db.live("items", item_id)
            if doc is not None:
                delete_item(self.db, doc)
        return empty_ok()

    def get_item(self, request: Request) -> Response:
        return ok(self._render(self._item(request), parse_expand(request)))

    def post_item(self, request: Request) -> Response:
        doc = self._item(request)
        body = json_body(request)
        return ok(self._render(update_item(self.db, doc, body), parse_expand(request)))

    def delete_one(self, request: Request) -> Response:
        delete_item(self.db, self._item(request))
        return empty_ok()

    # -- bulk items ----------------------------------------------------------------------------

    def _bulk_body(self, request: Request) -> list[Doc]:
        entries = json_body(request).get("items")
        if not isinstance(entries, list) or not entries:
            raise bad_request("items is required")
        if len(entries) > MAX_BULK:
            raise bad_request(f"At most {MAX_BULK} items per request")
        if not all(isinstance(e, dict) for e in entries):
            raise bad_request("items must be objects")
        return entries

    def bulk_create(self, request: Request) -> Response:
        entries = self._bulk_body(request)
        # Validate every entry first so a bad one does not leave half the batch created.
        for entry in entries:
            apply_item_fields(self.db, {}, entry, creating=True)
            if not isinstance(entry.get("name"), str) or not entry["name"].strip():
                raise bad_request("Item name is required")
        created = [create_item(self.db, entry) for entry in entries]
        return Response.json(200, [self._render(d, Expand([])) for d in created])

    def bulk_update(self, request: Request) -> Response:
        targets = []
        for entry in self._bulk_body(request):
            item_id = entry.get("id")
            doc = self.db.live("items", item_id) if isinstance(item_id, str) else None
            if doc is None:
                raise bad_request("invalid ID", str(item_id))
            apply_item_fields(self.db, dict(doc), entry, creating=False)
            targets.append((doc, entry))
        updated = [update_item(self.db, doc, entry) for doc, entry in targets]
        return Response.json(200, [self._render(d, Expand([])) for d in updated])

    # -- item stocks ---------------------------------------------------------------------------

    def list_stocks(self, request: Request) -> Response:
        def visible_item(doc: Doc) -> bool:
            return self.db.live("items", doc["item"]["id"]) is not None

        return list_response(
            request,
            self.db,
            self.stocks,
            lambda d, e: stock_shape(self.db, d["item"]["id"]),
            extra=visible_item,
            extra_reads=("items",),
        )

    def get_stock(self, request: Request) -> Response:
        return ok(stock_shape(self.db, self._item(request)["id"]))

    def post_stock(self, request: Request) -> Response:
        item = self._item(request)
        body = json_body(request)
        if body.get("quantity") is None:
            if body.get("stockCount") is None:
                raise bad_request("quantity is required")
            quantity = float(as_int(body["stockCount"], "stockCount"))
        else:
            quantity = as_float(body["quantity"], "quantity")
        stock = set_stock(self.db, item, quantity)
        if "stockAlertThreshold" in body:
            stock["stockAlertThreshold"] = as_float(body["stockAlertThreshold"], "threshold")
        return ok(stock_shape(self.db, item["id"]))

    def delete_stock(self, request: Request) -> Response:
        self.db.remove("item_stocks", self._item(request)["id"])
        return empty_ok()
