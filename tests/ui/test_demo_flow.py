"""The whole flow on the demo stores, as a store owner clicks through it."""

from __future__ import annotations

import gc
import time
from collections import Counter

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Slot

from esync_desktop import wording
from esync_desktop.log import configure_logging, reset_logging
from esync_desktop.sandbox.credentials import DEMO_CREDENTIALS
from esync_desktop.sync import analysis
from esync_desktop.sync.model import Outcome
from esync_desktop.ui.main_window import HISTORY, SYNC, TASKS

pytestmark = pytest.mark.slow


class Heartbeat(QObject):
    """Ticks every 5 ms on the GUI thread; the longest gap between ticks is the longest time
    the GUI thread was busy with something else. Python's garbage collector stops every thread,
    so its longest pause is recorded too (in a long test session it grows with the heap)."""

    def __init__(self) -> None:
        super().__init__()
        self.longest = 0.0
        self.longest_gc = 0.0
        self._gc_started = 0.0
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        gc.collect()
        gc.callbacks.append(self._on_gc)
        self._last = time.monotonic()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.monotonic()
        else:
            self.longest_gc = max(self.longest_gc, time.monotonic() - self._gc_started)

    @Slot()
    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self._last)
        self._last = now


def _key(row) -> tuple:
    return (row.action, row.sku, row.clover_id, row.outcome.value, row.reason)


def _build_task(window, name: str, actions: list[str]):
    window.show_page(TASKS)
    task = window.tasks.add_task(name)
    for action in actions:
        window.tasks.action_picker.setCurrentIndex(window.tasks.action_picker.findData(action))
        window.tasks.add_button.click()
    return task


def _files_with(folders, needle: str) -> list[str]:
    hits = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and needle.encode() in path.read_bytes():
                hits.append(str(path))
    return hits


def test_demo_stores_to_history(gui, qtbot) -> None:
    window, controller, services = gui.window, gui.controller, gui.services
    configure_logging(services.paths)
    try:
        # Welcome -> demo stores -> the connection test runs by itself.
        with qtbot.waitSignal(controller.connections_tested, timeout=60_000) as tested:
            qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
        assert tested.args[0].clover_ok and tested.args[0].bc_ok
        assert "eSync Demo Gift Shop" in window.connections.clover_status.text()
        assert "eSync Demo Gift Shop (web)" in window.connections.bc_status.text()

        # A task built from the dropdown, then its preview.
        task = _build_task(window, "New products", ["send-standard"])
        with qtbot.waitSignal(controller.plan_ready, timeout=120_000) as planned:
            window.tasks.preview_button.click()
        plan = planned.args[0]
        shown = window.preview.model.step_rows()
        engine_plan = services.plan_task(task)
        assert Counter(map(_key, shown)) == Counter(
            _key(r) for a in engine_plan.actions for r in a.rows
        )
        assert plan.counts() == engine_plan.counts()
        counts = plan.counts()
        # The headline counts items, once each; the per-step figures are in its tooltip.
        tally = analysis.tally_items(shown)
        assert tally.new == counts["create"] and tally.attention > 0
        assert wording.items_headline(tally) in window.preview.counts.text()
        assert f"{counts['skip']} skipped" in window.preview.counts.toolTip()
        assert counts["create"] > 0 and counts["skip"] > 0
        # One row per item, as many as the headline counts.
        items = window.preview.model.rows()
        assert len(items) == len({analysis.item_key(r) for r in shown})
        assert window.preview.model.rowCount() == len(items)
        # Every item needing attention says why and what to do, in words.
        window.preview.show_attention()
        assert window.preview.proxy.rowCount() == tally.attention
        for item in window.preview.proxy.visible_rows():
            assert item.outcome == Outcome.SKIP
            why = wording.reason_text(item.attention)
            assert why and "_" not in why
            assert window.preview.model.item_fix(item), item

        # Sync now runs exactly the preview, off the GUI thread.
        heartbeat = Heartbeat()
        heartbeat.start()
        with qtbot.waitSignal(controller.run_finished, timeout=300_000) as finished:
            window.preview.sync_button.click()
            assert window.stack.currentIndex() == SYNC
        heartbeat.stop()
        print(
            f"\nlongest GUI-thread stall during the demo sync: {heartbeat.longest * 1000:.0f} ms"
            f" (longest garbage collection: {heartbeat.longest_gc * 1000:.0f} ms)"
        )
        result = finished.args[0]
        assert not result.cancelled
        assert result.counts["create"] == counts["create"]
        assert "Finished" in window.sync.summary.text()

        # History shows the run and its items.
        with qtbot.waitSignal(controller.items_loaded, timeout=30_000):
            window.show_page(HISTORY)
        runs = window.history.runs.rows()
        assert [r.run_id for r in runs] == [result.run_id]
        assert runs[0].task == "New products" and runs[0].trigger == "manual"
        items = window.history.items.rows()
        assert sum(i.outcome == "create" for i in items) == counts["create"]
        qtbot.waitUntil(lambda: window.history.log.rowCount() > 0, timeout=10_000)

        # No token anywhere on disk: config, data (state, demo stores) and logs.
        folders = [services.paths.config_dir, services.paths.data_dir, services.paths.log_dir]
        for token in (DEMO_CREDENTIALS.clover_token, DEMO_CREDENTIALS.bc_token):
            assert _files_with(folders, token) == []
    finally:
        reset_logging()


def test_cancel_mid_run(gui, qtbot) -> None:
    window, controller = gui.window, gui.controller
    with qtbot.waitSignal(controller.connections_tested, timeout=60_000):
        window.welcome.demo_button.click()
    task = _build_task(window, "Cancel me", ["send-standard"])
    with qtbot.waitSignal(controller.plan_ready, timeout=120_000) as planned:
        controller.preview(task)
    planned_creates = planned.args[0].counts()["create"]
    window.preview.set_plan(planned.args[0])
    window.preview.sync_button.click()
    qtbot.waitUntil(lambda: window.sync.progress.value() >= 2, timeout=60_000)
    with qtbot.waitSignal(controller.run_finished, timeout=60_000) as finished:
        window.sync.cancel_button.click()
    result = finished.args[0]
    assert result.cancelled
    assert 0 < result.counts["create"] < planned_creates
    assert "Stopped on request" in window.sync.summary.text()
    assert window.sync.task_label.text() == "Sync cancelled"
    with qtbot.waitSignal(controller.history_loaded, timeout=30_000) as history:
        controller.load_history()
    assert history.args[0][0].result == "cancelled"
    assert window.preview.banner.kind == "warning"
    assert (
        "cancelled" in window.preview.banner.text()
        and "Synced." not in window.preview.banner.text()
    )
    # Leaving the demo: at once (no restart), remembered for the next start, said plainly.
    page = window.connections
    assert page.leave_demo_button.isVisibleTo(page)
    page.leave_demo_button.click()
    assert gui.services.settings.demo is False
    assert not gui.services.demo_running
    assert page.merchant_id.isEnabled() and page.merchant_id.text() == ""
    assert not page.leave_demo_button.isVisibleTo(page)
    assert "restart" not in page.status.text().lower()
    assert "Enter your own stores" in page.status.text()
