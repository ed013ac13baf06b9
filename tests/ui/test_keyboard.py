"""Keyboard use: Tab leaves every table and list, and the focused control is plainly marked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView, QWidget

from esync_desktop.ui.main_window import PREVIEW, WEIGHTS
from esync_desktop.ui.resources import asset_path
from esync_desktop.ui.widgets import Page


@pytest.fixture
def styled_window(gui, qtbot):
    window = gui.window
    window.setStyleSheet(asset_path("style.qss").read_text(encoding="utf-8"))
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_no_view_keeps_tab_to_itself(styled_window) -> None:
    views = styled_window.findChildren(QAbstractItemView)
    assert len(views) >= 5
    kept = [v.objectName() or type(v).__name__ for v in views if v.tabKeyNavigation()]
    assert kept == []


@pytest.mark.parametrize("page", [PREVIEW, WEIGHTS])
def test_tab_moves_out_of_a_table(styled_window, qtbot, page: int, plan_rows) -> None:
    window = styled_window
    window.show_page(page)
    if page == PREVIEW:
        from esync_desktop.sync.model import ActionPlan, TaskPlan

        rows = tuple(r for r in plan_rows if r.action == "send-standard")
        window.preview.set_plan(TaskPlan("T", (ActionPlan("send-standard", rows),), "p"))
    table = window.stack.currentWidget().findChild(QTableView)
    table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(table.hasFocus)
    QTest.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus()
    table.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(table, Qt.Key.Key_Backtab)
    assert not table.hasFocus()


def _changed_pixels(before: QImage, after: QImage) -> int:
    return sum(
        1
        for x in range(before.width())
        for y in range(before.height())
        if abs(before.pixelColor(x, y).value() - after.pixelColor(x, y).value()) > 40
        or abs(before.pixelColor(x, y).hue() - after.pixelColor(x, y).hue()) > 30
    )


def test_focus_is_plainly_visible(styled_window, qtbot) -> None:
    """Each kind of control looks clearly different with the keyboard focus on it: at least
    its whole outline changes (a width's worth of pixels along two sides)."""
    window = styled_window
    page = window.connections
    controls: list[QWidget] = [page.test_button, page.merchant_id, page.region]
    tasks = window.tasks
    controls += [tasks.new_button, tasks.action_list, tasks.stop_when_empty]
    for control in controls:
        window.stack.setCurrentWidget(_page_of(control))
        control.setEnabled(True)
        window.sidebar.setFocus()
        qtbot.waitUntil(lambda c=control: not c.hasFocus())
        before = control.grab().toImage()
        control.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(control.hasFocus)
        after = control.grab().toImage()
        size = control.size()
        assert _changed_pixels(before, after) >= size.width() + size.height(), control


def _page_of(control: QWidget) -> QWidget:
    widget = control
    while not isinstance(widget, Page):
        widget = widget.parentWidget()
    return widget


def test_weight_rules_headings_are_whole_at_1024(gui, qtbot) -> None:
    window = gui.window
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    window.show_page(WEIGHTS)
    qtbot.wait(50)
    for table in window.weights.findChildren(QTableView):
        header = table.horizontalHeader()
        for column in range(header.count()):
            text = str(table.model().headerData(column, Qt.Orientation.Horizontal))
            needed = header.fontMetrics().horizontalAdvance(text)
            assert header.sectionSize(column) >= needed, (text, header.sectionSize(column))
