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
