"""Clover tenders, external payment records on orders, and read-only payments/refunds/credits."""

from __future__ import annotations

from esync_desktop.sandbox.clover.common import (
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
    nested,
    parse_expand,
    public,
)
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


def render_payment(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    if expand.has("tender"):
        tender = db.get("tenders", doc["tender"]["id"])
        if tender is not None:
            out["tender"] = public(tender)
    if expand.has("refunds"):
        refunds = [r for r in db.t["refunds"].rows.values() if r["payment"]["id"] == doc["id"]]
        out["refunds"] = nested(public(r) for r in refunds)
    return out


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


def register(router: Router, db: CloverDb, base: str) -> None:
    payments = Collection("payments", {f: field_getter(f) for f in _PAYMENT_FILTERS})
    payments.fields["createdTime"] = created
    time_fields = {
        "createdTime": created,
        "modifiedTime": field_getter("modifiedTime"),
        "id": field_getter("id"),
        "clientCreatedTime": field_getter("clientCreatedTime"),
    }
    refunds = Collection("refunds", dict(time_fields))
    credits = Collection("credits", dict(time_fields))
    tenders = Collection(
        "tenders",
        {
            "id": field_getter("id"),
            "label": field_getter("label"),
            "labelKey": field_getter("labelKey"),
            "enabled": field_getter("enabled"),
            "visible": field_getter("visible"),
        },
    )

    def render(doc: Doc, expand: Expand) -> Doc:
        return render_payment(db, doc, expand)

    def order_payments(request: Request) -> Response:
        order = order_or_404(db, request.params["orderId"])
        docs = [db.t["payments"].rows[p] for p in db.payments_by_order.get(order["id"], {})]
        return list_response(request, db, payments, render, docs=docs)

    def post_order_payment(request: Request) -> Response:
        order = order_or_404(db, request.params["orderId"])
        payment = record_payment(db, order, json_body(request))
        return ok(render(payment, parse_expand(request)))

    def list_payments(request: Request) -> Response:
        return list_response(request, db, payments, render, adjust=lambda q: payment_window(db, q))

    def get_payment(request: Request) -> Response:
        doc = db.get("payments", request.params["payId"])
        if doc is None:
            raise not_found("Payment")
        return ok(render(doc, parse_expand(request)))

    def read_only(table: str, coll: Collection, param: str, kind: str) -> None:
        def list_all(request: Request) -> Response:
            return list_response(
                request, db, coll, lambda d, e: public(d), adjust=lambda q: payment_window(db, q)
            )

        def get_one(request: Request) -> Response:
            doc = db.get(table, request.params[param])
            if doc is None:
                raise not_found(kind)
            return ok(public(doc))

        router.add("GET", f"{base}/{table}", list_all)
        router.add("GET", f"{base}/{table}/{{{param}}}", get_one)

    def tender_fields(doc: Doc, body: Doc, creating: bool) -> None:
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

    def tender_of(request: Request) -> Doc:
        doc = db.get("tenders", request.params["tenderId"])
        if doc is None:
            raise invalid_id()
        return doc

    def list_tenders(request: Request) -> Response:
        return list_response(request, db, tenders, lambda d, e: public(d))

    def create_tender(request: Request) -> Response:
        now = db.now()
        doc: Doc = {"id": db.new_id(), "editable": True}
        tender_fields(doc, json_body(request), True)
        doc["_created"] = now
        db.put("tenders", doc)
        return ok(public(doc))

    def update_tender(request: Request) -> Response:
        doc = tender_of(request)
        if not doc.get("editable"):
            raise bad_request("System tenders cannot be edited")
        tender_fields(doc, json_body(request), False)
        db.put("tenders", doc)
        return ok(public(doc))

    def delete_tender(request: Request) -> Response:
        doc = tender_of(request)
        if not doc.get("editable"):
            raise bad_request("System tenders cannot be deleted")
        db.remove("tenders", doc["id"])
        return empty_ok()

    router.add("GET", f"{base}/orders/{{orderId}}/payments", order_payments)
    router.add("POST", f"{base}/orders/{{orderId}}/payments", post_order_payment)
    router.add("GET", f"{base}/payments", list_payments)
    router.add("GET", f"{base}/payments/{{payId}}", get_payment)
    read_only("refunds", refunds, "refundId", "Refund")
    read_only("credits", credits, "creditId", "Credit")
    router.add("GET", f"{base}/tenders", list_tenders)
    router.add("POST", f"{base}/tenders", create_tender)
    router.add("GET", f"{base}/tenders/{{tenderId}}", lambda r: ok(public(tender_of(r))))
    router.add("POST", f"{base}/tenders/{{tenderId}}", update_tender)
    router.add("DELETE", f"{base}/tenders/{{tenderId}}", delete_tender)
