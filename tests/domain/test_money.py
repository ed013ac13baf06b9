"""Money conversions are exact and refuse floats."""

from __future__ import annotations

from decimal import Decimal

import pytest

from esync_desktop.domain.money import (
    MoneyError,
    cents_to_decimal,
    decimal_to_cents,
    format_cents,
    same_amount,
    to_decimal,
)


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "0.00"), (1, "0.01"), (2099, "20.99"), (-5, "-0.05"), (10**15 + 7, "10000000000000.07")],
)
def test_cents_round_trip(cents: int, text: str) -> None:
    assert cents_to_decimal(cents) == Decimal(text)
    assert str(cents_to_decimal(cents)) == text
    assert decimal_to_cents(Decimal(text)) == cents
    assert format_cents(cents) == text


def test_four_decimal_amounts_compare_exactly() -> None:
    assert same_amount(1250, Decimal("12.5000"))
    assert not same_amount(1250, Decimal("12.5001"))
    assert not same_amount(1250, None)
    assert decimal_to_cents(Decimal("0.125")) == 12  # half to even
    assert decimal_to_cents(Decimal("0.135")) == 14


@pytest.mark.parametrize("bad", [1.5, True, "twelve", None])
def test_floats_and_junk_are_refused(bad: object) -> None:
    with pytest.raises(MoneyError):
        to_decimal(bad)


def test_cents_must_be_integers() -> None:
    with pytest.raises(MoneyError):
        cents_to_decimal(20.99)  # type: ignore[arg-type]
    assert to_decimal("  3.10 ") == Decimal("3.10")
