"""The Tasks page: new tasks agree with the built-in one, a step cannot be added twice
unnoticed, the controls stay put whichever step is selected, and the page fits a 1366x768
screen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint

from esync_desktop.app import default_task
from esync_desktop.storage.settings import ActionConfig
from esync_desktop.sync.actions import ACTIONS
from esync_desktop.ui.app import apply_style
from esync_desktop.ui.main_window import TASKS
from esync_desktop.ui.pages.task_steps import duplicate_step_text

SCREEN = (1366, 768)
TITLE_BAR = 32  # what a window manager's title bar takes of the screen


def test_a_new_task_stops_when_empty_like_the_built_in_one(gui) -> None:
    page = gui.window.tasks
    built_in = page.current_task()
    assert built_in is not None and built_in.name == default_task().name
    assert page.stop_when_empty.isChecked() is built_in.stop_when_empty
    task = page.add_task("Prices only")
    assert task.stop_when_empty is default_task().stop_when_empty
    assert page.stop_when_empty.isChecked() is default_task().stop_when_empty


def test_the_same_step_is_not_added_twice_without_a_word(gui) -> None:
    page = gui.window.tasks
    task = page.add_task("Stock")
    picker = page.action_picker
    picker.setCurrentIndex(picker.findData("send-prices"))
    page.add_button.click()
    picker.setCurrentIndex(picker.findData("send-inventory-standard"))
    page.add_button.click()
    picker.setCurrentIndex(picker.findData("send-prices"))
    page.add_button.click()
    assert [a.action for a in task.actions] == ["send-prices", "send-inventory-standard"]
    notice = page.steps.notice
    assert notice.isVisibleTo(page) and notice.kind == "warning"
    assert notice.text() == duplicate_step_text("send-prices", 1)
    assert page.action_list.currentRow() == 0  # the step already there is shown
    page.steps.remove_action()
    assert not notice.isVisibleTo(page)


def test_no_control_moves_when_another_step_is_selected(gui, qtbot) -> None:
    window = gui.window
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    page = window.tasks
    window.show_page(TASKS)
    assert page.isVisible()
    task = page.current_task()
    assert task is not None and len(task.actions) > 2

    def places() -> dict[str, QPoint]:
        steps = page.steps
        controls = {
            "add": steps.add_button,
            "picker": steps.action_picker,
            "up": steps.up_button,
            "remove": steps.remove_button,
            "stop": steps.stop_when_empty,
        }
        return {name: w.mapTo(window, QPoint(0, 0)) for name, w in controls.items()}

    seen = []
    for row in range(len(task.actions)):
        page.action_list.setCurrentRow(row)
        qtbot.wait(20)  # the layout settles
        seen.append(places())
    assert all(p == seen[0] for p in seen), seen


@pytest.fixture
def styled_gui(qapp: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The window built under the app's style sheet, as the app builds it (the style's paddings
    decide the heights)."""
    apply_style(qapp)
    try:
        yield request.getfixturevalue("gui")
    finally:
        qapp.setStyleSheet("")


def test_the_page_fits_a_1366x768_screen_whichever_step_is_shown(styled_gui, qtbot) -> None:
    window = styled_gui.window
    height = SCREEN[1] - TITLE_BAR
    window.resize(SCREEN[0], height)
    window.show()
    qtbot.waitExposed(window)
    window.show_page(TASKS)
    # What the page has of the screen: the window less its menu and status bars.
    available = window.stack.height()
    page = window.tasks
    # Every step (the tallest options among them), and a message above the steps: this task
    # cannot run as it is.
    task = page.add_task("Every step")
    task.actions[:] = [ActionConfig(a, {}) for a, spec in ACTIONS.items() if not spec.internal]
    page.reload()
    page.select_task("Every step")
    assert page.steps.notice.isVisibleTo(page)
    for row, step in enumerate(task.actions):
        page.action_list.setCurrentRow(row)
        qtbot.wait(10)
        assert page.minimumSizeHint().height() <= available, step.action
        assert window.minimumSizeHint().height() <= height, step.action
        assert window.height() == height, step.action  # not grown past the screen
        assert window.minimumSizeHint().width() <= 1024, step.action
        # The options are never cut: they fit, or they scroll.
        options = page.steps.options_scroll
        content = options.widget()
        assert content.height() >= content.minimumSizeHint().height(), step.action
        fits = content.sizeHint().height() <= options.viewport().height()
        assert fits or options.verticalScrollBar().isVisible(), step.action
