"""What the Preview banner, the Sync page and History & Logs say and offer after a run."""

from __future__ import annotations

from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason, TaskPlan


def _plan() -> TaskPlan:
    """Two items need attention, in three rows; one change is written."""
    create = (
        PlanRow("send-standard", "MUG-9", Outcome.SKIP, Reason.MISSING_WEIGHT),
        PlanRow("send-standard", "CUP-1", Outcome.CREATE, changes={"name": (None, "Cup")}),
        PlanRow("send-standard", None, Outcome.SKIP, Reason.MISSING_SKU, clover_name="Bag Fee"),
    )
    prices = (PlanRow("send-prices", "MUG-9", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),)
    return TaskPlan(
        "Catalogue",
        (ActionPlan("send-standard", create), ActionPlan("send-prices", prices)),
        plan_id="p",
    )


def test_preview_banner_counts_items_not_rows(gui) -> None:
    page = gui.window.preview
    page.set_plan(_plan())
    text = page.banner.text()
    assert "2 items need your attention (in 3 rows)" in text
    assert "Sync now will make 1 change." in text
    assert "(s)" not in text
