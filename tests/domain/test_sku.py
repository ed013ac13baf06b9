"""SKU and name normalisation: trim, blank is missing, case-insensitive by casefold."""

from __future__ import annotations

import pytest

from esync_desktop.domain.catalog import CloverItem
from esync_desktop.domain.sku import clean_name, clean_sku, name_key, sku_key


@pytest.mark.parametrize(
    ("raw", "clean", "key"),
    [
        ("MUG-001", "MUG-001", "mug-001"),
        (" COF-007  ", "COF-007", "cof-007"),
        ("\tTEA-005\n", "TEA-005", "tea-005"),
        ("\u00a0ABC\u00a0", "ABC", "abc"),
        ("straße", "straße", "strasse"),
        ("MUG 01", "MUG 01", "mug 01"),
        ("", None, None),
        ("   ", None, None),
        (None, None, None),
        (42, None, None),
    ],
)
def test_sku_normalisation(raw: object, clean: str | None, key: str | None) -> None:
    assert clean_sku(raw) == clean
    assert sku_key(raw) == key


def test_case_and_spaces_match_but_inner_characters_do_not() -> None:
    assert sku_key("tea-001") == sku_key("TEA-001 ")
    assert sku_key("STRASSE") == sku_key("Straße")
    assert sku_key("MUG-01") != sku_key("MUG 01")


def test_names() -> None:
    assert clean_name("   ") is None
    assert clean_name(" Sencha 日本茶 ") == "Sencha 日本茶"
    assert name_key("Candles ") == name_key("candles")


@pytest.mark.parametrize(
    ("available", "hidden", "deleted", "active"),
    [
        (True, False, False, True),
        (False, False, False, False),
        (True, True, False, False),
        (True, False, True, False),
    ],
)
def test_active_rule(available: bool, hidden: bool, deleted: bool, active: bool) -> None:
    item = CloverItem(
        "I1", "Mug", "M", 100, None, 0, available=available, hidden=hidden, deleted=deleted
    )
    assert item.active is active
