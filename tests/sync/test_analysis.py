"""Items counted once: a plan's rows (one per item and step) tallied as the owner counts."""

from __future__ import annotations

from esync_desktop import wording
from esync_desktop.sync import analysis
from esync_desktop.sync.model import Outcome, PlanRow, Reason


def _row(action: str, sku: str, outcome: Outcome, reason: Reason | None = None) -> PlanRow:
    return PlanRow(action=action, sku=sku, outcome=outcome, reason=reason, clover_name=sku)


def test_an_item_waiting_for_its_create_counts_once_as_new() -> None:
    rows = [
        _row("send-standard", "MUG-1", Outcome.CREATE),
        _row("send-inventory-standard", "MUG-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        _row("send-prices", "MUG-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        _row("send-standard", "BAG-1", Outcome.SKIP, Reason.MISSING_WEIGHT),
        _row("send-prices", "bag-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        _row("send-standard", "CUP-1", Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE),
        _row("send-prices", "CUP-1", Outcome.UPDATE),
        _row("send-standard", "PEN-1", Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE),
        _row("send-prices", "PEN-1", Outcome.UNCHANGED, Reason.UNCHANGED),
    ]
    tally = analysis.tally_items(rows)
    assert tally == analysis.ItemTally(new=1, updated=1, attention=1, unchanged=1)
    assert wording.items_headline(tally) == (
        "1 new product, 1 update, 1 needs you, 1 item with nothing to do"
    )


def test_headline_in_the_owners_words() -> None:
    tally = analysis.ItemTally(new=158, updated=8, attention=50)
    assert wording.items_headline(tally) == "158 new products, 8 updates, 50 need you"
    assert wording.items_headline(analysis.ItemTally()) == "0 new products, 0 updates"


def test_fix_groups_count_each_item_once_where_the_fix_is() -> None:
    bag = PlanRow(
        action="send-standard",
        sku="BAG-1",
        outcome=Outcome.SKIP,
        reason=Reason.CATEGORY_NOT_IN_BIGCOMMERCE,
        missing_categories=("Bags",),
    )
    rows = [
        bag,
        _row("send-prices", "BAG-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        _row("send-standard", "MUG-1", Outcome.SKIP, Reason.MISSING_WEIGHT),
        _row("send-inventory-standard", "MUG-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        _row("send-standard", "MUG-2", Outcome.SKIP, Reason.MISSING_WEIGHT),
        _row("send-prices", "CUP-1", Outcome.SKIP, Reason.NAME_MISMATCH),
        _row("send-standard", "NEW-1", Outcome.CREATE),
        _row("send-prices", "NEW-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
    ]
    groups = analysis.fix_groups(rows)
    assert [(g.reason, g.category, g.count) for g in groups] == [
        (Reason.MISSING_WEIGHT, None, 2),
        (Reason.CATEGORY_NOT_IN_BIGCOMMERCE, "Bags", 1),
        (Reason.NAME_MISMATCH, None, 1),
    ]
    assert groups[1].rows == (bag,)
    assert [wording.fix_group_title(g) for g in groups] == [
        "2 items have no weight",
        "category 'Bags' is missing in BigCommerce (1 item)",
        "names differ for 1 item",
    ]
    assert sum(g.count for g in groups) == analysis.attention_items(rows)
