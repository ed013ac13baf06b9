"""Exact money: Clover's integer cents and BigCommerce's decimal amounts, never a float."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")


class MoneyError(ValueError):
    """A value that is not an exact amount of money."""


def cents_to_decimal(cents: int) -> Decimal:
    """2099 -> Decimal('20.99'); exact for any integer."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise MoneyError(f"cents must be an integer, not {cents!r}")
    return Decimal(cents).scaleb(-2).quantize(CENT)


def to_decimal(value: object) -> Decimal:
    """A decimal amount from what an API sent: Decimal, int or numeric string (never a float:
    a float has already lost the exact value, so it is refused rather than guessed)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        raise MoneyError(f"money must not pass through float: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount: {value!r}") from exc
    raise MoneyError(f"not an amount: {value!r}")


def decimal_to_cents(value: Decimal) -> int:
    """Decimal('20.99') -> 2099. BigCommerce keeps 4 decimals; sub-cent amounts are rounded half
    to even, the banker's rule, so that comparisons with Clover are stable."""
    return int((to_decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def same_amount(cents: int, amount: Decimal | None) -> bool:
    """True when a Clover price in cents equals a BigCommerce amount exactly."""
    return amount is not None and cents_to_decimal(cents) == to_decimal(amount)


def format_cents(cents: int) -> str:
    """2099 -> '20.99', -5 -> '-0.05' (no currency sign: the store's currency is implied)."""
    return str(cents_to_decimal(cents))


@functools.lru_cache(maxsize=4096)
def decimal_of(text: str) -> Decimal:
    """Decimal(text), one object per text: a catalogue's prices, weights and stock levels are
    mostly the same few thousand numbers, and a Decimal is immutable, so 100k items may share
    them."""
    return Decimal(text)
