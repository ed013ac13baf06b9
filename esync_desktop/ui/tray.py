"""The tray icon: state at a glance, a menu rebuilt each time it opens, notices after scheduled
runs that need attention."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from esync_desktop import APP_NAME, wording
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.resources import TrayState, tray_icon
from esync_desktop.ui.scheduler import describe_when

TOOLTIPS = {
    TrayState.IDLE: f"{APP_NAME}: all good",
    TrayState.RUNNING: f"{APP_NAME}: syncing…",
    TrayState.FAILED: f"{APP_NAME}: the last sync needs attention",
    TrayState.PAUSED: f"{APP_NAME}: schedule paused",
}


def tray_state(controller: AppController) -> TrayState:
    if controller.busy:
        return TrayState.RUNNING
    failed = controller.last_error is not None or bool(
        controller.last_result is not None and controller.last_result.counts.get("fail")
    )
    if failed:
        return TrayState.FAILED
    if controller.scheduler.paused:
        return TrayState.PAUSED
    return TrayState.IDLE


def scheduled_notice(task: str, outcome: Any) -> tuple[str, str] | None:
    """The notification after a scheduled run, or None when it went through cleanly."""
    if isinstance(outcome, BaseException):
        problem = ui_errors.describe_error(outcome)
        return f"Scheduled sync “{task}” did not run", f"{problem.title}. {problem.message}"
    counts = outcome.counts
    failed, skipped = counts.get("fail", 0), counts.get("skip", 0)
    if not failed and not skipped:
        return None
    title = f"Scheduled sync “{task}”: {failed} failed" if failed else f"“{task}” skipped items"
    return title, wording.counts_text(counts) + ". Open History for the details."


class Tray(QObject):
    """Owns the QSystemTrayIcon. The menu is built from live state on aboutToShow."""

    open_requested = Signal()
    quit_requested = Signal()
    sync_requested = Signal(str)  # task name

    def __init__(self, controller: AppController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.icon = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.notices: list[tuple[str, str]] = []
        controller.busy_changed.connect(self.update_state)
        controller.run_finished.connect(self._on_run_finished)
        controller.job_failed.connect(self._on_job_failed)
        controller.scheduled_run_done.connect(self._on_scheduled_done)
        controller.scheduler.changed.connect(self.update_state)
        self.rebuild_menu()
        self.update_state()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    @Slot()
    def update_state(self) -> None:
        state = tray_state(self.controller)
        self.state = state
        self.icon.setIcon(tray_icon(state))
        tooltip = TOOLTIPS[state]
        running = self.controller.running_task
        if running:
            tooltip = f"{APP_NAME}: syncing “{running}”…"
        self.icon.setToolTip(tooltip)

    @Slot()
    def rebuild_menu(self) -> None:
        self.menu.clear()
        controller = self.controller
        running = controller.running_task
        if running:
            self.menu.addAction(f"Syncing “{running}”…").setEnabled(False)
            self.menu.addAction("Cancel sync", controller.cancel)
        else:
            for task in controller.settings.tasks:
                action = QAction(f"Sync now: {task.name}", self.menu)
                action.setData(task.name)
                action.setEnabled(bool(task.actions) and not controller.busy)
                action.triggered.connect(self._on_sync_action)
                self.menu.addAction(action)
        self.menu.addSeparator()
        upcoming = controller.scheduler.next_run()
        if controller.scheduler.paused:
            text = "Schedule paused"
        elif upcoming is None:
            text = "No scheduled sync"
        else:
            name, when = upcoming
            # Worded as on the Tasks page: "today 14:30", "tomorrow 02:00".
            text = f"Next: {name}, {describe_when(when, controller.scheduler.now())}"
        self.menu.addAction(text).setEnabled(False)
        pause = "Resume schedule" if controller.scheduler.paused else "Pause schedule"
        self.menu.addAction(pause, self._toggle_pause)
        self.menu.addSeparator()
        self.menu.addAction(f"Open {APP_NAME}", self.open_requested.emit)
        self.menu.addAction("Quit", self.quit_requested.emit)

    def menu_texts(self) -> list[str]:
        return [a.text() for a in self.menu.actions() if not a.isSeparator()]

    @Slot()
    def _on_sync_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.sync_requested.emit(str(action.data()))

    @Slot()
    def _toggle_pause(self) -> None:
        self.controller.scheduler.set_paused(not self.controller.scheduler.paused)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    @Slot(object, str)
    def _on_run_finished(self, result: Any, trigger: str) -> None:
        self.update_state()

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        self.update_state()

    @Slot(str, object)
    def _on_scheduled_done(self, task: str, outcome: Any) -> None:
        self.update_state()
        notice = scheduled_notice(task, outcome)
        if notice is None:
            return
        self.notices.append(notice)
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            failed = isinstance(outcome, BaseException) or outcome.counts.get("fail")
            icon = (
                QSystemTrayIcon.MessageIcon.Critical
                if failed
                else QSystemTrayIcon.MessageIcon.Warning
            )
            self.icon.showMessage(notice[0], notice[1], icon, 15_000)
