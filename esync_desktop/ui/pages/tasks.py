"""Tasks: the task list, the selected task's steps and its schedule, saved as they are edited."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from esync_desktop.storage.settings import TaskConfig
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.pages.task_list import TaskList
from esync_desktop.ui.pages.task_schedule import MIN_MINUTES, ScheduleBox, StaleAlertRow
from esync_desktop.ui.pages.task_steps import STOCK_ACTIONS, StepsEditor

__all__ = ["MIN_MINUTES", "STOCK_ACTIONS", "TasksPage"]


class TasksPage(widgets.Page):
    preview_requested = Signal(str)

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "Tasks",
            "A task is a list of steps run in order. Add steps from the list, put them in the "
            "order you want, and choose when the task runs by itself. Changes are saved as you "
            "make them.",
            parent,
        )
        self.controller = controller
        self._saving = False
        row = QHBoxLayout()
        self.body.addLayout(row, 1)
        self.list_panel = TaskList(controller, self._save)
        self.list_panel.changed.connect(self._show_task)
        row.addWidget(self.list_panel)
        editor = QVBoxLayout()
        row.addLayout(editor, 1)
        self.steps = StepsEditor(controller, self.current_task, self._save)
        self.steps.action_list.currentRowChanged.connect(self._update_preview_button)
        editor.addWidget(self.steps, 1)
        self.schedule = ScheduleBox(controller, self.current_task, self._save)
        editor.addWidget(self.schedule)
        self.stale_alert = StaleAlertRow(controller, self._save)
        editor.addWidget(self.stale_alert)
        footer = QHBoxLayout()
        footer.addStretch(1)
        self.preview_button = widgets.primary_button("&Preview this task")
        self.preview_button.clicked.connect(self._on_preview)
        footer.addWidget(self.preview_button)
        editor.addLayout(footer)
        # The widgets tests and the screenshots reach, by their old names.
        self.task_list = self.list_panel.task_list
        self.new_button, self.delete_button = (
            self.list_panel.new_button,
            self.list_panel.delete_button,
        )
        self.action_list, self.action_picker = self.steps.action_list, self.steps.action_picker
        self.add_button, self.stop_when_empty = self.steps.add_button, self.steps.stop_when_empty
        self.next_run, self.daily_at = self.schedule.next_run, self.schedule.daily_at
        self.every_minutes = self.schedule.every_minutes
        self.schedule_off = self.schedule.schedule_off
        self.schedule_interval = self.schedule.schedule_interval
        self.schedule_daily = self.schedule.schedule_daily
        controller.settings_changed.connect(self._on_settings_changed)
        self.reload()

    @property
    def tasks(self) -> list[TaskConfig]:
        return list(self.controller.settings.tasks)

    def current_task(self) -> TaskConfig | None:
        return self.list_panel.current_task()

    def add_task(self, name: str) -> TaskConfig:
        return self.list_panel.add_task(name)

    def select_task(self, name: str) -> None:
        self.list_panel.select_task(name)

    def next_run_text(self) -> str:
        return self.schedule.next_run_text()

    @Slot()
    def reload(self) -> None:
        if self._saving:
            return
        self.list_panel.reload()
        self._show_task()

    @Slot()
    def _on_settings_changed(self) -> None:
        if not self._saving:
            self.steps.forget_locations()
            self.stale_alert.show_setting()
            self.reload()

    @Slot()
    def _show_task(self) -> None:
        task = self.current_task()
        self.steps.show_task(task)
        self.schedule.show_task(task)
        self._update_preview_button()

    @Slot()
    def _update_preview_button(self) -> None:
        task = self.current_task()
        self.preview_button.setEnabled(bool(task and task.actions))

    def _save(self) -> None:
        # This page already shows what it saved; reloading it from settings_changed would
        # delete the very checkbox whose signal is being handled.
        self._saving = True
        try:
            self.controller.save_settings()
        finally:
            self._saving = False

    @Slot()
    def _on_preview(self) -> None:
        task = self.current_task()
        if task is not None:
            self.preview_requested.emit(task.name)
