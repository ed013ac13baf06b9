"""The category names offered in the rules: one per name the matching tells apart, with paths."""

from __future__ import annotations

from esync_desktop.domain.catalog import BcCategory
from esync_desktop.sync.categories import CategoryChoice, bc_category_choices, category_choices


def test_names_that_match_alike_are_offered_once_in_the_first_spelling() -> None:
    choices = category_choices(
        [("Mugs", ""), (" mugs ", ""), ("Candles ", ""), ("", ""), ("  ", "")]
    )
    assert choices == (CategoryChoice("Candles"), CategoryChoice("Mugs"))


def test_nested_categories_say_where_they_sit() -> None:
    found = [
        BcCategory(1, "Kitchen"),
        BcCategory(2, "Mugs", parent_id=1),
        BcCategory(3, "Gifts"),
        BcCategory(4, "mugs", parent_id=3),
        BcCategory(5, "Sale"),
        BcCategory(6, "Loop", parent_id=6),  # a damaged tree must not hang the page
    ]
    assert bc_category_choices(found) == (
        CategoryChoice("Gifts"),
        CategoryChoice("Kitchen"),
        CategoryChoice("Loop"),
        CategoryChoice("Mugs", "Kitchen > Mugs; Gifts > mugs"),
        CategoryChoice("Sale"),
    )
