"""Clover tenders, external payment records on orders, and read-only payments/refunds/credits."""

from __future__ import annotations

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
from esync_desktop.sandbox.clover.db import (
    DAY_MS,
    CloverDb,
    Doc,
    bad_request,
    invalid_id,
    not_found,
)
from esync_desktop.sandbox.clover.orders import order_or_404, touch_order
from esync_desktop.sandbox.clover.query import (
    Collection,
    Condition,
    Expand,
    Query,
    created,
    field_getter,
    list_response,
    parse_expand,
    public,
)
from esync_desktop.sandbox.clover.render import render_payment
from esync_desktop.sandbox.http import Request, Response, Router

# Card tenders only take real card payments (devices, Ecommerce API), never /v3 records.
CARD_TENDERS = frozenset({"com.clover.tender.credit_card", "com.clover.tender.debit_card"})
_PAYMENT_FILTERS = [
    "modifiedTime",
    "device.id",
    "externalReferenceId",
    "result",
    "offline",
    "createdTime",
    "externalPaymentId",
    "voided",
    "id",
    "tender.id",
    "employee.id",
    "order.modifiedTime",
    "amount",
    "cardType",
    "clientCreatedTime",
]


def payment_window(db: CloverDb, query: Query) -> None:
    """No date filter: last 90 days; a createdTime range is shrunk to its most recent 90 days."""
    upper = db.now()
    for cond in query.conditions:
        if cond.name == "createdTime" and cond.op in ("<", "<="):
            try:
                upper = min(upper, int(float(cond.values[0])))
            except ValueError:
                raise bad_request(f"Invalid value for createdTime: {cond.values[0]}") from None
    since = upper - 90 * DAY_MS
    query.conditions.append(Condition("createdTime", ">=", [str(since)], created))


def update_payment_state(db: CloverDb, order: Doc) -> None:
    paid = sum(
        db.t["payments"].rows[p]["amount"]
        for p in db.payments_by_order.get(order["id"], {})
        if db.t["payments"].rows[p].get("result") == "SUCCESS"
    )
    total = order.get("total")
    if total is None or paid >= total:
        order["paymentState"] = "PAID"
    elif paid > 0:
        order["paymentState"] = "PARTIALLY_PAID"
    if total is not None:
        order["unpaidBalance"] = max(0, total - paid)
    # Payment locks the order (Clover sets the state itself).
    order["state"] = "locked"
    touch_order(db, order)


def record_payment(db: CloverDb, order: Doc, body: Doc, *, card_ok: bool = False) -> Doc:
    """A payment record on an order; /v3 accepts only non-card tenders (`card_ok` for seeds)."""
    if body.get("amount") is None:
        raise bad_request("amount is required")
    amount = as_int(body["amount"], "amount")
    if amount <= 0:
        raise bad_request("amount must be positive")
    tender_id = ref_id(body.get("tender"))
    tender = db.get("tenders", tender_id) if tender_id else None
    if tender is None:
        raise bad_request("Invalid tender", str(tender_id))
    if tender.get("labelKey") in CARD_TENDERS and not card_ok:
        raise bad_request("Card tenders cannot be used for external payments")
    now = db.now()
    payment: Doc = {
        "id": db.new_id(),
        "order": {"id": order["id"]},
        "tender": {"id": tender["id"]},
        "amount": amount,
        "tipAmount": as_int(body.get("tipAmount") or 0, "tipAmount"),
        "taxAmount": as_int(body.get("taxAmount") or 0, "taxAmount"),
        "result": "SUCCESS",
        "offline": False,
        "createdTime": now,
        "clientCreatedTime": now,
        "modifiedTime": now,
    }
    for key in ("externalPaymentId", "externalReferenceId", "note"):
        if body.get(key) is not None:
            payment[key] = as_str(body[key], key)
    db.put("payments", payment)
    db.payments_by_order.setdefault(order["id"], {})[payment["id"]] = None
    update_payment_state(db, order)
    return payment


class Payments:
    """Handlers bound to one CloverDb: payments, listed and recorded on orders."""

    def __init__(self, db: CloverDb) -> None:
        self.db = db
        self.payments = Collection("payments", {f: field_getter(f) for f in _PAYMENT_FILTERS})
        self.payments.fields["createdTime"] = created

    def register(self, router: Router) -> None:
        router.add("GET", f"{BASE}/orders/{{orderId}}/payments", self.order_payments)
        router.add("POST", f"{BASE}/orders/{{orderId}}/payments", self.post_order_payment)
        router.add("GET", f"{BASE}/payments", self.list_payments)
        router.add("GET", f"{BASE}/payments/{{payId}}", self.get_payment)

    def _render(self, doc: Doc, expand: Expand) -> Doc:
        return render_payment(self.db, doc, expand)

    def order_payments(self, request: Request) -> Response:
        order = order_or_404(self.db, request.params["orderId"])
        rows = self.db.t["payments"].rows
        docs = [rows[p] for p in self.db.payments_by_order.get(order["id"], {})]
        return list_response(request, self.db, self.payments, self._render, docs=docs)

    def post_order_payment(self, request: Request) -> Response:
        order = order_or_404(self.db, request.params["orderId"])
        payment = record_payment(self.db, order, json_body(request))
        return ok(self._render(payment, parse_expand(request)))

    def list_payments(self, request: Request) -> Response:
        return list_response(
            request,
            self.db,
            self.payments,
            self._render,
            adjust=lambda q: payment_window(self.db, q),
        )

    def get_payment(self, request: Request) -> Response:
        doc = self.db.get("payments", request.params["payId"])
        if doc is None:
            raise not_found("Payment")
        return ok(self._render(doc, parse_expand(request)))


class ReadOnly:
    """List and get for a table /v3 never writes (refunds and credits come from the device)."""

    def __init__(self, db: CloverDb, table: str, param: str, kind: str) -> None:
        self.db = db
        self.table = table
        self.param = param
        self.kind = kind
        self.coll = Collection(
            table,
            {
                "createdTime": created,
                "modifiedTime": field_getter("modifiedTime"),
                "id": field_getter("id"),
                "clientCreatedTime": field_getter("clientCreatedTime"),
            },
        )

    def register(self, router: Router) -> None:
        router.add("GET", f"{BASE}/{self.table}", self.list_all)
        router.add("GET", f"{BASE}/{self.table}/{{{self.param}}}", self.get_one)

    def list_all(self, request: Request) -> Response:
        return list_response(
            request,
            self.db,
            self.coll,
            lambda d, e: public(d),
            adjust=lambda q: payment_window(self.db, q),
        )

    def get_one(self, request: Request) -> Response:
        doc = self.db.get(self.table, request.params[self.param])
        if doc is None:
            raise not_found(self.kind)
        return ok(public(doc))


def _tender_fields(doc: Doc, body: Doc, creating: bool) -> None:
    if creating or "label" in body:
        label = body.get("label")
        if not isinstance(label, str) or not label.strip():
            raise bad_request("label is required")
        doc["label"] = label
    if body.get("labelKey") is not None:
        doc["labelKey"] = as_str(body["labelKey"], "labelKey")
    for key in ("enabled", "visible", "opensCashDrawer", "supportsTipping"):
        if body.get(key) is not None:
            doc[key] = as_bool(body[key], key)
        elif creating:
            doc[key] = key in ("enabled", "visible")
    if body.get("instructions") is not None:
        doc["instructions"] = as_str(body["instructions"], "instructions")


class Tenders:
    """Handlers bound to one CloverDb: the merchant's tenders (system ones are read-only)."""

    def __init__(self, db: CloverDb) -> None:
        self.db = db
        self.tenders = Collection(
            "tenders",
            {
                name: field_getter(name)
                for name in ("id", "label", "labelKey", "enabled", "visible")
            },
        )

    def register(self, router: Router) -> None:
        one = f"{BASE}/tenders/{{tenderId}}"
        router.add("GET", f"{BASE}/tenders", self.list_tenders)
        router.add("POST", f"{BASE}/tenders", self.create)
        router.add("GET", one, self.get_one)
        router.add("POST", one, self.update)
        router.add("DELETE", one, self.delete)

    def _tender(self, request: Request) -> Doc:
        doc = self.db.get("tenders", request.params["tenderId"])
        if doc is None:
            raise invalid_id()
        return doc

    def list_tenders(self, request: Request) -> Response:
        return list_response(request, self.db, self.tenders, lambda d, e: public(d))

    def create(self, request: Request) -> Response:
        now = self.db.now()
        doc: Doc = {"id": self.db.new_id(), "editable": True}
        _tender_fields(doc, json_body(request), True)
        doc["_created"] = now
        self.db.put("tenders", doc)
        return ok(public(doc))

    def get_one(self, request: Request) -> Response:
        return ok(public(self._tender(request)))

    def update(self, request: Request) -> Response:
        doc = self._tender(request)
        if not doc.get("editable"):
            raise bad_request("System tenders cannot be edited")
        _tender_fields(doc, json_body(request), False)
        self.db.put("tenders", doc)
        return ok(public(doc))

    def delete(self, request: Request) -> Response:
        doc = self._tender(request)
        if not doc.get("editable"):
            raise bad_request("System tenders cannot be deleted")
        self.db.remove("tenders", doc["id"])
        return empty_ok()
