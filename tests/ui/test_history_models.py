"""The History & Logs tables pass pytest-qt's model tester, with the rows a real demo run
records and with the awkward ones (a run still going, an item with no SKU, a lost answer)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from esync_desktop.app import Services
from esync_desktop.paths import AppPaths
from esync_desktop.storage.state.records import ItemResult, LogEntry, RunRecord
from esync_desktop.sync.items import group_items
from esync_desktop.ui.models.history_models import (
    LogTableModel,
    OutcomeSearchProxyModel,
    RunItemsTableModel,
    RunsTableModel,
)

T0 = datetime(2026, 5, 11, 8, 0, tzinfo=UTC)


def _check(qtmodeltester, model, rows) -> None:
    """Checked once empty; the tester stays connected and checks the model again on each of
    its signals while it is filled, re-filled, appended to, and sorted on every column. A
    run's items table is given the run's step records and shows them as items."""
    qtmodeltester.check(model, force_py=True)
    if isinstance(model, RunItemsTableModel):
        model.set_steps(rows)
        model.set_steps(rows[: len(rows) // 2])
        model.set_steps(rows)
        expected = len(group_items(rows))
    else:
        model.set_rows(rows)
        model.set_rows(rows[: len(rows) // 2])
        model.append_rows(rows[len(rows) // 2 :])
        expected = len(rows)
    for column in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
    assert model.rowCount() == expected
    for row in range(model.rowCount()):  # every cell, every role the views ask for
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.ForegroundRole,
                Qt.ItemDataRole.TextAlignmentRole,
            ):
                model.data(index, role)  # fmt: skip


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory):
    """Runs, items and log entries as a real sync of the demo stores records them."""
    root = tmp_path_factory.mktemp("history-home")
    services = Services(AppPaths(root / "config", root / "data", root / "logs"), environ={})
    try:
        services.start_demo()
        plan = services.plan_task(services.settings.tasks[0])
        result = services.run_plan(plan)
        runs = services.history()
        items = services.run_items(result.run_id)
        log = services.log_entries()
    finally:
        services.stop()
    # A sample of each outcome: the Python tester re-checks the whole model on every signal.
    sample: dict[str, list] = {}
    for item in items:
        sample.setdefault(item.outcome, []).append(item)
    items = [i for group in sample.values() for i in group[:12]]
    return runs, items, log[:150]


def test_runs_table_with_a_demo_run(qtmodeltester, demo_records) -> None:
    runs, _, _ = demo_records
    assert runs and runs[0].result in ("ok", "failed_items")
    model = RunsTableModel()
    _check(qtmodeltester, model, runs)
    assert model.data(model.index(0, 1)) == "Catalogue sync"


def test_items_table_with_a_demo_run(qtmodeltester, demo_records) -> None:
    _, items, _ = demo_records
    outcomes = {i.outcome for i in items}
    assert {"create", "skip"} <= outcomes  # the demo's messy cases
    model = RunItemsTableModel()
    _check(qtmodeltester, model, items)
    # One row per item: an item's steps of the run are in one row.
    assert model.rowCount() < len(items)
    assert sorted(s.seq for i in model.rows() for s in i.steps) == sorted(i.seq for i in items)


def test_items_filter_over_a_demo_run(qtmodeltester, demo_records) -> None:
    _, items, _ = demo_records
    model = RunItemsTableModel()
    model.set_steps(items)
    proxy = OutcomeSearchProxyModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_values({"skip"})
    assert 0 < proxy.rowCount() < model.total_count()
    assert all(i.outcome == "skip" for i in proxy.visible_rows())
    proxy.set_search("mug")
    assert all("mug" in model.search_text(i).casefold() for i in proxy.visible_rows())
    proxy.set_values(None)
    proxy.set_search("")
    assert proxy.rowCount() == model.total_count() == len(group_items(items))


def test_log_table_with_a_demo_run(qtmodeltester, demo_records) -> None:
    _, _, log = demo_records
    assert {e.kind for e in log} >= {"exchange"}
    _check(qtmodeltester, LogTableModel(), log)


def test_log_filter_over_a_demo_run(qtmodeltester, demo_records) -> None:
    _, _, log = demo_records
    model = LogTableModel()
    model.set_rows(log)
    proxy = OutcomeSearchProxyModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_search("GET")
    assert 0 < proxy.rowCount() < model.total_count()
    proxy.sort(0, Qt.SortOrder.DescendingOrder)  # the tester still watches every change
    proxy.set_values({"mapping_error"})
    assert all(e.kind == "mapping_error" for e in proxy.visible_rows())


def test_tables_with_awkward_rows(qtmodeltester) -> None:
    runs = [
        RunRecord(1, "Catalogue sync", "manual", T0, T0 + timedelta(seconds=12),
                  {"create": 3, "skip": 2, "fail": 1}, "failed_items", False, {"clover": 4}),
        RunRecord(2, "Stock", "scheduled", T0 + timedelta(hours=1), None, {}, "running",
                  False, {}),
        RunRecord(3, "Stock", "scheduled", T0 + timedelta(hours=2), T0 + timedelta(hours=2,
                  minutes=3), {}, "error", False, {}, error="Cannot reach BigCommerce"),
        RunRecord(4, "Prices", "weird-trigger", T0, T0, {"update": 1}, "mystery", True, {}),
    ]  # fmt: skip
    model = RunsTableModel()
    _check(qtmodeltester, model, runs)
    items = [
        ItemResult(1, 1, "send-standard", None, "skip", reason="missing_sku"),
        ItemResult(1, 2, "send-standard", "MUG-001", "fail", planned="create",
                   reason="rejected", detail="name: too long", name="Mug ☕ “Blue”"),
        ItemResult(1, 3, "send-prices", "TEA-002", "not_done", reason=None),
        ItemResult(1, 4, "send-prices", "tea-002", "unchanged", reason="unchanged"),
        ItemResult(1, 5, "unknown-action", "X", "odd-outcome", reason="odd_reason"),
    ]  # fmt: skip
    _check(qtmodeltester, RunItemsTableModel(), items)
    log = [
        LogEntry(1, 1, T0, "exchange", "clover", "GET", "/v3/merchants/M/items", 200, 41.5),
        LogEntry(2, 1, T0, "exchange", "bigcommerce", "POST", "/v3/catalog/products", None,
                 None, error="connection refused"),
        LogEntry(3, 1, T0, "exchange", "bigcommerce", "PUT", "/v3/catalog/products", 422, 9.0,
                 response_body='{"title": "Invalid"}' * 200),
        LogEntry(4, None, T0, "mapping_error", sku="MUG-001", message="name: too long"),
        LogEntry(5, None, T0, "something-new"),
    ]  # fmt: skip
    _check(qtmodeltester, LogTableModel(), log)
