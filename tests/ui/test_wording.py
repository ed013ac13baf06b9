"""The sentences a store owner reads: plurals, what to do about an item, the sync's summary and
the integration log in plain words."""

from __future__ import annotations

from esync_desktop.sync.model import Outcome, PlanRow, Reason
from esync_desktop.ui import messages


def _row(action: str, sku: str | None, outcome: Outcome, reason: Reason | None = None, **kw):
    return PlanRow(action=action, sku=sku, outcome=outcome, reason=reason, **kw)


def test_plural_and_verb() -> None:
    assert messages.plural(1, "item") == "1 item"
    assert messages.plural(2, "item") == "2 items"
    assert messages.plural(0, "change") == "0 changes"
    assert messages.plural(3, "entry", "entries") == "3 entries"
    assert messages.verb(1, "needs", "need") == "needs"
    assert messages.verb(66, "needs", "need") == "need"


def test_not_found_points_to_the_create_step_that_skipped_the_item() -> None:
    skipped = _row("send-standard", "MUG-9", Outcome.SKIP, Reason.MISSING_WEIGHT)
    stock = _row("send-inventory-standard", "mug-9", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE)
    other = _row("send-prices", "CUP-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE)
    rows = [skipped, stock, other]
    skips = messages.create_skips(rows)
    fix = messages.fix_for(stock, messages.created_skus(rows), skips)
    assert fix.startswith("The “New product” step skips it")
    assert "Add a weight for SKU MUG-9 in Weight rules" in fix
    assert "first" not in fix
    # Not skipped by a create step: it has to be created somewhere.
    assert "Create SKU CUP-1 in BigCommerce first" in messages.fix_for(other, frozenset(), skips)
    # Without the mapping (older callers) the old advice stands.
    assert "Create SKU mug-9 in BigCommerce first" in messages.fix_for(stock, frozenset())
    # "Already in BigCommerce" is no cause: the item is there.
    already = _row("send-standard", "CUP-1", Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE)
    assert messages.create_skips([already]) == {}


def test_a_variant_held_back_by_another_names_that_one() -> None:
    bad = _row("send-matrix", "TEE-S", Outcome.SKIP, Reason.CATEGORY_NOT_IN_BIGCOMMERCE,
               detail="no BigCommerce category named Shirts")  # fmt: skip
    held = _row("send-matrix", "TEE-M", Outcome.SKIP, Reason.CATEGORY_NOT_IN_BIGCOMMERCE,
                detail="held back: variant TEE-S of the group")  # fmt: skip
    stock = _row("send-inventory-matrix", "TEE-M", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE)
    skips = messages.create_skips([bad, held, stock])
    own = messages.fix_for(held, frozenset(), skips)
    assert own.startswith("Create category 'Shirts' in BigCommerce")
    assert own.endswith("the whole group waits for SKU TEE-S")
    via = messages.fix_for(stock, frozenset(), skips)
    assert via.startswith("The “New product with variants” step skips it")
    assert "category 'Shirts'" in via and "TEE-S" in via


def test_variants_of_a_new_product_count_as_created() -> None:
    group = _row(
        "send-matrix", None, Outcome.CREATE, changes={"variants": (None, ["CP-S", "CP-L"])}
    )
    stock = _row("send-inventory-matrix", "CP-L", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE)
    creating = messages.created_skus([group, stock])
    assert creating == frozenset({"cp-s", "cp-l"})
    assert messages.fix_for(stock, creating).startswith("Nothing to do: this sync creates it")
    assert not messages.needs_attention(stock, creating)


def test_items_are_counted_once_across_their_steps() -> None:
    rows = [
        _row("send-standard", "A", Outcome.SKIP, Reason.MISSING_WEIGHT),
        _row("send-prices", "a", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        _row(
            "send-standard",
            None,
            Outcome.SKIP,
            Reason.MISSING_SKU,
            clover_id="X1",
            clover_name="Bag Fee",
        ),
        _row(
            "send-prices",
            None,
            Outcome.SKIP,
            Reason.MISSING_SKU,
            clover_id="X1",
            clover_name="Bag Fee",
        ),
        _row(
            "send-prices",
            None,
            Outcome.SKIP,
            Reason.MISSING_SKU,
            clover_id="X2",
            clover_name="Bag Fee",
        ),
    ]
    assert messages.count_items(rows) == 3
