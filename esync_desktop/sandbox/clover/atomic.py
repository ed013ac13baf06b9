"""Atomic orders: price a cart (`checkouts`) or create the whole order in one call (`orders`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from esync_desktop.sandbox.clover.common import BASE, as_int, json_body, ok, ref_id
from esync_desktop.sandbox.clover.db import CloverDb, CloverError, Doc, bad_request
from esync_desktop.sandbox.clover.orders import (
    MAX_LINES,
    add_line,
    check_discount,
    item_tax_rates,
    new_order,
    render_order,
)
from esync_desktop.sandbox.clover.query import Expand, public
from esync_desktop.sandbox.clover.totals import LineInput, Totals, price
from esync_desktop.sandbox.http import Request, Response, Router

DEFAULT_SERVICE_CHARGE_ID = "default_service_charge"


def atomic_error(code: str, details: str | None = None) -> CloverError:
    body: Doc = {"message": code}
    if details is not None:
        body["details"] = details
    return CloverError(400, body)


@dataclass
class Cart:
    body: Doc
    lines: list[Doc] = field(default_factory=list)  # the line bodies, item resolved
    inputs: list[LineInput] = field(default_factory=list)
    line_discounts: list[list[Doc]] = field(default_factory=list)
    modifications: list[list[Doc]] = field(default_factory=list)
    discounts: list[Doc] = field(default_factory=list)
    service_charge: Doc | None = None
    totals: Totals | None = None


def default_service_charge(db: CloverDb) -> Doc | None:
    merchant = db.get("merchant", db.merchant_id)
    return None if merchant is None else merchant.get("_serviceCharge")


def _modifications(raw: Any) -> list[Doc]:
    mods: list[Doc] = []
    for mod in raw if isinstance(raw, list) else []:
        mod_id = ref_id(mod.get("modifier")) if isinstance(mod, dict) else None
        if mod_id is None:
            continue  # Clover ignores modifier fields without modifier.id
        if mod.get("amount") is None:
            # No modifier catalogue is emulated, so the amount must come with the line.
            raise atomic_error("invalid_modifier", mod_id)
        mods.append(
            {
                "name": str(mod.get("name") or ""),
                "amount": as_int(mod["amount"], "amount"),
                "modifier": {"id": mod_id},
            }
        )
    return mods


def parse_cart(db: CloverDb, body: Doc) -> Cart:
    """Validate a whole cart before anything is written; prices it (§9.8)."""
    cart = body.get("orderCart")
    if not isinstance(cart, dict) or not isinstance(cart.get("lineItems"), list):
        raise atomic_error("cart_is_empty_or_missing")
    if not cart["lineItems"]:
        raise atomic_error("cart_is_empty_or_missing")
    if len(cart["lineItems"]) > MAX_LINES:
        raise bad_request(f"An order can hold at most {MAX_LINES} line items")
    out = Cart(body=cart)
    for raw in cart["lineItems"]:
        if not isinstance(raw, dict):
            raise atomic_error("bad_request", "line item must be an object")
        item_id = ref_id(raw.get("item"))
        item = db.live("items", item_id) if item_id else None
        if item_id and item is None:
            raise atomic_error("item_does_not_exist", item_id)
        if item is None and raw.get("price") is None:
            raise atomic_error("bad_request", "line item needs an item id or a price")
        given = raw.get("price")
        unit_price = as_int(given if given is not None or item is None else item["price"], "price")
        unit_qty = None
        if item is not None and item.get("priceType") == "PER_UNIT":
            unit_qty = as_int(raw.get("unitQty") or 1000, "unitQty")
        try:
            discounts = [check_discount(d, order_level=False) for d in raw.get("discounts") or []]
        except CloverError:
            raise atomic_error("invalid_discount_attribute") from None
        mods = _modifications(raw.get("modifications"))
        if isinstance(raw.get("taxRates"), list) and item is None:
            ids = [ref_id(r) for r in raw["taxRates"]]
            rates = [r for r in (db.live("tax_rates", i) for i in ids if i) if r]
        else:
            rates = item_tax_rates(db, item)
        out.lines.append(raw)
        out.inputs.append(
            LineInput(unit_price, unit_qty, [m["amount"] for m in mods], discounts, rates)
        )
        out.line_discounts.append(discounts)
        out.modifications.append(mods)
    try:
        out.discounts = [check_discount(d, order_level=True) for d in cart.get("discounts") or []]
    except CloverError:
        raise atomic_error("invalid_discount_attribute") from None
    charge = cart.get("serviceCharge")
    if isinstance(charge, dict):
        known = default_service_charge(db)
        if known is None or (charge.get("id") and charge["id"] != known["id"]):
            raise atomic_error("service_charge_does_not_exist", str(charge.get("id")))
        out.service_charge = {**known, **{k: v for k, v in charge.items() if v is not None}}
    pct = None if out.service_charge is None else out.service_charge.get("percentageDecimal")
    out.totals = price(out.inputs, out.discounts, pct, bool(cart.get("taxRemoved")))
    return out


def checkout_response(cart: Cart) -> Doc:
    totals = cart.totals
    assert totals is not None
    lines = []
    for raw, priced in zip(cart.lines, totals.lines, strict=True):
        lines.append({**raw, "price": raw.get("price", priced.subtotal), "taxAmount": priced.tax})
    return {
        "orderCart": {**cart.body, "lineItems": lines},
        "subtotal": totals.discounted_subtotal,
        "totalTaxAmount": totals.tax,
        "serviceChargeAmount": totals.service_charge,
        "total": totals.total,
        "taxSummaries": totals.tax_summaries,
        "isVat": False,
    }


def create_order(db: CloverDb, cart: Cart, now: int | None = None) -> Doc:
    """Write the validated cart as an order with its line items, discounts and computed total."""
    totals = cart.totals
    assert totals is not None
    fields: Doc = {
        k: cart.body[k]
        for k in (
            "title",
            "note",
            "externalReferenceId",
            "currency",
            "orderType",
            "groupLineItems",
            "taxRemoved",
            "testMode",
            "manualTransaction",
            "state",
        )
        if k in cart.body
    }
    fields.setdefault("state", "open")
    order = new_order(db, fields, now)
    for raw, discounts, mods in zip(
        cart.lines, cart.line_discounts, cart.modifications, strict=True
    ):
        line = add_line(db, order, raw, now)
        if discounts:
            line["_discounts"] = [{"id": db.new_id(), **d} for d in discounts]
        if mods:
            line["_modifications"] = [{"id": db.new_id(), **m} for m in mods]
        db.put("line_items", line)
    if cart.discounts:
        order["_discounts"] = [{"id": db.new_id(), **d} for d in cart.discounts]
    if cart.service_charge is not None:
        order["serviceCharge"] = public(cart.service_charge)
    order["total"] = totals.total
    db.put("orders", order)
    return order


class AtomicOrders:
    """Handlers bound to one CloverDb: atomic checkout totals, atomic orders, service charge."""

    def __init__(self, db: CloverDb) -> None:
        self.db = db

    def register(self, router: Router) -> None:
        router.add("POST", f"{BASE}/atomic_order/checkouts", self.checkouts)
        router.add("POST", f"{BASE}/atomic_order/orders", self.orders)
        router.add("GET", f"{BASE}/default_service_charge", self.service_charge)

    def checkouts(self, request: Request) -> Response:
        return ok(checkout_response(parse_cart(self.db, json_body(request))))

    def orders(self, request: Request) -> Response:
        order = create_order(self.db, parse_cart(self.db, json_body(request)))
        return ok(render_order(self.db, order, Expand(["lineItems", "discounts"]), request))

    def service_charge(self, request: Request) -> Response:
        charge = default_service_charge(self.db)
        if charge is None:
            raise CloverError(404, {"message": "Not Found"})
        return ok(public(charge))
