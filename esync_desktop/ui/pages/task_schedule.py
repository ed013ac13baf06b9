"""The Tasks page's "Runs by itself" box: off, every N minutes or daily, and the next run."""

from __future__ import annotations

from PySide6.QtCore import QTime, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from esync_desktop.storage.settings import Schedule, TaskConfig
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.pages.task_box import TaskBox
from esync_desktop.ui.scheduler import describe_when
from esync_desktop.ui.tray import STALE_AFTER_KEY, stale_after

MIN_MINUTES = 5


class ScheduleBox(TaskBox):
    TITLE = "Runs by itself"

    def build(self) -> None:
        controller = self.controller
        self._edited = False  # until the scheduler answers with the new due time
        # Two choices a row (three rows with the next run, not four): the Tasks page fits a
        # 1366x768 screen with its title bar.
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(24)
        self.schedule_off = QRadioButton("&Only when I press Sync now")
        self.schedule_interval = QRadioButton("E&very")
        self.schedule_daily = QRadioButton("Every da&y at")
        self.schedule_group = QButtonGroup(self)
        for n, button in enumerate(
            (self.schedule_off, self.schedule_interval, self.schedule_daily)
        ):
            self.schedule_group.addButton(button, n)
        self.every_minutes = QSpinBox()
        self.every_minutes.setRange(MIN_MINUTES, 7 * 24 * 60)
        self.every_minutes.setSuffix(" minutes")
        self.every_minutes.setAccessibleName("Minutes between runs")
        self.daily_at = QTimeEdit()
        self.daily_at.setDisplayFormat("HH:mm")
        self.daily_at.setAccessibleName("Time of the daily run")
        grid.addWidget(self.schedule_off, 0, 0)
        for (row, column), button, field in (
            ((0, 1), self.schedule_interval, self.every_minutes),
            ((1, 0), self.schedule_daily, self.daily_at),
        ):
            pair = QHBoxLayout()
            pair.addWidget(button)
            pair.addWidget(field)
            pair.addStretch(1)
            grid.addLayout(pair, row, column)
        grid.setColumnStretch(2, 1)
        # When the selected task runs next, as the scheduler (and the tray menu) has it.
        self.next_run = QLabel()
        self.next_run.setObjectName("next_run")
        self.next_run.setWordWrap(True)
        grid.addWidget(self.next_run, 2, 0, 1, 3)
        self.schedule_group.idToggled.connect(self._on_mode)
        self.every_minutes.valueChanged.connect(self._on_value)
        self.daily_at.timeChanged.connect(self._on_value)
        controller.scheduler.changed.connect(self._on_due_times)
        controller.job_started.connect(self._on_job_started)
        controller.busy_changed.connect(self._on_busy_changed)

    def show_task(self, task: TaskConfig | None) -> None:
        with self.loading():
            if task is not None:
                {"off": self.schedule_off, "interval": self.schedule_interval}.get(
                    task.schedule.mode, self.schedule_daily
                ).setChecked(True)
                self.every_minutes.setValue(max(MIN_MINUTES, task.schedule.every_minutes))
                self.daily_at.setTime(QTime.fromString(task.schedule.at or "02:00", "HH:mm"))
        self.show_next_run()

    @Slot(int, bool)
    def _on_mode(self, button_id: int, checked: bool) -> None:
        if checked:
            self._on_value()

    @Slot()
    def _on_value(self) -> None:
        task = self.current_task()
        if task is None or self._loading:
            return
        mode = ("off", "interval", "daily")[max(0, self.schedule_group.checkedId())]
        task.schedule = Schedule(
            mode=mode,  # type: ignore[arg-type]
            every_minutes=self.every_minutes.value(),
            at=self.daily_at.time().toString("HH:mm"),
        )
        self._edited = True
        self._save()
        self.show_next_run()

    def next_run_text(self) -> str:
        """The selected task's next scheduled run, from the scheduler's due times."""
        task = self.current_task()
        if task is None:
            return ""
        if task.schedule.mode == "off":
            return "Schedule off: this task runs only when you press Sync now."
        scheduler = self.controller.scheduler
        if scheduler.paused:
            return (
                "Schedule paused: no task runs by itself until you choose Resume schedule in "
                "the tray menu."
            )
        if self.controller.running_task == task.name:
            return "Running now."
        when = scheduler.due_times().get(task.name)
        if when is None or self._edited:
            return "Next run: working it out…"
        return f"Next run: {describe_when(when, scheduler.now())}"

    @Slot()
    def _on_due_times(self) -> None:
        self._edited = False  # fresh due times, after the edit
        self.show_next_run()

    @Slot(str, str)
    def _on_job_started(self, kind: str, task: str) -> None:
        self.show_next_run()

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.show_next_run()

    def show_next_run(self) -> None:
        self.next_run.setText(self.next_run_text())


class StaleAlertRow(QWidget):
    """The owner's limit: hours without a successful sync before the tray icon turns red."""

    def __init__(self, controller: AppController, save: widgets.SaveFn) -> None:
        super().__init__()
        self.controller = controller
        self._save = save
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Turn the tray icon &red when no sync has succeeded for")
        self.hours = QSpinBox()
        self.hours.setRange(0, 24 * 14)
        self.hours.setSuffix(" hours")
        self.hours.setSpecialValueText("never")
        self.hours.setAccessibleName("Hours without a successful sync before the alert")
        label.setBuddy(self.hours)
        row.addWidget(label)
        row.addWidget(self.hours)
        row.addStretch(1)
        self.show_setting()
        self.hours.valueChanged.connect(self._on_changed)

    def show_setting(self) -> None:
        after = stale_after(self.controller.settings)
        self.hours.blockSignals(True)
        self.hours.setValue(int(after.total_seconds() // 3600) if after else 0)
        self.hours.blockSignals(False)

    @Slot(int)
    def _on_changed(self, hours: int) -> None:
        self.controller.settings.ui[STALE_AFTER_KEY] = hours
        self._save()
