"""Preview: what a task would do, item by item, with why items are skipped and how to fix them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableView,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.sync import analysis
from esync_desktop.sync.model import Outcome, TaskPlan
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui import widgets
from esync_desktop.ui.column_fit import ColumnFitter
from esync_desktop.ui.conflict_menu import ConflictChoice
from esync_desktop.ui.controller import EXPORT, PLAN, AppController
from esync_desktop.ui.item_detail import StepsPane, item_html
from esync_desktop.ui.models.base import ROW_ROLE
from esync_desktop.ui.models.item_rows import result_text
from esync_desktop.ui.models.plan_model import (
    BC_NAME,
    CHANGES,
    CLOVER_NAME,
    FIX,
    OUTCOME,
    SKU,
    STEPS,
    WHY,
    PlanFilterProxyModel,
    PlanTableModel,
)
from esync_desktop.ui.order_detail import OrderDetailPane, select_row, store_restock_choice
from esync_desktop.ui.order_words import WRITE_WORDS, new_words
from esync_desktop.ui.pages.fix_panel import FixPanel

ATTENTION = "attention"
OUTCOME_FILTERS: list[tuple[str, list[str] | str | None]] = [
    ("All results", None),
    ("Needs attention", ATTENTION),
    ("New products", [Outcome.CREATE.value]),
    ("Updates", [Outcome.UPDATE.value]),
    ("No change", [Outcome.UNCHANGED.value]),
    ("Skipped", [Outcome.SKIP.value]),
    ("Failed", [Outcome.FAIL.value]),
]
# The outcome filters go by each item's result (sync.items.ItemRow.outcome), as the headline
# counts them: "New products" lists the items the headline calls new; an item whose stock step
# only waits for its create is new, not skipped. "Needs attention": any step needs the owner.
# Search waits for a pause in typing: with 100k rows each refilter takes a noticeable moment.
SEARCH_DELAY_MS = 250


# The widest words of the narrow columns, and the share of the rest each long column gets.
NARROW_COLUMNS = {
    SKU: ["TOTE-BLU-XL", "(no SKU)"],
    OUTCOME: [*wording.OUTCOME_LABELS.values(), *WRITE_WORDS.values(), wording.WAITS_RESULT],
}
SHARED_COLUMN_SHARES = {
    CLOVER_NAME: 0.13,
    STEPS: 0.28,
    WHY: 0.14,
    FIX: 0.23,
    CHANGES: 0.12,
    BC_NAME: 0.10,
}
DETAILS_HINT = "Select an item to see each of its steps in full here."


class PreviewPage(widgets.Page):
    sync_requested = Signal(object)  # the TaskPlan

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "Preview",
            "What the task would do, item by item: each item's steps on one line, in full "
            "below when you select it. Nothing is sent until you press Sync now, "
            "and Sync now does exactly what is listed here.",
            parent,
        )
        self.controller = controller
        self.plan: TaskPlan | None = None

        top = QHBoxLayout()
        top.addWidget(QLabel("Task:"))
        self.task_picker = QComboBox()
        self.task_picker.setMinimumWidth(220)
        top.addWidget(self.task_picker)
        self.preview_button = QPushButton("Preview (F5)")
        self.preview_button.clicked.connect(self.refresh)
        top.addWidget(self.preview_button)
        top.addStretch(1)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._on_export)
        top.addWidget(self.export_button)
        self.sync_button = widgets.primary_button("Sync now")
        self.sync_button.clicked.connect(self._on_sync)
        top.addWidget(self.sync_button)
        self.body.addLayout(top)

        self.progress = QProgressBar()
        self.progress.hide()
        self.body.addWidget(self.progress)
        self.banner = widgets.Banner()
        self.body.addWidget(self.banner)
        self.counts = QLabel("Press Preview to see what the task would do.")
        self.counts.setProperty("role", "count")
        self.body.addWidget(self.counts)
        # What needs the owner, by cause: choosing a group shows only its items' rows.
        self.fix_groups = QListWidget()
        self.fix_groups.setObjectName("fixGroups")
        self.fix_groups.setMaximumHeight(112)
        self.fix_groups.currentRowChanged.connect(self._on_fix_group)
        self.fix_groups.hide()
        # The chosen group's fix beside the groups, so the table keeps its height.
        fixes = QHBoxLayout()
        fixes.addWidget(self.fix_groups, 2)
        self.fix_panel = FixPanel(controller)
        self.fix_panel.plan_updated.connect(self._on_fixed)
        self.fix_panel.notice.connect(self.banner.show_message)
        fixes.addWidget(self.fix_panel, 3)
        self.body.addLayout(fixes)

        filters = QHBoxLayout()
        self.outcome_filter = QComboBox()
        for label, outcomes in OUTCOME_FILTERS:
            self.outcome_filter.addItem(label, outcomes)
        self.outcome_filter.currentIndexChanged.connect(self._on_outcome_filter)
        filters.addWidget(self.outcome_filter)
        self.action_filter = QComboBox()
        self.action_filter.addItem("All steps", None)
        self.action_filter.currentIndexChanged.connect(self._on_action_filter)
        filters.addWidget(self.action_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search SKU or name")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_typed)
        filters.addWidget(self.search, 1)
        self.shown = QLabel()
        filters.addWidget(self.shown)
        self.body.addLayout(filters)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)

        self.model = PlanTableModel(self)
        self.proxy = PlanFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # Fixed row heights: with 100k rows, per-row size hints would be asked of every row.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.columns = ColumnFitter(self.table, NARROW_COLUMNS, SHARED_COLUMN_SHARES)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by SKU
        self.table.selectionModel().currentRowChanged.connect(self._on_row_selected)
        # A filter change resets the model, and with it the selection, without a signal.
        self.proxy.modelReset.connect(lambda: self._on_row_selected(QModelIndex(), QModelIndex()))
        self.body.addWidget(self.table, 1)
        # Fields changed in both stores: right-click to keep one store's value.
        self.conflicts = ConflictChoice(
            self.table, lambda: self.plan, controller.services, self.refresh
        )
        # The selected item's steps in full: long reasons and changes do not fit in a cell.
        self.details = StepsPane(DETAILS_HINT)
        self.body.addWidget(self.details)
        # An order step's row is shown shaped like its order (lines, totals, restock boxes).
        self.order_view = OrderDetailPane()
        self.order_view.hide()
        self.order_view.restock_changed.connect(self._on_restock_changed)
        self.body.addWidget(self.order_view)
        self._reselect: tuple[str, str] | None = None

        controller.plan_ready.connect(self._on_plan)
        controller.job_failed.connect(self._on_failed)
        controller.progressed.connect(self._on_progress)
        controller.busy_changed.connect(self._on_busy)
        controller.settings_changed.connect(self.reload_tasks)
        controller.run_finished.connect(self._on_run_finished)
        controller.exported.connect(self._on_exported)
        self.reload_tasks()
        self._update_buttons()

    # -- tasks -------------------------------------------------------------------------------------

    @Slot()
    def reload_tasks(self) -> None:
        current = self.task_picker.currentText()
        self.task_picker.clear()
        for task in self.controller.settings.tasks:
            self.task_picker.addItem(task.name)
        index = self.task_picker.findText(current)
        self.task_picker.setCurrentIndex(max(0, index))

    def select_task(self, name: str) -> None:
        index = self.task_picker.findText(name)
        if index >= 0:
            self.task_picker.setCurrentIndex(index)

    # -- planning ----------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        task = self.controller.task(self.task_picker.currentText())
        if task is None:
            self.banner.show_message("warning", "Choose a task first (make one in Tasks).")
            return
        if not task.actions:
            self.banner.show_message(
                "warning", f"The task “{task.name}” has no steps yet: add some in Tasks."
            )
            return
        if not self.controller.preview(task):
            self.banner.show_message("info", "A sync is running; preview again when it is done.")
            return
        self.banner.show_message("info", f"Reading both stores for “{task.name}”…")
        self.progress.setRange(0, 0)
        self.progress.show()

    @Slot(str, int, int, str)
    def _on_progress(self, kind: str, done: int, total: int, text: str) -> None:
        if kind != PLAN:
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if text:
            self.banner.show_message("info", f"Preview: {text}…")

    @Slot(object)
    def _on_plan(self, plan: TaskPlan) -> None:
        self.progress.hide()
        self.set_plan(plan)
        if self._reselect is not None:
            select_row(self.table, *self._reselect)
            self._reselect = None

    def set_plan(self, plan: TaskPlan | None) -> None:
        self.plan = plan
        self.model.set_plan(plan)
        self.action_filter.blockSignals(True)
        self.action_filter.clear()
        self.action_filter.addItem("All steps", None)
        for action in plan.actions if plan else ():
            self.action_filter.addItem(wording.action_label(action.action), action.action)
        self.action_filter.blockSignals(False)
        self.proxy.set_action(None)
        if plan is None:
            self.counts.setText("Press Preview to see what the task would do.")
            self.banner.clear_message()
        else:
            tally = self.model.grouped.tally
            new = new_words(self.model.grouped.steps)
            self.counts.setText(f"“{plan.task}”: {wording.items_headline(tally, new)}")
            # The per-step figures stay at hand for those who count rows.
            self.counts.setToolTip(
                "One result per item and step: "
                + wording.counts_text(plan.counts(), wording.PREVIEW_COUNT_WORDS)
            )
            self._explain(plan)
        self._show_fix_groups()
        self._update_shown()
        self._update_buttons()

    def _explain(self, plan: TaskPlan) -> None:
        counts = plan.counts()
        # An item has a row per step: the owner fixes items, so items are counted.
        attention = sum(1 for item in self.model.rows() if item.needs_attention)
        parts = []
        if plan.stopped_after:
            parts.append(
                f"The task stops after “{wording.action_label(plan.stopped_after)}”: that step "
                "has nothing to do, and the task is set to stop then."
            )
        if attention:
            parts.append(
                f"{wording.plural(attention, 'item')} "
                f"{wording.verb(attention, 'needs', 'need')} your attention. Choose "
                "a group below to fix it there, or “Needs attention” to see why each is "
                "skipped."
            )
        writes = counts["create"] + counts["update"]
        parts.append(
            f"Sync now will make {wording.plural(writes, 'change')}."
            if writes
            else "Nothing to send right now."
        )
        self.banner.show_message("warning" if attention else "ok", " ".join(parts))

    @Slot(str, object)
    def _on_failed(self, kind: str, error: Any) -> None:
        if kind == EXPORT:
            self._update_buttons()
        elif kind != PLAN:
            return
        self.progress.hide()
        problem = ui_errors.describe_error(error)
        self.banner.show_message("error", f"<b>{problem.title}.</b> {problem.message}")

    @Slot(object, str)
    def _on_run_finished(self, result: Any, trigger: str) -> None:
        # A plan is applied once; a second Sync now needs a fresh preview.
        if self.plan is not None and trigger == "manual":
            self.set_plan(None)
            kind, text = wording.after_sync_banner(result.cancelled, result.counts)
            self.banner.show_message(kind, text)

    # -- filters -----------------------------------------------------------------------------------

    @Slot(int)
    def _on_outcome_filter(self, index: int) -> None:
        value = self.outcome_filter.itemData(index)
        self.proxy.set_attention_only(value == ATTENTION)
        self.proxy.set_outcomes(None if value in (None, ATTENTION) else value)
        self._update_shown()

    @Slot(QModelIndex, QModelIndex)
    def _on_row_selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        item = self.proxy.data(current, ROW_ROLE) if current.isValid() else None
        # An order's step is shown shaped like its order; its other steps (if any) below.
        step = item.focus if item is not None else None
        shown = self.order_view.show_row(step, self.model.fix_for(step) if step else "")
        self.details.setVisible(not shown or (item is not None and len(item.steps) > 1))
        if item is not None:  # the panes take room from the table: keep the chosen row in sight
            QTimer.singleShot(0, self.table, lambda: self.table.scrollTo(self.table.currentIndex()))
        self.fix_panel.set_current_row(step)
        if item is None:
            self.details.setText(DETAILS_HINT)
            return
        self.details.setText(
            item_html(item, result_text(item), wording.reason_text, self.model.fix_for)
        )

    @Slot(str, bool)
    def _on_restock_changed(self, line_key: str, restock: bool) -> None:
        row = self.order_view.row
        if self.plan is None or row is None:
            return
        if store_restock_choice(self.controller.settings, self.plan.task, line_key, restock):
            self.controller.save_settings()
            self._reselect = (row.action, row.cursor_key)
            # The plan shown no longer is what the choice says: Sync now waits for the new one.
            task = self.plan.task
            self.set_plan(None)
            self.select_task(task)
            self.refresh()

    @Slot(int)
    def _on_action_filter(self, index: int) -> None:
        self.proxy.set_action(self.action_filter.itemData(index))
        self._update_shown()

    @Slot(str)
    def _on_search_typed(self, text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _apply_search(self) -> None:
        self.proxy.set_search(self.search.text())
        self._update_shown()

    def _show_fix_groups(self) -> None:
        groups = self.model.grouped.fix_groups if self.plan is not None else []
        self.fix_groups.blockSignals(True)
        self.fix_groups.clear()
        if groups:
            every = QListWidgetItem("Every item")
            every.setData(Qt.ItemDataRole.UserRole, None)
            self.fix_groups.addItem(every)
        for group in groups:
            title = wording.fix_group_title(group)
            item = QListWidgetItem(title[:1].upper() + title[1:])
            keys = frozenset(analysis.item_key(r) for r in group.rows)
            item.setData(Qt.ItemDataRole.UserRole, (group, keys))
            self.fix_groups.addItem(item)
        self.fix_groups.blockSignals(False)
        self.fix_groups.setVisible(bool(groups))
        self.proxy.set_item_keys(None)
        self.fix_panel.show_group(None, None)

    def fix_group_titles(self) -> list[str]:
        return [self.fix_groups.item(i).text() for i in range(1, self.fix_groups.count())]

    @Slot(int)
    def _on_fix_group(self, row: int) -> None:
        item = self.fix_groups.item(row)
        chosen = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.proxy.set_item_keys(chosen[1] if chosen else None)
        self.fix_panel.show_group(chosen[0] if chosen else None, self.plan)
        self._update_shown()

    @Slot(object)
    def _on_fixed(self, plan: TaskPlan) -> None:
        """A fix planned its items again: the same cause stays chosen, now with fewer items."""
        item = self.fix_groups.currentItem()
        chosen = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        cause = (chosen[0].reason, chosen[0].category) if chosen else None
        self.set_plan(plan)
        for n in range(1, self.fix_groups.count()):
            group = self.fix_groups.item(n).data(Qt.ItemDataRole.UserRole)[0]
            if (group.reason, group.category) == cause:
                self.fix_groups.setCurrentRow(n)
                return
        self.fix_groups.setCurrentRow(0)

    def show_attention(self) -> None:
        self.outcome_filter.setCurrentIndex(1)

    def _update_shown(self) -> None:
        total = self.model.total_count()
        shown = self.proxy.rowCount()
        items = "item" if total == 1 else "items"
        self.shown.setText(f"{shown:,} of {total:,} {items} shown" if total else "")

    # -- actions -----------------------------------------------------------------------------------

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.controller.busy
        has_writes = self.plan is not None and any(
            r.writes for a in self.plan.actions for r in a.rows
        )
        self.preview_button.setEnabled(not busy)
        self.sync_button.setEnabled(not busy and has_writes)
        self.export_button.setEnabled(self.plan is not None)

    @Slot()
    def _on_sync(self) -> None:
        if self.plan is not None:
            self.sync_requested.emit(self.plan)

    @Slot()
    def _on_export(self) -> None:
        if self.plan is None:
            return
        name = f"preview-{self.plan.task}.csv".replace(" ", "-").lower()
        path, _ = QFileDialog.getSaveFileName(self, "Export the preview", name, "CSV (*.csv)")
        if path:
            # A row per item and step, as the plan has them: a spreadsheet filters those.
            rows = self.proxy.visible_steps()
            self.controller.export_preview(Path(path), rows, self.model.fix_for)
            self.export_button.setEnabled(False)
            saving = wording.plural(len(rows), "row")
            self.banner.show_message("info", f"Saving {saving} to {path}…")

    @Slot(str, int)
    def _on_exported(self, path: str, count: int) -> None:
        self._update_buttons()
        self.banner.show_message("ok", f"Saved {wording.plural(count, 'row')} to {path}.")
