"""History & Logs: past runs, the items of a run, and the integration log."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.sync.items import Grouped, grouped
from esync_desktop.ui import log_text, order_words, widgets
from esync_desktop.ui.column_fit import ColumnFitter
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.item_detail import StepsPane, item_html
from esync_desktop.ui.models.base import ROW_ROLE
from esync_desktop.ui.models.history_models import (
    ITEM_FIX,
    ITEM_OUTCOME_LABELS,
    ITEM_RESULT,
    LOG_KIND_LABELS,
    LogTableModel,
    OutcomeSearchProxyModel,
    RunItemsTableModel,
    RunsTableModel,
    item_name,
    step_why,
)

SEARCH_DELAY_MS = 250
# The selected log entry in full; longer bodies are cut (the log folder has them whole).
DETAILS_LINES = 200
ALL_ITEMS, ATTENTION_ITEMS, FAILED_ITEMS, SKIPPED_ITEMS = 0, 1, 2, 3
ATTENTION = "attention"
ITEM_FILTERS: list[tuple[str, list[str] | str | None]] = [
    ("All items", None),
    ("Needs attention", ATTENTION),
    ("Failed", ["fail"]),
    ("Skipped", ["skip"]),
    ("Created", ["create"]),
    ("Updated", ["update"]),
    ("Not done (cancelled)", ["not_done"]),
]

ITEM_HINT = (
    "Select an item to see each of its steps in full here, with what to do when one was skipped."
)
LOG_HINT = "Select an entry to read it here: the request, the items it concerns, and the answer."


def _table(model: Any) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _search_box(placeholder: str) -> QLineEdit:
    box = QLineEdit()
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    return box


class HistoryPage(widgets.Page):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "History & Logs",
            "Every sync that ran, what happened to each item, and the messages exchanged "
            "with both stores (tokens are never recorded).",
            parent,
        )
        self.controller = controller
        self._select_run: int | None = None
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)

        # -- runs and items
        runs_tab = QWidget()
        runs_layout = QVBoxLayout(runs_tab)
        top = QHBoxLayout()
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        runs_layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.runs = RunsTableModel(self)
        self.runs_proxy = OutcomeSearchProxyModel(self)
        self.runs_proxy.setSourceModel(self.runs)
        self.runs_table = _table(self.runs_proxy)
        for column, width in enumerate((150, 170, 85, 70, 70, 90, 70, 60, 70)):
            self.runs_table.setColumnWidth(column, width)
        self.runs_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.runs_table.selectionModel().selectionChanged.connect(self._on_run_selected)
        splitter.addWidget(self.runs_table)
        items_box = QWidget()
        items_layout = QVBoxLayout(items_box)
        items_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.items_title = widgets.section("Select a run to see its items.")
        filters.addWidget(self.items_title)
        filters.addStretch(1)
        self.item_filter = QComboBox()
        for label, values in ITEM_FILTERS:
            self.item_filter.addItem(label, values)
        self.item_filter.currentIndexChanged.connect(self._on_item_filter)
        filters.addWidget(self.item_filter)
        self.item_search = _search_box("Search SKU, name or details")
        self.item_search.textChanged.connect(self._on_item_search)
        filters.addWidget(self.item_search)
        items_layout.addLayout(filters)
        self.items = RunItemsTableModel(self)
        self.items_proxy = OutcomeSearchProxyModel(self)
        self.items_proxy.setSourceModel(self.items)
        self.items_table = _table(self.items_proxy)
        self.item_columns = ColumnFitter(
            self.items_table,
            {
                0: ["TOTE-BLU-XL", "(no SKU)"],
                3: [
                    *ITEM_OUTCOME_LABELS.values(),
                    *order_words.WRITE_WORDS.values(),
                    wording.WAITS_RESULT,
                ],
            },
            {1: 0.26, 2: 0.2, 4: 0.14, ITEM_FIX: 0.22, 6: 0.18},
        )
        self.items_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.items_table.selectionModel().currentRowChanged.connect(self._on_item_selected)
        items_layout.addWidget(self.items_table)
        # The selected item in full, with what to do when it was skipped or failed.
        self.item_details = StepsPane(ITEM_HINT)
        items_layout.addWidget(self.item_details)
        splitter.addWidget(items_box)
        # The items (and the selected one's steps) need more room than the list of runs.
        splitter.setSizes([170, 430])
        runs_layout.addWidget(splitter, 1)
        self.tabs.addTab(runs_tab, "Runs")

        # -- integration log
        log_tab = QWidget()
        log_layout = QVBoxLayout(log_tab)
        row = QHBoxLayout()
        self.log_kind = QComboBox()
        self.log_kind.addItem("Everything", None)
        for kind, label in LOG_KIND_LABELS.items():
            self.log_kind.addItem(label + "s", [kind])
        self.log_kind.currentIndexChanged.connect(self._on_log_kind)
        row.addWidget(self.log_kind)
        self.log_search = _search_box("Search the log (path, SKU, message)")
        self.log_search.textChanged.connect(self._on_log_search)
        row.addWidget(self.log_search, 1)
        self.log_folder_button = QPushButton("Open log folder")
        self.log_folder_button.clicked.connect(self.open_log_folder)
        row.addWidget(self.log_folder_button)
        log_layout.addLayout(row)
        self.log = LogTableModel(self)
        self.log_proxy = OutcomeSearchProxyModel(self)
        self.log_proxy.setSourceModel(self.log)
        self.log_table = _table(self.log_proxy)
        for column, width in enumerate((150, 100, 100, 60, 170)):
            self.log_table.setColumnWidth(column, width)
        self.log_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.log_table.selectionModel().currentRowChanged.connect(self._on_log_selected)
        log_splitter = QSplitter(Qt.Orientation.Vertical)
        log_splitter.addWidget(self.log_table)
        self.log_details = QPlainTextEdit()
        self.log_details.setReadOnly(True)
        self.log_details.setPlaceholderText(LOG_HINT)
        self.log_details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        log_splitter.addWidget(self.log_details)
        log_splitter.setSizes([400, 160])
        log_layout.addWidget(log_splitter, 1)
        self.log_note = QLabel("")
        log_layout.addWidget(self.log_note)
        self.tabs.addTab(log_tab, "Integration log")

        self._timers: dict[str, QTimer] = {}
        for name, slot in (("items", self._apply_item_search), ("log", self._apply_log_search)):
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(SEARCH_DELAY_MS)
            timer.timeout.connect(slot)
            self._timers[name] = timer

        controller.history_loaded.connect(self._on_history)
        controller.items_loaded.connect(self._on_items)
        controller.log_loaded.connect(self._on_log)

    # -- loading -----------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        self.controller.load_history()
        self.controller.load_log()

    def show_failures(self, run_id: int) -> None:
        """Select this run and show only its failed items (the Sync page's link)."""
        self._show_items(run_id, FAILED_ITEMS)

    def show_attention(self, run_id: int) -> None:
        """Select this run and show the items that need the owner (the Sync page's link)."""
        self._show_items(run_id, ATTENTION_ITEMS)

    def show_skipped(self, run_id: int) -> None:
        """Select this run and show only its skipped items (the Sync page's link)."""
        self._show_items(run_id, SKIPPED_ITEMS)

    def show_run(self, run_id: int) -> None:
        """Select this run and show all its items."""
        self._show_items(run_id, ALL_ITEMS)

    def _show_items(self, run_id: int, item_filter: int) -> None:
        self.item_filter.setCurrentIndex(item_filter)
        self.tabs.setCurrentIndex(0)
        self._select_run = run_id
        self.refresh()

    @Slot(object)
    def _on_history(self, runs: list[Any]) -> None:
        self.runs.set_rows(runs)
        wanted = self._select_run
        if wanted is None and runs:
            wanted = runs[0].run_id
        self._select_run = None
        for row in range(self.runs_proxy.rowCount()):
            run = self.runs_proxy.data(self.runs_proxy.index(row, 0), ROW_ROLE)
            if run.run_id == wanted:
                self.runs_table.selectRow(row)
                break

    @Slot(QItemSelection, QItemSelection)
    def _on_run_selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = self.runs_table.selectionModel().selectedRows()
        if not rows:
            return
        run = self.runs_proxy.data(rows[0], ROW_ROLE)
        self.items_title.setText(f"Items of the run of {self.runs_proxy.data(rows[0])}")
        self.controller.load_items(run.run_id)

    @Slot(int, object)
    def _on_items(self, run_id: int, items: Grouped | list[Any]) -> None:
        """The run's item records, grouped by the worker that loaded them (or not yet)."""
        self.items.set_grouped(items if isinstance(items, Grouped) else grouped(items))
        self.item_details.setText(ITEM_HINT)

    def item_fix(self, step: Any) -> str:
        """What to do about a step of the run shown (empty when nothing)."""
        return self.items.fix_for(step)

    @Slot(QModelIndex, QModelIndex)
    def _on_item_selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        item = self.items_proxy.data(current, ROW_ROLE) if current.isValid() else None
        if item is None:
            self.item_details.setText(ITEM_HINT)
            return
        result = self.items_proxy.data(current.siblingAtColumn(ITEM_RESULT)) or ""
        name = item_name(item, short=False)
        self.item_details.setText(item_html(item, result, step_why, self.item_fix, name))
        # The steps pane takes room from the table: keep the chosen row in sight.
        table = self.items_table
        QTimer.singleShot(0, table, lambda: table.scrollTo(table.currentIndex()))

    @Slot(object)
    def _on_log(self, entries: list[Any]) -> None:
        self.log.set_rows(entries)
        self.log_details.clear()
        shown = wording.plural(len(entries), "entry", "entries")
        self.log_note.setText(f"The latest {shown}. Select one to read it in full below.")

    @Slot(QModelIndex, QModelIndex)
    def _on_log_selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        entry = self.log_proxy.data(current, ROW_ROLE) if current.isValid() else None
        text = "" if entry is None else log_text.log_details(entry, DETAILS_LINES)
        self.log_details.setPlainText(text)

    # -- filters -----------------------------------------------------------------------------------

    @Slot(int)
    def _on_item_filter(self, index: int) -> None:
        value = self.item_filter.itemData(index)
        self.items_proxy.set_attention_only(value == ATTENTION)
        self.items_proxy.set_values(None if value in (None, ATTENTION) else value)

    @Slot(str)
    def _on_item_search(self, text: str) -> None:
        self._timers["items"].start()

    @Slot()
    def _apply_item_search(self) -> None:
        self.items_proxy.set_search(self.item_search.text())

    @Slot(int)
    def _on_log_kind(self, index: int) -> None:
        self.log_proxy.set_values(self.log_kind.itemData(index))

    @Slot(str)
    def _on_log_search(self, text: str) -> None:
        self._timers["log"].start()

    @Slot()
    def _apply_log_search(self) -> None:
        self.log_proxy.set_search(self.log_search.text())

    @Slot()
    def open_log_folder(self) -> None:
        folder = self.controller.services.paths.log_dir
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
