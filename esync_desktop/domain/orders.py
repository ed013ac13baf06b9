"""Web orders as the engine sees them: a BigCommerce v2 order with its lines (money as Decimal,
as BigCommerce keeps it), and the Clover order made from it (money in integer cents)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from esync_desktop.domain.money import to_decimal

# BigCommerce's fixed order status ids (bigcommerce.md §10.4).
STATUS_IDS: dict[str, int] = {
    "Incomplete": 0,
    "Pending": 1,
    "Shipped": 2,
    "Partially Shipped": 3,
    "Refunded": 4,
    "Cancelled": 5,
    "Declined": 6,
    "Awaiting Payment": 7,
    "Awaiting Pickup": 8,
    "Awaiting Shipment": 9,
    "Completed": 10,
    "Awaiting Fulfillment": 11,
    "Manual Verification Required": 12,
    "Disputed": 13,
    "Partially Refunded": 14,
}
STATUS_NAMES = {v: k for k, v in STATUS_IDS.items()}
# Checkout never finished, or the payment failed: never a sale, whatever the options say.
NEVER_PUSHED = frozenset({0, 1, 6})
# Payment states that mean no money was taken (the order is pushed without a payment).
UNPAID_PAYMENT_STATES = frozenset(
    {"declined", "pending", "void", "void pending", "held for review"}
)
UNPAID_STATUSES = frozenset({7, 12})
# What pull-sales writes in `external_order_id` on the BigCommerce orders it records in-store
# Clover sales as: how they are found again, and never pushed back into Clover.
CLOVER_SALE_PREFIX = "CLOVER-"


def clover_sale_reference(clover_order_id: str) -> str:
    return f"{CLOVER_SALE_PREFIX}{clover_order_id}"


def from_clover_sale(doc: Mapping[str, Any]) -> bool:
    """A BigCommerce order that records an in-store Clover sale (made by pull-sales)."""
    return str(doc.get("external_order_id") or "").startswith(CLOVER_SALE_PREFIX)


def date_ms(text: object) -> int:
    """Epoch ms of a v2 RFC-2822 date ("Tue, 05 Mar 2019 21:40:11 +0000"); 0 when absent."""
    if not isinstance(text, str) or not text.strip():
        return 0
    moment = parsedate_to_datetime(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _money(value: object) -> Decimal:
    return Decimal(0) if value in (None, "") else to_decimal(value)


@dataclass(frozen=True)
class BcDiscount:
    """One entry of a line's `applied_discounts`: a coupon (with its code), a promotion or a
    manual discount; `target` "order" means a share of an order-level discount."""

    name: str
    amount: Decimal
    target: str
    code: str = ""

    @property
    def label(self) -> str:
        return f"Coupon {self.code}" if self.code else (self.name or "Discount")


@dataclass(frozen=True)
class BcOrderLine:
    id: int
    name: str
    sku: str | None
    quantity: int
    total_ex_tax: Decimal  # price_ex_tax x quantity, before applied discounts
    product_id: int = 0  # 0: a custom line, not from the catalogue
    variant_id: int = 0
    options: tuple[tuple[str, str], ...] = ()
    discounts: tuple[BcDiscount, ...] = ()

    @property
    def title(self) -> str:
        if not self.options:
            return self.name
        return f"{self.name} ({', '.join(f'{k}: {v}' for k, v in self.options)})"


@dataclass(frozen=True)
class BcOrder:
    id: int
    status_id: int
    status: str
    created_ms: int
    modified_ms: int
    customer: str
    email: str
    payment_method: str
    payment_status: str
    currency: str
    shipping_ex_tax: Decimal
    handling_ex_tax: Decimal
    wrapping_ex_tax: Decimal
    discount_amount: Decimal
    coupon_discount: Decimal
    total_tax: Decimal
    total_inc_tax: Decimal
    lines: tuple[BcOrderLine, ...] = ()
    # An in-store Clover sale recorded as this order (never pushed back into Clover).
    from_clover: bool = False

    @property
    def paid(self) -> bool:
        """Money was taken on BigCommerce (or the order is past payment by its status)."""
        return (
            self.payment_status.strip().lower() not in UNPAID_PAYMENT_STATES
            and self.status_id not in UNPAID_STATUSES
        )


def parse_line(doc: Mapping[str, Any]) -> BcOrderLine:
    discounts = tuple(
        BcDiscount(
            name=str(d.get("name") or ""),
            amount=_money(d.get("amount")),
            target=str(d.get("target") or "order"),
            code=str(d.get("code") or ""),
        )
        for d in doc.get("applied_discounts") or []
        if isinstance(d, Mapping)
    )
    options = tuple(
        (str(o.get("display_name") or ""), str(o.get("display_value") or ""))
        for o in doc.get("product_options") or []
        if isinstance(o, Mapping)
    )
    return BcOrderLine(
        id=int(doc["id"]),
        name=str(doc.get("name") or doc.get("name_merchant") or ""),
        sku=doc.get("sku") or None,
        quantity=int(doc.get("quantity") or 0),
        total_ex_tax=_money(doc.get("total_ex_tax")),
        product_id=int(doc.get("product_id") or 0),
        variant_id=int(doc.get("variant_id") or 0),
        options=options,
        discounts=discounts,
    )


def parse_order(doc: Mapping[str, Any], lines: Sequence[Mapping[str, Any]] = ()) -> BcOrder:
    billing = doc.get("billing_address") or {}
    name = " ".join(str(billing.get(k) or "").strip() for k in ("first_name", "last_name"))
    status_id = int(doc.get("status_id") or 0)
    return BcOrder(
        id=int(doc["id"]),
        status_id=status_id,
        status=str(doc.get("status") or STATUS_NAMES.get(status_id, "")),
        created_ms=date_ms(doc.get("date_created")),
        modified_ms=date_ms(doc.get("date_modified")),
        customer=name.strip(),
        email=str(billing.get("email") or ""),
        payment_method=str(doc.get("payment_method") or ""),
        payment_status=str(doc.get("payment_status") or ""),
        currency=str(doc.get("currency_code") or "USD"),
        shipping_ex_tax=_money(doc.get("shipping_cost_ex_tax")),
        handling_ex_tax=_money(doc.get("handling_cost_ex_tax")),
        wrapping_ex_tax=_money(doc.get("wrapping_cost_ex_tax")),
        discount_amount=_money(doc.get("discount_amount")),
        coupon_discount=_money(doc.get("coupon_discount")),
        total_tax=_money(doc.get("total_tax")),
        total_inc_tax=_money(doc.get("total_inc_tax")),
        lines=tuple(parse_line(x) for x in lines),
        from_clover=from_clover_sale(doc),
    )


@dataclass(frozen=True)
class CloverLine:
    """One Clover line item (Clover repeats a line per unit); `discounts` are (name, cents>0)."""

    name: str
    price: int
    item_id: str | None = None
    discounts: tuple[tuple[str, int], ...] = ()
    is_revenue: bool = True
    note: str = ""

    @property
    def net(self) -> int:
        return self.price - sum(c for _, c in self.discounts)

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "price": self.price, "printed": False}
        if self.item_id:
            out["item"] = {"id": self.item_id}
        if self.discounts:
            out["discounts"] = [{"name": n, "amount": -c} for n, c in self.discounts]
        if not self.is_revenue:
            out["isRevenue"] = False
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class CloverCart:
    """The atomic order for one web order. Tax is BigCommerce's, carried as its own line with
    Clover's tax switched off (`taxRemoved`), so Clover's own rates never add to it."""

    title: str
    note: str
    reference: str
    currency: str
    lines: tuple[CloverLine, ...]
    discounts: tuple[tuple[str, int], ...] = ()  # order level: (name, cents > 0)
    tax: int = 0
    unmatched: tuple[str, ...] = field(default=())  # titles of lines with no Clover item

    @property
    def total(self) -> int:
        """What Clover computes for this cart: lines after their discounts, less the order's
        discounts (fixed amounts only, no Clover tax, no service charge)."""
        return sum(line.net for line in self.lines) - sum(c for _, c in self.discounts)

    def body(self) -> dict[str, Any]:
        cart: dict[str, Any] = {
            "title": self.title,
            "note": self.note,
            "externalReferenceId": self.reference,
            "currency": self.currency,
            "state": "open",
            "taxRemoved": True,
            "groupLineItems": True,
            "lineItems": [line.body() for line in self.lines],
        }
        if self.discounts:
            cart["discounts"] = [{"name": n, "amount": -c} for n, c in self.discounts]
        return {"orderCart": cart}
