"""A plan's rows grouped as items: each item once, its steps in plan order, its result (a
create whose other steps wait for it is a create), the first step that needs the owner."""

from __future__ import annotations

from types import SimpleNamespace

from esync_desktop import wording
from esync_desktop.sync import analysis
from esync_desktop.sync.items import ATTENTION, WAITS, group_items, plan_grouped
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason, TaskPlan


def _row(
    action: str, sku: str | None, outcome: Outcome, reason: Reason | None = None, **kw
) -> PlanRow:
    return PlanRow(action=action, sku=sku, outcome=outcome, reason=reason, **kw)


def _plan() -> list[PlanRow]:
    """Action after action, as a plan lists them."""
    return [
        _row("send-standard", "MUG-1", Outcome.CREATE, clover_name="Mug"),
        _row("send-standard", "BAG-1", Outcome.SKIP, Reason.MISSING_WEIGHT, clover_name="Bag"),
        _row("send-standard", "CUP-1", Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE),
        _row(
            "send-inventory-standard",
            "mug-1",
            Outcome.SKIP,
            Reason.NOT_IN_BIGCOMMERCE,
            facts={"location": "Main Street"},
        ),
        _row(
            "send-inventory-standard",
            "MUG-1",
            Outcome.SKIP,
            Reason.NOT_IN_BIGCOMMERCE,
            facts={"location": "Annex"},
        ),
        _row(
            "send-inventory-standard",
            "CUP-1",
            Outcome.UPDATE,
            bc_name="Cup",
            changes={"inventory_level": (1, 2)},
            facts={"location": "Main Street"},
        ),
        _row("send-prices", "MUG-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        _row("send-prices", "BAG-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        _row("send-prices", "CUP-1", Outcome.FAIL, Reason.REJECTED),
        # Rows without a SKU are items of their own (as analysis.item_key says).
        _row("push-orders", None, Outcome.CREATE, bc_id=101),
        _row("push-orders", None, Outcome.CREATE, bc_id=102),
    ]


def test_each_item_once_in_order_of_appearance_with_its_steps_in_plan_order() -> None:
    rows = _plan()
    items = group_items(rows)
    assert [i.sku for i in items] == ["MUG-1", "BAG-1", "CUP-1", None, None]
    mug = items[0]
    assert [s.action for s in mug.steps] == [
        "send-standard",
        "send-inventory-standard",
        "send-inventory-standard",
        "send-prices",
    ]
    assert [s.facts.get("location") for s in mug.steps[1:3]] == ["Main Street", "Annex"]
    assert sum(len(i.steps) for i in items) == len(rows)
    assert {i.key for i in items} == {analysis.item_key(r) for r in rows}
    # The names come from whichever step knows them.
    assert (items[2].sku, items[2].bc_name) == ("CUP-1", "Cup")


def test_an_item_whose_other_steps_wait_for_its_create_is_one_create() -> None:
    mug = group_items(_plan())[0]
    assert mug.states == (Outcome.CREATE, WAITS, WAITS, WAITS)
    assert mug.outcome == Outcome.CREATE and mug.state == Outcome.CREATE
    assert mug.result is mug.steps[0]
    assert not mug.needs_attention
    assert wording.steps_text(mug) == (
        "New product ✓ · Stock (Main Street) next sync · Stock (Annex) next sync · Price next sync"
    )


def test_the_first_step_that_needs_the_owner_is_the_items_attention() -> None:
    bag, cup = group_items(_plan())[1:3]
    # The create step is the cause; the price step that cannot find the bag follows from it.
    assert bag.states == (ATTENTION, ATTENTION)
    assert bag.attention is bag.steps[0] and bag.outcome == Outcome.SKIP
    # A failure outranks an update: the item failed, and its failing step is the one to fix.
    assert cup.states == (Outcome.SKIP, Outcome.UPDATE, Outcome.FAIL)
    assert cup.outcome == Outcome.FAIL and cup.attention is cup.steps[2]
    assert wording.steps_text(cup) == "New product — · Stock (Main Street) ✓ · Price ✗"


def test_the_items_match_the_headline_counts() -> None:
    rows = _plan()
    items = group_items(rows)
    tally = analysis.tally_items(rows)
    assert tally.attention == sum(i.needs_attention for i in items) == 2
    assert tally.new == sum(i.outcome == Outcome.CREATE for i in items) == 3
    assert tally.updated == sum(i.outcome == Outcome.UPDATE for i in items) == 0


def test_a_runs_records_group_the_same_way() -> None:
    """A past run's item records carry outcome and reason as plain strings."""
    records = [
        SimpleNamespace(
            action=r.action,
            sku=r.sku,
            outcome=r.outcome.value,
            reason=r.reason and r.reason.value,
            clover_id=None,
            clover_name=r.clover_name,
            bc_name=r.bc_name,
            changes=r.changes,
        )
        for r in _plan()
    ]
    records.append(
        SimpleNamespace(
            action="send-prices",
            sku="PEN-1",
            outcome="not_done",
            reason=None,
            clover_id=None,
            clover_name=None,
            bc_name=None,
            changes={},
        )
    )
    items = group_items(records)
    assert [i.outcome for i in items] == ["create", "skip", "fail", "create", "create", "not_done"]
    assert items[0].states == ("create", WAITS, WAITS, WAITS)
    assert items[1].attention is records[1]


def test_a_plan_is_grouped_once_where_it_was_made_and_found_again_by_the_window() -> None:
    plan = TaskPlan("T", (ActionPlan("send-standard", tuple(_plan())),))
    first = plan_grouped(plan, ready=True)
    assert plan_grouped(plan) is first  # the same plan: nothing grouped again
    assert first.tally == analysis.tally_items(first.steps)
    assert first.fix_groups == analysis.fix_groups(first.steps)
    assert [i.sku for i in first.items] == [i.sku for i in group_items(_plan())]
    other = TaskPlan("T", (ActionPlan("send-standard", tuple(_plan()[:3])),))
    assert len(plan_grouped(other).items) == 3
    assert plan_grouped(plan) is not first  # only the last plan is kept
