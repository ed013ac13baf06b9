"""Clover orders: custom orders, line items, line and order discounts, order deletion."""

from __future__ import annotations

from typing import Any

from esync_desktop.sandbox.clover.common import (
    BASE,
    as_bool,
    as_int,
    as_str,
    empty_ok,
    json_body,
    ok,
    ref_id,
)
from esync_desktop.sandbox.clover.db import DAY_MS, CloverDb, Doc, bad_request, not_found
from esync_desktop.sandbox.clover.inventory import decrement_stock
from esync_desktop.sandbox.clover.query import (
    Collection,
    Condition,
    Expand,
    Query,
    created,
    field_getter,
    href,
    list_response,
    nested,
    parse_expand,
    public,
)
from esync_desktop.sandbox.clover.render import render_payment
from esync_desktop.sandbox.http import Request, Response, Router

MAX_LINES = 3000
MAX_BULK_LINES = 100
# Filtering orders on any of these limits the result to the last 90 days (May 2023 changelog).
WINDOWED_FIELDS = frozenset(
    {
        "deletedTime",
        "externalReferenceId",
        "createdTime",
        "total",
        "payType",
        "title",
        "note",
        "state",
        "manualTransaction",
        "cardTransaction.last4",
        "testMode",
        "touched",
    }
)
_ORDER_STR = ("title", "note", "externalReferenceId", "currency", "payType", "state")
_ORDER_BOOL = ("taxRemoved", "testMode", "manualTransaction", "groupLineItems", "isVat")
_ORDER_FILTERS = [
    "employee.id",
    "note",
    "modifiedTime",
    "orderType",
    "touched",
    "cardTransaction.last4",
    "manualTransaction",
    "employee.name",
    "title",
    "device.id",
    "externalReferenceId",
    "clientCreatedTime",
    "total",
    "payType",
    "testMode",
    "createdTime",
    "id",
    "state",
    "deletedTime",
]


def order_collection() -> Collection:
    fields = {name: field_getter(name) for name in _ORDER_FILTERS}
    fields["orderType"] = field_getter("orderType.id")
    fields["createdTime"] = created
    return Collection(
        "orders",
        fields,
        # Orders without a state are drafts: fetchable by id, never listed.
        visible=lambda d: d.get("state") is not None and not d.get("deletedTime"),
        reveal_fields=frozenset(),
    )


def window_days(db: CloverDb, query: Query, fields: frozenset[str] | None, days: int = 90) -> None:
    """Clover's 90-day rule: add `createdTime >= now - 90 days` when the rule applies."""
    if fields is not None and not (query.filter_fields & fields):
        return
    since = db.now() - days * DAY_MS
    query.conditions.append(Condition("createdTime", ">=", [str(since)], created))


def order_or_404(db: CloverDb, order_id: str) -> Doc:
    doc = db.get("orders", order_id)
    if doc is None or doc.get("deletedTime"):
        raise not_found("Order")
    return doc


def order_lines(db: CloverDb, order_id: str) -> list[Doc]:
    rows = db.t["line_items"].rows
    return [rows[i] for i in db.lines_by_order.get(order_id, {}) if i in rows]


def item_tax_rates(db: CloverDb, item: Doc | None) -> list[Doc]:
    """Default rates for defaultTaxRates items and ad-hoc lines, else the item's linked rates."""
    if item is not None and not item.get("defaultTaxRates", True):
        ids = db.links["tax_rate_items"].lefts(item["id"])
        return [r for r in (db.live("tax_rates", i) for i in ids) if r]
    return [r for r in db.t["tax_rates"].rows.values() if r.get("isDefault")]


def render_line(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    if expand.has("discounts"):
        out["discounts"] = nested(doc.get("_discounts", []))
    if expand.has("modifications"):
        out["modifications"] = nested(doc.get("_modifications", []))
    if expand.has("taxRates"):
        out["taxRates"] = nested(public(r) for r in line_rates(db, doc))
    return out


def line_rates(db: CloverDb, line: Doc) -> list[Doc]:
    if "_taxRates" in line:
        return [r for r in (db.get("tax_rates", i) for i in line["_taxRates"]) if r]
    item_id = ref_id(line.get("item"))
    return item_tax_rates(db, db.get("items", item_id) if item_id else None)


def render_order(db: CloverDb, doc: Doc, expand: Expand, request: Request) -> Doc:
    out = public(doc)
    out["href"] = href(request, f"/v3/merchants/{db.merchant_id}/orders/{doc['id']}")
    if expand.has("lineItems"):
        child = expand.child("lineItems")
        out["lineItems"] = nested(render_line(db, ln, child) for ln in order_lines(db, doc["id"]))
    if expand.has("discounts"):
        out["discounts"] = nested(doc.get("_discounts", []))
    if expand.has("payments"):
        pays = db.payments_by_order.get(doc["id"], {})
        out["payments"] = nested(
            render_payment(db, db.t["payments"].rows[p], expand.child("payments")) for p in pays
        )
    if expand.has("refunds"):
        refunds = [r for r in db.t["refunds"].rows.values() if r["orderRef"]["id"] == doc["id"]]
        out["refunds"] = nested(public(r) for r in refunds)
    if expand.has("credits"):
        credits = [c for c in db.t["credits"].rows.values() if c["orderRef"]["id"] == doc["id"]]
        out["credits"] = nested(public(c) for c in credits)
    if expand.has("customers"):
        out["customers"] = {"elements": []}
    return out


def apply_order_fields(doc: Doc, body: Doc) -> None:
    for key in _ORDER_STR:
        if key in body:
            doc[key] = None if body[key] is None else as_str(body[key], key)
    if doc.get("state") is None:
        doc.pop("state", None)
    for key in _ORDER_BOOL:
        if body.get(key) is not None:
            doc[key] = as_bool(body[key], key)
    if body.get("total") is not None:
        doc["total"] = as_int(body["total"], "total")
    if body.get("orderType") is not None:
        type_id = ref_id(body["orderType"])
        if type_id is None:
            raise bad_request("Invalid orderType")
        doc["orderType"] = {"id": type_id}
    if body.get("clientCreatedTime") is not None:
        doc["clientCreatedTime"] = as_int(body["clientCreatedTime"], "clientCreatedTime")


def new_order(db: CloverDb, body: Doc, now: int | None = None) -> Doc:
    stamp = db.now() if now is None else now
    doc: Doc = {
        "id": db.new_id(),
        "currency": "USD",
        "taxRemoved": False,
        "isVat": False,
        "manualTransaction": False,
        "groupLineItems": True,
        "testMode": False,
        "createdTime": stamp,
        "clientCreatedTime": stamp,
        "modifiedTime": stamp,
    }
    apply_order_fields(doc, body)
    db.put("orders", doc)
    return doc


def check_discount(body: Any, *, order_level: bool) -> Doc:
    """A discount as Clover stores it: `amount` (negative cents) or a whole `percentage`."""
    if not isinstance(body, dict):
        raise bad_request("invalid_discount_attribute")
    out: Doc = {"name": as_str(body.get("name") or "Discount", "name")}
    if body.get("amount") is not None:
        amount = as_int(body["amount"], "amount")
        if amount > 0:
            raise bad_request("Discount amount must be negative")
        out["amount"] = amount
    elif body.get("percentage") is not None:
        out["percentage"] = as_int(body["percentage"], "percentage")
    elif body.get("percentageDecimal") is not None:
        out["percentageDecimal"] = as_int(body["percentageDecimal"], "percentageDecimal")
    else:
        raise bad_request("Discount needs amount or percentage")
    if ref_id(body.get("discount")):
        out["discount"] = {"id": ref_id(body["discount"])}
    return out


def add_line(db: CloverDb, order: Doc, body: Doc, now: int | None = None) -> Doc:
    """One line item: from an inventory item (name/price copied) or ad hoc (name + price)."""
    stamp = db.now() if now is None else now
    item_id = ref_id(body.get("item"))
    item = db.live("items", item_id) if item_id else None
    if item_id and item is None:
        raise bad_request("Invalid item", item_id)
    if item is None and body.get("price") is None:
        raise bad_request("Line item requires a price or an item id")
    if len(db.lines_by_order.get(order["id"], {})) >= MAX_LINES:
        raise bad_request(f"An order can hold at most {MAX_LINES} line items")
    line: Doc = {"id": db.new_id(), "orderRef": {"id": order["id"]}}
    if item is not None:
        line["item"] = {"id": item["id"]}
        line["name"] = item["name"]
        for key, source in (("alternateName", "alternateName"), ("itemCode", "code")):
            if item.get(source):
                line[key] = item[source]
        line["price"] = item.get("price", 0)
        line["isRevenue"] = item.get("isRevenue", True)
    if body.get("name") is not None:
        line["name"] = as_str(body["name"], "name")
    line.setdefault("name", "")
    if body.get("price") is not None:
        line["price"] = as_int(body["price"], "price")
    if body.get("unitQty") is not None:
        line["unitQty"] = as_int(body["unitQty"], "unitQty")
    for key in ("note", "unitName"):
        if body.get(key) is not None:
            line[key] = as_str(body[key], key)
    line.update(
        {
            "printed": bool(body.get("printed", False)),
            "createdTime": stamp,
            "orderClientCreatedTime": order.get("clientCreatedTime", order["createdTime"]),
            "exchanged": False,
            "refunded": False,
            "isRevenue": bool(body.get("isRevenue", line.get("isRevenue", True))),
        }
    )
    if isinstance(body.get("taxRates"), list):
        line["_taxRates"] = [i for i in (ref_id(r) for r in body["taxRates"]) if i]
    db.put("line_items", line)
    db.lines_by_order.setdefault(order["id"], {})[line["id"]] = None
    if item is not None:
        decrement_stock(db, item["id"])
    return line


def touch_order(db: CloverDb, order: Doc) -> None:
    order["modifiedTime"] = max(db.now(), order.get("modifiedTime", 0) + 1)
    db.put("orders", order)


def delete_order(db: CloverDb, order: Doc) -> None:
    for line_id in list(db.lines_by_order.pop(order["id"], {})):
        db.remove("line_items", line_id)
    db.remove("orders", order["id"])


class Orders:
    """Handlers bound to one CloverDb: custom orders, their line items and discounts."""

    def __init__(self, db: CloverDb) -> None:
        self.db = db
        self.orders = order_collection()
        self.lines = Collection("line_items", {"id": field_getter("id")})

    def register(self, router: Router) -> None:
        one = f"{BASE}/orders/{{orderId}}"
        line = f"{one}/line_items/{{lineItemId}}"
        router.add("GET", f"{BASE}/orders", self.list_orders)
        router.add("POST", f"{BASE}/orders", self.create)
        router.add("GET", one, self.get_one)
        router.add("POST", one, self.update)
        router.add("DELETE", one, self.delete)
        router.add("GET", f"{one}/line_items", self.list_lines)
        router.add("POST", f"{one}/line_items", self.post_line)
        router.add("POST", f"{one}/bulk_line_items", self.bulk_lines)
        router.add("GET", line, self.get_line)
        router.add("POST", line, self.update_line)
        router.add("DELETE", line, self.delete_line)
        router.add("POST", f"{line}/discounts", self.post_line_discount)
        router.add("DELETE", f"{line}/discounts/{{discountId}}", self.delete_line_discount)
        router.add("GET", f"{one}/discounts", self.list_discounts)
        router.add("POST", f"{one}/discounts", self.post_discount)
        router.add("DELETE", f"{one}/discounts/{{discountId}}", self.delete_discount)

    # -- orders --------------------------------------------------------------------------------

    def _order(self, request: Request) -> Doc:
        return order_or_404(self.db, request.params["orderId"])

    def _reply(self, order: Doc, request: Request) -> Response:
        return ok(render_order(self.db, order, parse_expand(request), request))

    def list_orders(self, request: Request) -> Response:
        return list_response(
            request,
            self.db,
            self.orders,
            lambda d, e: render_order(self.db, d, e, request),
            adjust=lambda q: window_days(self.db, q, WINDOWED_FIELDS),
        )

    def create(self, request: Request) -> Response:
        return self._reply(new_order(self.db, json_body(request, required=False)), request)

    def get_one(self, request: Request) -> Response:
        return self._reply(self._order(request), request)

    def update(self, request: Request) -> Response:
        order = self._order(request)
        apply_order_fields(order, json_body(request))
        touch_order(self.db, order)
        return self._reply(order, request)

    def delete(self, request: Request) -> Response:
        order = self._order(request)
        if self.db.payments_by_order.get(order["id"]):
            raise bad_request("Orders with payments cannot be deleted")
        delete_order(self.db, order)
        return empty_ok()

    # -- line items ----------------------------------------------------------------------------

    def _line(self, request: Request) -> tuple[Doc, Doc]:
        order = self._order(request)
        line = self.db.get("line_items", request.params["lineItemId"])
        if line is None or line["orderRef"]["id"] != order["id"]:
            raise not_found("Line item")
        return order, line

    def list_lines(self, request: Request) -> Response:
        order = self._order(request)
        return list_response(
            request,
            self.db,
            self.lines,
            lambda d, e: render_line(self.db, d, e),
            docs=order_lines(self.db, order["id"]),
        )

    def post_line(self, request: Request) -> Response:
        order = self._order(request)
        line = add_line(self.db, order, json_body(request))
        touch_order(self.db, order)
        return ok(render_line(self.db, line, parse_expand(request)))

    def bulk_lines(self, request: Request) -> Response:
        order = self._order(request)
        entries = json_body(request).get("items")
        if not isinstance(entries, list) or not entries:
            raise bad_request("items is required")
        if len(entries) > MAX_BULK_LINES:
            raise bad_request(f"At most {MAX_BULK_LINES} line items per request")
        if len(self.db.lines_by_order.get(order["id"], {})) + len(entries) > MAX_LINES:
            raise bad_request(f"An order can hold at most {MAX_LINES} line items")
        made = [add_line(self.db, order, e if isinstance(e, dict) else {}) for e in entries]
        touch_order(self.db, order)
        return Response.json(200, [render_line(self.db, ln, Expand([])) for ln in made])

    def get_line(self, request: Request) -> Response:
        return ok(render_line(self.db, self._line(request)[1], parse_expand(request)))

    def update_line(self, request: Request) -> Response:
        order, line = self._line(request)
        body = json_body(request)
        for key in ("name", "note"):
            if body.get(key) is not None:
                line[key] = as_str(body[key], key)
        for key in ("price", "unitQty"):
            if body.get(key) is not None:
                line[key] = as_int(body[key], key)
        self.db.put("line_items", line)
        touch_order(self.db, order)
        return ok(render_line(self.db, line, parse_expand(request)))

    def delete_line(self, request: Request) -> Response:
        order, line = self._line(request)
        self.db.lines_by_order.get(order["id"], {}).pop(line["id"], None)
        self.db.remove("line_items", line["id"])
        touch_order(self.db, order)
        return empty_ok()

    # -- discounts -----------------------------------------------------------------------------

    def post_line_discount(self, request: Request) -> Response:
        order, line = self._line(request)
        discount = {"id": self.db.new_id(), **check_discount(json_body(request), order_level=False)}
        line.setdefault("_discounts", []).append(discount)
        self.db.put("line_items", line)
        touch_order(self.db, order)
        return ok(discount)

    def delete_line_discount(self, request: Request) -> Response:
        order, line = self._line(request)
        line["_discounts"] = _without(line.get("_discounts", []), request.params["discountId"])
        self.db.put("line_items", line)
        touch_order(self.db, order)
        return empty_ok()

    def list_discounts(self, request: Request) -> Response:
        order = self._order(request)
        return Response.json(200, {"elements": order.get("_discounts", []), "href": href(request)})

    def post_discount(self, request: Request) -> Response:
        order = self._order(request)
        discount = {"id": self.db.new_id(), **check_discount(json_body(request), order_level=True)}
        order.setdefault("_discounts", []).append(discount)
        touch_order(self.db, order)
        return ok(discount)

    def delete_discount(self, request: Request) -> Response:
        order = self._order(request)
        order["_discounts"] = _without(order.get("_discounts", []), request.params["discountId"])
        touch_order(self.db, order)
        return empty_ok()


def _without(discounts: list[Doc], discount_id: str) -> list[Doc]:
    """The discounts less the one named; 404 when it is not there."""
    kept = [d for d in discounts if d["id"] != discount_id]
    if len(kept) == len(discounts):
        raise not_found("Discount")
    return kept
