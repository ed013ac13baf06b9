"""An in-store Clover sale as the BigCommerce order that records it (pure): its lines matched by
SKU to catalogue products and variants, the rest as custom lines, and totals equal to the Clover
sale to the cent.

Money, all in cents: L = the lines at Clover's prices, X = the tax Clover's payments record, T =
the sale's total (tax included). Clover's discounts are what the lines and tax come to beyond
the total (D = L + X - T), sent as the order's `discount_amount`; anything the total holds beyond
the lines and tax (a service charge) is a custom line. The order carries BigCommerce's
documented total overrides (`total_ex_tax` = T - X, `total_inc_tax` = T, and the subtotal pair),
so its total is Clover's by construction and BigCommerce computes no tax of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.domain.orders import clover_sale_reference

COMPLETED = 10
EXTERNAL_SOURCE = "POS (Clover) eSync Desktop"
# Payment results of a payment that took money (Clover: SUCCESS; a voided or failed one did not).
TAKEN = frozenset({"SUCCESS"})


@dataclass(frozen=True)
class PricedLine:
    name: str
    item_id: str | None
    price: int  # cents per unit (Clover repeats a line per unit)
    unit_qty: int | None = None  # thousandths of a unit, for goods sold by weight or measure

    @property
    def amount(self) -> int:
        if self.unit_qty is None:
            return self.price
        return (self.price * self.unit_qty + 500) // 1000


@dataclass(frozen=True)
class PricedSale:
    """What the order is made from: Clover's order with its lines and payments."""

    id: str
    created_ms: int
    total: int
    tax: int | None  # None: no payment records it
    lines: tuple[PricedLine, ...]
    payment_ids: tuple[str, ...] = ()


def _elements(value: object) -> list[Mapping[str, Any]]:
    rows = value.get("elements") if isinstance(value, Mapping) else None
    return [r for r in rows or [] if isinstance(r, Mapping)]


def parse_priced_sale(doc: Mapping[str, Any]) -> PricedSale:
    lines = []
    for line in _elements(doc.get("lineItems")):
        item = line.get("item")
        unit_qty = line.get("unitQty")
        lines.append(
            PricedLine(
                name=str(line.get("name") or "Item"),
                item_id=str(item["id"]) if isinstance(item, Mapping) and item.get("id") else None,
                price=int(line.get("price") or 0),
                unit_qty=int(unit_qty) if unit_qty is not None else None,
            )
        )
    payments = [
        p for p in _elements(doc.get("payments")) if str(p.get("result") or "SUCCESS") in TAKEN
    ]
    return PricedSale(
        id=str(doc["id"]),
        created_ms=int(doc.get("createdTime") or 0),
        total=int(doc.get("total") or 0),
        tax=(
            sum(int(p.get("taxAmount") or 0) for p in payments)
            if any(p.get("taxAmount") is not None for p in payments)
            else None
        ),
        lines=tuple(lines),
        payment_ids=tuple(str(p.get("id")) for p in payments if p.get("id")),
    )


@dataclass(frozen=True)
class Target:
    """The catalogue object a Clover item's SKU names in BigCommerce."""

    sku: str
    product_id: int
    variant_id: int | None


@dataclass
class Draft:
    body: dict[str, Any]
    total: int  # what the order totals, cents (tax included)
    lines: int  # BigCommerce lines
    unmatched: list[dict[str, str]] = field(default_factory=list)
    problem: str = ""  # set when the sale cannot be recorded to the cent
    tax: int = 0
    tax_inferred: bool = False  # no payment recorded the tax: the total less the lines


def _money(cents: int) -> str:
    return str(cents_to_decimal(cents))


def build_draft(
    sale: PricedSale,
    match: Callable[[PricedLine], tuple[Target | None, str, str]],
    billing: Mapping[str, Any],
) -> Draft:
    """`match(line)` gives the line's target, or None with the SKU and why not."""
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    unmatched: list[dict[str, str]] = []
    for line in sale.lines:
        target, sku, why = match(line) if line.unit_qty is None else (None, "", "")
        if line.unit_qty is not None:
            why = f"sold by weight or measure ({line.unit_qty / 1000:g})"
        if target is not None:
            key: tuple[Any, ...] = ("item", target.product_id, target.variant_id, line.price)
            entry = grouped.setdefault(
                key,
                {
                    "product_id": target.product_id,
                    **({"variant_id": target.variant_id} if target.variant_id else {}),
                    "quantity": 0,
                    "price_ex_tax": _money(line.price),
                    "price_inc_tax": _money(line.price),
                },
            )
        else:
            unmatched.append({"line": line.name, "sku": sku, "why": why})
            key = ("custom", line.name, line.amount, sku)
            entry = grouped.setdefault(
                key,
                {
                    "name": line.name,
                    "quantity": 0,
                    "price_ex_tax": _money(line.amount),
                    "price_inc_tax": _money(line.amount),
                    **({"sku": sku} if sku else {}),
                },
            )
        entry["quantity"] += 1
    products = list(grouped.values())
    goods = sum(line.amount for line in sale.lines)
    tax = sale.tax if sale.tax is not None else max(0, sale.total - goods)
    discount = goods + tax - sale.total
    if discount < 0:
        # The total holds more than the lines and tax (a service charge): its own line.
        products.append(
            {
                "name": "Other charges (Clover)",
                "quantity": 1,
                "price_ex_tax": _money(-discount),
                "price_inc_tax": _money(-discount),
            }
        )
        goods, discount = goods - discount, 0
    reference = clover_sale_reference(sale.id)
    made = datetime.fromtimestamp(sale.created_ms / 1000, UTC) if sale.created_ms else None
    body: dict[str, Any] = {
        "status_id": COMPLETED,
        "billing_address": dict(billing),
        "products": products,
        "discount_amount": _money(discount),
        "subtotal_ex_tax": _money(goods),
        "subtotal_inc_tax": _money(goods + tax),
        "total_ex_tax": _money(sale.total - tax),
        "total_inc_tax": _money(sale.total),
        "payment_method": "Clover (in store)",
        "external_source": EXTERNAL_SOURCE,
        "external_order_id": reference,
        "staff_notes": (
            f"In-store Clover sale {sale.id}"
            + (f", payment {', '.join(sale.payment_ids)}" if sale.payment_ids else "")
            + " - recorded by eSync Desktop"
        ),
    }
    if made is not None:
        body["date_created"] = format_datetime(made)
    draft = Draft(body, sale.total, len(products), unmatched, tax=tax)
    draft.tax_inferred = sale.tax is None
    if sale.total - tax < 0:
        draft.problem = f"Clover's tax {_money(tax)} is more than the total"
    return draft
