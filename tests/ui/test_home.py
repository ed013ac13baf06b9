"""Home after a run on the demo stores: last run, what needs the owner, next run, stores."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from esync_desktop.sync import analysis
from esync_desktop.ui.home_data import drift_text
from esync_desktop.ui.main_window import HISTORY, HOME, MainWindow
from esync_desktop.ui.pages.history import ATTENTION_ITEMS
from esync_desktop.ui.pages.home import NO_DRIFT_CHECK, NOT_CHECKED
from tests.ui.test_demo_flow import _build_task

pytestmark = pytest.mark.slow


def test_home_after_a_demo_run(gui, qtbot) -> None:
    window, controller, services = gui.window, gui.controller, gui.services
    assert window.home.clover_state.text() == NOT_CHECKED
    with qtbot.waitSignal(controller.connections_tested, timeout=60_000):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    _build_task(window, "New products", ["send-standard"])

    with qtbot.waitSignal(controller.home_loaded, timeout=30_000):
        window.show_page(HOME)
    card = window.home.cards["New products"]
    assert card.last_run.text() == "Never run."
    assert "Connected to eSync Demo Gift Shop" in window.home.clover_state.text()
    assert "Connected to eSync Demo Gift Shop (web)" in window.home.bc_state.text()
    assert window.home.drift_state.text() == NO_DRIFT_CHECK
    assert card.next_run.text()  # not scheduled: says so rather than staying blank

    with qtbot.waitSignal(controller.run_finished, timeout=300_000) as finished:
        card.sync_button.click()
        assert not card.sync_button.isEnabled()  # one sync at a time
    result = finished.args[0]
    qtbot.waitUntil(lambda: card.last_run.text() != "Never run.", timeout=30_000)
    items = services.run_items(result.run_id)
    need = analysis.attention_items(items)
    made = result.counts["create"] + result.counts["update"]
    assert made > 0 and need > 0
    assert card.result.text() == "Finished"
    assert card.changes.text().startswith(f"{made} change")
    assert card.attention.text().startswith(f"{need} item")
    assert card.retry_button.isHidden()  # the run finished: nothing to retry
    assert card.sync_button.isEnabled()

    # The link opens the run's items that need the owner in History.
    with qtbot.waitSignal(controller.items_loaded, timeout=30_000):
        card.attention.linkActivated.emit("attention")
    assert window.stack.currentIndex() == HISTORY
    assert window.history.item_filter.currentIndex() == ATTENTION_ITEMS


def test_window_opens_on_home_once_connected(gui, qtbot) -> None:
    gui.controller.settings.clover.merchant_id = "ABCDEFGHJKMNP"
    gui.controller.settings.bigcommerce.store_hash = "abc123"
    window = MainWindow(gui.controller)
    qtbot.addWidget(window)
    assert window.stack.currentIndex() == HOME
    assert window.sidebar.currentRow() == HOME
    names = {t.name for t in gui.controller.settings.tasks}
    qtbot.waitUntil(lambda: set(window.home.cards) == names, timeout=30_000)


def test_home_shows_the_last_drift_check(gui, qtbot) -> None:
    window, controller = gui.window, gui.controller
    with qtbot.waitSignal(controller.connections_tested, timeout=60_000):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    # The drift check alone: both stores read in full and compared with what was last synced.
    _build_task(window, "Drift check", ["true-up"])
    with qtbot.waitSignal(controller.home_loaded, timeout=30_000):
        window.show_page(HOME)
    assert window.home.drift_state.text() == NO_DRIFT_CHECK
    card = window.home.cards["Drift check"]
    with qtbot.waitSignal(controller.run_finished, timeout=300_000):
        card.sync_button.click()
    qtbot.waitUntil(lambda: window.home.drift_state.text() != NO_DRIFT_CHECK, timeout=30_000)
    check = gui.services.drift_check()
    assert check is not None
    text = window.home.drift_state.text()
    assert text.startswith("Last drift check ")
    assert text == drift_text(check)
