"""v2 orders: list/count with filters, get, status changes, archive, order products, shipping
addresses and the fixed order statuses (§10.1-10.5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import (
    Doc,
    json_body,
    now,
    parse_when,
    rfc2822,
    to_int,
    v2_error,
)
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.paging import v2_list
from esync_desktop.sandbox.bigcommerce.render import public
from esync_desktop.sandbox.http import Request, Response, Router

STATUSES = (
    (0, "Incomplete", "Shopper reached the payment page but did not complete the transaction."),
    (1, "Pending", "Customer started the checkout process, but did not complete it."),
    (2, "Shipped", "Order has been shipped, but receipt has not been confirmed."),
    (3, "Partially Shipped", "Only some items in the order have been shipped."),
    (4, "Refunded", "Seller has used the Refund action to refund the whole order."),
    (
        5,
        "Cancelled",
        "Seller has cancelled an order, due to a stock inconsistency or other reasons.",
    ),
    (6, "Declined", "Seller has marked the order as declined."),
    (7, "Awaiting Payment", "Checkout is complete, but payment has yet to be confirmed."),
    (8, "Awaiting Pickup", "Order has been pulled and is awaiting customer pickup."),
    (9, "Awaiting Shipment", "Order has been packaged and is awaiting collection by a carrier."),
    (10, "Completed", "Order has been shipped/picked up, and receipt is confirmed."),
    (11, "Awaiting Fulfillment", "Checkout is complete and payment has been confirmed."),
    (12, "Manual Verification Required", "Order on hold while something is confirmed by hand."),
    (13, "Disputed", "Customer has opened a dispute, or the seller marked the order fraudulent."),
    (14, "Partially Refunded", "Seller has partially refunded the order."),
)
STATUS_NAMES = {sid: name for sid, name, _ in STATUSES}
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "street_1",
    "street_2",
    "city",
    "state",
    "zip",
    "country",
    "country_iso2",
    "phone",
    "email",
)
WRITABLE = {
    "status_id",
    "staff_notes",
    "customer_message",
    "billing_address",
    "payment_method",
    "external_source",
    "external_id",
    "customer_id",
}
SORTS = {
    "id",
    "customer_id",
    "date_created",
    "date_modified",
    "status_id",
    "channel_id",
    "external_id",
}


def status_doc(sid: int, name: str, description: str) -> Doc:
    return {
        "id": sid,
        "name": name,
        "system_label": name,
        "custom_label": name,
        "system_description": description,
        "order": sid,
    }


def set_status(db: BcDb, order: Doc, status_id: int) -> None:
    order["status_id"] = status_id
    order["status"] = order["custom_status"] = STATUS_NAMES[status_id]
    touch(db, order)


def touch(db: BcDb, order: Doc) -> None:
    moment = now()
    order["date_modified"] = rfc2822(moment)
    order["_modified"] = moment.timestamp()
    db.orders.touch(order["id"])


def order_out(db: BcDb, order: Doc, base: str) -> Doc:
    out = public(order)
    oid = order["id"]
    for key, sub in (
        ("products", "products"),
        ("shipping_addresses", "shippingaddresses"),
        ("coupons", "coupons"),
    ):
        # The resource URL spells `shippingaddresses` while the path is `shipping_addresses`.
        out[key] = {"url": f"{base}/orders/{oid}/{sub}", "resource": f"/orders/{oid}/{sub}"}
    return out


class Orders:
    def __init__(self, db: BcDb) -> None:
        self.db = db

    def register(self, router: Router) -> None:
        router.add("GET", "/v2/orders", self.list_orders)
        router.add("GET", "/v2/orders/count", self.count)
        router.add("GET", "/v2/orders/{order_id}", self.get)
        router.add("PUT", "/v2/orders/{order_id}", self.update)
        router.add("DELETE", "/v2/orders/{order_id}", self.archive)
        router.add("GET", "/v2/orders/{order_id}/products", self.products)
        router.add("GET", "/v2/orders/{order_id}/products/{product_id}", self.product)
        router.add("GET", "/v2/orders/{order_id}/shipping_addresses", self.addresses)
        router.add("GET", "/v2/orders/{order_id}/shipping_addresses/{id}", self.address)
        router.add("PUT", "/v2/orders/{order_id}/shipping_addresses/{id}", self.update_address)
        router.add("GET", "/v2/order_statuses", self.statuses)
        router.add("GET", "/v2/order_statuses/{status_id}", self.status)

    def _base(self) -> str:
        return f"https://api.bigcommerce.com/stores/{self.db.store_hash}/v2"

    def _order(self, request: Request) -> Doc:
        order = self.db.orders.get(to_int(request.params.get("order_id")) or 0)
        if order is None:
            raise v2_error(404, "The requested resource was not found.")
        return order

    # -- list and count ------------------------------------------------------------------------

    def _filtered(self, request: Request) -> list[Doc]:
        rows = [o for o in self.db.sorted_rows(self.db.orders) if not o["is_deleted"]]
        for name, key, kind in (
            ("min_id", "id", ">="),
            ("max_id", "id", "<="),
            ("min_total", "total_inc_tax", ">="),
            ("max_total", "total_inc_tax", "<="),
            ("min_date_created", "_created", ">="),
            ("max_date_created", "_created", "<="),
            ("min_date_modified", "_modified", ">="),
            ("max_date_modified", "_modified", "<="),
        ):
            raw = request.arg(name)
            if raw is None or raw == "":
                continue
            value = _filter_value(name, raw)
            if kind == ">=":
                rows = [o for o in rows if _num(o[key]) >= value]
            else:
                rows = [o for o in rows if _num(o[key]) <= value]
        for name in ("customer_id", "status_id", "channel_id"):
            if request.arg(name) not in (None, ""):
                wanted = to_int(request.arg(name))
                rows = [o for o in rows if o[name] == wanted]
        email = request.arg("email")
        if email:
            rows = [o for o in rows if o["billing_address"]["email"].lower() == email.lower()]
        for name in ("cart_id", "payment_method", "external_order_id"):
            if request.arg(name):
                rows = [o for o in rows if o[name] == request.arg(name)]
        return rows

    def list_orders(self, request: Request) -> Response:
        rows = self._filtered(request)
        field, _, direction = (request.arg("sort") or "id").partition(":")
        if field in SORTS:
            key = {"date_created": "_created", "date_modified": "_modified"}.get(field, field)
            rows.sort(key=lambda o: (o.get(key) or 0, o["id"]), reverse=direction == "desc")
        base = self._base()
        return v2_list(request, rows, lambda o: order_out(self.db, o, base))

    def count(self, request: Request) -> Response:
        rows = self._filtered(request)
        statuses = []
        for sid, name, description in STATUSES:
            doc = status_doc(sid, name, description)
            doc["sort_order"] = doc.pop("order")
            doc["count"] = sum(1 for o in rows if o["status_id"] == sid)
            statuses.append(doc)
        return Response.json(200, {"statuses": statuses, "count": len(rows)})

    # -- one order -----------------------------------------------------------------------------

    def get(self, request: Request) -> Response:
        return Response.json(200, order_out(self.db, self._order(request), self._base()))

    def update(self, request: Request) -> Response:
        order = self._order(request)
        body = json_body(request, v2=True)
        if not isinstance(body, dict):
            raise v2_error(400, "The request body must be a JSON object.")
        for key in body:
            if key in order and key not in WRITABLE:
                raise v2_error(
                    400,
                    f"The field '{key}' cannot be written to. Please remove it from your request"
                    " before trying again.",
                )
        if "status_id" in body:
            status_id = to_int(body["status_id"])
            if status_id not in STATUS_NAMES:
                raise v2_error(400, "The field 'status_id' is invalid.")
            set_status(self.db, order, status_id)
        for key in WRITABLE - {"status_id", "billing_address"}:
            if key in body:
                order[key] = body[key]
        if isinstance(body.get("billing_address"), dict):
            order["billing_address"].update(body["billing_address"])
        touch(self.db, order)
        return Response.json(200, order_out(self.db, order, self._base()))

    def archive(self, request: Request) -> Response:
        order = self._order(request)
        order["is_deleted"] = True
        touch(self.db, order)
        return Response.empty(204)

    # -- sub-resources -------------------------------------------------------------------------

    def _lines(self, order: Doc) -> list[Doc]:
        return [self.db.order_products.rows[str(i)] for i in order["_lines"]]

    def products(self, request: Request) -> Response:
        return v2_list(request, self._lines(self._order(request)), public)

    def product(self, request: Request) -> Response:
        order = self._order(request)
        wanted = to_int(request.params.get("product_id"))
        line = next((x for x in self._lines(order) if x["id"] == wanted), None)
        if line is None:
            raise v2_error(404, "The requested resource was not found.")
        return Response.json(200, public(line))

    def _addresses(self, order: Doc) -> list[Doc]:
        return [self.db.order_addresses.rows[str(i)] for i in order["_addresses"]]

    def addresses(self, request: Request) -> Response:
        return v2_list(request, self._addresses(self._order(request)), public)

    def _address(self, request: Request) -> Doc:
        order = self._order(request)
        wanted = to_int(request.params.get("id"))
        address = next((a for a in self._addresses(order) if a["id"] == wanted), None)
        if address is None:
            raise v2_error(404, "The requested resource was not found.")
        return address

    def address(self, request: Request) -> Response:
        return Response.json(200, public(self._address(request)))

    def update_address(self, request: Request) -> Response:
        address = self._address(request)
        body = json_body(request, v2=True)
        if not isinstance(body, dict):
            raise v2_error(400, "The request body must be a JSON object.")
        for key in (*ADDRESS_FIELDS, "shipping_method"):
            if isinstance(body.get(key), str):
                address[key] = body[key]
        self.db.order_addresses.touch(address["id"])
        touch(self.db, self.db.orders.rows[str(address["order_id"])])
        return Response.json(200, public(address))

    def statuses(self, request: Request) -> Response:
        return Response.json(200, [status_doc(*s) for s in STATUSES])

    def status(self, request: Request) -> Response:
        sid = to_int(request.params.get("status_id"))
        if sid not in STATUS_NAMES:
            raise v2_error(404, "The requested resource was not found.")
        return Response.json(200, status_doc(*STATUSES[sid]))


def _num(value: Any) -> Decimal:
    return Decimal(str(value))


def _filter_value(name: str, raw: str) -> Decimal:
    if "date" in name:
        moment = parse_when(raw)
        if moment is None:
            raise v2_error(400, f"The field '{name}' is not a valid date.")
        return Decimal(int(moment.timestamp()))
    try:
        return Decimal(raw)
    except ArithmeticError:
        raise v2_error(400, f"The field '{name}' is invalid.") from None
