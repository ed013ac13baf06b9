"""Home: the page the window opens on. Per task its last run, what needs the owner and the next
run; each store's connection state; the last drift check. Sync now and Retry act from here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import RUN, SCHEDULED, TEST, AppController
from esync_desktop.ui.home_data import HomeData, TaskHome, drift_text
from esync_desktop.ui.models.history_models import RESULT_LABELS
from esync_desktop.ui.scheduler import describe_when

NO_DRIFT_CHECK = "No drift check has run yet."
NOT_CHECKED = "Not checked yet."


def _when(run: Any) -> str:
    moment = run.finished_at or run.started_at
    return moment.astimezone().strftime("%d %b %Y %H:%M")


class TaskCard(QGroupBox):
    """One task: its latest run and its next one, with Sync now and Retry."""

    sync_requested = Signal(str)
    attention_requested = Signal(int)  # run id

    def __init__(self, task: str, parent: QWidget | None = None) -> None:
        super().__init__(task, parent)
        self.task = task
        self._run_id: int | None = None
        form = QFormLayout()
        self.last_run = QLabel("Never run.")
        self.result = QLabel("")
        self.changes = QLabel("")
        self.attention = QLabel("")
        self.attention.setTextFormat(Qt.TextFormat.RichText)
        self.attention.linkActivated.connect(self._on_link)
        self.next_run = QLabel("")
        for label, widget in (
            ("Last run", self.last_run),
            ("Result", self.result),
            ("Changes", self.changes),
            ("Needs you", self.attention),
            ("Next run", self.next_run),
        ):
            form.addRow(label, widget)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton("Sync now")
        self.sync_button.setToolTip("Read both stores and send the changes, as the schedule does.")
        self.sync_button.clicked.connect(self._on_sync)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Run this task again: its last run did not finish.")
        self.retry_button.clicked.connect(self._on_sync)
        self.retry_button.hide()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addLayout(buttons)

    def show_home(self, home: TaskHome) -> None:
        run = home.last_run
        self._run_id = run.run_id if run is not None else None
        if run is None:
            self.last_run.setText("Never run.")
            for label in (self.result, self.changes, self.attention):
                label.setText("")
            self.retry_button.hide()
            return
        trigger = wording.TRIGGER_LABELS.get(run.trigger, run.trigger)
        self.last_run.setText(f"{_when(run)} ({trigger.lower()})")
        result = "Cancelled" if run.cancelled else RESULT_LABELS.get(run.result, run.result)
        self.result.setText(f"{result}: {run.error}" if run.error else result)
        self.changes.setText(f"{wording.plural(home.changes, 'change')} made in BigCommerce")
        if home.attention:
            n = wording.plural(home.attention, "item")
            self.attention.setText(f'{n} — <a href="attention">show them in History</a>')
        else:
            self.attention.setText("Nothing.")
        self.retry_button.setVisible(home.failed)

    def set_next(self, text: str) -> None:
        self.next_run.setText(text)

    def set_busy(self, busy: bool) -> None:
        self.sync_button.setEnabled(not busy)
        self.retry_button.setEnabled(not busy)

    @Slot()
    def _on_sync(self) -> None:
        self.sync_requested.emit(self.task)

    @Slot(str)
    def _on_link(self, link: str) -> None:
        if self._run_id is not None:
            self.attention_requested.emit(self._run_id)


class HomePage(widgets.Page):
    attention_requested = Signal(int)  # run id
    connections_requested = Signal()

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "Home", "Your tasks at a glance: what the last sync did and what needs you.", parent
        )
        self.controller = controller
        self.cards: dict[str, TaskCard] = {}
        self.banner = widgets.Banner()
        self.body.addWidget(self.banner)
        stores = QGroupBox("Stores")
        form = QFormLayout(stores)
        self.clover_state = QLabel(NOT_CHECKED)
        self.bc_state = QLabel(NOT_CHECKED)
        form.addRow("Clover", self.clover_state)
        form.addRow("BigCommerce", self.bc_state)
        row = QHBoxLayout()
        self.check_button = QPushButton("Check connections")
        self.check_button.clicked.connect(self.check_connections)
        row.addWidget(self.check_button)
        row.addStretch(1)
        form.addRow(row)
        self.body.addWidget(stores)
        drift = QGroupBox("Drift check")
        drift_box = QVBoxLayout(drift)
        self.drift_state = QLabel(NO_DRIFT_CHECK)
        drift_box.addWidget(self.drift_state)
        self.body.addWidget(drift)
        self.tasks_box = QVBoxLayout()
        self.body.addLayout(self.tasks_box)
        self.body.addStretch(1)
        controller.home_loaded.connect(self._on_home)
        controller.connections_tested.connect(self.show_connections)
        controller.run_finished.connect(self._on_run_done)
        controller.job_failed.connect(self._on_job_failed)
        controller.settings_changed.connect(self.refresh)
        controller.busy_changed.connect(self._on_busy)
        controller.scheduler.changed.connect(self.show_next_runs)

    @Slot()
    def refresh(self) -> None:
        self.controller.load_home()
        self.show_next_runs()
        if self.controller.last_connections is not None:
            self.show_connections(self.controller.last_connections)

    @Slot()
    def check_connections(self) -> None:
        if not self.controller.test_connections():
            self.banner.show_message("info", "Busy: try again when the running job ends.")

    @Slot(object)
    def show_connections(self, report: Any) -> None:
        def state(ok: bool, name: str | None, error: str | None) -> str:
            return f"Connected to {name or 'the store'}." if ok else (error or "Not connected.")

        self.clover_state.setText(state(report.clover_ok, report.clover_name, report.clover_error))
        self.bc_state.setText(state(report.bc_ok, report.bc_name, report.bc_error))

    @Slot()
    def show_next_runs(self) -> None:
        due = self.controller.scheduler.due_times()
        now = self.controller.scheduler.now()
        for name, card in self.cards.items():
            task = self.controller.task(name)
            if name in due:
                card.set_next(describe_when(due[name], now))
            elif task is not None and not task.actions:
                card.set_next("No steps yet: add some under Tasks.")
            else:
                card.set_next("Not scheduled: runs only when you start it.")

    def _card(self, name: str) -> TaskCard:
        card = self.cards.get(name)
        if card is None:
            card = TaskCard(name)
            card.sync_requested.connect(self.sync_task)
            card.attention_requested.connect(self.attention_requested)
            card.set_busy(self.controller.busy)
            self.tasks_box.addWidget(card)
            self.cards[name] = card
        return card

    @Slot(object)
    def _on_home(self, data: HomeData) -> None:
        homes = data.tasks
        self.drift_state.setText(NO_DRIFT_CHECK if data.drift is None else drift_text(data.drift))
        names = {h.task for h in homes}
        for name in [n for n in self.cards if n not in names]:
            self.cards.pop(name).deleteLater()
        for home in homes:
            self._card(home.task).show_home(home)
        self.show_next_runs()

    @Slot(str)
    def sync_task(self, name: str) -> None:
        if self.controller.sync_task(name):
            self.banner.show_message("info", f"Syncing {name}…")
        else:
            self.banner.show_message("info", "Busy: try again when the running job ends.")

    @Slot(object, str)
    def _on_run_done(self, result: Any, trigger: str) -> None:
        self.banner.clear_message()
        self.controller.load_home()

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        if kind in (RUN, SCHEDULED):
            self.banner.clear_message()
            self.controller.load_home()
        elif kind == TEST:
            self.clover_state.setText("The check could not run.")
            self.bc_state.setText("The check could not run.")

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        for card in self.cards.values():
            card.set_busy(busy)
        self.check_button.setEnabled(not busy)
