"""The preview table model and its filter proxy: one row per item, its steps in one cell."""

from __future__ import annotations

from PySide6.QtCore import Qt

from esync_desktop.sync import analysis
from esync_desktop.sync.items import STATE_RANK
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason, TaskPlan
from esync_desktop.ui.models.base import ROW_ROLE, SORT_ROLE
from esync_desktop.ui.models.plan_model import (
    FIX,
    OUTCOME,
    SKU,
    STEPS,
    WHY,
    PlanFilterProxyModel,
    PlanTableModel,
)
from tests.ui.conftest import make_item_rows


def _model(rows: list[PlanRow]) -> tuple[PlanTableModel, PlanFilterProxyModel]:
    model = PlanTableModel()
    proxy = PlanFilterProxyModel()
    proxy.setSourceModel(model)
    model.set_steps(rows)
    return model, proxy


def test_plan_model_passes_modeltester(qtmodeltester) -> None:
    model = PlanTableModel()
    model.set_plan(TaskPlan("T", (ActionPlan("send-standard", tuple(make_item_rows(40))),)))
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected and checks each reset and sort below.
    model.set_outcomes([Outcome.SKIP.value])
    model.set_search("item 1")
    model.sort(STEPS, Qt.SortOrder.DescendingOrder)
    model.set_plan(None)


def test_proxy_passes_modeltester_while_filtering_and_sorting(qtmodeltester) -> None:
    _, proxy = _model(make_item_rows(40))
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_attention_only(True)
    proxy.sort(SKU, Qt.SortOrder.DescendingOrder)
    proxy.set_item_keys(frozenset())


def test_one_row_per_item_with_its_steps_in_one_cell() -> None:
    rows = make_item_rows(10)
    model, _ = _model(rows)
    assert model.rowCount() == model.total_count() == 10
    assert len(model.step_rows()) == len(rows) == 40
    new = model.index(0, SKU)
    assert model.data(new) == "SKU-000000"
    assert model.data(new.siblingAtColumn(OUTCOME)) == "New product"
    steps = model.data(new.siblingAtColumn(STEPS))
    assert steps == (
        "New product ✓ · Stock (Main Street) next sync · Stock (Annex) next sync · Price next sync"
    )
    assert "once the new product exists" in model.data(
        new.siblingAtColumn(STEPS), Qt.ItemDataRole.ToolTipRole
    )
    # Nothing to do about an item this plan creates: no "Nothing to do" on its waiting steps.
    assert model.data(new.siblingAtColumn(FIX)) == ""
    assert model.data(new.siblingAtColumn(WHY)) == ""
    item = model.data(new, ROW_ROLE)
    assert item.steps == tuple(r for r in rows if r.sku == "SKU-000000")
    assert model.data(new.siblingAtColumn(OUTCOME), SORT_ROLE) == STATE_RANK["create"]


def test_an_item_needing_the_owner_says_why_and_what_to_do_from_its_first_such_step() -> None:
    model, _ = _model(make_item_rows(10))
    weightless = model.index(3, SKU)
    assert model.data(weightless.siblingAtColumn(OUTCOME)) == "Skipped"
    why = model.data(weightless.siblingAtColumn(WHY))
    assert "_" not in why and "weight" in why.casefold()  # plain words, never a reason code
    assert "Add a weight for SKU SKU-000003" in model.data(weightless.siblingAtColumn(FIX))
    failed = model.index(4, SKU)
    assert model.data(failed.siblingAtColumn(OUTCOME)) == "Failed"
    assert model.data(failed, ROW_ROLE).attention.action == "send-prices"


def test_filters_go_by_item_result_step_and_search() -> None:
    rows = make_item_rows(50)
    model, proxy = _model(rows)
    tally = analysis.tally_items(rows)
    proxy.set_outcomes([Outcome.CREATE.value])
    assert proxy.rowCount() == tally.new == 10  # what the headline calls new
    assert all(i.outcome == Outcome.CREATE for i in proxy.visible_rows())
    proxy.set_outcomes(None)
    proxy.set_attention_only(True)
    assert proxy.rowCount() == tally.attention == 20
    proxy.set_outcomes([Outcome.FAIL.value])
    assert [i.sku for i in proxy.visible_rows()] == [f"SKU-{n:06d}" for n in range(4, 50, 5)]
    proxy.set_outcomes(None)
    proxy.set_attention_only(False)
    # Items that have the step: every item has a price step, only new ones a create.
    proxy.set_action("send-prices")
    assert proxy.rowCount() == 50
    proxy.set_action(None)
    proxy.set_search("product 7")  # the BigCommerce name, case-insensitive
    assert {i.bc_name for i in proxy.visible_rows()} == {"Product 7"}
    proxy.set_search("item 4")  # the Clover name
    assert {i.clover_name for i in proxy.visible_rows()} == {
        "Item 4",
        *(f"Item 4{n}" for n in range(10)),
    }
    proxy.set_search("sku-000012")
    assert [i.sku for i in proxy.visible_rows()] == ["SKU-000012"]
    proxy.set_search("")
    keys = frozenset(i.key for i in model.rows()[:3])
    proxy.set_item_keys(keys)
    assert [i.key for i in proxy.visible_rows()] == [i.key for i in model.rows()[:3]]
    # The export keeps a row per step: the shown items' steps, item after item.
    assert [s.sku for s in proxy.visible_steps()] == ["SKU-000000"] * 4 + ["SKU-000001"] * 4 + [
        "SKU-000002"
    ] * 4


def test_100k_items_filter_and_sort_in_one_pass() -> None:
    """At 100k items the filters never call back from the proxy into Python row by row (that
    took seconds); timings are in benchmarks/preview_model.py."""
    rows = make_item_rows(100_000)
    model = PlanTableModel()
    proxy = PlanFilterProxyModel()
    proxy.setSourceModel(model)
    calls = 0
    real = model.row_filter

    def counting_filter():
        test = real()
        if test is None:
            return None

        def passes(row):
            nonlocal calls
            calls += 1
            return test(row)

        return passes

    model.row_filter = counting_filter
    model.set_steps(rows)
    assert model.total_count() == 100_000 and len(model.step_rows()) == 400_000
    proxy.set_outcomes(["skip"])
    assert calls == 100_000  # one test per item, from one comprehension
    assert proxy.rowCount() == 20_000 == model.rowCount()
    proxy.set_search("sku-0999")
    assert proxy.rowCount() == sum(
        i.outcome == "skip" and "sku-0999" in i.sku.casefold() for i in model.rows()
    )
    proxy.set_search("")
    proxy.sort(SKU, Qt.SortOrder.DescendingOrder)
    skus = [i.sku for i in proxy.visible_rows()]
    assert len(skus) == 20_000 and skus == sorted(skus, reverse=True)
    assert all(i.outcome == "skip" for i in proxy.visible_rows())


def test_a_sort_keeps_the_filter_and_the_selected_item(qtbot) -> None:
    from PySide6.QtWidgets import QTableView

    _, proxy = _model(make_item_rows(30))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    proxy.set_attention_only(True)
    view.selectRow(2)
    chosen = proxy.data(view.currentIndex(), ROW_ROLE)
    view.setSortingEnabled(True)
    view.sortByColumn(SKU, Qt.SortOrder.DescendingOrder)
    assert all(i.needs_attention for i in proxy.visible_rows())
    assert proxy.data(view.currentIndex(), ROW_ROLE) is chosen
    assert proxy.visible_rows()[view.currentIndex().row()] is chosen


def test_items_set_later_keep_the_views_sort() -> None:
    model = PlanTableModel()
    model.sort(SKU, Qt.SortOrder.DescendingOrder)
    model.set_steps(make_item_rows(10))
    skus = [model.data(model.index(r, SKU)) for r in range(model.rowCount())]
    assert skus == sorted(skus, reverse=True)


def test_needs_attention_leaves_out_normal_skips() -> None:
    rows = [
        PlanRow("send-standard", "A", Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE),
        PlanRow("send-standard", "B", Outcome.SKIP, Reason.MISSING_WEIGHT),
        PlanRow("send-standard", "C", Outcome.FAIL, Reason.REJECTED, detail="name taken"),
        PlanRow("send-standard", "D", Outcome.CREATE),
        # Created by this same plan: its stock step has nothing to fix.
        PlanRow("send-inventory-standard", "d", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        PlanRow("send-inventory-standard", "E", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
    ]
    model, proxy = _model(rows)
    assert model.rowCount() == 5  # D's stock step is D's
    proxy.set_attention_only(True)
    assert [i.sku for i in proxy.visible_rows()] == ["B", "C", "E"]
    assert model.fix_for(rows[4]).startswith("Nothing to do: this sync creates it")
    assert "Add a weight for SKU B in Weight rules" in proxy.data(proxy.index(0, FIX))
