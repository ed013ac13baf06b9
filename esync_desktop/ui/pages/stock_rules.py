"""Stock rules: safety buffers per location, category or SKU, reserved web orders and the
stale-stock guard, with each location's last Clover stock read."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esync_desktop.domain.sku import sku_key
from esync_desktop.storage.settings import BufferRule
from esync_desktop.storage.settings_model import (
    MAX_BUFFER_UNITS,
    MAX_RESERVE_HOURS,
    MAX_STALE_MINUTES,
)
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.pages.merchants import merchant_rows

EVERY_ITEM, CATEGORY, SKU = "every item", "category", "SKU"
FORMULA = (
    "Web stock at a location = max(0, Clover stock - buffer - reserved). The most specific "
    "buffer wins: a SKU's, then a category's, then the location's; one for a location beats "
    "one for every location."
)
MODES = (
    ("buffer", "the last stock read, less the buffers"),
    ("zero", "zero: nothing for sale there"),
)


def describe(rule: BufferRule, names: dict[int, str] | None = None) -> tuple[str, str, str]:
    where = "Every location" if rule.location_id is None else f"Location {rule.location_id}"
    if rule.location_id is not None and (names or {}).get(rule.location_id):
        where += f" ({(names or {})[rule.location_id]})"
    what = (
        f"SKU {rule.sku}"
        if rule.sku
        else f"Category {rule.category}"
        if rule.category
        else ("Every item")
    )
    return where, what, str(rule.units)


class StockRulesPage(widgets.Page):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__("Stock rules", FORMULA, parent)
        self.controller = controller
        self.status = widgets.Banner()
        self.body.addWidget(self.status)

        buffers = QGroupBox("Safety buffers: units kept back from the web store")
        layout = QVBoxLayout(buffers)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Where", "For", "Units kept back"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(120)
        self.table.setMaximumHeight(260)
        layout.addWidget(self.table, 1)
        add = QHBoxLayout()
        self.where = QComboBox()
        self.kind = QComboBox()
        self.kind.addItems([EVERY_ITEM, CATEGORY, SKU])
        self.kind.currentIndexChanged.connect(self._on_kind)
        self.name = QLineEdit()
        self.name.setPlaceholderText("the Clover category or the SKU")
        self.units = QSpinBox()
        self.units.setRange(0, MAX_BUFFER_UNITS)
        self.units.setValue(1)
        self.units.setSuffix(" kept back")
        self.add_button = QPushButton("&Add buffer")
        self.add_button.clicked.connect(self.add_buffer)
        self.remove_button = QPushButton("Re&move")
        self.remove_button.clicked.connect(self.remove_buffer)
        for label, widget in (("At", self.where), ("for", self.kind)):
            add.addWidget(QLabel(label))
            add.addWidget(widget)
        add.addWidget(self.name, 1)
        add.addWidget(self.units)
        add.addWidget(self.add_button)
        add.addWidget(self.remove_button)
        layout.addLayout(add)
        self.body.addWidget(buffers)

        held = QGroupBox("Web orders and a merchant that stops answering")
        form = QFormLayout(held)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.reserve = QSpinBox()
        self.reserve.setRange(0, MAX_RESERVE_HOURS)
        self.reserve.setSuffix(" hours")
        self.reserve.setSpecialValueText("off")
        self.reserve.setToolTip(
            "Units of web orders placed within this time and not yet in Clover are held back "
            "at the first merchant's location, so one unit is never sold twice between syncs."
        )
        form.addRow("Hold back web orders not yet in Clover, placed within", self.reserve)
        self.stale = QSpinBox()
        self.stale.setRange(0, MAX_STALE_MINUTES)
        self.stale.setSuffix(" minutes")
        self.stale.setSpecialValueText("off")
        form.addRow("Stale-stock guard: when a merchant was not read for", self.stale)
        self.mode = QComboBox()
        for mode, label in MODES:
            self.mode.addItem(label, mode)
        form.addRow("…its location shows", self.mode)
        self.body.addWidget(held)

        buttons = QHBoxLayout()
        self.save_button = widgets.primary_button("&Save stock rules")
        self.save_button.clicked.connect(self.save)
        self.saved = QLabel()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved, 1)
        self.body.addLayout(buttons)
        self.body.addStretch(1)
        self._buffers: list[BufferRule] = []
        self._names: dict[int, str] = {}
        controller.settings_changed.connect(self.load)
        controller.run_finished.connect(self._show_status)
        self.load()

    # -- showing -----------------------------------------------------------------------------

    @Slot()
    def load(self) -> None:
        stock = self.controller.settings.stock
        self._buffers = list(stock.buffers)
        self._fill()
        self.reserve.setValue(stock.reserve_hours)
        self.stale.setValue(stock.stale_after_minutes)
        self.mode.setCurrentIndex(max(0, self.mode.findData(stock.stale_mode)))
        self.where.clear()
        self.where.addItem("every location", None)
        merchants = merchant_rows(self.controller)
        self._names = {location: name or merchant_id for merchant_id, name, location in merchants}
        for location, name in self._names.items():
            self.where.addItem(f"location {location} ({name})", location)
        self._fill()
        self._on_kind(self.kind.currentIndex())
        self._show_status()

    def _fill(self) -> None:
        self.table.setRowCount(len(self._buffers))
        for row, rule in enumerate(self._buffers):
            for column, text in enumerate(describe(rule, self._names)):
                self.table.setItem(row, column, QTableWidgetItem(text))

    @Slot()
    def _show_status(self, *args: Any) -> None:
        status = getattr(self.controller.services, "stock_status", None)
        stale = [s.message for s in status()] if status else []
        stale = [m for m in stale if m]
        if stale:
            self.status.show_message("warning", "<br>".join(stale))
        else:
            self.status.clear_message()

    @Slot(int)
    def _on_kind(self, index: int) -> None:
        self.name.setEnabled(self.kind.currentText() != EVERY_ITEM)

    # -- editing -----------------------------------------------------------------------------

    def rule(self) -> BufferRule | None:
        """The buffer described by the add row, or None when a name is missing."""
        kind = self.kind.currentText()
        name = self.name.text().strip()
        if kind != EVERY_ITEM and not name:
            return None
        return BufferRule(
            self.units.value(),
            self.where.currentData(),
            name if kind == CATEGORY else None,
            name if kind == SKU else None,
        )

    @Slot()
    def add_buffer(self) -> None:
        rule = self.rule()
        if rule is None:
            self.saved.setText(f"Type the {self.kind.currentText()} the buffer is for.")
            return
        self._buffers = [b for b in self._buffers if not _same_scope(b, rule)] + [rule]
        self._fill()
        self.saved.setText("Not saved yet.")

    @Slot()
    def remove_buffer(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            del self._buffers[row]
        self._fill()
        if rows:
            self.saved.setText("Not saved yet.")

    @Slot()
    def save(self) -> None:
        stock = self.controller.settings.stock
        stock.buffers = list(self._buffers)
        stock.reserve_hours = self.reserve.value()
        stock.stale_after_minutes = self.stale.value()
        stock.stale_mode = str(self.mode.currentData())
        self.controller.save_settings()
        self.saved.setText("Saved: the next preview uses these rules.")


def _same_scope(a: BufferRule, b: BufferRule) -> bool:
    return (
        a.location_id == b.location_id
        and (a.category or "").casefold() == (b.category or "").casefold()
        and sku_key(a.sku) == sku_key(b.sku)
    )
