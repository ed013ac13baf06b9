"""Placing web orders: `POST /v2/orders` as BigCommerce documents it (catalogue products by
`product_id`/`variant_id`, custom lines, shipping/handling/wrapping, `discount_amount`, status,
overrides of the totals), the order's coupons (`GET /v2/orders/{id}/coupons`) and an admin route
that applies a coupon the way the storefront checkout does (the v2 API cannot)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import (
    Doc,
    json_body,
    money_str,
    now,
    parse_when,
    rfc2822,
    to_int,
    to_money,
    v2_error,
)
from esync_desktop.sandbox.bigcommerce.db import DEFAULT_LOCATION, BcDb
from esync_desktop.sandbox.bigcommerce.orders import ADDRESS_FIELDS, STATUS_NAMES, order_out, touch
from esync_desktop.sandbox.bigcommerce.paging import v2_list
from esync_desktop.sandbox.bigcommerce.render import public
from esync_desktop.sandbox.http import Request, Response, Router

FIRST_ORDER_ID = 100
# The demo store charges this sales tax on catalogue products (shipping is not taxed).
TAX_RATE = Decimal("0.0825")
CENT = Decimal("0.01")
SHIPPED = frozenset({2, 10})
# Statuses reached only once payment was taken.
PAID = frozenset({2, 3, 4, 9, 10, 11, 14})
MANUAL_PAYMENT = {
    "method": "custom",
    "gateway": "custom",
    "provider_id": "custom",
    "description": "Manual",
    "offline": True,
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class LineSpec:
    name: str
    quantity: int
    price_ex: Decimal
    price_inc: Decimal
    sku: str = ""
    product: Doc | None = None  # None: a custom line
    variant: Doc | None = None


@dataclass
class Costs:
    ex_tax: Decimal = Decimal(0)
    inc_tax: Decimal = Decimal(0)

    @property
    def tax(self) -> Decimal:
        return self.inc_tax - self.ex_tax


@dataclass
class OrderSpec:
    status_id: int
    billing: Doc
    lines: list[LineSpec]
    created: datetime
    customer_id: int = 0
    shipping: Costs = field(default_factory=Costs)
    handling: Costs = field(default_factory=Costs)
    wrapping: Costs = field(default_factory=Costs)
    discount_amount: Decimal = Decimal(0)
    payment: Doc = field(default_factory=lambda: dict(MANUAL_PAYMENT))
    payment_status: str = ""
    modified: datetime | None = None
    shipping_method: str = "Flat Rate"
    extra: Doc = field(default_factory=dict)  # staff_notes, external_source, ...
    # The documented overrides: subtotal_ex/inc_tax and total_ex/inc_tax come in pairs.
    overrides: dict[str, Decimal] = field(default_factory=dict)


def catalogue_line(db: BcDb, product: Doc, variant: Doc | None, quantity: int) -> LineSpec:
    """A catalogue product at its price, with the demo store's sales tax per unit."""
    price = variant.get("price") if variant else None
    if price is None:
        sale = product.get("sale_price") or 0
        price = sale if Decimal(str(sale)) > 0 else product["price"]
    unit = Decimal(str(price))
    sku = (variant or {}).get("sku") or product.get("sku") or ""
    return LineSpec(
        product["name"], quantity, unit, unit + cents(unit * TAX_RATE), sku, product, variant
    )


def _product_options(db: BcDb, lid: int, variant: Doc | None) -> list[Doc]:
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
    return options


def _line_doc(db: BcDb, oid: int, address_id: int, spec: LineSpec, status_id: int) -> Doc:
    lid = db.next_id("order_products")
    q = spec.quantity
    zero = money_str(0)
    total_ex, total_inc = spec.price_ex * q, spec.price_inc * q
    line = {
        "id": lid,
        "order_id": oid,
        "product_id": spec.product["id"] if spec.product else 0,
        "variant_id": spec.variant["id"] if spec.variant else 0,
        "order_pickup_method_id": 0,
        "order_address_id": address_id,
        "name": spec.name,
        "name_customer": spec.name,
        "name_merchant": spec.name,
        "sku": spec.sku,
        "upc": "",
        "type": "physical",
        "base_price": money_str(spec.price_ex),
        "price_ex_tax": money_str(spec.price_ex),
        "price_inc_tax": money_str(spec.price_inc),
        "price_tax": money_str(spec.price_inc - spec.price_ex),
        "base_total": money_str(total_ex),
        "total_ex_tax": money_str(total_ex),
        "total_inc_tax": money_str(total_inc),
        "total_tax": money_str(total_inc - total_ex),
        "weight": "1.0000",
        "width": zero,
        "height": zero,
        "depth": zero,
        "quantity": q,
        "base_cost_price": zero,
        "cost_price_inc_tax": zero,
        "cost_price_ex_tax": zero,
        "cost_price_tax": zero,
        "is_refunded": False,
        "quantity_refunded": 0,
        "refund_amount": zero,
        "return_id": 0,
        "wrapping_id": 0,
        "wrapping_name": None,
        "base_wrapping_cost": zero,
        "wrapping_cost_ex_tax": zero,
        "wrapping_cost_inc_tax": zero,
        "wrapping_cost_tax": zero,
        "wrapping_message": "",
        "quantity_shipped": q if status_id in SHIPPED else 0,
        "event_name": None,
        "event_date": None,
        "fixed_shipping_cost": zero,
        "ebay_item_id": "",
        "ebay_transaction_id": "",
        "option_set_id": None,
        "parent_order_product_id": None,
        "is_bundled_product": False,
        "bin_picking_number": "",
        "applied_discounts": [],
        "product_options": _product_options(db, lid, spec.variant),
        "configurable_fields": [],
        "discounted_total_inc_tax": money_str(total_inc),
    }
    db.order_products.put(lid, line)
    return line


def _costs(prefix: str, costs: Costs) -> Doc:
    return {
        f"base_{prefix}_cost": money_str(costs.ex_tax),
        f"{prefix}_cost_ex_tax": money_str(costs.ex_tax),
        f"{prefix}_cost_inc_tax": money_str(costs.inc_tax),
        f"{prefix}_cost_tax": money_str(costs.tax),
    }


def build_order(db: BcDb, spec: OrderSpec) -> Doc:
    """Store an order, its lines and its shipping address; totals as BigCommerce adds them up:
    total = subtotal + shipping + handling + wrapping - discounts, tax on top."""
    oid = db.next_id("orders", FIRST_ORDER_ID)
    address_id = db.next_id("order_addresses")
    lines = [_line_doc(db, oid, address_id, line, spec.status_id) for line in spec.lines]
    count = sum(line.quantity for line in spec.lines)
    sub_ex = sum((line.price_ex * line.quantity for line in spec.lines), Decimal(0))
    sub_inc = sum((line.price_inc * line.quantity for line in spec.lines), Decimal(0))
    o = spec.overrides
    sub_ex, sub_inc = o.get("subtotal_ex_tax", sub_ex), o.get("subtotal_inc_tax", sub_inc)
    extras = (spec.shipping, spec.handling, spec.wrapping)
    total_ex = sub_ex + sum((c.ex_tax for c in extras), Decimal(0)) - spec.discount_amount
    tax = (sub_inc - sub_ex) + sum((c.tax for c in extras), Decimal(0))
    total_ex, total_inc = o.get("total_ex_tax", total_ex), o.get("total_inc_tax", total_ex + tax)
    modified = spec.modified or spec.created
    address = {k: str(spec.billing.get(k) or "") for k in ADDRESS_FIELDS}
    order: Doc = {
        "id": oid,
        "customer_id": spec.customer_id,
        "date_created": rfc2822(spec.created),
        "date_modified": rfc2822(modified),
        "date_shipped": rfc2822(spec.created + timedelta(days=1))
        if spec.status_id in SHIPPED
        else "",
        "status_id": spec.status_id,
        "status": STATUS_NAMES[spec.status_id],
        "custom_status": STATUS_NAMES[spec.status_id],
        "subtotal_ex_tax": money_str(sub_ex),
        "subtotal_inc_tax": money_str(sub_inc),
        "subtotal_tax": money_str(sub_inc - sub_ex),
        **_costs("shipping", spec.shipping),
        "shipping_cost_tax_class_id": 2,
        **_costs("handling", spec.handling),
        "handling_cost_tax_class_id": 2,
        **_costs("wrapping", spec.wrapping),
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": money_str(total_ex),
        "total_inc_tax": money_str(total_inc),
        "total_tax": money_str(total_inc - total_ex),
        "is_tax_inclusive_pricing": False,
        "items_total": count,
        "items_shipped": count if spec.status_id in SHIPPED else 0,
        "payment_method": spec.payment["description"],
        "payment_provider_id": spec.payment["provider_id"],
        "payment_status": spec.payment_status,
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
        "discount_amount": money_str(spec.discount_amount),
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
        **spec.extra,
        "_created": spec.created.timestamp(),
        "_modified": modified.timestamp(),
        "_lines": [line["id"] for line in lines],
        "_addresses": [address_id],
        "_payment": spec.payment,
        "_transactions": [],
        "_coupons": [],
    }
    shipped = order["items_shipped"]
    db.order_addresses.put(address_id, _address_doc(db, oid, address_id, spec, address, shipped))
    db.orders.put(oid, order)
    return order


def _address_doc(
    db: BcDb, oid: int, address_id: int, spec: OrderSpec, address: Doc, shipped: int
) -> Doc:
    base = f"/orders/{oid}/shippingaddresses/{address_id}/shippingquotes"
    return {
        "id": address_id,
        "order_id": oid,
        **address,
        "items_total": sum(line.quantity for line in spec.lines),
        "items_shipped": shipped,
        "shipping_method": spec.shipping_method,
        "base_cost": money_str(spec.shipping.ex_tax),
        "cost_ex_tax": money_str(spec.shipping.ex_tax),
        "cost_inc_tax": money_str(spec.shipping.inc_tax),
        "cost_tax": money_str(spec.shipping.tax),
        "cost_tax_class_id": 2,
        "base_handling_cost": money_str(spec.handling.ex_tax),
        "handling_cost_ex_tax": money_str(spec.handling.ex_tax),
        "handling_cost_inc_tax": money_str(spec.handling.inc_tax),
        "handling_cost_tax": money_str(spec.handling.tax),
        "handling_cost_tax_class_id": 2,
        "shipping_zone_id": 1,
        "shipping_zone_name": "United States",
        "shipping_quotes": {
            "url": f"https://api.bigcommerce.com/stores/{db.store_hash}/v2{base}",
            "resource": base,
        },
        "form_fields": [],
    }


# -- POST /v2/orders ---------------------------------------------------------------------------


def _amount(body: Doc, name: str, default: Decimal | None = Decimal(0)) -> Decimal | None:
    raw = body.get(name)
    if raw is None:
        return default
    value = to_money(raw)
    if value is None or value < 0:
        raise v2_error(400, f"The field '{name}' is invalid. The value can't be negative.")
    return value


def _pair(body: Doc, prefix: str) -> Costs:
    ex = _amount(body, f"{prefix}_cost_ex_tax", None)
    inc = _amount(body, f"{prefix}_cost_inc_tax", None)
    base = _amount(body, f"base_{prefix}_cost", None)
    ex = ex if ex is not None else (base if base is not None else inc)
    inc = inc if inc is not None else ex
    return Costs(ex or Decimal(0), inc or Decimal(0))


def _find_variant(db: BcDb, product: Doc, raw: Doc, index: int) -> Doc | None:
    variants = [db.variants.rows[str(v)] for v in db.variants_of.get(product["id"], [])]
    wanted = to_int(raw.get("variant_id"))
    if wanted is not None:
        found = next((v for v in variants if v["id"] == wanted), None)
        if found is None:
            raise v2_error(400, f"products[{index}]: variant {wanted} is not a variant of it.")
        return found
    chosen = {str(o.get("value")) for o in raw.get("product_options") or [] if isinstance(o, dict)}
    if chosen:
        for variant in variants:
            values = {str(v["id"]) for v in variant.get("option_values", [])}
            if values and values <= chosen:
                return variant
        raise v2_error(400, f"products[{index}]: no variant has those product_options.")
    base = product.get("base_variant_id")
    if base is None:
        raise v2_error(
            400,
            f"products[{index}]: product {product['id']} has variants; give variant_id or "
            "product_options.",
        )
    return db.variants.get(base)


def _parse_line(db: BcDb, raw: Any, index: int) -> LineSpec:
    if not isinstance(raw, dict):
        raise v2_error(400, f"products[{index}] must be an object.")
    quantity = to_int(raw.get("quantity"))
    if quantity is None or quantity < 1:
        raise v2_error(400, f"products[{index}]: the field 'quantity' is required (1 or more).")
    name = raw.get("name") or raw.get("name_customer") or raw.get("name_merchant")
    price_ex, price_inc = _amount(raw, "price_ex_tax", None), _amount(raw, "price_inc_tax", None)
    product_id = to_int(raw.get("product_id"))
    if product_id:
        product = db.products.get(product_id)
        if product is None:
            raise v2_error(400, f"products[{index}]: product {product_id} does not exist.")
        line = catalogue_line(db, product, _find_variant(db, product, raw, index), quantity)
        if name:
            line.name = str(name)
        # Prices given with a catalogue product replace the catalogue's (a manual order).
        if price_ex is not None or price_inc is not None:
            line.price_ex = price_ex if price_ex is not None else price_inc  # type: ignore[assignment]
            line.price_inc = price_inc if price_inc is not None else line.price_ex
        return line
    missing = [
        k for k, v in (("name", name), ("price_ex_tax", price_ex), ("price_inc_tax", price_inc))
        if v in (None, "")
    ]  # fmt: skip
    if missing:
        raise v2_error(
            400, f"products[{index}]: a custom product needs {', '.join(missing)} as well."
        )
    assert price_ex is not None and price_inc is not None
    return LineSpec(str(name), quantity, price_ex, price_inc, str(raw.get("sku") or ""))


def parse_order(db: BcDb, body: Any) -> OrderSpec:
    if not isinstance(body, dict):
        raise v2_error(400, "The request body must be a JSON object.")
    if body.get("consignments") is not None:
        raise v2_error(400, "Pickup consignments are not supported by this store.")
    billing = body.get("billing_address")
    if not isinstance(billing, dict):
        raise v2_error(400, "The field 'billing_address' is required.")
    if len(str(billing.get("zip") or "").strip()) < 2:
        raise v2_error(
            400, "The billing address must include the ZIP code (two or more characters)."
        )
    products = body.get("products")
    if not isinstance(products, list) or not products:
        raise v2_error(400, "The field 'products' is required.")
    status_id = to_int(body.get("status_id", 1))
    if status_id not in STATUS_NAMES:
        raise v2_error(400, "The field 'status_id' is invalid.")
    overrides: dict[str, Decimal] = {}
    for first, second in (
        ("subtotal_ex_tax", "subtotal_inc_tax"),
        ("total_ex_tax", "total_inc_tax"),
    ):
        given = [k for k in (first, second) if body.get(k) is not None]
        if len(given) == 1:
            other = second if given[0] == first else first
            raise v2_error(400, f"If '{given[0]}' is given, '{other}' is required as well.")
        for key in given:
            overrides[key] = _amount(body, key) or Decimal(0)
    created = parse_when(str(body["date_created"])) if body.get("date_created") else now()
    if created is None:
        raise v2_error(400, "The field 'date_created' is not a valid date.")
    method = str(body.get("payment_method") or "Manual")
    addresses = body.get("shipping_addresses") or []
    shipping_method = "Flat Rate"
    if addresses and isinstance(addresses[0], dict):
        shipping_method = str(addresses[0].get("shipping_method") or shipping_method)
    extra = {
        k: body[k]
        for k in ("staff_notes", "customer_message", "external_source", "external_order_id")
        if isinstance(body.get(k), str)
    }
    return OrderSpec(
        status_id=status_id,
        billing=billing,
        lines=[_parse_line(db, raw, n) for n, raw in enumerate(products)],
        created=created,
        customer_id=to_int(body.get("customer_id")) or 0,
        shipping=_pair(body, "shipping"),
        handling=_pair(body, "handling"),
        wrapping=_pair(body, "wrapping"),
        discount_amount=_amount(body, "discount_amount") or Decimal(0),
        payment={**MANUAL_PAYMENT, "description": method},
        payment_status="",
        shipping_method=shipping_method,
        extra=extra,
        overrides=overrides,
    )


# -- coupons -----------------------------------------------------------------------------------

COUPON_TYPES = {0: "per_item_discount", 2: "per_total_discount"}


def apply_coupon(db: BcDb, order: Doc, code: str, amount: Decimal, line_id: int | None) -> Doc:
    """A coupon as checkout applies it: on one line (`line_id`, type 0, per item) or on the
    whole order (type 2, spread over the lines in proportion). The order's coupon_discount and
    totals go down by the amount; tax is left as charged."""
    lines = [db.order_products.rows[str(i)] for i in order["_lines"]]
    if line_id is not None:
        targets = [x for x in lines if x["id"] == line_id]
        if not targets:
            raise v2_error(404, "The requested resource was not found.")
    else:
        targets = lines
    amount = cents(amount)
    base = sum((Decimal(x["total_ex_tax"]) for x in targets), Decimal(0))
    if amount <= 0 or amount > base:
        raise v2_error(400, "The coupon amount must be positive and at most what it applies to.")
    coupon_id = db.next_id("coupons")
    left = amount
    for n, line in enumerate(targets):
        weight = Decimal(line["total_ex_tax"]) / base
        share = left if n == len(targets) - 1 else min(cents(amount * weight), left)
        left -= share
        if share <= 0:
            continue
        line["applied_discounts"].append(
            {
                "id": str(coupon_id),
                "amount": money_str(share),
                "name": "Coupon",
                "code": code,
                "target": "product" if line_id is not None else "order",
            }
        )
        discounted = Decimal(line["discounted_total_inc_tax"]) - share
        line["discounted_total_inc_tax"] = money_str(discounted)
        db.order_products.touch(line["id"])
    kind = 0 if line_id is not None else 2
    order["_coupons"].append(
        {
            "id": coupon_id,
            "coupon_id": coupon_id,
            "order_id": order["id"],
            "code": code,
            "amount": amount,
            "type": kind,
            "discount": amount,
        }
    )
    order["coupon_discount"] = money_str(Decimal(order["coupon_discount"]) + amount)
    for key in ("total_ex_tax", "total_inc_tax"):
        order[key] = money_str(Decimal(order[key]) - amount)
    touch(db, order)
    return order


def take_stock(db: BcDb, spec: OrderSpec) -> None:
    """A placed order takes its catalogue lines off the default location's stock, as the
    store's inventory setting `update_stock_behavior: order_placed` (the demo store's) does for
    orders made by the API too (the inventory webhooks' "manual order" note, bigcommerce.md
    §9.5). Custom lines and untracked products have no stock. Incomplete orders were never
    placed. The level stops at 0: the sandbox does not refuse an order over the stock."""
    if spec.status_id == 0:
        return
    for line in spec.lines:
        product = line.product
        if product is None:
            continue
        if product["inventory_tracking"] == "product":
            target, variant_id = f"p{product['id']}", product.get("base_variant_id")
        elif product["inventory_tracking"] == "variant" and line.variant is not None:
            target, variant_id = f"v{line.variant['id']}", line.variant["id"]
        else:
            continue
        level = db.onhand(DEFAULT_LOCATION, target)
        db.set_onhand(
            DEFAULT_LOCATION,
            target,
            max(0, level - line.quantity),
            product_id=product["id"],
            variant_id=variant_id,
            absolute=False,
        )
        db.touch_product(product["id"])


class OrderCreate:
    """The routes this module adds to the v2 orders API."""

    def __init__(self, db: BcDb) -> None:
        self.db = db

    def register(self, router: Router) -> None:
        router.add("POST", "/v2/orders", self.create)
        router.add("GET", "/v2/orders/{order_id}/coupons", self.coupons)

    def create(self, request: Request) -> Response:
        spec = parse_order(self.db, json_body(request, v2=True))
        order = build_order(self.db, spec)
        take_stock(self.db, spec)
        base = f"https://api.bigcommerce.com/stores/{self.db.store_hash}/v2"
        return Response.json(200, order_out(self.db, order, base))

    def coupons(self, request: Request) -> Response:
        order = self.db.orders.get(to_int(request.params.get("order_id")) or 0)
        if order is None:
            raise v2_error(404, "The requested resource was not found.")
        return v2_list(request, list(order.get("_coupons", [])), public)


def admin(db: BcDb, request: Request, sub: str) -> Response | None:
    """POST /_sandbox/bigcommerce/orders/{id}/coupon {"code", "amount", "line_id"?}."""
    parts = sub.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "orders" or parts[2] != "coupon" or request.method != "POST":
        return None
    order = db.orders.get(to_int(parts[1]) or 0)
    if order is None:
        raise ValueError(f"no order {parts[1]}")
    body = request.json()
    amount = to_money(body.get("amount")) if isinstance(body, dict) else None
    if amount is None or not body.get("code"):
        raise ValueError('send {"code": "...", "amount": "5.00", "line_id": optional}')
    apply_coupon(db, order, str(body["code"]), amount, to_int(body.get("line_id")))
    return Response.json(200, public(order))
