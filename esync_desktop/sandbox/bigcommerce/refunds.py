"""v3 order payments: transactions, refund quotes and refunds (§10.6). Refunds never restock."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import (
    TYPE_URL,
    BcError,
    Doc,
    int_list,
    iso,
    json_object,
    money_str,
    not_found_v3,
    now,
    ok,
    to_int,
    to_money,
    v3_error,
)
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.orders import set_status
from esync_desktop.sandbox.bigcommerce.paging import v3_list
from esync_desktop.sandbox.bigcommerce.query import Spec, predicates, select
from esync_desktop.sandbox.http import Request, Response, Router

ZERO = Decimal(0)
AMOUNT_TYPES = ("ORDER", "SHIPPING", "HANDLING", "TAX", "FEE")
REFUND_SPEC: Spec = {
    "order_id": (lambda d: d["order_id"], "int"),
    "id": (lambda d: d["id"], "int"),
    "created": (lambda d: d["created"], "date"),
}


def refund_error(title: str) -> BcError:
    """Refund errors come wrapped in `data` (orders.v3 spec)."""
    return BcError(422, {"data": [{"status": 422, "title": title, "type": TYPE_URL, "errors": {}}]})


def add_transaction(db: BcDb, order: Doc, event: str, amount: Decimal, moment: str) -> Doc:
    payment = order["_payment"]
    tid = db.next_id("transactions", 85926300)
    doc = {
        "id": tid,
        "order_id": str(order["id"]),
        "event": event,
        "method": payment["method"],
        "amount": amount,
        "currency": order["currency_code"],
        "gateway": payment["gateway"],
        "gateway_transaction_id": f"gw-{tid}",
        "status": "ok",
        "test": True,
        "fraud_review": False,
        "date_created": moment,
        "payment_method_id": f"{payment['gateway']}.{payment['method']}",
    }
    if payment["offline"]:
        doc["offline"] = {"display_name": payment["description"]}
    db.transactions.put(tid, doc)
    order.setdefault("_transactions", []).append(tid)
    db.orders.touch(order["id"])
    return doc


class Refunds:
    def __init__(self, db: BcDb) -> None:
        self.db = db

    def register(self, router: Router) -> None:
        base = "/v3/orders/{order_id}"
        router.add("GET", base + "/transactions", self.transactions)
        router.add("POST", base + "/payment_actions/refund_quotes", self.quote)
        router.add("POST", base + "/payment_actions/refunds", self.create)
        router.add("GET", base + "/payment_actions/refunds", self.list_for_order)
        router.add("GET", "/v3/orders/payment_actions/refunds", self.list_all)
        router.add("GET", "/v3/orders/payment_actions/refunds/{refund_id}", self.get)

    def _order(self, request: Request) -> Doc:
        order = self.db.orders.get(to_int(request.params.get("order_id")) or 0)
        if order is None:
            raise not_found_v3()
        return order

    def transactions(self, request: Request) -> Response:
        order = self._order(request)
        rows = self.db.docs(self.db.transactions, order.get("_transactions", []))
        if not rows:
            return Response.empty(204)
        return v3_list(request, rows, dict)

    # -- quotes --------------------------------------------------------------------------------

    def _compute(self, order: Doc, body: Doc) -> tuple[Decimal, Decimal, list[Doc], list[Any]]:
        """(total, tax, refund items, line changes) for a quote or refund body."""
        if "tax_adjustment_amount" in body and "items" not in body:
            amount = to_money(body["tax_adjustment_amount"])
            if amount is None or amount <= 0:
                raise v3_error(422, "tax_adjustment_amount must be positive")
            return amount, amount, [], []
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise v3_error(422, "JSON data is missing or invalid", {"items": "error.path.missing"})
        total = tax = ZERO
        out: list[Doc] = []
        changes: list[Any] = []
        lines = {i: self.db.order_products.rows[str(i)] for i in order["_lines"]}
        for item in items:
            kind = item.get("item_type") if isinstance(item, dict) else None
            item_id = to_int(item.get("item_id")) if isinstance(item, dict) else None
            reason = str(item.get("reason", "")) if isinstance(item, dict) else ""
            if kind == "PRODUCT":
                line = lines.get(item_id or 0)
                quantity = to_int(item.get("quantity"))
                if line is None:
                    raise v3_error(422, f"Order product {item_id} does not belong to the order")
                left = line["quantity"] - line["quantity_refunded"]
                if quantity is None or quantity < 1 or quantity > left:
                    raise v3_error(422, f"Only {left} of order product {item_id} can be refunded")
                line_total = Decimal(line["price_inc_tax"]) * quantity
                total += line_total
                tax += Decimal(line["price_tax"]) * quantity
                out.append(
                    {
                        "item_type": kind,
                        "item_id": item_id,
                        "reason": reason,
                        "quantity": quantity,
                        "requested_amount": line_total,
                    }
                )
                changes.append((line, quantity, line_total))
            elif kind in AMOUNT_TYPES:
                amount = to_money(item.get("amount"))
                if amount is None or amount <= 0:
                    raise v3_error(422, f"A positive amount is required for {kind}")
                if kind == "SHIPPING" and item_id not in order["_addresses"]:
                    raise v3_error(422, f"Shipping address {item_id} does not belong to the order")
                total += amount
                out.append(
                    {
                        "item_type": kind,
                        "item_id": item_id,
                        "reason": reason,
                        "requested_amount": amount,
                    }
                )
            else:
                raise v3_error(
                    422,
                    "JSON data is missing or invalid",
                    {
                        "item_type": "must be PRODUCT, GIFT_WRAPPING, ORDER, SHIPPING,"
                        " HANDLING, TAX or FEE"
                    },
                )
        remaining = Decimal(order["total_inc_tax"]) - Decimal(order["refunded_amount"])
        if total > remaining:
            raise v3_error(422, f"The refund of {total} exceeds the refundable {remaining}")
        return total, tax, out, changes

    def _methods(self, order: Doc, amount: Decimal) -> list[list[Doc]]:
        payment = order["_payment"]
        methods = [
            [
                {
                    "provider_id": payment["provider_id"],
                    "provider_description": payment["description"],
                    "amount": amount,
                    "offline": payment["offline"],
                    "offline_provider": payment["offline"],
                    "offline_reason": "",
                }
            ]
        ]
        if order["customer_id"]:
            # Guests cannot be refunded to store credit (§10.6).
            methods.append(
                [
                    {
                        "provider_id": "storecredit",
                        "provider_description": "Store Credit",
                        "amount": amount,
                        "offline": False,
                        "offline_provider": False,
                        "offline_reason": "",
                    }
                ]
            )
        return methods

    def _check_paid(self, order: Doc) -> None:
        # An order paid offline (a manual order's payment) has no gateway transaction; its
        # refund is recorded without moving money (refunds.mdx).
        offline = bool((order.get("_payment") or {}).get("offline"))
        settled = bool(order.get("_transactions")) or offline
        if not settled or order["status_id"] in {0, 1, 5, 6, 7}:
            raise v3_error(422, "The order has no settled payment to refund.")

    def quote(self, request: Request) -> Response:
        order = self._order(request)
        self._check_paid(order)
        total, tax, _, _ = self._compute(order, json_object(request))
        data = {
            "order_id": order["id"],
            "total_refund_amount": total,
            "total_refund_tax_amount": tax,
            "rounding": 0,
            "adjustment": 0,
            "tax_inclusive": bool(order["is_tax_inclusive_pricing"]),
            "order_level_refund_amount": 0,
            "refund_methods": self._methods(order, total),
        }
        return ok(data, status=201)

    # -- refunds -------------------------------------------------------------------------------

    def create(self, request: Request) -> Response:
        order = self._order(request)
        body = json_object(request)
        try:
            self._check_paid(order)
            total, tax, items, changes = self._compute(order, body)
        except BcError as exc:
            raise refund_error(exc.body["title"]) from None
        override = body.get("merchant_calculated_override")
        if isinstance(override, dict):
            total = to_money(override.get("total_amount")) or total
            tax = to_money(override.get("total_tax")) or tax
        payments = body.get("payments")
        if not isinstance(payments, list) or not payments:
            raise refund_error("payments are required")
        methods = {m[0]["provider_id"]: m[0] for m in self._methods(order, total)}
        paid = ZERO
        for part in payments:
            method = methods.get(part.get("provider_id")) if isinstance(part, dict) else None
            amount = to_money(part.get("amount")) if isinstance(part, dict) else None
            if method is None:
                raise refund_error("The payment provider is not one of the order's methods.")
            if amount is None:
                raise refund_error("Each payment needs an amount.")
            paid += amount
        if paid != total:
            # The amount must equal a quote's method amount exactly (§10.6).
            raise refund_error(f"The payment amounts ({paid}) do not match the refund ({total}).")
        moment = iso(now())
        for line, quantity, amount in changes:
            line["quantity_refunded"] += quantity
            line["refund_amount"] = money_str(Decimal(line["refund_amount"]) + amount)
            line["is_refunded"] = line["quantity_refunded"] >= line["quantity"]
            self.db.order_products.touch(line["id"])
        refund = record_refund(
            self.db,
            order,
            total,
            tax,
            items,
            payments,
            moment,
            reason=str(body.get("reason", ""))[:1000],
            override=isinstance(override, dict),
        )
        return ok(refund, status=201)

    def list_for_order(self, request: Request) -> Response:
        order = self._order(request)
        rows = [r for r in self.db.sorted_rows(self.db.refunds) if r["order_id"] == order["id"]]
        return ok(rows)

    def list_all(self, request: Request) -> Response:
        rows = self.db.sorted_rows(self.db.refunds)
        orders = int_list(request, "order_id:in")
        ids = int_list(request, "id:in")
        if orders is not None:
            rows = [r for r in rows if r["order_id"] in orders]
        if ids is not None:
            rows = [r for r in rows if r["id"] in ids]
        rows = select(rows, predicates(request, REFUND_SPEC, skip=("order_id:in", "id:in")))
        return v3_list(request, rows, dict)

    def get(self, request: Request) -> Response:
        refund = self.db.refunds.get(to_int(request.params.get("refund_id")) or 0)
        if refund is None:
            raise not_found_v3()
        return ok(refund)


def record_refund(
    db: BcDb,
    order: Doc,
    total: Decimal,
    tax: Decimal,
    items: list[Doc],
    payments: list[Doc],
    moment: str,
    *,
    reason: str = "",
    override: bool = False,
) -> Doc:
    """Store a refund, its transaction and the order's new status (4 full, 14 partial)."""
    refunded = Decimal(order["refunded_amount"]) + total
    order["refunded_amount"] = money_str(refunded)
    full = refunded >= Decimal(order["total_inc_tax"])
    order["payment_status"] = "refunded" if full else "partially refunded"
    set_status(db, order, 4 if full else 14)
    transaction = add_transaction(db, order, "refund", total, moment)
    refund = {
        "id": db.next_id("refunds"),
        "order_id": order["id"],
        "user_id": 0,
        "created": moment,
        "reason": reason,
        "total_amount": total,
        "total_tax": tax,
        "uses_merchant_override_values": override,
        "items": items,
        "payments": [
            {
                "id": db.next_id("refund_payments"),
                "provider_id": p["provider_id"],
                "amount": to_money(p["amount"]),
                "offline": bool(p.get("offline", False)),
                "is_declined": False,
                "declined_message": "",
                "transaction_id": str(transaction["id"]),
            }
            for p in payments
        ],
    }
    db.refunds.put(refund["id"], refund)
    return refund
