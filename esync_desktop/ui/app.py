"""Starts the window: the QApplication, the error dialog hook, the services, the tray."""

from __future__ import annotations

import logging
import os
import platform
import sys
from collections.abc import Mapping
from types import TracebackType

from PySide6.QtCore import QObject, QTimer, Slot, qVersion
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy

from esync_desktop import APP_ID, APP_NAME, __version__
from esync_desktop.app import Services
from esync_desktop.log import configure_logging
from esync_desktop.storage.notices import STATE_RESET, STATE_RESTORED
from esync_desktop.ui import error_dialog, gc_guard, messages
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.error_dialog import show_exception, technical_details
from esync_desktop.ui.main_window import MainWindow
from esync_desktop.ui.resources import app_icon, asset_path
from esync_desktop.ui.tray import Tray
from esync_desktop.ui.window_services import WindowServices

log = logging.getLogger(__name__)

# How long Quit waits for a running sync to stop after Cancel (it stops between two writes).
QUIT_WAIT_MS = 15_000
QUIT_AFTER_ENV = "ESYNC_QUIT_AFTER_MS"
# The name of packaging/linux/<DESKTOP_ID>.desktop: Wayland shells find the icon and name by it.
DESKTOP_ID = "com.esyncdesktop.eSyncDesktop"


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_ID)
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(app_icon())
    return app


def apply_style(app: QApplication) -> None:
    app.setStyleSheet(asset_path("style.qss").read_text(encoding="utf-8"))


def install_excepthook() -> None:
    """An exception that escapes a slot is logged and shown with copyable details."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        show_exception(exc_type, exc, tb)

    sys.excepthook = hook


class GuiApp(QObject):
    """The controller, the window and the tray, wired together."""

    def __init__(self, services: WindowServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.controller = AppController(services, parent=self)
        self.window = MainWindow(self.controller)
        self.tray = Tray(self.controller, self)
        self.has_tray = Tray.available()
        self.window.keep_running_in_tray = self.has_tray
        if self.has_tray:
            self.tray.show()
        else:
            note = QLabel(messages.NO_TRAY)
            # One line: wrapped, the status bar grew three lines tall at 1366x768 and took that
            # from every page; cut short in a narrow window, the tooltip has it all.
            note.setToolTip(messages.NO_TRAY)
            note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.window.statusBar().addWidget(note, 1)
        self.window.quit_requested.connect(self.quit)
        self.tray.quit_requested.connect(self.quit)
        self.tray.open_requested.connect(self.open_window)
        self.tray.sync_requested.connect(self.controller.sync_task)
        self._quitting = False

    def start(self) -> None:
        self.window.show()
        problems = list(getattr(self.services, "settings_problems", None) or [])
        if problems:
            # A damaged settings file was kept as a backup and defaults used: never silently.
            error_dialog.notifier.info(messages.SETTINGS_RESET_TITLE, "\n".join(problems))
        repaired = [
            n.message
            for n in getattr(self.services, "startup_notices", None) or []
            if n.kind in (STATE_RESTORED, STATE_RESET)
        ]
        if repaired:
            # A damaged state database was moved aside and its last good copy put back.
            error_dialog.notifier.info(messages.DATA_REPAIRED_TITLE, "\n".join(repaired))
        self.controller.scheduler.start()
        self.controller.load_history()  # when the last sync succeeded, for the tray's alerts
        if self.services.settings.demo and not self.services.demo_running:
            # Chosen on an earlier start: the demo stores come back with their saved state.
            self.controller.demo_started.connect(self.window.connections.save_and_test)
            self.controller.start_demo()

    @Slot()
    def open_window(self) -> None:
        self.window.show_home()
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    @Slot()
    def quit(self) -> None:
        """Cancel what runs, wait for it to stop, then leave the event loop."""
        if self._quitting:
            return
        self._quitting = True
        self.window.save_geometry()
        if not self.controller.shutdown(QUIT_WAIT_MS):
            log.warning("a background job was still running at quit")
        self.tray.hide()
        QApplication.quit()


def run_gui(argv: list[str] | None = None) -> int:

    # Before anything that can fail: a window that cannot start still leaves its reason in the log.
    setup = configure_logging()
    try:
        app = create_application(argv)
        apply_style(app)
    except Exception as exc:
        log.critical("the window could not start", exc_info=True)
        print(f"{APP_NAME} could not start: {exc}", file=sys.stderr)
        return 1
    install_excepthook()
    # Worker threads must never collect Qt objects: the GUI thread does all collection.
    gc_guard.install(app)
    log.info(
        "window starting: %s %s, Python %s, Qt %s, log file %s",
        APP_NAME,
        __version__,
        platform.python_version(),
        qVersion(),
        setup.log_file,
    )
    try:
        services = Services()
    except Exception as exc:
        log.exception("could not start")
        error_dialog.notifier.error(
            f"{APP_NAME} could not start",
            f"{exc}\n\nCheck that the settings and data folders can be written.",
            technical_details(type(exc), exc, exc.__traceback__),
        )
        return 1
    app.setQuitOnLastWindowClosed(False)
    gui = GuiApp(services)
    gui.start()
    quit_after = quit_after_ms()
    if quit_after is not None:
        QTimer.singleShot(quit_after, gui.quit)
    code = 1
    try:
        code = app.exec()
        return code
    finally:
        gui.controller.shutdown(QUIT_WAIT_MS)
        services.stop()
        gc_guard.uninstall()
        log.info("window stopped (exit code %s)", code)


def quit_after_ms(environ: Mapping[str, str] = os.environ) -> int | None:
    """ESYNC_QUIT_AFTER_MS=N closes the window after N ms, as Quit does: for smoke runs of an
    installed or frozen app, which must end by themselves."""
    value = environ.get(QUIT_AFTER_ENV, "").strip()
    if not value:
        return None
    if not value.isdigit():
        log.warning("%s=%r is not a number of milliseconds; ignored", QUIT_AFTER_ENV, value)
        return None
    return int(value)
