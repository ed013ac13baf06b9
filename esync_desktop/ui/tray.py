"""The tray icon: state at a glance, a menu rebuilt each time it opens, notices after scheduled
runs that need attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from esync_desktop import APP_NAME, wording
from esync_desktop.sync.analysis import run_attention
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui.controller import RUN, SCHEDULED, AppController
from esync_desktop.ui.resources import TrayState, tray_icon
from esync_desktop.ui.scheduler import describe_when

# The owner's setting (Tasks page): hours without a successful sync before the icon turns red.
STALE_AFTER_KEY = "alert_after_hours"
DEFAULT_STALE_HOURS = 24


def stale_after(settings: Any) -> timedelta | None:
    """None: the owner does not want the alert (0 hours)."""
    hours = settings.ui.get(STALE_AFTER_KEY, DEFAULT_STALE_HOURS)
    try:
        hours = int(hours)
    except (TypeError, ValueError):
        hours = DEFAULT_STALE_HOURS
    return timedelta(hours=hours) if hours > 0 else None


@dataclass
class Alerts:
    """What the tray knows about the runs, as data: when the last sync succeeded, the problem
    that stops them and since when, and how many items of the last run need the owner."""

    last_success: datetime | None = None
    first_run: datetime | None = None  # the oldest run known: a new install is never "stale"
    problem: str = ""
    problem_since: datetime | None = None
    attention: int = 0
    failed: int = 0

    def run_finished(self, result: Any, at: datetime) -> None:
        self.first_run = self.first_run or at
        self.failed = int(result.counts.get("fail", 0))
        self.attention = run_attention(result.document) if result.document else 0
        if not result.cancelled:
            self.last_success = at
            self.problem, self.problem_since = "", None

    def run_failed(self, error: BaseException, at: datetime) -> None:
        self.first_run = self.first_run or at
        title = ui_errors.describe_error(error).title
        if title != self.problem:
            self.problem, self.problem_since = title, at

    def history(self, records: list[Any]) -> None:
        """The runs on record (newest first), for what happened before this start."""
        finished = [r.finished_at for r in records if r.result == "finished" and r.finished_at]
        if finished and (self.last_success is None or max(finished) > self.last_success):
            self.last_success = max(finished)
        started = [r.started_at for r in records]
        if started and (self.first_run is None or min(started) < self.first_run):
            self.first_run = min(started)


def tray_status(
    controller: AppController, alerts: Alerts, now: datetime, stale: timedelta | None
) -> tuple[TrayState, str]:
    """The icon and the tooltip: what needs the owner, most urgent first."""
    lines: list[str] = []
    state = TrayState.IDLE
    if alerts.problem and alerts.problem_since is not None:
        lines.append(f"{alerts.problem} since {describe_since(alerts.problem_since, now)}")
        state = TrayState.FAILED
    elif controller.last_error is not None:
        lines.append(ui_errors.describe_error(controller.last_error).title)
        state = TrayState.FAILED
    if alerts.failed:
        lines.append(f"the last sync had {wording.plural(alerts.failed, 'failure')}")
        state = TrayState.FAILED
    reference = alerts.last_success or alerts.first_run
    if stale is not None and reference is not None and now - reference > stale:
        since = describe_since(alerts.last_success, now) if alerts.last_success else ""
        lines.append(
            f"no sync has succeeded since {since}" if since else "no sync has succeeded yet"
        )
        state = TrayState.STALE
    for message in stale_stock(controller, now):
        lines.append(message)
        state = TrayState.STALE if state is TrayState.IDLE else state
    if alerts.attention:
        need = wording.verb(alerts.attention, "needs", "need")
        lines.append(f"{wording.plural(alerts.attention, 'item')} {need} you")
        if state is TrayState.IDLE:
            state = TrayState.ATTENTION
    if controller.scheduler.paused:
        lines.append("schedule paused")
        if state is TrayState.IDLE:
            state = TrayState.PAUSED
    running = controller.running_task
    if running or controller.busy:
        lines.insert(0, f"syncing “{running}”…" if running else "syncing…")
        state = TrayState.RUNNING
    return state, f"{APP_NAME}: " + ("\n".join(lines) if lines else "all good")


def stale_stock(controller: AppController, now: datetime) -> list[str]:
    """The stale-stock guard's words for each location it holds (Services.stock_status)."""
    status = getattr(controller.services, "stock_status", None)
    if status is None:
        return []
    return [s.message for s in status(now) if s.stale]


def describe_since(when: datetime, now: datetime) -> str:
    """ "09:10" today, "yesterday 14:02", else "3 May 14:02"."""
    when, now = when.astimezone(), now.astimezone()
    clock = when.strftime("%H:%M")
    days = (now.date() - when.date()).days
    if days == 0:
        return clock
    if days == 1:
        return f"yesterday {clock}"
    return f"{when.day} {when.strftime('%B')} {clock}"


def tray_state(controller: AppController) -> TrayState:
    """The icon for the controller's last run alone (no history, no stale alert)."""
    alerts, now = Alerts(), controller.scheduler.now()
    if controller.last_result is not None:
        alerts.run_finished(controller.last_result, now)
    return tray_status(controller, alerts, now, None)[0]


def scheduled_notice(task: str, outcome: Any) -> tuple[str, str] | None:
    """The notification after a scheduled run, or None when it went through cleanly."""
    if isinstance(outcome, BaseException):
        problem = ui_errors.describe_error(outcome)
        return f"Scheduled sync “{task}” did not run", f"{problem.title}. {problem.message}"
    counts = outcome.counts
    failed, skipped = counts.get("fail", 0), counts.get("skip", 0)
    if failed:
        title = f"Scheduled sync “{task}”: {failed} failed"
        return title, wording.counts_text(counts) + ". Open History for the details."
    if outcome.document:
        # Skips that only say "nothing to do" are no problem: name the items that need you.
        attention = run_attention(outcome.document)
        if not attention:
            return None
        need = wording.verb(attention, "needs", "need")
        return (
            f"“{task}”: {wording.plural(attention, 'item')} {need} you",
            "Open History to see each item and what to do.",
        )
    if not skipped:
        return None
    details = wording.counts_text(counts) + ". Open History for the details."
    return f"“{task}” skipped items", details


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
        self.alerts = Alerts()
        controller.busy_changed.connect(self._on_busy_changed)
        controller.history_loaded.connect(self._on_history)
        controller.settings_changed.connect(self.update_state)
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
        controller = self.controller
        state, tooltip = tray_status(
            controller, self.alerts, controller.scheduler.now(), stale_after(controller.settings)
        )
        self.state = state
        self.icon.setIcon(tray_icon(state))
        self.icon.setToolTip(tooltip)

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.update_state()

    @Slot(object)
    def _on_history(self, records: Any) -> None:
        self.alerts.history(list(records))
        self.update_state()

    @Slot()
    def rebuild_menu(self) -> None:
        self.menu.clear()
        controller = self.controller
        running = controller.running_task
        if running:
            self.menu.addAction(f"Syncing “{running}”…").setEnabled(False)
            self._add_action("Cancel sync", self._on_cancel)
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
        self._add_action(pause, self._toggle_pause)
        self.menu.addSeparator()
        self._add_action(f"Open {APP_NAME}", self._on_open)
        self._add_action("Quit", self._on_quit)

    def _add_action(self, text: str, slot: Any) -> None:
        # Each to a slot of no arguments: never a signal's emit() handed triggered's `checked`.
        action = QAction(text, self.menu)
        action.triggered.connect(slot)
        self.menu.addAction(action)

    @Slot()
    def _on_cancel(self) -> None:
        self.controller.cancel()

    @Slot()
    def _on_open(self) -> None:
        self.open_requested.emit()

    @Slot()
    def _on_quit(self) -> None:
        self.quit_requested.emit()

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
        self.alerts.run_finished(result, self.controller.scheduler.now())
        self.update_state()

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        if kind in (RUN, SCHEDULED) and isinstance(error, BaseException):
            self.alerts.run_failed(error, self.controller.scheduler.now())
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
