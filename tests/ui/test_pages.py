"""What the Preview banner, the Sync page and History & Logs say and offer after a run."""

from __future__ import annotations

import json
from datetime import datetime

from esync_desktop.storage.state.records import EXCHANGE, ItemResult, LogEntry
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason, TaskPlan
from esync_desktop.ui.models.base import ROW_ROLE


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


def test_history_item_says_what_to_do(gui) -> None:
    page = gui.window.history
    items = [
        ItemResult(3, 1, "send-standard", "MUG-9", "skip", reason="missing_weight", name="Mug"),
        ItemResult(
            3,
            2,
            "send-prices",
            "MUG-9",
            "skip",
            reason="not_in_bigcommerce",
            name="Mug",
            detail="no BigCommerce product has this SKU",
        ),
        ItemResult(3, 3, "send-prices", "CUP-1", "update", name="Cup", detail="price"),
    ]
    page._on_items(3, items)
    assert page.item_fix(items[0]).startswith("Add a weight for SKU MUG-9")
    assert page.item_fix(items[1]).startswith("The “New product” step skips it")
    assert page.item_fix(items[2]) == ""
    for row in range(page.items_proxy.rowCount()):
        if page.items_proxy.data(page.items_proxy.index(row, 0), ROW_ROLE) is items[1]:
            page.items_table.selectRow(row)
    text = page.item_details.text()
    assert "Why: Not found in BigCommerce (no BigCommerce product has this SKU)" in text
    assert "What to do: The “New product” step skips it" in text


def test_log_entry_reads_in_full_below_the_table(gui) -> None:
    page = gui.window.history
    entry = LogEntry(
        id=1, run_id=1, at=datetime(2026, 3, 4, 5, 6, 7).astimezone(), kind=EXCHANGE,
        api="bigcommerce", method="POST", path="/stores/abc123/v3/catalog/products",
        status=422, duration_ms=20.0, attempt=1,
        request_body=json.dumps({"name": "Mug", "sku": "MUG-4", "price": -1,
                                 "description": "Our morning mug. " * 6}),
        response_body=json.dumps({"status": 422, "title": "Invalid field(s): price"}),
    )  # fmt: skip
    page._on_log([entry])
    assert page.log_note.text().startswith("The latest 1 entry.")
    page.log_table.selectRow(0)
    text = page.log_details.toPlainText()
    assert text.startswith("Create a product → 422 refused: invalid values")
    assert "Items: MUG-4" in text and '  "sku": "MUG-4",' in text
