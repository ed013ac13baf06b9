"""Admin routes under /_sandbox/clover/...: edits made on the merchant's device, and inspection."""

from __future__ import annotations

from esync_desktop.sandbox.clover.atomic import create_order, parse_cart
from esync_desktop.sandbox.clover.common import as_float
from esync_desktop.sandbox.clover.db import CloverDb, CloverError, Doc
from esync_desktop.sandbox.clover.inventory import delete_item, set_stock, update_item
from esync_desktop.sandbox.clover.orders import order_lines, order_or_404, render_order
from esync_desktop.sandbox.clover.payments import record_payment
from esync_desktop.sandbox.clover.query import Expand, public
from esync_desktop.sandbox.clover.render import render_item
from esync_desktop.sandbox.http import BadJson, Request, Response

PREFIX = "/_sandbox/clover"
_PROPERTY_KEYS = {"trackStock": bool, "updateStock": bool, "tipsEnabled": bool, "timezone": str}


def _body(request: Request) -> Doc:
    if not request.body.strip():
        return {}
    try:
        body = request.json()
    except BadJson as exc:
        raise ValueError(f"body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


def find_items(db: CloverDb, sku: str) -> list[Doc]:
    """Live items with this SKU: exact matches, else after trimming and ignoring case."""
    live = [i for i in db.t["items"].rows.values() if not i.get("deleted")]
    exact = [i for i in live if i.get("sku") == sku]
    if exact:
        return exact
    wanted = sku.strip().casefold()
    return [i for i in live if (i.get("sku") or "").strip().casefold() == wanted]


def one_item(db: CloverDb, body: Doc) -> Doc:
    if body.get("id"):
        item = db.live("items", str(body["id"]))
        if item is None:
            raise LookupError(f"no item with id {body['id']}")
        return item
    sku = body.get("sku")
    if not isinstance(sku, str) or not sku:
        raise ValueError('give "sku" or "id"')
    found = find_items(db, sku)
    if not found:
        raise LookupError(f"no item with sku {sku!r}")
    if len(found) > 1:
        ids = ", ".join(i["id"] for i in found)
        raise ValueError(f"sku {sku!r} is on several items ({ids}); give the item's id instead")
    return found[0]


def _inspect(db: CloverDb, item: Doc) -> Doc:
    return render_item(db, item, Expand(["itemStock", "categories", "options"]))


def _sale(db: CloverDb, request: Request, body: Doc) -> Response:
    entries = body.get("lines") or [body]
    lines: list[Doc] = []
    for entry in entries:
        item = one_item(db, entry)
        quantity = int(entry.get("quantity", 1))
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        # Clover records quantity as repeated line items.
        lines += [{"item": {"id": item["id"]}}] * quantity
    cart = parse_cart(
        db, {"orderCart": {"lineItems": lines, "title": body.get("title", "In-store sale")}}
    )
    order = create_order(db, cart)
    label = str(body.get("tender", "Cash"))
    tender = next((t for t in db.t["tenders"].rows.values() if t["label"] == label), None)
    if tender is None:
        raise ValueError(f"no tender labelled {label!r}")
    assert cart.totals is not None
    record_payment(
        db,
        order,
        {"amount": order["total"], "taxAmount": cart.totals.tax, "tender": {"id": tender["id"]}},
        card_ok=True,
    )
    return Response.json(200, render_order(db, order, Expand(["lineItems", "payments"]), request))


def _refund(db: CloverDb, body: Doc) -> Response:
    """A refund made on the device (there is no /v3 endpoint that creates one)."""
    order = order_or_404(db, str(body.get("order", "")))
    pays = list(db.payments_by_order.get(order["id"], {}))
    if not pays:
        raise ValueError("the order has no payment to refund")
    lines = [ln for ln in order_lines(db, order["id"]) if not ln.get("refunded")]
    wanted = body.get("lineItems")
    if isinstance(wanted, list):
        lines = [ln for ln in lines if ln["id"] in wanted]
    if not lines:
        raise ValueError("nothing left to refund")
    net = sum(ln["price"] for ln in lines)
    tax = round(net * 887500 / 10_000_000) if not order.get("taxRemoved") else 0
    now = db.now()
    refund = {
        "id": db.new_id(),
        "orderRef": {"id": order["id"]},
        "payment": {"id": pays[0]},
        "amount": net + tax,
        "taxAmount": tax,
        "tipAmount": 0,
        "lineItems": [{"id": ln["id"]} for ln in lines],
        "voided": False,
        "status": "SUCCESS",
        "createdTime": now,
        "clientCreatedTime": now,
    }
    db.put("refunds", refund)
    for line in lines:
        line["refunded"] = True
        line["refund"] = {"id": refund["id"]}
        db.put("line_items", line)
    left = [ln for ln in order_lines(db, order["id"]) if not ln.get("refunded")]
    order["paymentState"] = "PARTIALLY_REFUNDED" if left else "REFUNDED"
    order["modifiedTime"] = now
    db.put("orders", order)
    return Response.json(200, public(refund))


class Admin:
    """Admin routes bound to one CloverDb: what the merchant does on the device (sales, stock
    counts, item edits, refunds) and inspection by SKU."""

    def __init__(self, db: CloverDb) -> None:
        self.db = db

    def handle(self, request: Request) -> Response | None:
        db = self.db
        sub = request.path[len(PREFIX) :].rstrip("/")
        method = request.method
        try:
            body = _body(request)
            if sub == "/sale" and method == "POST":
                return _sale(db, request, body)
            if sub == "/stock" and method == "POST":
                item = one_item(db, body)
                if body.get("quantity") is None:
                    raise ValueError('"quantity" is required')
                set_stock(db, item, as_float(body["quantity"], "quantity"))
                return Response.json(200, _inspect(db, item))
            if sub == "/items" and method == "GET":
                sku = request.arg("sku")
                items = find_items(db, sku) if sku else list(db.t["items"].rows.values())[:1000]
                return Response.json(200, {"elements": [_inspect(db, i) for i in items]})
            if sub.startswith("/items/"):
                item = one_item(db, {"id": sub[len("/items/") :]})
                if method == "POST":
                    update_item(db, item, body)
                elif method == "DELETE":
                    delete_item(db, item)
                elif method != "GET":
                    return None
                return Response.json(200, _inspect(db, item))
            if sub == "/properties" and method in ("GET", "POST"):
                props = db.properties()
                for key, value in body.items():
                    kind = _PROPERTY_KEYS.get(key)
                    if kind is None or not isinstance(value, kind):
                        raise ValueError(f"unknown or invalid property {key!r}")
                    props[key] = value
                if body:
                    db.put("properties", props)
                return Response.json(200, public(props))
            if sub == "/refund" and method == "POST":
                return _refund(db, body)
        except LookupError as exc:
            return Response.json(404, {"error": str(exc)})
        except CloverError as exc:
            return Response.json(exc.status, exc.body)
        return None
