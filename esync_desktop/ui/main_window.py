"""The main window: a sidebar of pages, the menus, and what closing the window means."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from esync_desktop import APP_NAME, diagnostics
from esync_desktop.domain.plan import TaskPlan
from esync_desktop.ui import error_dialog, messages, widgets
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui.controller import DEMO, AppController
from esync_desktop.ui.pages.connections import ConnectionsPage
from esync_desktop.ui.pages.fields import FieldsPage
from esync_desktop.ui.pages.history import HistoryPage
from esync_desktop.ui.pages.home import HomePage
from esync_desktop.ui.pages.preview import PreviewPage
from esync_desktop.ui.pages.stock_rules import StockRulesPage
from esync_desktop.ui.pages.sync_page import SyncPage
from esync_desktop.ui.pages.tasks import TasksPage
from esync_desktop.ui.pages.weights import WeightsPage
from esync_desktop.ui.pages.welcome import WelcomePage
from esync_desktop.ui.quota_label import QuotaLabel
from esync_desktop.ui.resources import app_icon

log = logging.getLogger(__name__)

PAGES = (
    "Home", "Connections", "Tasks", "Weight rules", "Stock rules", "Preview", "Sync",
    "History & Logs", "Fields",
)  # fmt: skip
HOME, CONNECTIONS, TASKS, WEIGHTS, STOCK, PREVIEW, SYNC, HISTORY, FIELDS = range(len(PAGES))
GEOMETRY_KEY = "window_geometry"


class MainWindow(QMainWindow):
    quit_requested = Signal()

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.keep_running_in_tray = False
        self._told_about_tray = False
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.resize(1200, 760)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(190)
        self.sidebar.addItems(list(PAGES))
        layout.addWidget(self.sidebar)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.home = HomePage(controller)
        self.connections = ConnectionsPage(controller)
        self.tasks = TasksPage(controller)
        self.weights = WeightsPage(controller)
        self.stock = StockRulesPage(controller)
        self.preview = PreviewPage(controller)
        self.sync = SyncPage(controller)
        self.history = HistoryPage(controller)
        self.fields = FieldsPage(controller)
        for page in (
            self.home, self.connections, self.tasks, self.weights, self.stock, self.preview,
            self.sync, self.history, self.fields,
        ):  # fmt: skip
            self.stack.addWidget(page)
        self.welcome = WelcomePage()
        self.stack.addWidget(self.welcome)
        self.sidebar.currentRowChanged.connect(self._on_sidebar)

        self.welcome.demo_chosen.connect(self._on_demo_chosen)
        self.welcome.connect_chosen.connect(self._on_connect_chosen)
        self.tasks.preview_requested.connect(self._on_preview_requested)
        self.preview.sync_requested.connect(self._on_sync_requested)
        self.sync.failures_requested.connect(self._on_failures_requested)
        self.sync.skipped_requested.connect(self._on_skipped_requested)
        self.sync.attention_requested.connect(self._on_attention_requested)
        self.sync.history_requested.connect(self._on_history_requested)
        self.home.attention_requested.connect(self._on_attention_requested)
        controller.demo_started.connect(self._on_demo_started)
        controller.job_failed.connect(self._on_job_failed)
        self._build_menus()
        self.quota = QuotaLabel(controller)
        self.statusBar().addPermanentWidget(self.quota)
        widgets.tab_leaves_views(self)
        self._restore_geometry()
        if controller.has_connections():
            self.show_page(HOME)
        else:
            self.show_welcome()

    # -- menus -------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():  # not every platform defines one
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.quit_requested)
        file_menu.addAction(self.quit_action)
        view = self.menuBar().addMenu("&View")
        self.refresh_action = QAction("&Refresh preview", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh_preview)
        view.addAction(self.refresh_action)
        for n, name in enumerate(PAGES):
            action = QAction(name, self)
            action.setShortcut(QKeySequence(f"Ctrl+{n + 1}"))
            action.setData(n)
            action.triggered.connect(self._on_page_action)
            view.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        self.diagnostics_action = QAction("Export &diagnostics…", self)
        self.diagnostics_action.setStatusTip(messages.DIAGNOSTICS_TIP)
        self.diagnostics_action.triggered.connect(self.export_diagnostics)
        help_menu.addAction(self.diagnostics_action)
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", messages.ABOUT)

    @Slot()
    def export_diagnostics(self) -> None:
        """A zip for support, where the owner chooses; no token is in it."""
        suggested = str(Path.home() / diagnostics.suggested_name())
        path, _ = QFileDialog.getSaveFileName(
            self, "Export diagnostics", suggested, "Zip files (*.zip)"
        )
        if path:
            self.save_diagnostics(Path(path))

    def save_diagnostics(self, path: Path) -> bool:
        try:
            diagnostics.export_diagnostics(self.controller.services, path)
        except diagnostics.DiagnosticsError as exc:
            error_dialog.notifier.error(exc.title, exc.message)
            return False
        log.info("diagnostics saved to %s", path)
        error_dialog.notifier.info("Diagnostics saved", messages.diagnostics_saved(path))
        return True

    @Slot()
    def refresh_preview(self) -> None:
        self.show_page(PREVIEW)
        self.preview.refresh()

    @Slot()
    def _on_page_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.show_page(int(action.data()))

    # -- navigation --------------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        self.sidebar.show()
        self.sidebar.setCurrentRow(index)
        self.stack.setCurrentIndex(index)
        if index == HISTORY:
            self.history.refresh()
        elif index == HOME:
            self.home.refresh()

    def show_home(self) -> None:
        """Home, unless the first-run choices are still waiting for the owner."""
        if self.stack.currentWidget() is not self.welcome:
            self.show_page(HOME)

    def show_welcome(self) -> None:
        # First run: the two choices fill the window; the pages come once one is made.
        self.sidebar.hide()
        self.stack.setCurrentWidget(self.welcome)

    @Slot(int)
    def _on_sidebar(self, row: int) -> None:
        if self.sidebar.isVisible() and 0 <= row < len(PAGES) and self.stack.currentIndex() != row:
            self.show_page(row)

    @Slot()
    def _on_demo_chosen(self) -> None:
        if not self.controller.start_demo():
            self.welcome.show_failure("Busy: try again in a moment.")

    @Slot()
    def _on_demo_started(self) -> None:
        self.controller.settings.demo = True
        self.controller.save_settings()
        self.show_page(CONNECTIONS)
        self.connections.save_and_test()

    @Slot()
    def _on_connect_chosen(self) -> None:
        self.show_page(CONNECTIONS)

    @Slot(str)
    def _on_preview_requested(self, task: str) -> None:
        self.preview.select_task(task)
        self.refresh_preview()

    @Slot(object)
    def _on_sync_requested(self, plan: TaskPlan) -> None:
        if self.controller.sync(plan):
            self.show_page(SYNC)

    @Slot(int)
    def _on_failures_requested(self, run_id: int) -> None:
        self.show_page(HISTORY)
        self.history.show_failures(run_id)

    @Slot(int)
    def _on_skipped_requested(self, run_id: int) -> None:
        self.show_page(HISTORY)
        self.history.show_skipped(run_id)

    @Slot(int)
    def _on_attention_requested(self, run_id: int) -> None:
        self.show_page(HISTORY)
        self.history.show_attention(run_id)

    @Slot(int)
    def _on_history_requested(self, run_id: int) -> None:
        self.show_page(HISTORY)
        self.history.show_run(run_id)

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        if kind == DEMO:
            problem = ui_errors.describe_error(error)
            self.welcome.show_failure(f"The demo stores could not start: {problem.message}")

    # -- geometry and closing ----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        saved = self.controller.settings.ui.get(GEOMETRY_KEY)
        if isinstance(saved, str) and saved:
            self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))

    def save_geometry(self) -> None:
        data = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.controller.settings.ui[GEOMETRY_KEY] = data
        self.controller.services.save_settings()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        if self.keep_running_in_tray:
            event.ignore()
            self.hide()
            if not self._told_about_tray:
                self._told_about_tray = True
                self.statusBar().showMessage(messages.TO_TRAY, 10_000)
            return
        event.accept()
        self.quit_requested.emit()
