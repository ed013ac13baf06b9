"""Order totals as Clover documents them ("Calculate order totals", clover.md §9.8)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from esync_desktop.sandbox.clover.db import Doc

RATE_SCALE = 10_000_000  # tax `rate` is percent x 100 000
SERVICE_SCALE = 1_000_000  # service charge `percentageDecimal` is percent x 10 000


def round_half_up(value: Fraction) -> int:
    """Round to the cent, halves away from zero (Clover rounds tax half up)."""
    if value >= 0:
        return math.floor(value + Fraction(1, 2))
    return -math.floor(-value + Fraction(1, 2))


@dataclass
class LineInput:
    price: int
    unit_qty: int | None = None  # x1000, PER_UNIT lines only
    modifications: list[int] = field(default_factory=list)  # amounts in cents
    discounts: list[Doc] = field(default_factory=list)  # {"amount": -300} or {"percentage": 10}
    tax_rates: list[Doc] = field(default_factory=list)  # {"id","name","rate"} or {"taxAmount"}


@dataclass
class PricedLine:
    subtotal: int  # price (x unitQty) + modifications
    discounted: int  # after the line's own discounts
    discount_amounts: list[int]  # the (negative) amount each line discount took
    taxable: Fraction  # share of the order-discounted subtotal
    tax: int


@dataclass
class Totals:
    lines: list[PricedLine]
    subtotal: int  # lines after line discounts, before order discounts
    order_discount_amounts: list[int]
    discounted_subtotal: int
    tax: int
    service_charge: int
    total: int
    tax_summaries: list[Doc]


def percent_of(base: int | Fraction, discount: Doc) -> int:
    """The cents a percentage discount takes off `base` (whole percent or x10 000 decimal)."""
    if discount.get("percentageDecimal") is not None:
        fraction = Fraction(int(discount["percentageDecimal"]), 1_000_000)
    else:
        fraction = Fraction(int(discount.get("percentage") or 0), 100)
    return round_half_up(Fraction(base) * fraction)


def _apply_discounts(amount: int, discounts: list[Doc]) -> tuple[int, list[int]]:
    """Percentages first, then fixed amounts; never below zero. Returns the taken amounts."""
    taken = [0] * len(discounts)
    order = sorted(range(len(discounts)), key=lambda i: discounts[i].get("amount") is not None)
    for i in order:
        d = discounts[i]
        if d.get("amount") is not None:
            cut = min(-int(d["amount"]), amount)
        else:
            cut = min(percent_of(amount, d), amount)
        amount -= cut
        taken[i] = -cut
    return amount, taken


def price(
    lines: list[LineInput],
    order_discounts: list[Doc] | None = None,
    service_percentage_decimal: int | None = None,
    tax_removed: bool = False,
) -> Totals:
    priced: list[tuple[int, int, list[int]]] = []
    for line in lines:
        base = line.price
        if line.unit_qty is not None:
            base = round_half_up(Fraction(line.price * line.unit_qty, 1000))
        base += sum(line.modifications)
        discounted, taken = _apply_discounts(base, line.discounts)
        priced.append((base, discounted, taken))
    subtotal = sum(p[1] for p in priced)
    discounted_subtotal, order_taken = _apply_discounts(subtotal, list(order_discounts or []))
    ratio = Fraction(discounted_subtotal, subtotal) if subtotal else Fraction(0)

    out_lines: list[PricedLine] = []
    summaries: dict[str, Doc] = {}
    tax_total = 0
    for line, (base, discounted, taken) in zip(lines, priced, strict=True):
        # Order-level discounts are spread over the lines in proportion, for tax only.
        taxable = discounted * ratio
        tax = 0
        if not tax_removed:
            rate_sum = sum(int(r.get("rate") or 0) for r in line.tax_rates)
            flat = sum(int(r.get("taxAmount") or 0) for r in line.tax_rates if not r.get("rate"))
            tax = round_half_up(taxable * Fraction(rate_sum, RATE_SCALE)) + flat
            for rate in line.tax_rates:
                key = str(rate.get("id") or rate.get("name"))
                entry = summaries.setdefault(
                    key,
                    {
                        "id": rate.get("id"),
                        "name": rate.get("name"),
                        "rate": int(rate.get("rate") or 0),
                        "_taxable": Fraction(0),
                    },
                )
                entry["_taxable"] += taxable
        tax_total += tax
        out_lines.append(PricedLine(base, discounted, taken, taxable, tax))

    service = 0
    if service_percentage_decimal:
        service = round_half_up(
            Fraction(discounted_subtotal * int(service_percentage_decimal), SERVICE_SCALE)
        )
    tax_summaries = []
    for entry in summaries.values():
        taxable = entry.pop("_taxable")
        entry["taxableAmount"] = round_half_up(taxable)
        entry["taxAmount"] = round_half_up(taxable * Fraction(entry["rate"], RATE_SCALE))
        tax_summaries.append(entry)
    return Totals(
        lines=out_lines,
        subtotal=subtotal,
        order_discount_amounts=order_taken,
        discounted_subtotal=discounted_subtotal,
        tax=tax_total,
        service_charge=service,
        total=discounted_subtotal + tax_total + service,
        tax_summaries=tax_summaries,
    )
