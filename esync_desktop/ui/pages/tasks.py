"""Tasks: build each task from actions chosen in a dropdown, with options and a schedule."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTime, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.storage.settings import ActionConfig, Schedule, TaskConfig
from esync_desktop.sync.actions import ACTIONS
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import LOCATIONS, AppController
from esync_desktop.ui.scheduler import describe_when

MIN_MINUTES = 5
STOCK_ACTIONS = ("send-inventory-standard", "send-inventory-matrix")


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
        self._loading = False
        self._saving = False
        row = QHBoxLayout()
        self.body.addLayout(row, 1)

        left = QVBoxLayout()
        left.addWidget(widgets.section("Your tasks"))
        self.task_list = QListWidget()
        self.task_list.setMaximumWidth(260)
        self.task_list.currentRowChanged.connect(self._on_task_selected)
        left.addWidget(self.task_list, 1)
        task_buttons = QHBoxLayout()
        self.new_button = QPushButton("New task…")
        self.new_button.clicked.connect(self.new_task)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_task)
        task_buttons.addWidget(self.new_button)
        task_buttons.addWidget(self.delete_button)
        left.addLayout(task_buttons)
        row.addLayout(left)

        editor = QVBoxLayout()
        row.addLayout(editor, 1)
        steps = QGroupBox("Steps")
        steps_layout = QVBoxLayout(steps)
        self.action_list = QListWidget()
        self.action_list.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.action_list.currentRowChanged.connect(self._on_action_selected)
        steps_layout.addWidget(self.action_list, 1)
        order = QHBoxLayout()
        self.up_button = QPushButton("Move up")
        self.up_button.clicked.connect(self.move_up)
        self.down_button = QPushButton("Move down")
        self.down_button.clicked.connect(self.move_down)
        self.remove_button = QPushButton("Remove step")
        self.remove_button.clicked.connect(self.remove_action)
        for button in (self.up_button, self.down_button, self.remove_button):
            order.addWidget(button)
        order.addStretch(1)
        steps_layout.addLayout(order)
        add = QHBoxLayout()
        add.addWidget(QLabel("Add a step:"))
        self.action_picker = QComboBox()
        for action_id, spec in ACTIONS.items():
            self.action_picker.addItem(wording.action_label(action_id) or spec.label, action_id)
        add.addWidget(self.action_picker, 1)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_action)
        add.addWidget(self.add_button)
        steps_layout.addLayout(add)
        self.options_box = QGroupBox("Options of the selected step")
        self.options_form = QFormLayout(self.options_box)
        steps_layout.addWidget(self.options_box)
        self.stop_when_empty = QCheckBox(
            "Stop the task when a step has nothing to do (later steps are skipped)"
        )
        self.stop_when_empty.toggled.connect(self._on_stop_toggled)
        steps_layout.addWidget(self.stop_when_empty)
        editor.addWidget(steps, 1)

        schedule = QGroupBox("Runs by itself")
        grid = QFormLayout(schedule)
        self.schedule_off = QRadioButton("Only when I press Sync now")
        self.schedule_interval = QRadioButton("Every")
        self.schedule_daily = QRadioButton("Every day at")
        self.schedule_group = QButtonGroup(self)
        for n, button in enumerate(
            (self.schedule_off, self.schedule_interval, self.schedule_daily)
        ):
            self.schedule_group.addButton(button, n)
        self.every_minutes = QSpinBox()
        self.every_minutes.setRange(MIN_MINUTES, 7 * 24 * 60)
        self.every_minutes.setSuffix(" minutes")
        self.daily_at = QTimeEdit()
        self.daily_at.setDisplayFormat("HH:mm")
        grid.addRow(self.schedule_off)
        interval_row = QHBoxLayout()
        interval_row.addWidget(self.schedule_interval)
        interval_row.addWidget(self.every_minutes)
        interval_row.addStretch(1)
        grid.addRow(interval_row)
        daily_row = QHBoxLayout()
        daily_row.addWidget(self.schedule_daily)
        daily_row.addWidget(self.daily_at)
        daily_row.addStretch(1)
        grid.addRow(daily_row)
        # When the selected task runs next, as the scheduler (and the tray menu) has it.
        self.next_run = QLabel()
        self.next_run.setObjectName("next_run")
        self.next_run.setWordWrap(True)
        grid.addRow(self.next_run)
        self.schedule_group.idToggled.connect(self._on_schedule_changed)
        self.every_minutes.valueChanged.connect(self._on_schedule_value)
        self.daily_at.timeChanged.connect(self._on_schedule_value)
        editor.addWidget(schedule)

        footer = QHBoxLayout()
        footer.addStretch(1)
        self.preview_button = widgets.primary_button("Preview this task")
        self.preview_button.clicked.connect(self._on_preview)
        footer.addWidget(self.preview_button)
        editor.addLayout(footer)
        controller.settings_changed.connect(self._forget_locations)
        controller.settings_changed.connect(self.reload)
        controller.locations_loaded.connect(self._on_locations_loaded)
        controller.job_failed.connect(self._on_job_failed)
        controller.scheduler.changed.connect(self._show_next_run)
        controller.job_started.connect(self._on_job_started)
        controller.busy_changed.connect(self._on_busy_changed)
        # The store's inventory locations, read when a stock step's options are first shown.
        self._schedule_edited = False
        self._locations: list[Any] | None = None
        self._locations_problem = ""
        self._reading = False
        self.location_box: QComboBox | None = None
        self.reload()

    # -- the task list -----------------------------------------------------------------------------

    @property
    def tasks(self) -> list[TaskConfig]:
        return list(self.controller.settings.tasks)

    def current_task(self) -> TaskConfig | None:
        row = self.task_list.currentRow()
        tasks = self.controller.settings.tasks
        return tasks[row] if 0 <= row < len(tasks) else None

    @Slot()
    def reload(self) -> None:
        if self._saving:
            return
        keep = self.task_list.currentRow()
        self._loading = True
        self.task_list.clear()
        for task in self.controller.settings.tasks:
            self.task_list.addItem(QListWidgetItem(task.name))
        self._loading = False
        self.task_list.setCurrentRow(min(max(keep, 0), self.task_list.count() - 1))
        self._show_task()

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
        task = TaskConfig(name=name, actions=[], stop_when_empty=True, schedule=Schedule())
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

    @Slot(int)
    def _on_task_selected(self, row: int) -> None:
        if not self._loading:
            self._show_task()

    def _show_task(self) -> None:
        task = self.current_task()
        self._loading = True
        self.action_list.clear()
        enabled = task is not None
        for widget in (self.action_list, self.add_button, self.stop_when_empty, self.delete_button):
            widget.setEnabled(enabled)
        if task is not None:
            for n, action in enumerate(task.actions, 1):
                self.action_list.addItem(f"{n}. {wording.action_label(action.action)}")
            self.stop_when_empty.setChecked(task.stop_when_empty)
            mode = task.schedule.mode
            {"off": self.schedule_off, "interval": self.schedule_interval}.get(
                mode, self.schedule_daily
            ).setChecked(True)
            self.every_minutes.setValue(max(MIN_MINUTES, task.schedule.every_minutes))
            self.daily_at.setTime(QTime.fromString(task.schedule.at or "02:00", "HH:mm"))
        self._loading = False
        self.action_list.setCurrentRow(0 if task is not None and task.actions else -1)
        self._show_options()
        self._update_buttons()
        self._show_next_run()

    # -- steps -----------------------------------------------------------------------------------

    @Slot()
    def add_action(self) -> None:
        task = self.current_task()
        if task is None:
            return
        action_id = str(self.action_picker.currentData())
        task.actions.append(ActionConfig(action_id, {}))
        self._save()
        self._show_task()
        self.action_list.setCurrentRow(len(task.actions) - 1)

    def _move(self, delta: int) -> None:
        task = self.current_task()
        row = self.action_list.currentRow()
        if task is None or not 0 <= row + delta < len(task.actions) or row < 0:
            return
        task.actions[row], task.actions[row + delta] = task.actions[row + delta], task.actions[row]
        self._save()
        self._show_task()
        self.action_list.setCurrentRow(row + delta)

    @Slot()
    def move_up(self) -> None:
        self._move(-1)

    @Slot()
    def move_down(self) -> None:
        self._move(1)

    @Slot()
    def remove_action(self) -> None:
        task = self.current_task()
        row = self.action_list.currentRow()
        if task is not None and 0 <= row < len(task.actions):
            del task.actions[row]
            self._save()
            self._show_task()

    @Slot(int)
    def _on_action_selected(self, row: int) -> None:
        if not self._loading:
            self._show_options()
            self._update_buttons()

    def _update_buttons(self) -> None:
        task = self.current_task()
        row = self.action_list.currentRow()
        count = len(task.actions) if task else 0
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        self.remove_button.setEnabled(0 <= row < count)
        self.preview_button.setEnabled(count > 0)

    def _selected_action(self) -> ActionConfig | None:
        task = self.current_task()
        row = self.action_list.currentRow()
        return task.actions[row] if task is not None and 0 <= row < len(task.actions) else None

    def _show_options(self) -> None:
        self.location_box = None  # deleted with its row below
        while self.options_form.rowCount():
            self.options_form.removeRow(0)
        action = self._selected_action()
        if action is None:
            self.options_form.addRow(QLabel("Select a step to see its options."))
            return
        spec = ACTIONS.get(action.action)
        defaults: dict[str, Any] = dict(spec.defaults) if spec else {}
        for option, default in defaults.items():
            value = action.options.get(option, default)
            if isinstance(default, bool):
                box = QCheckBox(wording.option_label(option))
                box.setChecked(bool(value))
                box.setObjectName(option)
                box.toggled.connect(self._on_option_toggled)
                self.options_form.addRow(box)
        if action.action in STOCK_ACTIONS:
            self.location_box = QComboBox()
            self.location_box.setToolTip(
                "The BigCommerce location whose stock these steps set (the same for all stock "
                "steps). The web store shows the default location's stock."
            )
            self._fill_locations()
            self.location_box.currentIndexChanged.connect(self._on_location_changed)
            self.options_form.addRow("Stock location (all stock steps)", self.location_box)
            if self._locations is None and not self._locations_problem and not self._reading:
                self._reading = self.controller.load_locations()
        if not self.options_form.rowCount():
            self.options_form.addRow(QLabel("This step has no options."))

    @Slot(bool)
    def _on_option_toggled(self, checked: bool) -> None:
        action = self._selected_action()
        sender = self.sender()
        if action is not None and isinstance(sender, QCheckBox):
            action.options[sender.objectName()] = checked
            self._save()

    def _fill_locations(self) -> None:
        box = self.location_box
        if box is None:
            return
        current = int(self.controller.settings.location_id or 1)
        box.blockSignals(True)
        box.clear()
        for location in self._locations or []:
            box.addItem(location.title, location.id)
        if box.findData(current) < 0:
            if self._locations is None:
                note = self._locations_problem or "reading the store's locations…"
            else:
                note = "not found in BigCommerce: choose another"
            box.addItem(f"Location {current} ({note})", current)
        box.setCurrentIndex(box.findData(current))
        box.blockSignals(False)

    @Slot(object)
    def _on_locations_loaded(self, locations: Any) -> None:
        self._locations, self._locations_problem = list(locations), ""
        self._reading = False
        self._fill_locations()

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        if kind == LOCATIONS:
            self._reading = False
            self._locations_problem = "could not read the store's locations"
            self._fill_locations()
            if self.location_box is not None:
                problem = ui_errors.describe_error(error)
                self.location_box.setToolTip(f"{problem.title}: {problem.message}")

    @Slot()
    def _forget_locations(self) -> None:
        # Another store may be connected now; a failed read is tried again next time.
        if not self._saving:
            self._locations, self._locations_problem = None, ""

    @Slot(int)
    def _on_location_changed(self, index: int) -> None:
        if self.location_box is None or index < 0:
            return
        self.controller.settings.location_id = int(self.location_box.itemData(index))
        self._save()

    @Slot(bool)
    def _on_stop_toggled(self, checked: bool) -> None:
        task = self.current_task()
        if task is not None and not self._loading:
            task.stop_when_empty = checked
            self._save()

    # -- schedule --------------------------------------------------------------------------------

    @Slot(int, bool)
    def _on_schedule_changed(self, button_id: int, checked: bool) -> None:
        if checked:
            self._on_schedule_value()

    @Slot()
    def _on_schedule_value(self) -> None:
        task = self.current_task()
        if task is None or self._loading:
            return
        mode = ("off", "interval", "daily")[max(0, self.schedule_group.checkedId())]
        task.schedule = Schedule(
            mode=mode,  # type: ignore[arg-type]
            every_minutes=self.every_minutes.value(),
            at=self.daily_at.time().toString("HH:mm"),
        )
        self._schedule_edited = True  # until the scheduler answers with the new due time
        self._save()
        self._show_next_run()

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
        if when is None or self._schedule_edited:
            return "Next run: working it out…"
        return f"Next run: {describe_when(when, scheduler.now())}"

    @Slot()
    def _show_next_run(self) -> None:
        if self.sender() is self.controller.scheduler:
            self._schedule_edited = False  # fresh due times, after the edit
        self.next_run.setText(self.next_run_text())

    @Slot(str, str)
    def _on_job_started(self, kind: str, task: str) -> None:
        self._show_next_run()

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self._show_next_run()

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
