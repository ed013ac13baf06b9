"""The preview table model and its filter proxy."""

from __future__ import annotations

from PySide6.QtCore import Qt

from esync_desktop.sync.model import Outcome
from esync_desktop.ui.models.base import ROW_ROLE, SORT_ROLE
from esync_desktop.ui.models.plan_model import (
    FIX,
    OUTCOME,
    SKU,
    WHY,
    PlanFilterProxyModel,
    PlanTableModel,
)
from tests.ui.conftest import make_rows


def test_plan_model_passes_modeltester(qtmodeltester, plan_rows) -> None:
    model = PlanTableModel()
    model.set_rows(plan_rows)
    qtmodeltester.check(model, force_py=True)
    model.append_rows(make_rows(7))
    qtmodeltester.check(model, force_py=True)


def test_proxy_passes_modeltester_while_filtering_and_sorting(qtmodeltester, plan_rows) -> None:
    model = PlanTableModel()
    proxy = PlanFilterProxyModel()
    proxy.setSourceModel(model)
    model.set_rows(plan_rows)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_outcomes([Outcome.SKIP.value])
    proxy.sort(SKU, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)


def test_roles_give_text_raw_value_and_row(plan_rows) -> None:
    model = PlanTableModel()
    model.set_rows(plan_rows)
    skipped = next(i for i, r in enumerate(plan_rows) if r.outcome is Outcome.SKIP)
    index = model.index(skipped, OUTCOME)
    assert model.data(index) == "Skipped"
    assert model.data(index, SORT_ROLE) == list(Outcome).index(Outcome.SKIP)
    assert model.data(index, ROW_ROLE) is plan_rows[skipped]
    why = model.data(model.index(skipped, WHY))
    assert "_" not in why and why  # plain words, never a reason code


def test_filters_by_outcome_action_and_search(plan_rows) -> None:
    model = PlanTableModel()
    proxy = PlanFilterProxyModel()
    proxy.setSourceModel(model)
    model.set_rows(plan_rows)
    proxy.set_outcomes(["skip"])
    assert proxy.rowCount() == sum(r.outcome is Outcome.SKIP for r in plan_rows)
    proxy.set_action("send-prices")
    expected = [r for r in plan_rows if r.outcome is Outcome.SKIP and r.action == "send-prices"]
    assert proxy.visible_rows() == expected
    proxy.set_outcomes(None)
    proxy.set_action(None)
    proxy.set_search("item 7")  # Clover name, case-insensitive
    assert {r.clover_name for r in proxy.visible_rows()} == {"Item 7"}
    proxy.set_search("sku-000050")
    assert [r.sku for r in proxy.visible_rows()] == ["SKU-000050"]


def test_sort_goes_through_the_source_and_keeps_rows(plan_rows) -> None:
    model = PlanTableModel()
    proxy = PlanFilterProxyModel()
    proxy.setSourceModel(model)
    model.set_rows(plan_rows)
    proxy.set_search("item")
    proxy.sort(SKU, Qt.SortOrder.AscendingOrder)
    skus = [proxy.data(proxy.index(r, SKU)) for r in range(proxy.rowCount())]
    assert skus == sorted(skus)
    proxy.set_search("item 1")
    assert all(r.clover_name.startswith("Item 1") for r in proxy.visible_rows())


def test_100k_rows_filter_and_sort_in_one_pass() -> None:
    """At 100k rows the filters never call back from the proxy into Python row by row (that
    took seconds); timings are in tests/benchmarks/bench_preview_filter.py."""
    rows = make_rows(100_000)
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
    model.set_rows(rows)
    proxy.set_outcomes(["skip"])
    assert calls == 100_000  # one test per row, from one comprehension
    assert proxy.rowCount() == 20_000 == model.rowCount()
    assert model.total_count() == 100_000
    proxy.set_search("sku-0999")
    assert proxy.rowCount() == sum(
        r.outcome is Outcome.SKIP and "sku-0999" in r.sku.casefold() for r in rows
    )
    proxy.set_search("")
    proxy.sort(SKU, Qt.SortOrder.DescendingOrder)
    skus = [r.sku for r in proxy.visible_rows()]
    assert len(skus) == 20_000 and skus == sorted(skus, reverse=True)
    assert all(r.outcome is Outcome.SKIP for r in proxy.visible_rows())


def test_filtered_model_passes_modeltester_and_takes_new_rows(qtmodeltester, plan_rows) -> None:
    model = PlanTableModel()
    model.set_rows(plan_rows)
    model.set_outcomes([Outcome.SKIP.value])
    model.set_search("item 1")
    qtmodeltester.check(model, force_py=True)
    more = make_rows(30)
    model.append_rows(more)
    expected = [
        r
        for r in plan_rows + more
        if r.outcome is Outcome.SKIP and "item 1" in r.clover_name.lower()
    ]
    assert model.shown_rows() == expected
    assert model.total_count() == len(plan_rows) + 30
    model.set_search("")
    model.set_outcomes(None)
    assert model.shown_rows() == plan_rows + more


def test_a_sort_keeps_the_filter_and_the_selected_row(qtbot, plan_rows) -> None:
    from PySide6.QtWidgets import QTableView

    model = PlanTableModel()
    proxy = PlanFilterProxyModel()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    model.set_rows(plan_rows)
    proxy.set_action("send-prices")
    view.selectRow(2)
    chosen = proxy.data(view.currentIndex(), ROW_ROLE)
    view.setSortingEnabled(True)
    view.sortByColumn(SKU, Qt.SortOrder.DescendingOrder)
    assert all(r.action == "send-prices" for r in proxy.visible_rows())
    assert proxy.data(view.currentIndex(), ROW_ROLE) is chosen
    assert proxy.visible_rows()[view.currentIndex().row()] is chosen


def test_rows_set_later_keep_the_views_sort(plan_rows) -> None:
    model = PlanTableModel()
    model.sort(SKU, Qt.SortOrder.DescendingOrder)
    model.set_rows(plan_rows[:10])
    skus = [model.data(model.index(r, SKU)) for r in range(model.rowCount())]
    assert skus == sorted(skus, reverse=True)


def test_needs_attention_leaves_out_normal_skips() -> None:
    from esync_desktop.sync.model import PlanRow, Reason

    rows = [
        PlanRow("send-standard", "A", Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE),
        PlanRow("send-standard", "B", Outcome.SKIP, Reason.MISSING_WEIGHT),
        PlanRow("send-standard", "C", Outcome.FAIL, Reason.REJECTED, detail="name taken"),
        PlanRow("send-standard", "D", Outcome.CREATE),
        # Created by this same plan: its stock step has nothing to fix.
        PlanRow("send-inventory-standard", "d", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        PlanRow("send-inventory-standard", "E", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
    ]
    model = PlanTableModel()
    proxy = PlanFilterProxyModel()
    proxy.setSourceModel(model)
    model.set_rows(rows)
    proxy.set_attention_only(True)
    assert [r.sku for r in proxy.visible_rows()] == ["B", "C", "E"]
    assert model.fix_for(rows[4]).startswith("Nothing to do: this sync creates it")
    assert "Add a weight for SKU B in Weight rules" in proxy.data(proxy.index(0, FIX))
