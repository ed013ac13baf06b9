"""What the demo stores share beyond the catalogue: the Clover counterparts of the web orders
an earlier push-orders run made (the BigCommerce seed marks them `_pushed_before`; they have
been refunded or cancelled since), and an in-store sale of a product both stores sell, one unit
of it returned. So every order action has something to show on the demo."""

from __future__ import annotations

from decimal import Decimal

from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.clover.atomic import create_order, parse_cart
from esync_desktop.sandbox.clover.db import CloverDb, Doc
from esync_desktop.sandbox.clover.orders import order_lines
from esync_desktop.sandbox.clover.payments import record_payment

# The owner had mapped the web store's card payments to this tender (a "BigCommerce" tender is
# left for push-orders to create on the demo).
TENDER_LABEL = "External Payment"


def _cents(value: object) -> int:
    return int((Decimal(str(value)) * 100).quantize(Decimal(1)))


def _item_ids(clover: CloverDb) -> dict[str, str]:
    return {
        str(i["sku"]).casefold(): i["id"]
        for i in clover.t["items"].rows.values()
        if i.get("sku") and not i.get("deleted")
    }


def _tender(clover: CloverDb) -> Doc:
    return next(t for t in clover.t["tenders"].rows.values() if t.get("label") == TENDER_LABEL)


def _order(clover: CloverDb, cart: Doc, payment: Doc | None) -> Doc:
    parsed = parse_cart(clover, {"orderCart": cart})
    clover.seeding = True  # the sale's effect on stock is already in the catalogue
    try:
        order = create_order(clover, parsed)
    finally:
        clover.seeding = False
    if payment is not None:
        # As a device (and push-orders) records it: the amount with the tax it holds.
        tax = parsed.totals.tax if parsed.totals is not None else 0
        body = {"amount": order["total"], "taxAmount": tax, **payment}
        record_payment(clover, order, body, card_ok=True)
    return order


def pushed_counterparts(clover: CloverDb, bc: BcDb) -> None:
    """The Clover order push-orders made for each marked web order, paid under its tender."""
    items = _item_ids(clover)
    for order in bc.sorted_rows(bc.orders):
        if not order.get("_pushed_before"):
            continue
        lines: list[Doc] = []
        for line_id in order["_lines"]:
            line = bc.order_products.rows[str(line_id)]
            unit = _cents(line["price_ex_tax"])
            item = items.get(str(line.get("sku") or "").casefold())
            ref = {"item": {"id": item}} if item else {"name": line["name"]}
            lines += [{**ref, "price": unit}] * int(line["quantity"])
        lines.append({"name": "Shipping", "price": _cents(order["shipping_cost_ex_tax"])})
        lines.append({"name": "Tax (charged by BigCommerce)", "price": _cents(order["total_tax"])})
        bill = order.get("billing_address") or {}
        cart = {
            "title": f"BigCommerce #{order['id']}",
            "note": f"BigCommerce order #{order['id']} - {bill.get('first_name', '')} "
            f"{bill.get('last_name', '')} <{bill.get('email', '')}>",
            "externalReferenceId": f"BC{order['id']}",
            "taxRemoved": True,
            "lineItems": lines,
        }
        tender = _tender(clover)
        _order(
            clover,
            cart,
            {"tender": {"id": tender["id"]}, "externalPaymentId": f"BC{order['id']}"},
        )


def in_store_return(clover: CloverDb, sku: str = "MUG-001") -> None:
    """An in-store sale of two units of a product both stores sell, one returned on the
    device (a Clover refund of that line)."""
    item = _item_ids(clover).get(sku.casefold())
    cash = next((t for t in clover.t["tenders"].rows.values() if t["label"] == "Cash"), None)
    if item is None or cash is None:
        return
    cart = {"title": "In-store return", "lineItems": [{"item": {"id": item}}] * 2}
    order = _order(clover, cart, {"tender": {"id": cash["id"]}})
    line = order_lines(clover, order["id"])[0]
    payment = next(iter(clover.payments_by_order[order["id"]]))
    now = clover.now()
    refund = {
        "id": clover.new_id(),
        "orderRef": {"id": order["id"]},
        "payment": {"id": payment},
        "amount": line["price"],
        "taxAmount": 0,
        "tipAmount": 0,
        "lineItems": [{"id": line["id"]}],
        "voided": False,
        "status": "SUCCESS",
        "createdTime": now,
        "clientCreatedTime": now,
    }
    clover.put("refunds", refund)
    line["refunded"] = True
    line["refund"] = {"id": refund["id"]}
    clover.put("line_items", line)
    order["paymentState"] = "PARTIALLY_REFUNDED"
    clover.put("orders", order)


def link_demo(clover: CloverDb, bc: BcDb) -> None:
    pushed_counterparts(clover, bc)
    in_store_return(clover)
