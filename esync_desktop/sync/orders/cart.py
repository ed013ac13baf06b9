"""A BigCommerce order as a Clover atomic order: lines matched by SKU, discounts, shipping,
handling, wrapping and BigCommerce's tax, in cents, adding up to BigCommerce's total."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from esync_desktop.domain.catalog import CloverItem
from esync_desktop.domain.money import decimal_to_cents
from esync_desktop.domain.orders import BcOrder, BcOrderLine, CloverCart, CloverLine
from esync_desktop.domain.sku import sku_key

TAX_LINE = "Tax (charged by BigCommerce)"
ROUNDING = "Rounding"


def reference(order_id: int) -> str:
    """The Clover order's externalReferenceId: how a pushed order is recognised (and looked
    up after a crash); an in-store sale never carries it."""
    return f"BC{order_id}"


@dataclass(frozen=True)
class CartResult:
    cart: CloverCart
    bc_total: int  # BigCommerce total_inc_tax, in cents
    # Sub-cent differences of BigCommerce's 4-decimal amounts, made up by a Rounding line or
    # discount (0 when the cents add up as they are).
    rounding: int = 0

    @property
    def equal(self) -> bool:
        return self.cart.total == self.bc_total


def clover_index(items: Sequence[CloverItem]) -> dict[str, list[CloverItem]]:
    """Live Clover items by SKU key (the SKU rule of docs/ENGINE.md)."""
    index: dict[str, list[CloverItem]] = {}
    for item in items:
        key = sku_key(item.sku)
        if key is not None and not item.deleted:
            index.setdefault(key, []).append(item)
    return index


def _split(total: int, parts: int) -> list[int]:
    """`total` cents over `parts` lines, differing by at most a cent, first lines larger."""
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]


def match_line(
    line: BcOrderLine, index: Mapping[str, list[CloverItem]]
) -> tuple[CloverItem | None, str]:
    """The Clover item a BigCommerce line is matched to by its SKU, or None and why not."""
    key = sku_key(line.sku)
    if key is None:
        return None, "no SKU on BigCommerce"
    found = index.get(key, [])
    if len(found) > 1:
        return None, f"SKU {line.sku} is shared by {len(found)} Clover items"
    if not found:
        return None, f"SKU {line.sku} is not in Clover"
    return found[0], ""


def _line_items(
    line: BcOrderLine, index: Mapping[str, list[CloverItem]], unmatched: list[str]
) -> tuple[list[CloverLine], int]:
    """The Clover lines of one BigCommerce line (one per unit) with its own discounts spread
    over them; returns them and the cents of line discounts actually placed."""
    item, why = match_line(line, index)
    if item is None:
        unmatched.append(f"{line.title}: {why}")
    name = line.title if item is None else (item.name or line.title)
    prices = _split(decimal_to_cents(line.total_ex_tax), line.quantity)
    taken = [0] * len(prices)
    placed = 0
    discounts: list[list[tuple[str, int]]] = [[] for _ in prices]
    for discount in line.discounts:
        if discount.target == "order":
            continue
        left = decimal_to_cents(discount.amount)
        for n, price in enumerate(prices):
            cut = min(left, price - taken[n])
            if cut > 0:
                discounts[n].append((discount.label, cut))
                taken[n] += cut
                left -= cut
                placed += cut
    out = [
        CloverLine(
            name=name,
            price=price,
            item_id=None if item is None else item.id,
            discounts=tuple(discounts[n]),
            note="" if item is not None else f"not a Clover item: {why}",
        )
        for n, price in enumerate(prices)
    ]
    return out, placed


def _order_discounts(order: BcOrder, placed: int) -> list[tuple[str, int]]:
    """Order-level discounts: what BigCommerce took off the order (discount_amount and
    coupon_discount) less what sits on single lines, named after the coupons and promotions
    that make it up."""
    total = decimal_to_cents(order.discount_amount) + decimal_to_cents(order.coupon_discount)
    left = total - placed
    named: dict[str, int] = {}
    for line in order.lines:
        for d in line.discounts:
            if d.target == "order":
                named[d.label] = named.get(d.label, 0) + decimal_to_cents(d.amount)
    out: list[tuple[str, int]] = []
    for label, amount in named.items():
        cut = min(amount, left)
        if cut > 0:
            out.append((label, cut))
            left -= cut
    if left > 0:
        out.append(("Discount", left))
    return out


def build_cart(order: BcOrder, index: Mapping[str, list[CloverItem]]) -> CartResult:
    unmatched: list[str] = []
    lines: list[CloverLine] = []
    placed = 0
    rounded = 0  # amounts rounded from BigCommerce's 4 decimals to cents
    for line in order.lines:
        if line.quantity <= 0:
            continue
        items, cut = _line_items(line, index, unmatched)
        lines += items
        placed += cut
        rounded += 1 + len(line.discounts)
    for name, amount in (
        ("Shipping", order.shipping_ex_tax),
        ("Handling", order.handling_ex_tax),
        ("Gift wrapping", order.wrapping_ex_tax),
    ):
        cents = decimal_to_cents(amount)
        if cents > 0:
            lines.append(CloverLine(name=name, price=cents))
            rounded += 1
    tax = decimal_to_cents(order.total_tax)
    rounded += 1
    if tax > 0:
        lines.append(CloverLine(name=TAX_LINE, price=tax, is_revenue=False))
    discounts = _order_discounts(order, placed)
    rounded += 3
    customer = " ".join(x for x in (order.customer, f"<{order.email}>" if order.email else "") if x)
    cart = CloverCart(
        title=f"BigCommerce #{order.id}",
        note=(
            f"BigCommerce order #{order.id}"
            + (f" - {customer}" if customer else "")
            + (f" - paid by {order.payment_method}" if order.payment_method else "")
        ),
        reference=reference(order.id),
        currency=order.currency,
        lines=tuple(lines),
        discounts=tuple(discounts),
        tax=tax,
        unmatched=tuple(unmatched),
    )
    bc_total = decimal_to_cents(order.total_inc_tax)
    diff = bc_total - cart.total
    # Each amount rounded to the cent is off by at most half a cent: a difference within that
    # is BigCommerce's sub-cent arithmetic, shown as a Rounding line; more is a real difference.
    if diff and abs(diff) * 2 <= rounded:
        if diff > 0:
            lines.append(CloverLine(name=ROUNDING, price=diff, is_revenue=False))
        else:
            discounts.append((ROUNDING, -diff))
        cart = CloverCart(
            cart.title,
            cart.note,
            cart.reference,
            cart.currency,
            tuple(lines),
            tuple(discounts),
            tax,
            cart.unmatched,
        )
        return CartResult(cart, bc_total, diff)
    return CartResult(cart, bc_total)
