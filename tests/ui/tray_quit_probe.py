"""Run on a real X display with a tray host (see test_tray.py): the app as `run_gui` builds it,
on the demo stores, with a scheduled sync running; Quit is chosen from the tray menu while it
runs. Prints one JSON line; a crash at exit shows in the exit code and on stderr."""

from __future__ import annotations

import json
import random
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QSystemTrayIcon

from tests.ui.tray_probe import wait_until


def main() -> int:
    from esync_desktop.app import Services
    from esync_desktop.log import configure_logging
    from esync_desktop.storage.settings import Schedule
    from esync_desktop.ui.app import QUIT_WAIT_MS, GuiApp, apply_style, create_application

    configure_logging()
    app = create_application(sys.argv[:1])
    apply_style(app)
    app.setQuitOnLastWindowClosed(False)
    available = wait_until(QSystemTrayIcon.isSystemTrayAvailable, 15_000)
    services = Services()
    services.start_demo()
    services.settings.demo = True
    # An interval task that never ran is due at once: the scheduler starts it.
    services.settings.tasks[0].schedule = Schedule(mode="interval", every_minutes=5)
    gui = GuiApp(services)
    gui.start()
    report: dict[str, object] = {"available": available, "tray": gui.has_tray}

    def quit_from_tray() -> None:
        gui.tray.menu.aboutToShow.emit()
        quit_action = next(a for a in gui.tray.menu.actions() if a.text() == "Quit")
        report["running_at_quit"] = gui.controller.running_task
        quit_action.trigger()

    def when_running() -> None:
        if gui.controller.running_task is None:
            QTimer.singleShot(20, when_running)
            return
        QTimer.singleShot(random.randint(0, 800), quit_from_tray)

    when_running()
    QTimer.singleShot(120_000, app.quit)  # never hang the test
    code = app.exec()
    gui.controller.shutdown(QUIT_WAIT_MS)
    services.stop()
    report["exit"] = code
    print(json.dumps(report), flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
