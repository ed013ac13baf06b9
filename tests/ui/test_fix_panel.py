"""The fix-it buttons end to end on the demo stores: each does what its group's "what to do"
says, the group's items are planned again, and they leave the group."""

from __future__ import annotations

import json
import urllib.request
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from esync_desktop.sync import analysis
from esync_desktop.sync.category_create import CREATE_CATEGORIES
from esync_desktop.sync.model import Reason
from esync_desktop.ui.models.base import ROW_ROLE

pytestmark = pytest.mark.slow
CLICK = Qt.MouseButton.LeftButton


def _preview(gui: Any, qtbot: Any) -> Any:
    window, controller = gui.window, gui.controller
    window.show()
    with qtbot.waitSignal(controller.connections_tested, timeout=60_000):
        qtbot.mouseClick(window.welcome.demo_button, CLICK)
    with qtbot.waitSignal(controller.plan_ready, timeout=120_000):
        window.refresh_preview()
    return window.preview


def _choose(preview: Any, reason: Reason, category: str | None = None) -> Any:
    for n in range(1, preview.fix_groups.count()):
        group = preview.fix_groups.item(n).data(Qt.ItemDataRole.UserRole)[0]
        if group.reason == reason and (category is None or group.category == category):
            preview.fix_groups.setCurrentRow(n)
            assert preview.fix_panel.isVisible()
            return group
    raise AssertionError(f"no fix-it group for {reason} {category or ''}")


def _groups(preview: Any) -> list[Any]:
    return analysis.fix_groups(preview.model.step_rows())


def _still_there(preview: Any, reason: Reason, skus: set[str]) -> set[str]:
    return {r.sku for g in _groups(preview) if g.reason == reason for r in g.rows if r.sku in skus}


def test_create_the_missing_category(gui, qtbot) -> None:
    preview = _preview(gui, qtbot)
    panel = preview.fix_panel
    group = _choose(preview, Reason.CATEGORY_NOT_IN_BIGCOMMERCE, "Bags")
    skus = {r.sku for r in group.rows}
    assert panel.create_category.isVisible() and panel.create_category.text() == (
        "Create category “Bags”"
    )
    with qtbot.waitSignal(panel.jobs.fix_planned, timeout=60_000):
        qtbot.mouseClick(panel.create_category, CLICK)
    # Previewed first: nothing is written until it is confirmed.
    assert panel.confirm_box.isVisible() and "“Bags”" in panel.confirm_text.text()
    assert "Bags" not in [c.name for c in gui.services.store_categories().bigcommerce]
    with qtbot.waitSignal(panel.jobs.replanned, timeout=120_000):
        qtbot.mouseClick(panel.confirm_button, CLICK)

    assert "Bags" in [c.name for c in gui.services.store_categories().bigcommerce]
    entries = [e for e in gui.services.state.journal_entries() if CREATE_CATEGORIES in e.action]
    assert [e.status for e in entries] == ["confirmed"]
    assert gui.services.log_entries(run_id=entries[0].run_id, text="trees/categories")
    assert not _still_there(preview, Reason.CATEGORY_NOT_IN_BIGCOMMERCE, skus)
    assert not any(g.category == "Bags" for g in _groups(preview))
    # Only the bags were planned again, and the plan is what a whole new preview gives.
    task = gui.controller.task(preview.plan.task)
    assert gui.services.plan_task(task).counts() == preview.plan.counts()
    # The bags are now new products in the preview, ready for Sync now.
    creating = analysis.created_skus(preview.model.step_rows())
    assert {s.casefold() for s in skus} & creating


def test_map_the_missing_category_to_an_existing_one(gui, qtbot) -> None:
    preview = _preview(gui, qtbot)
    panel = preview.fix_panel
    with qtbot.waitSignal(gui.controller.categories_loaded, timeout=60_000):
        group = _choose(preview, Reason.CATEGORY_NOT_IN_BIGCOMMERCE, "Bags")
    skus = {r.sku for r in group.rows}
    assert panel.map_picker.count() > 0
    panel.map_picker.setCurrentIndex(panel.map_picker.findData("Stationery"))
    with qtbot.waitSignal(panel.jobs.replanned, timeout=120_000):
        qtbot.mouseClick(panel.map_button, CLICK)
    assert gui.services.settings.category_map == {"Bags": "Stationery"}
    saved = json.loads(gui.services.paths.settings_file.read_text())
    assert saved["category_map"] == {"Bags": "Stationery"}
    assert not _still_there(preview, Reason.CATEGORY_NOT_IN_BIGCOMMERCE, skus)
    assert "Bags" not in [c.name for c in gui.services.store_categories().bigcommerce]


def test_set_a_weight_for_one_sku_then_the_default(gui, qtbot) -> None:
    preview = _preview(gui, qtbot)
    panel = preview.fix_panel
    group = _choose(preview, Reason.MISSING_WEIGHT)
    first, count = group.rows[0].sku, group.count
    assert panel.weight_scope.itemData(0) == ("sku", first)
    assert panel.weight_scope.itemData(panel.weight_scope.count() - 1) == ("default", None)

    # The SKU the weight is for follows the row selected in the table.
    last = preview.proxy.rowCount() - 1
    preview.table.selectRow(last)
    chosen = preview.proxy.data(preview.proxy.index(last, 0), ROW_ROLE).sku
    assert panel.weight_scope.itemData(0) == ("sku", chosen)
    preview.table.selectRow(0)
    first = preview.proxy.data(preview.proxy.index(0, 0), ROW_ROLE).sku
    assert panel.weight_scope.itemData(0) == ("sku", first)
    panel.weight.setText("0,25")
    with qtbot.waitSignal(panel.jobs.replanned, timeout=120_000):
        qtbot.mouseClick(panel.weight_button, CLICK)
    assert gui.services.settings.weights.by_sku[first] == Decimal("0.25")
    assert first not in _still_there(preview, Reason.MISSING_WEIGHT, {first})
    assert panel.group.count == count - 1  # the same group, one item fewer
    assert "1 item fixed" in panel.status.text()

    panel.weight_scope.setCurrentIndex(panel.weight_scope.count() - 1)
    panel.weight.setText("1.5")
    with qtbot.waitSignal(panel.jobs.replanned, timeout=120_000):
        qtbot.mouseClick(panel.weight_button, CLICK)
    assert gui.services.settings.weights.default == Decimal("1.5")
    assert not [g for g in _groups(preview) if g.reason == Reason.MISSING_WEIGHT]


def test_bad_weight_is_refused_with_what_to_type(gui, qtbot) -> None:
    preview = _preview(gui, qtbot)
    panel = preview.fix_panel
    _choose(preview, Reason.MISSING_WEIGHT)
    panel.weight.setText("heavy")
    qtbot.mouseClick(panel.weight_button, CLICK)
    assert "Type a weight above 0" in panel.status.text()
    assert gui.services.settings.weights.default is None


def test_stop_requiring_matching_names(gui, qtbot) -> None:
    preview = _preview(gui, qtbot)
    panel = preview.fix_panel
    group = _choose(preview, Reason.NAME_MISMATCH)
    skus = {r.sku for r in group.rows}
    assert panel.names_button.isVisible() and not panel.weight_button.isVisible()
    with qtbot.waitSignal(panel.jobs.replanned, timeout=120_000):
        qtbot.mouseClick(panel.names_button, CLICK)
    task = gui.controller.task(preview.plan.task)
    options = {a.action: a.options for a in task.actions}
    assert options["send-inventory-standard"]["require_name_match"] is False
    assert not _still_there(preview, Reason.NAME_MISMATCH, skus)
    # The item is now a stock update, or already level.
    rows = [r for r in preview.model.step_rows() if r.sku in skus and r.action in options]
    assert rows and all(r.reason is not Reason.NAME_MISMATCH for r in rows)
    assert "group is done" in preview.banner.text()


class _Browser(QObject):
    """Where Qt sends the URLs QDesktopServices.openUrl opens (setUrlHandler)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_open_the_item_in_either_admin(gui, qtbot) -> None:
    browser = _Browser()
    QDesktopServices.setUrlHandler("http", browser, "open")
    try:
        preview = _preview(gui, qtbot)
        panel = preview.fix_panel
        group = _choose(preview, Reason.NAME_MISMATCH)
        row = group.rows[0]
        qtbot.mouseClick(panel.open_clover, CLICK)
        qtbot.mouseClick(panel.open_bc, CLICK)
    finally:
        QDesktopServices.unsetUrlHandler("http")
    clover_url, bc_url = browser.opened
    assert clover_url.endswith(f"/_sandbox/clover/items/{row.clover_id}")
    assert bc_url.endswith(f"/_sandbox/bigcommerce/products?sku={row.sku}")
    # Both pages show this very item.
    with urllib.request.urlopen(clover_url, timeout=10) as answer:
        assert json.loads(answer.read())["sku"] == row.sku
    with urllib.request.urlopen(bc_url, timeout=10) as answer:
        assert [p["id"] for p in json.loads(answer.read())["products"]] == [row.bc_id]
