"""History & Logs: past runs, the items of a run, and the integration log."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from esync_desktop.ui import widgets
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.models.base import ROW_ROLE
from esync_desktop.ui.models.history_models import (
    LOG_KIND_LABELS,
    LogTableModel,
    OutcomeSearchProxyModel,
    RunItemsTableModel,
    RunsTableModel,
)

SEARCH_DELAY_MS = 250
ITEM_FILTERS: list[tuple[str, list[str] | None]] = [
    ("All items", None),
    ("Failed", ["fail"]),
    ("Skipped", ["skip"]),
    ("Created", ["create"]),
    ("Updated", ["update"]),
    ("Not done (cancelled)", ["not_done"]),
]


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
        for column, width in enumerate((130, 170, 85, 70, 70, 90, 70, 60, 70)):
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
        for column, width in enumerate((110, 200, 130, 110, 230)):
            self.items_table.setColumnWidth(column, width)
        self.items_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        items_layout.addWidget(self.items_table)
        splitter.addWidget(items_box)
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
        for column, width in enumerate((140, 100, 100, 60)):
            self.log_table.setColumnWidth(column, width)
        self.log_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        log_layout.addWidget(self.log_table, 1)
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
        self.item_filter.setCurrentIndex(1)
        self.show_run(run_id)

    def show_run(self, run_id: int) -> None:
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
    def _on_items(self, run_id: int, items: list[Any]) -> None:
        self.items.set_rows(items)

    @Slot(object)
    def _on_log(self, entries: list[Any]) -> None:
        self.log.set_rows(entries)
        self.log_note.setText(f"{len(entries)} most recent entries.")

    # -- filters -----------------------------------------------------------------------------------

    @Slot(int)
    def _on_item_filter(self, index: int) -> None:
        self.items_proxy.set_values(self.item_filter.itemData(index))

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
