"""Without a mouse: on every page, Tab reaches every button, field, list and table the owner
can use (tables and lists let Tab go on), and the pages have their shortcuts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)

from esync_desktop.sync.model import Reason
from esync_desktop.ui.main_window import PAGES, PREVIEW

pytestmark = pytest.mark.slow
CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
)


def _usable(page: QWidget) -> list[QWidget]:
    """What on the page the owner can act on now: shown, enabled controls."""
    found = []
    for w in page.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or not w.isVisibleTo(page) or not w.isEnabled():
            continue
        if isinstance(w.parent(), QComboBox | QAbstractSpinBox | QAbstractItemView):
            continue  # a combo's own list, a spin box's editor: reached with their owner
        if w.parent() is not None and isinstance(w.parent().parent(), QAbstractItemView):
            continue  # a table's header or scroll bars
        found.append(w)
    return found


def _owner(widget: QWidget | None, candidates: list[QWidget]) -> QWidget | None:
    """The control the focused widget belongs to (a combo box's line edit is the combo)."""
    while widget is not None:
        if widget in candidates:
            return widget
        widget = widget.parentWidget()
    return None


def _walk(window: QWidget, qtbot, candidates: list[QWidget]) -> set[int]:
    """Tab from the sidebar round the window until the focus comes back; the controls met."""
    window.sidebar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(window.sidebar.hasFocus)
    reached: set[int] = set()
    for _ in range(400):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if focused is window.sidebar:
            break
        owner = _owner(focused, candidates)
        if owner is not None:
            reached.add(id(owner))
        if isinstance(owner, QRadioButton) and owner.autoExclusive():
            # Tab stops at the chosen one of a set; the arrow keys move within it (Qt's rule).
            siblings = owner.parentWidget().findChildren(QRadioButton)
            reached.update(id(r) for r in siblings if r.autoExclusive())
    else:
        raise AssertionError("Tab never came back to the sidebar: the focus is stuck")
    return reached


def _name(w: QWidget) -> str:
    text = w.text() if hasattr(w, "text") and callable(w.text) else ""
    label = w.accessibleName() or text or w.objectName()
    return f"{type(w).__name__}({label!r})"


@pytest.fixture
def demo_window(gui, qtbot):
    window, controller = gui.window, gui.controller
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(controller.connections_tested, timeout=60_000):
        QTest.keyClick(window.welcome.demo_button, Qt.Key.Key_Space)
    with qtbot.waitSignal(controller.plan_ready, timeout=120_000):
        QTest.keyClick(window, Qt.Key.Key_F5)  # the preview's shortcut
    return window


def test_tab_reaches_every_control_of_every_page(demo_window, qtbot) -> None:
    window = demo_window
    missed: dict[str, list[str]] = {}
    checked = 0
    for index, name in enumerate(PAGES):
        # Each page by its shortcut: Ctrl+1 is the first.
        QTest.keyClick(window, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == index, name
        page = window.stack.currentWidget()
        candidates = _usable(page)
        checked += len(candidates)
        try:
            reached = _walk(window, qtbot, candidates)
        except AssertionError as stuck:
            focused = QApplication.focusWidget()
            where = _name(focused) if focused is not None else "nothing"
            raise AssertionError(f"{name}: {stuck} (at {where})") from None
        left_out = [_name(w) for w in candidates if id(w) not in reached]
        if left_out:
            missed[name] = left_out
    assert missed == {}
    assert checked > 40  # the pages' controls were there to be reached


@pytest.mark.parametrize(
    ("reason", "buttons"),
    [
        (Reason.CATEGORY_NOT_IN_BIGCOMMERCE, ["create_category", "map_picker", "map_button"]),
        (Reason.MISSING_WEIGHT, ["weight", "weight_scope", "weight_button"]),
        (Reason.NAME_MISMATCH, ["names_button", "open_clover", "open_bc"]),
    ],
)
def test_tab_reaches_the_fix_it_buttons(demo_window, qtbot, reason, buttons) -> None:
    window = demo_window
    window.show_page(PREVIEW)
    preview, panel = window.preview, window.preview.fix_panel
    groups = preview.fix_groups
    # The groups are chosen with the arrow keys, as in any list.
    groups.setFocus(Qt.FocusReason.TabFocusReason)
    wanted = None
    for n in range(groups.count()):
        QTest.keyClick(groups, Qt.Key.Key_Down if n else Qt.Key.Key_Home)
        data = groups.currentItem().data(Qt.ItemDataRole.UserRole)
        if data and data[0].reason == reason:
            wanted = data[0]
            break
    assert wanted is not None
    if reason is Reason.CATEGORY_NOT_IN_BIGCOMMERCE:
        qtbot.waitUntil(lambda: panel.map_picker.count() > 1, timeout=60_000)
        assert not panel.map_button.isEnabled()  # until a category is chosen
        QTest.keyClick(panel.map_picker, Qt.Key.Key_Down)
        assert panel.map_button.isEnabled()
    controls = [getattr(panel, b) for b in buttons]
    reached = _walk(window, qtbot, controls)
    assert [_name(c) for c in controls if id(c) not in reached] == []
