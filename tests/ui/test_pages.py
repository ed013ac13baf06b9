"""What the Preview banner, the Sync page and History & Logs say and offer after a run."""

from __future__ import annotations

import json
from datetime import datetime

from esync_desktop.app import RunResult
from esync_desktop.storage.state.records import EXCHANGE, ItemResult, LogEntry
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason, TaskPlan
from esync_desktop.ui.controller import RUN
from esync_desktop.ui.main_window import HISTORY
from esync_desktop.ui.models.base import ROW_ROLE
from esync_desktop.ui.pages.history import ATTENTION_ITEMS, FAILED_ITEMS, SKIPPED_ITEMS
from esync_desktop.ui.pages.sync_page import (
    ATTENTION_LINK,
    FAILURES_LINK,
    HISTORY_LINK,
    SKIPPED_LINK,
)


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
    assert "2 items need your attention." in text
    # One row per item: MUG-9's price step is in MUG-9's row.
    assert page.model.rowCount() == 3 and page.shown.text() == "3 of 3 items shown"
    assert "Sync now will make 1 change." in text
    assert "(s)" not in text


def _result(counts: dict[str, int], *, cancelled: bool = False) -> RunResult:
    rows = [
        {"action": "send-standard", "sku": "MUG-9", "outcome": "skip", "reason": "missing_weight",
         "clover_id": "1", "clover_name": "Mug", "changes": {}},
        {"action": "send-prices", "sku": "MUG-9", "outcome": "skip",
         "reason": "not_in_bigcommerce", "clover_id": "1", "clover_name": "Mug", "changes": {}},
    ]  # fmt: skip
    return RunResult(7, counts, cancelled, {}, 11.4, [], {"actions": [{"rows": rows}]})


def test_sync_page_summary_links_and_cancel(gui, qtbot) -> None:
    window, page = gui.window, gui.window.sync
    assert not page.cancel_button.isVisibleTo(page)  # nothing runs: no Cancel to press
    page._on_started(RUN, "Catalogue")
    assert page.cancel_button.isVisibleTo(page) and page.cancel_button.isEnabled()
    page._on_progress(RUN, 40, 166, "MUG-9")
    assert page.progress.text() == "40 of 166 changes sent"
    counts = {"create": 120, "update": 46, "unchanged": 32, "skip": 509, "fail": 3}
    page._on_finished(_result(counts), "manual")
    assert not page.cancel_button.isVisibleTo(page)
    text = page.summary.text()
    assert "166 changes made in BigCommerce, 3 failed." in text
    assert "710 results, one per item and step" in text
    assert "1 item needs your attention." in text
    assert f'href="{FAILURES_LINK}">Show the 3 failures<' in text
    assert f'href="{ATTENTION_LINK}">Show the item that needs you, and what to do<' in text
    assert f'href="{SKIPPED_LINK}"' not in text  # the attention link shows what matters
    assert f'href="{HISTORY_LINK}"' in text
    assert "(s)" not in text
    assert page.summary.kind == "error"

    page.summary.linkActivated.emit(ATTENTION_LINK)
    assert window.stack.currentIndex() == HISTORY
    assert window.history.item_filter.currentIndex() == ATTENTION_ITEMS
    page.summary.linkActivated.emit(SKIPPED_LINK)
    assert window.history.item_filter.currentIndex() == SKIPPED_ITEMS
    page.summary.linkActivated.emit(FAILURES_LINK)
    assert window.history.item_filter.currentIndex() == FAILED_ITEMS
    # "Every result" shows every item again, not the last filter.
    page.summary.linkActivated.emit(HISTORY_LINK)
    assert window.history.item_filter.currentIndex() == 0


def test_sync_page_with_nothing_to_write(gui) -> None:
    page = gui.window.sync
    page._on_started(RUN, "Catalogue")
    counts = {"create": 0, "update": 0, "unchanged": 5, "skip": 0, "fail": 0}
    page._on_finished(RunResult(8, counts, False, {}, 0.3, []), "manual")
    assert page.progress.text() == "No changes sent"
    text = page.summary.text()
    assert "0 changes made" in text and "Show the" not in text and "attention" not in text
    assert page.summary.kind == "ok"


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
    assert page.items_proxy.rowCount() == 2  # MUG-9 and CUP-1
    for row in range(page.items_proxy.rowCount()):
        if page.items_proxy.data(page.items_proxy.index(row, 0), ROW_ROLE).sku == "MUG-9":
            page.items_table.selectRow(row)
    # Each step of the item in full: its result, why and what to do.
    text = page.item_details.text()
    assert "<b>MUG-9</b> Mug" in text
    assert "Not found in BigCommerce (no BigCommerce product has this SKU)" in text
    assert "Add a weight for SKU MUG-9" in text
    # The price step follows from the create step: it points there instead of repeating it.
    assert "Goes through once the “New product” step above does" in text
    assert "The “New product” step skips it" not in text


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
