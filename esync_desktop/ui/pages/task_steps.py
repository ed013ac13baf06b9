"""The Tasks page's steps editor: the steps in order, adding one, the selected step's options
and "stop when a step has nothing to do"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.storage.settings import ActionConfig, TaskConfig
from esync_desktop.sync.actions import ACTIONS
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import LOCATIONS
from esync_desktop.ui.order_words import task_problem_text
from esync_desktop.ui.pages.order_options import (
    PULL_SALES,
    PUSH_ORDERS,
    SYNC_REFUNDS,
    PushOrderOptions,
    TenderChoicesCache,
    refund_hint,
    sales_location,
)
from esync_desktop.ui.pages.task_box import TaskBox

STOCK_ACTIONS = ("send-inventory-standard", "send-inventory-matrix")
# The most a step's options take before they scroll, in lines of text.
OPTIONS_MAX_LINES = 8


def duplicate_step_text(action_id: str, position: int) -> str:
    return (
        f"“{wording.action_label(action_id)}” is already step {position} of this task, so it "
        "was not added again: a second copy would do the same work twice."
    )


class StepsEditor(TaskBox):
    TITLE = "Steps"

    def build(self) -> None:
        controller = self.controller
        layout = QVBoxLayout(self)
        # Adding comes first: what is below it changes height with the selected step, and a
        # row that moved under the pointer takes clicks meant for another control.
        add = QHBoxLayout()
        picker_label = QLabel("A&dd a step:")
        add.addWidget(picker_label)
        self.action_picker = QComboBox()
        picker_label.setBuddy(self.action_picker)
        for action_id, spec in ACTIONS.items():
            if spec.internal:
                continue
            self.action_picker.addItem(wording.action_label(action_id) or spec.label, action_id)
        add.addWidget(self.action_picker, 1)
        self.add_button = QPushButton("&Add")
        self.add_button.clicked.connect(self.add_action)
        add.addWidget(self.add_button)
        layout.addLayout(add)
        self.notice = widgets.Banner()
        layout.addWidget(self.notice)
        self.action_list = QListWidget()
        self.action_list.setAccessibleName("Steps of the task, in order")
        self.action_list.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.action_list.currentRowChanged.connect(self._on_action_selected)
        layout.addWidget(self.action_list, 1)
        order = QHBoxLayout()
        self.up_button = QPushButton("Move &up")
        self.up_button.clicked.connect(self.move_up)
        self.down_button = QPushButton("Move do&wn")
        self.down_button.clicked.connect(self.move_down)
        self.remove_button = QPushButton("&Remove step")
        self.remove_button.clicked.connect(self.remove_action)
        for button in (self.up_button, self.down_button, self.remove_button):
            order.addWidget(button)
        order.addStretch(1)
        layout.addLayout(order)
        self.options_box = QGroupBox("Options of the selected step")
        # The options scroll (rarely: only the tallest step's, in a short window) so that the
        # page fits a 1366x768 screen.
        self.options_scroll = QScrollArea()
        self.options_scroll.setWidgetResizable(True)
        self.options_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.options_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The box's own background shows through (the viewport would paint a lighter one).
        self.options_scroll.setObjectName("stepOptions")
        self.options_scroll.setStyleSheet(
            "QScrollArea#stepOptions, QScrollArea#stepOptions > QWidget > QWidget "
            "{ background: transparent; }"
        )
        self.options_content = QWidget()
        self.options_form = QFormLayout(self.options_content)
        self.options_form.setContentsMargins(0, 0, 0, 0)
        self.options_scroll.setWidget(self.options_content)
        box = QVBoxLayout(self.options_box)
        box.addWidget(self.options_scroll)
        layout.addWidget(self.options_box)
        self.stop_when_empty = QCheckBox(
            "&Stop the task when a step has nothing to do (later steps are skipped)"
        )
        self.stop_when_empty.toggled.connect(self._on_stop_toggled)
        layout.addWidget(self.stop_when_empty)
        controller.locations_loaded.connect(self._on_locations_loaded)
        controller.job_failed.connect(self._on_job_failed)
        # The store's inventory locations, read when a stock step's options are first shown.
        self._locations: list[Any] | None = None
        self._locations_problem = ""
        self._reading = False
        self.location_box: QComboBox | None = None
        self._sales_step: ActionConfig | None = None  # the pull-sales step whose box is shown
        self.tender_choices = TenderChoicesCache(controller)
        self.order_options: PushOrderOptions | None = None
        self._fix_options_height()

    def _fix_options_height(self) -> None:
        """The options are as tall as the tallest step's (at most OPTIONS_MAX_LINES lines),
        whichever is selected, so nothing below the step list moves when another step is
        selected; as wide as the widest step's needs."""
        content = self.options_content
        tallest = widest = 0
        for action_id, spec in ACTIONS.items():
            if spec.internal:
                continue
            self._fill_options(ActionConfig(action_id, {}), read_locations=False)
            tallest = max(tallest, content.sizeHint().height())
            widest = max(widest, content.minimumSizeHint().width())
        lines = self.fontMetrics().lineSpacing() * OPTIONS_MAX_LINES
        self.options_scroll.setFixedHeight(min(tallest, lines))
        scrollbar = self.options_scroll.verticalScrollBar().sizeHint().width()
        self.options_scroll.setMinimumWidth(widest + scrollbar)
        self._fill_options(None, read_locations=False)

    # -- showing ---------------------------------------------------------------------------------

    def show_task(self, task: TaskConfig | None) -> None:
        with self.loading():
            self.action_list.clear()
            enabled = task is not None
            for widget in (self.action_list, self.add_button, self.stop_when_empty):
                widget.setEnabled(enabled)
            if task is not None:
                for n, action in enumerate(task.actions, 1):
                    self.action_list.addItem(f"{n}. {wording.action_label(action.action)}")
                self.stop_when_empty.setChecked(task.stop_when_empty)
            refused = self.controller.services.task_problems(task) if task is not None else []
            if refused:
                why = " ".join(task_problem_text(p) for p in refused)
                self.notice.show_message("error", f"This task cannot run as it is. {why}")
            else:
                self.notice.clear_message()
        self.action_list.setCurrentRow(0 if task is not None and task.actions else -1)
        self._show_options()
        self.update_buttons()

    def update_buttons(self) -> None:
        task = self.current_task()
        row = self.action_list.currentRow()
        count = len(task.actions) if task else 0
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        self.remove_button.setEnabled(0 <= row < count)

    def selected_action(self) -> ActionConfig | None:
        task = self.current_task()
        row = self.action_list.currentRow()
        return task.actions[row] if task is not None and 0 <= row < len(task.actions) else None

    # -- editing ---------------------------------------------------------------------------------

    @Slot()
    def add_action(self) -> None:
        task = self.current_task()
        if task is None:
            return
        action_id = str(self.action_picker.currentData())
        present = [a.action for a in task.actions]
        if action_id in present:
            position = present.index(action_id)
            self.notice.show_message("warning", duplicate_step_text(action_id, position + 1))
            self.action_list.setCurrentRow(position)
            return
        self.notice.clear_message()
        task.actions.append(ActionConfig(action_id, {}))
        refused = self.controller.services.task_problems(task)
        if refused:
            # Refused as the command line's `tasks add` refuses it: nothing is saved.
            task.actions.pop()
            why = " ".join(task_problem_text(p) for p in refused)
            self.notice.show_message("error", f"Not added. {why}")
            return
        self._save()
        self.show_task(task)
        self.action_list.setCurrentRow(len(task.actions) - 1)

    def _move(self, delta: int) -> None:
        task = self.current_task()
        row = self.action_list.currentRow()
        if task is None or not 0 <= row + delta < len(task.actions) or row < 0:
            return
        task.actions[row], task.actions[row + delta] = task.actions[row + delta], task.actions[row]
        self._save()
        self.show_task(task)
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
            self.notice.clear_message()
            self._save()
            self.show_task(task)

    @Slot(int)
    def _on_action_selected(self, row: int) -> None:
        if not self._loading:
            self._show_options()
            self.update_buttons()

    @Slot(bool)
    def _on_stop_toggled(self, checked: bool) -> None:
        task = self.current_task()
        if task is not None and not self._loading:
            task.stop_when_empty = checked
            self._save()

    # -- options of the selected step ------------------------------------------------------------

    def _show_options(self) -> None:
        self._fill_options(self.selected_action(), read_locations=True)

    def _fill_options(self, action: ActionConfig | None, *, read_locations: bool) -> None:
        self.location_box = self.order_options = None  # deleted with their rows below
        while self.options_form.rowCount():
            self.options_form.removeRow(0)
        if action is None:
            self.options_form.addRow(QLabel("Select a step to see its options."))
            return
        spec = ACTIONS.get(action.action)
        defaults: dict[str, Any] = dict(spec.defaults) if spec else {}
        own = PushOrderOptions.OWN if action.action == PUSH_ORDERS else frozenset()
        for option, default in defaults.items():
            if option in own:
                continue
            value = action.options.get(option, default)
            if isinstance(default, bool):
                box = QCheckBox(wording.option_label(option))
                box.setChecked(bool(value))
                box.setObjectName(option)
                box.toggled.connect(self._on_option_toggled)
                self.options_form.addRow(box)
        if action.action == PUSH_ORDERS:
            self.order_options = PushOrderOptions(
                self.options_form, action, self.tender_choices, self._save, read=read_locations
            )
        if action.action == SYNC_REFUNDS:
            self.options_form.addRow(refund_hint())
        self._sales_step = action if action.action == PULL_SALES else None
        if action.action in STOCK_ACTIONS or self._sales_step is not None:
            self.location_box = QComboBox()
            self.location_box.setToolTip(
                "The BigCommerce location whose stock these steps set (the same for all stock "
                "steps). The web store shows the default location's stock."
                if self._sales_step is None
                else "The BigCommerce location whose stock the in-store sales come off."
            )
            self._fill_locations()
            self.location_box.currentIndexChanged.connect(self._on_location_changed)
            label = (
                "Stock location (all stock steps)"
                if self._sales_step is None
                else ("Sales come off location")
            )
            self.options_form.addRow(label, self.location_box)
            wanted = self._locations is None and not self._locations_problem
            if read_locations and wanted and not self._reading:
                self._reading = self.controller.load_locations()
        if not self.options_form.rowCount():
            self.options_form.addRow(QLabel("This step has no options."))

    @Slot(bool)
    def _on_option_toggled(self, checked: bool) -> None:
        action = self.selected_action()
        sender = self.sender()
        if action is not None and isinstance(sender, QCheckBox):
            action.options[sender.objectName()] = checked
            self._save()

    def _fill_locations(self) -> None:
        box = self.location_box
        if box is None:
            return
        stock = int(self.controller.settings.location_id or 1)
        current = stock if self._sales_step is None else sales_location(self._sales_step)
        box.blockSignals(True)
        box.clear()
        if self._sales_step is not None:
            box.addItem(f"The stock location of the stock steps ({stock})", 0)
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

    def forget_locations(self) -> None:
        """Another store may be connected now; a failed read is tried again next time."""
        self._locations, self._locations_problem = None, ""
        self.tender_choices.forget()

    @Slot(int)
    def _on_location_changed(self, index: int) -> None:
        if self.location_box is None or index < 0:
            return
        chosen = int(self.location_box.itemData(index))
        settings, step = self.controller.settings, self._sales_step
        before = settings.location_id if step is None else step.options.get("location_id", 0)
        if step is None:
            settings.location_id = chosen
        else:
            step.options["location_id"] = chosen
        # The stock location is every task's: none may end up counting sales twice.
        refused = [p for t in settings.tasks for p in self.controller.services.task_problems(t)]
        if refused:
            if step is None:
                settings.location_id = before
            else:
                step.options["location_id"] = before
            self._fill_locations()
            why = " ".join(task_problem_text(p) for p in refused)
            self.notice.show_message("error", f"Not changed. {why}")
            return
        self.notice.clear_message()
        self._save()
