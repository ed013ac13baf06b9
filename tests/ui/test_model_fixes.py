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
    texts = [model.data(model.index(r, FIX)) for r in range(2)]
    assert any(t.startswith("The “New product” step skips it") for t in texts)
    model.append_rows([PlanRow("send-standard", "CUP-1", Outcome.SKIP, Reason.NO_CATEGORY)])
    assert "cup-1" in model.create_skips


def test_run_items_have_a_what_to_do_column(qtbot) -> None:
    items = [
        ItemResult(1, 1, "send-standard", "MUG-9", "skip", reason="missing_weight"),
        ItemResult(1, 2, "send-prices", "MUG-9", "skip", reason="not_in_bigcommerce"),
    ]
    model = RunItemsTableModel()
    model.set_rows(items)
    assert model.headerData(ITEM_FIX, Qt.Orientation.Horizontal) == "What to do"
    texts = {model.data(model.index(r, ITEM_FIX)) for r in range(2)}
    assert any(t.startswith("Add a weight for SKU MUG-9") for t in texts)
    assert any(t.startswith("The “New product” step skips it") for t in texts)
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
    model.set_rows(items)
    proxy.set_attention_only(True)
    assert sorted(i.seq for i in proxy.visible_rows()) == [1, 5]
    proxy.set_values(["skip"])
    assert [i.seq for i in proxy.visible_rows()] == [1]
    proxy.set_attention_only(False)
    assert sorted(i.seq for i in proxy.visible_rows()) == [1, 2, 4]
