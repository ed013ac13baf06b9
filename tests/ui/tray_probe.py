"""Run on a real X display (see test_tray.py): builds the app with its tray, prints what the
tray shows as one JSON line."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon


def wait_until(condition, timeout_ms: int) -> bool:
    """Spin the event loop until `condition()` holds (the tray host may still be starting)."""
    deadline = QDeadlineTimer(timeout_ms)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(loop.quit)
    timer.start()
    while not condition():
        if deadline.hasExpired():
            return False
        loop.exec()
    return True


def main() -> int:
    app = QApplication(sys.argv[:1])
    available = wait_until(QSystemTrayIcon.isSystemTrayAvailable, 15_000)
    from esync_desktop.app import Services
    from esync_desktop.storage.settings import Schedule
    from esync_desktop.ui.app import GuiApp

    services = Services(environ={})
    # Daily: never due at once (an interval task that never ran is due now).
    services.settings.tasks[0].schedule = Schedule(mode="daily", at="03:00")
    gui = GuiApp(services)
    gui.start()
    tray = gui.tray
    wait_until(lambda: gui.controller.scheduler.next_run() is not None, 10_000)
    tray.menu.aboutToShow.emit()
    idle_menu = tray.menu_texts()
    idle_tooltip = tray.icon.toolTip()
    gui.window.close()  # with a tray: hides, keeps running
    hidden = not gui.window.isVisible()
    quitting_after_close = gui._quitting
    gui.controller.scheduler.set_paused(True)
    tray.menu.aboutToShow.emit()
    paused_menu = tray.menu_texts()
    paused_state = tray.state.value
    report = {
        "available": available,
        "visible": tray.icon.isVisible(),
        "idle_menu": idle_menu,
        "idle_tooltip": idle_tooltip,
        "paused_menu": paused_menu,
        "paused_state": paused_state,
        "hidden_on_close": hidden,
        "quit_on_close": quitting_after_close,
    }
    print(json.dumps(report), flush=True)
    gui.quit()
    services.stop()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
