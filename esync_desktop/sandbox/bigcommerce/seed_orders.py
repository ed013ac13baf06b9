"""Demo web orders: a dozen recent v2 orders in several statuses with lines and shipping
addresses, plus one fully refunded order with its v3 refund and transactions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from esync_desktop.sandbox.bigcommerce.common import Doc, iso, now
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.order_create import (
    PAID,
    Costs,
    LineSpec,
    OrderSpec,
    apply_coupon,
    build_order,
    catalogue_line,
)
from esync_desktop.sandbox.bigcommerce.orders import set_status
from esync_desktop.sandbox.bigcommerce.refunds import add_transaction, record_refund

SHIPPING = Decimal("5.9900")
CUSTOMERS = (
    # customer id (0 = guest), first, last, email, street, city, state, zip
    (11, "Jane", "Doe", "jane.doe@example.com", "555 East Street", "Austin", "Texas", "78701"),
    (12, "Luis", "García", "luis.garcia@example.com", "12 Oak Ave", "Dallas", "Texas", "75201"),
    (0, "Sam", "Guest", "sam.guest@example.com", "9 Elm Rd", "Houston", "Texas", "77002"),
    (14, "Ana", "Kowalski", "ana.k@example.com", "77 Pine St", "El Paso", "Texas", "79901"),
)
PAYMENTS = {
    "card": {
        "method": "credit_card",
        "gateway": "braintree",
        "provider_id": "braintree",
        "description": "Braintree (Credit Card)",
        "offline": False,
    },
    "cod": {
        "method": "offline",
        "gateway": "cod",
        "provider_id": "cod",
        "description": "Cash on Delivery",
        "offline": True,
    },
}
# (status id, days ago, customer index, payment, [(sku, quantity)])
ORDERS = (
    (10, 20, 0, "card", [("MUG-001", 2)]),
    (2, 15, 1, "card", [("COF-001", 1), ("TEA-001", 2)]),
    (2, 12, 3, "card", [("PT-M-SAN", 1)]),
    (5, 10, 2, "cod", [("CND-001", 1)]),
    (11, 6, 0, "card", [("STA-001", 3), ("CRD-001", 2)]),
    (11, 4, 1, "card", [("PT-L-OLI", 1), ("MUG-002", 1)]),
    (9, 3, 3, "card", [("JWL-001", 1)]),
    (7, 2, 2, "cod", [("COF-002", 2)]),
    (1, 1, 0, "card", [("WEB-001", 1)]),
    (11, 1, 3, "card", [("MUG-005", 1), ("PT-S-SAN", 2)]),
    (11, 0.5, 2, "card", [("TEA-003", 1)]),
    (10, 0.2, 1, "card", [("CND-002", 2), ("STA-002", 1)]),
)


def seed_orders(db: BcDb) -> None:
    for spec in ORDERS:
        _order(db, *spec)
    # One order refunded in full: lines and shipping back to the card, status Refunded (4).
    order = _order(db, 2, 25, 1, "card", [("COF-005", 1), ("MUG-001", 1)])
    lines = [db.order_products.rows[str(i)] for i in order["_lines"]]
    items: list[Doc] = []
    for line in lines:
        line["quantity_refunded"] = line["quantity"]
        line["is_refunded"] = True
        line["refund_amount"] = line["total_inc_tax"]
        items.append(
            {
                "item_type": "PRODUCT",
                "item_id": line["id"],
                "reason": "Damaged",
                "quantity": line["quantity"],
                "requested_amount": Decimal(line["total_inc_tax"]),
            }
        )
    address_id = order["_addresses"][0]
    items.append(
        {
            "item_type": "SHIPPING",
            "item_id": address_id,
            "reason": "Damaged",
            "requested_amount": Decimal(order["shipping_cost_inc_tax"]),
        }
    )
    total = Decimal(order["total_inc_tax"])
    payment = [{"provider_id": "braintree", "amount": total, "offline": False}]
    moment = iso(now() - timedelta(days=23))
    record_refund(
        db,
        order,
        total,
        Decimal(order["total_tax"]),
        items,
        payment,
        moment,
        reason="Arrived broken",
    )
    # A custom line (a hand-lettered card: no SKU, no Clover item) and a whole-order coupon.
    card = LineSpec("Hand-lettered card", 1, Decimal("4.00"), Decimal("4.33"))
    order = _order(db, 11, 0.1, 3, "card", [("WEB-001", 1), ("MUG-001", 2)], [card])
    apply_coupon(db, order, "WELCOME5", Decimal(5), None)
    _after_push(db)


def _after_push(db: BcDb) -> None:
    """Two orders that reached Clover while they were awaiting fulfilment (the sandbox's
    demo_links gives Clover their pushed counterparts) and changed since: one partly refunded
    (one of two mugs, through the v3 refund's own bookkeeping), one cancelled."""
    order = _order(db, 11, 8, 0, "card", [("MUG-002", 2), ("TEA-001", 1)])
    line = next(
        db.order_products.rows[str(i)]
        for i in order["_lines"]
        if db.order_products.rows[str(i)]["sku"] == "MUG-002"
    )
    price_inc, price_tax = Decimal(line["price_inc_tax"]), Decimal(line["price_tax"])
    line["quantity_refunded"] = 1
    line["refund_amount"] = line["price_inc_tax"]
    item = {
        "item_type": "PRODUCT",
        "item_id": line["id"],
        "reason": "Chipped",
        "quantity": 1,
        "requested_amount": price_inc,
    }
    payment = [{"provider_id": "braintree", "amount": price_inc, "offline": False}]
    moment = iso(now() - timedelta(days=5))
    record_refund(db, order, price_inc, price_tax, [item], payment, moment, reason="Chipped")
    order["_pushed_before"] = True
    db.orders.put(order["id"], order)
    order = _order(db, 11, 7, 1, "card", [("COF-001", 1)])
    order["_pushed_before"] = True
    order["payment_status"] = "void"
    set_status(db, order, 5)
    db.orders.put(order["id"], order)


def _order(
    db: BcDb,
    status_id: int,
    days: float,
    who: int,
    pay: str,
    wanted: list[tuple[str, int]],
    custom: list[LineSpec] | None = None,
) -> Doc:
    customer_id, first, last, email, street, city, state, zipcode = CUSTOMERS[who]
    created = now() - timedelta(days=days)
    billing = {
        "first_name": first,
        "last_name": last,
        "street_1": street,
        "city": city,
        "state": state,
        "zip": zipcode,
        "country": "United States",
        "country_iso2": "US",
        "phone": "512-555-0100",
        "email": email,
    }
    lines = []
    for sku, quantity in wanted:
        found = db.find_by_sku(sku)
        if found is not None:
            lines.append(catalogue_line(db, found[0], found[1], quantity))
    spec = OrderSpec(
        status_id=status_id,
        billing=billing,
        lines=lines + list(custom or []),
        created=created,
        customer_id=customer_id,
        shipping=Costs(SHIPPING, SHIPPING),
        payment=PAYMENTS[pay],
        payment_status="captured"
        if status_id in PAID
        else ("void" if status_id == 5 else "pending"),
        modified=created + timedelta(hours=2),
    )
    order = build_order(db, spec)
    if status_id in PAID:
        add_transaction(db, order, "purchase", Decimal(order["total_inc_tax"]), iso(created))
    return order
