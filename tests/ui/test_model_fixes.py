"""The What to do columns of the preview and of a run's items use the rest of the plan or run."""

from __future__ import annotations

from PySide6.QtCore import Qt

from esync_desktop.storage.state.records import ItemResult
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason, TaskPlan
from esync_desktop.ui.models.history_models import ITEM_FIX, LOG_COLUMNS, RunItemsTableModel
from esync_desktop.ui.models.plan_model import FIX, PlanTableModel


def test_preview_not_found_points_to_the_create_step(qtbot) -> None:
    rows = (
        PlanRow("send-standard", "MUG-9", Outcome.SKIP, Reason.MISSING_WEIGHT),
        PlanRow("send-prices", "MUG-9", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
    )
    model = PlanTableModel()
    model.set_plan(TaskPlan("T", (ActionPlan("x", rows),)))
    # One item: what to do is its create step's; its price step points there.
    assert model.rowCount() == 1
    assert model.data(model.index(0, FIX)).startswith("Add a weight for SKU MUG-9")
    assert model.fix_for(rows[1]).startswith("The “New product” step skips it")
    model.set_steps([*rows, PlanRow("send-standard", "CUP-1", Outcome.SKIP, Reason.NO_CATEGORY)])
    assert "cup-1" in model.create_skips


def test_run_items_have_a_what_to_do_column(qtbot) -> None:
    items = [
        ItemResult(1, 1, "send-standard", "MUG-9", "skip", reason="missing_weight"),
        ItemResult(1, 2, "send-prices", "MUG-9", "skip", reason="not_in_bigcommerce"),
    ]
    model = RunItemsTableModel()
    model.set_steps(items)
    assert model.headerData(ITEM_FIX, Qt.Orientation.Horizontal) == "What to do"
    assert model.rowCount() == 1  # one item, two steps
    assert model.data(model.index(0, ITEM_FIX)).startswith("Add a weight for SKU MUG-9")
    assert model.fix_for(items[1]).startswith("The “New product” step skips it")
    assert [c.title for c in LOG_COLUMNS][-2:] == ["Item", "What"]


def test_run_items_needing_attention_leave_out_normal_skips(qtbot) -> None:
    from esync_desktop.ui.models.history_models import OutcomeSearchProxyModel

    items = [
        ItemResult(1, 1, "send-standard", "MUG-9", "skip", reason="missing_weight"),
        ItemResult(1, 2, "send-standard", "CUP-1", "skip", reason="already_in_bigcommerce"),
        ItemResult(1, 3, "send-standard", "TEA-1", "create"),
        ItemResult(1, 4, "send-prices", "TEA-1", "skip", reason="not_in_bigcommerce"),
        ItemResult(1, 5, "send-prices", "JAR-2", "fail", reason="rejected"),
    ]
    model = RunItemsTableModel()
    proxy = OutcomeSearchProxyModel()
    proxy.setSourceModel(model)
    model.set_steps(items)
    proxy.set_attention_only(True)
    assert sorted(i.sku for i in proxy.visible_rows()) == ["JAR-2", "MUG-9"]
    proxy.set_values(["skip"])
    assert [i.sku for i in proxy.visible_rows()] == ["MUG-9"]
    proxy.set_attention_only(False)
    # By the item's result: TEA-1 is created (its price step waits for that), not skipped.
    assert sorted(i.sku for i in proxy.visible_rows()) == ["CUP-1", "MUG-9"]
    proxy.set_values(["create"])
    assert [[s.seq for s in i.steps] for i in proxy.visible_rows()] == [[3, 4]]
