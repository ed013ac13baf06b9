"""Run on a real X display with a tray host (see test_tray.py): three scheduled runs (clean, with
skipped items, failed) and a failed manual one through the controller and the tray, printing as
one JSON line the notifications the tray icon was asked to show after each."""

from __future__ import annotations

import json
import sys

from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from esync_desktop.app import RunResult
from esync_desktop.connectors.errors import TransportError
from esync_desktop.storage.settings import Schedule
from esync_desktop.ui import tray as tray_module
from tests.ui.fakes import FakeServices
from tests.ui.tray_probe import wait_until


class RecordingTrayIcon(QSystemTrayIcon):
    """The real tray icon, which also notes each message it is asked to show."""

    shown: list[dict[str, object]] = []

    def showMessage(self, title, text, icon=QSystemTrayIcon.MessageIcon.Information, msecs=10000):
        RecordingTrayIcon.shown.append({"title": title, "text": text, "icon": icon.name})
        super().showMessage(title, text, icon, msecs)


class OutcomeServices(FakeServices):
    """Each run ends as the next outcome given: counts, or an exception."""

    def __init__(self, outcomes: list[object]) -> None:
        super().__init__(run_seconds=0.05)
        self.outcomes = outcomes

    def run_plan(self, plan, progress=None, cancel=None, trigger="manual") -> RunResult:
        result = super().run_plan(plan, progress, cancel, trigger)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return RunResult(result.run_id, dict(outcome), False, {}, 0.05, [])


def main() -> int:
    app = QApplication(sys.argv[:1])
    available = wait_until(QSystemTrayIcon.isSystemTrayAvailable, 15_000)
    tray_module.QSystemTrayIcon = RecordingTrayIcon  # type: ignore[misc]
    from esync_desktop.ui.controller import AppController

    unreachable = TransportError(
        "Cannot reach BigCommerce",
        "Could not reach BigCommerce. Check the internet connection, then try again.",
    )
    services = OutcomeServices(
        [
            {"create": 2, "update": 1, "unchanged": 5, "skip": 0, "fail": 0},
            {"create": 1, "skip": 3, "fail": 0},
            {"create": 0, "update": 2, "skip": 1, "fail": 2},
            unreachable,
            unreachable,  # by hand: the window shows it, the tray stays quiet
        ]
    )
    # Runs start only as this probe asks: the scheduler's own checks must not add any.
    services.settings.tasks[0].schedule = Schedule(mode="off")
    controller = AppController(services)
    controller.scheduler.stop()
    tray = tray_module.Tray(controller)
    tray.show()
    wait_until(tray.icon.isVisible, 5_000)
    after: list[list[dict[str, object]]] = []
    states: list[str] = []
    name = services.settings.tasks[0].name
    for start in [lambda: controller.run_scheduled(name)] * 4 + [
        lambda: controller.sync_task(name)
    ]:
        before = len(RecordingTrayIcon.shown)
        done = len(services.runs)
        start()
        wait_until(lambda done=done: len(services.runs) > done and not controller.busy, 10_000)
        app.processEvents()
        after.append(RecordingTrayIcon.shown[before:])
        states.append(tray.state.value)
    report = {
        "available": available,
        "visible": tray.icon.isVisible(),
        "supports_messages": QSystemTrayIcon.supportsMessages(),
        "after": after,
        "states": states,
    }
    print(json.dumps(report), flush=True)
    controller.shutdown(5_000)
    tray.hide()
    return 0


if __name__ == "__main__":
    sys.exit(main())
