"""Demo web orders: a dozen recent v2 orders in several statuses with lines and shipping
addresses, plus one fully refunded order with its v3 refund and transactions."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from esync_desktop.sandbox.bigcommerce.common import Doc, iso, money_str, now, rfc2822
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.orders import STATUS_NAMES
from esync_desktop.sandbox.bigcommerce.refunds import add_transaction, record_refund

TAX_RATE = Decimal("0.0825")
SHIPPING = Decimal("5.9900")
CENT = Decimal("0.01")
FIRST_ORDER_ID = 100
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
PAID = {2, 3, 4, 9, 10, 11, 14}


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


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


def _order(
    db: BcDb, status_id: int, days: float, who: int, pay: str, wanted: list[tuple[str, int]]
) -> Doc:
    customer_id, first, last, email, street, city, state, zipcode = CUSTOMERS[who]
    created = now() - timedelta(days=days)
    oid = db.next_id("orders", FIRST_ORDER_ID)
    address = {
        "first_name": first,
        "last_name": last,
        "company": "",
        "street_1": street,
        "street_2": "",
        "city": city,
        "state": state,
        "zip": zipcode,
        "country": "United States",
        "country_iso2": "US",
        "phone": "512-555-0100",
        "email": email,
    }
    address_id = db.next_id("order_addresses")
    lines: list[Doc] = []
    subtotal = tax = Decimal(0)
    count = 0
    for sku, quantity in wanted:
        found = db.find_by_sku(sku)
        if found is None:
            continue
        product, variant = found
        price = (
            Decimal(variant["price"])
            if variant and variant.get("price") is not None
            else (Decimal(product["price"]))
        )
        line_tax = _q(price * TAX_RATE)
        line = _line(db, oid, address_id, product, variant, quantity, price, line_tax, status_id)
        lines.append(line)
        subtotal += price * quantity
        tax += line_tax * quantity
        count += quantity
    total_ex = subtotal + SHIPPING
    moment = rfc2822(created)
    order: Doc = {
        "id": oid,
        "customer_id": customer_id,
        "date_created": moment,
        "date_modified": rfc2822(created + timedelta(hours=2)),
        "date_shipped": rfc2822(created + timedelta(days=1)) if status_id in {2, 10} else "",
        "status_id": status_id,
        "status": STATUS_NAMES[status_id],
        "custom_status": STATUS_NAMES[status_id],
        "subtotal_ex_tax": money_str(subtotal),
        "subtotal_inc_tax": money_str(subtotal + tax),
        "subtotal_tax": money_str(tax),
        "base_shipping_cost": money_str(SHIPPING),
        "shipping_cost_ex_tax": money_str(SHIPPING),
        "shipping_cost_inc_tax": money_str(SHIPPING),
        "shipping_cost_tax": money_str(0),
        "shipping_cost_tax_class_id": 2,
        "base_handling_cost": money_str(0),
        "handling_cost_ex_tax": money_str(0),
        "handling_cost_inc_tax": money_str(0),
        "handling_cost_tax": money_str(0),
        "handling_cost_tax_class_id": 2,
        "base_wrapping_cost": money_str(0),
        "wrapping_cost_ex_tax": money_str(0),
        "wrapping_cost_inc_tax": money_str(0),
        "wrapping_cost_tax": money_str(0),
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": money_str(total_ex),
        "total_inc_tax": money_str(total_ex + tax),
        "total_tax": money_str(tax),
        "is_tax_inclusive_pricing": False,
        "items_total": count,
        "items_shipped": count if status_id in {2, 10} else 0,
        "payment_method": PAYMENTS[pay]["description"],
        "payment_provider_id": PAYMENTS[pay]["provider_id"],
        "payment_status": "captured"
        if status_id in PAID
        else ("void" if status_id == 5 else "pending"),
        "refunded_amount": money_str(0),
        "order_is_digital": False,
        "store_credit_amount": money_str(0),
        "gift_certificate_amount": money_str(0),
        "ip_address": "192.0.2.10",
        "ip_address_v6": "",
        "geoip_country": "United States",
        "geoip_country_iso2": "US",
        "currency_id": 1,
        "currency_code": "USD",
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": 1,
        "default_currency_code": "USD",
        "store_default_currency_code": "USD",
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "staff_notes": "",
        "customer_message": "",
        "discount_amount": money_str(0),
        "coupon_discount": money_str(0),
        "shipping_address_count": 1,
        "is_deleted": False,
        "ebay_order_id": "0",
        "cart_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"cart-{oid}")),
        "billing_address": {**address, "form_fields": []},
        "is_email_opt_in": False,
        "order_source": "www",
        "channel_id": 1,
        "external_source": None,
        "external_id": None,
        "external_merchant_id": None,
        "external_order_id": "",
        "tax_provider_id": "BasicTaxProvider",
        "customer_locale": "en",
        "fees": [],
        "_created": created.timestamp(),
        "_modified": (created + timedelta(hours=2)).timestamp(),
        "_lines": [line["id"] for line in lines],
        "_addresses": [address_id],
        "_payment": PAYMENTS[pay],
        "_transactions": [],
    }
    db.order_addresses.put(
        address_id,
        {
            "id": address_id,
            "order_id": oid,
            **address,
            "items_total": count,
            "items_shipped": order["items_shipped"],
            "shipping_method": "Flat Rate",
            "base_cost": money_str(SHIPPING),
            "cost_ex_tax": money_str(SHIPPING),
            "cost_inc_tax": money_str(SHIPPING),
            "cost_tax": money_str(0),
            "cost_tax_class_id": 2,
            "base_handling_cost": money_str(0),
            "handling_cost_ex_tax": money_str(0),
            "handling_cost_inc_tax": money_str(0),
            "handling_cost_tax": money_str(0),
            "handling_cost_tax_class_id": 2,
            "shipping_zone_id": 1,
            "shipping_zone_name": "United States",
            "shipping_quotes": {
                "url": f"https://api.bigcommerce.com/stores/{db.store_hash}/v2/orders/{oid}"
                f"/shippingaddresses/{address_id}/shippingquotes",
                "resource": f"/orders/{oid}/shippingaddresses/{address_id}/shippingquotes",
            },
            "form_fields": [],
        },
    )
    db.orders.put(oid, order)
    if status_id in PAID:
        add_transaction(db, order, "purchase", total_ex + tax, iso(created))
    return order


def _line(
    db: BcDb,
    oid: int,
    address_id: int,
    product: Doc,
    variant: Doc | None,
    quantity: int,
    price: Decimal,
    line_tax: Decimal,
    status_id: int,
) -> Doc:
    lid = db.next_id("order_products")
    options = []
    for ref in (variant or {}).get("option_values", []):
        options.append(
            {
                "id": db.next_id("order_product_options"),
                "option_id": ref["option_id"],
                "order_product_id": lid,
                "product_option_id": ref["option_id"],
                "display_name": ref["option_display_name"],
                "display_value": ref["label"],
                "value": str(ref["id"]),
                "type": "Multiple choice",
                "name": ref["option_display_name"],
                "display_style": "Rectangle",
            }
        )
    total = price * quantity
    line = {
        "id": lid,
        "order_id": oid,
        "product_id": product["id"],
        "variant_id": variant["id"] if variant else 0,
        "order_pickup_method_id": 0,
        "order_address_id": address_id,
        "name": product["name"],
        "name_customer": product["name"],
        "name_merchant": product["name"],
        "sku": variant["sku"] if variant else product["sku"],
        "upc": "",
        "type": "physical",
        "base_price": money_str(price),
        "price_ex_tax": money_str(price),
        "price_inc_tax": money_str(price + line_tax),
        "price_tax": money_str(line_tax),
        "base_total": money_str(total),
        "total_ex_tax": money_str(total),
        "total_inc_tax": money_str(total + line_tax * quantity),
        "total_tax": money_str(line_tax * quantity),
        "weight": "1.0000",
        "width": "0.0000",
        "height": "0.0000",
        "depth": "0.0000",
        "quantity": quantity,
        "base_cost_price": money_str(0),
        "cost_price_inc_tax": money_str(0),
        "cost_price_ex_tax": money_str(0),
        "cost_price_tax": money_str(0),
        "is_refunded": False,
        "quantity_refunded": 0,
        "refund_amount": money_str(0),
        "return_id": 0,
        "wrapping_id": 0,
        "wrapping_name": None,
        "base_wrapping_cost": money_str(0),
        "wrapping_cost_ex_tax": money_str(0),
        "wrapping_cost_inc_tax": money_str(0),
        "wrapping_cost_tax": money_str(0),
        "wrapping_message": "",
        "quantity_shipped": quantity if status_id in {2, 10} else 0,
        "event_name": None,
        "event_date": None,
        "fixed_shipping_cost": money_str(0),
        "ebay_item_id": "",
        "ebay_transaction_id": "",
        "option_set_id": None,
        "parent_order_product_id": None,
        "is_bundled_product": False,
        "bin_picking_number": "",
        "applied_discounts": [],
        "product_options": options,
        "configurable_fields": [],
        "discounted_total_inc_tax": money_str(total + line_tax * quantity),
    }
    db.order_products.put(lid, line)
    return line
