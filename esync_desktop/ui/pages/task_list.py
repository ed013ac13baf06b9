"""The Tasks page's list of tasks, with New task and Delete."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esync_desktop.storage.settings import Schedule, TaskConfig
from esync_desktop.sync.defaults import STOP_WHEN_EMPTY
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import AppController


class TaskList(QWidget):
    """Shows the settings' tasks; `changed` after a task was added, deleted or selected."""

    changed = Signal()

    def __init__(self, controller: AppController, save: widgets.SaveFn) -> None:
        super().__init__()
        self.controller = controller
        self._save = save
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widgets.section("Your tasks"))
        self.task_list = QListWidget()
        self.task_list.setMaximumWidth(260)
        self.task_list.currentRowChanged.connect(self._on_selected)
        layout.addWidget(self.task_list, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&New task…")
        self.new_button.clicked.connect(self.new_task)
        self.delete_button = QPushButton("De&lete")
        self.delete_button.clicked.connect(self.delete_task)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        layout.addLayout(buttons)

    def current_task(self) -> TaskConfig | None:
        row = self.task_list.currentRow()
        tasks = self.controller.settings.tasks
        return tasks[row] if 0 <= row < len(tasks) else None

    def reload(self) -> None:
        keep = self.task_list.currentRow()
        self._loading = True
        self.task_list.clear()
        for task in self.controller.settings.tasks:
            self.task_list.addItem(QListWidgetItem(task.name))
        self._loading = False
        self.task_list.setCurrentRow(min(max(keep, 0), self.task_list.count() - 1))
        self.delete_button.setEnabled(self.current_task() is not None)

    def select_task(self, name: str) -> None:
        names = [t.name for t in self.controller.settings.tasks]
        if name in names:
            self.task_list.setCurrentRow(names.index(name))

    @Slot()
    def new_task(self) -> None:
        name, ok = QInputDialog.getText(self, "New task", "Name of the new task:")
        if ok and name.strip():
            self.add_task(name.strip())

    def add_task(self, name: str) -> TaskConfig:
        existing = {t.name.casefold() for t in self.controller.settings.tasks}
        base, n = name, 2
        while name.casefold() in existing:
            name, n = f"{base} ({n})", n + 1
        task = TaskConfig(
            name=name, actions=[], stop_when_empty=STOP_WHEN_EMPTY, schedule=Schedule()
        )
        self.controller.settings.tasks.append(task)
        self._save()
        self.reload()
        self.task_list.setCurrentRow(len(self.controller.settings.tasks) - 1)
        return task

    @Slot()
    def delete_task(self) -> None:
        task = self.current_task()
        if task is not None:
            self.controller.settings.tasks.remove(task)
            self._save()
            self.reload()
            self.changed.emit()

    @Slot(int)
    def _on_selected(self, row: int) -> None:
        if not self._loading:
            self.delete_button.setEnabled(self.current_task() is not None)
            self.changed.emit()
