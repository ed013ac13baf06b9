"""Weight rules and category matching: what the create steps need that Clover does not have."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from esync_desktop.storage.weights_csv import WeightCsvError, read_weights_csv
from esync_desktop.ui import messages, widgets
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.models.rules_model import KeyValueTableModel


def parse_weight(text: str) -> Decimal | None:
    """'0,45' or '0.45' -> Decimal('0.45'); None when empty or not a weight >= 0."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


class RulesBox(QGroupBox):
    """A titled editable table with Add and Remove buttons."""

    def __init__(self, title: str, hint: str, model: KeyValueTableModel) -> None:
        super().__init__(title)
        self.model = model
        layout = QVBoxLayout(self)
        note = widgets.subtitle(hint)
        layout.addWidget(note)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.buttons = QHBoxLayout()
        add = QPushButton("Add")
        add.clicked.connect(self.add)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove)
        self.buttons.addWidget(add)
        self.buttons.addWidget(remove)
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)

    @Slot()
    def add(self) -> None:
        index = self.model.add_row()
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    @Slot()
    def remove(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows or [self.table.currentIndex().row()]:
            self.model.remove_row(row)


class WeightsPage(widgets.Page):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "Weight rules",
            "BigCommerce needs a weight for every new product, and Clover has none. The first "
            "rule that fits is used: the item's SKU, then its Clover category, then the default. "
            "Weights are in your store's weight unit (as set in BigCommerce).",
            parent,
        )
        self.controller = controller
        self._loading = False
        self.banner = widgets.Banner()
        self.body.addWidget(self.banner)
        default_row = QHBoxLayout()
        default_row.addWidget(QLabel("Default weight (when no other rule fits):"))
        self.default_weight = QLineEdit()
        self.default_weight.setPlaceholderText("none")
        self.default_weight.setMaximumWidth(120)
        self.default_weight.editingFinished.connect(self.save)
        default_row.addWidget(self.default_weight)
        default_row.addWidget(widgets.subtitle("Empty: items that no rule fits are skipped."))
        default_row.addStretch(1)
        self.body.addLayout(default_row)

        grid = QGridLayout()
        self.sku_model = KeyValueTableModel("SKU", "Weight", self)
        self.sku_box = RulesBox(
            "Per SKU", "Import a CSV with columns SKU and weight, or add rows.", self.sku_model
        )
        self.import_button = QPushButton("Import CSV…")
        self.import_button.clicked.connect(self._on_import)
        self.sku_box.buttons.insertWidget(2, self.import_button)
        self.category_model = KeyValueTableModel("Clover category", "Weight", self)
        self.category_box = RulesBox(
            "Per Clover category", "Every item of the category gets this weight.",
            self.category_model,
        )  # fmt: skip
        self.map_model = KeyValueTableModel("Clover category", "BigCommerce category", self)
        self.map_box = RulesBox(
            "Category matching",
            "Categories match by name. When a Clover category has another name in "
            "BigCommerce, say which one here.",
            self.map_model,
        )
        grid.addWidget(self.sku_box, 0, 0, 2, 1)
        grid.addWidget(self.category_box, 0, 1)
        grid.addWidget(self.map_box, 1, 1)
        self.body.addLayout(grid, 1)
        for model in (self.sku_model, self.category_model, self.map_model):
            model.edited.connect(self.save)
        controller.settings_changed.connect(self.load)
        self.load()

    @Slot()
    def load(self) -> None:
        if self._loading:
            return
        s = self.controller.settings
        weights = s.weights
        self.default_weight.setText("" if weights.default is None else str(weights.default))
        self.sku_model.set_pairs(sorted(weights.by_sku.items()))
        self.category_model.set_pairs(sorted(weights.by_category.items()))
        self.map_model.set_pairs(sorted(s.category_map.items()))

    @Slot()
    def save(self) -> None:
        """Keeps the rows that make sense and says which were left out and why."""
        problems: list[str] = []

        def weights_of(model: KeyValueTableModel, what: str) -> dict[str, Decimal]:
            out: dict[str, Decimal] = {}
            for key, value in model.pairs():
                if not key and not value:
                    continue  # a row just added, not filled in yet
                weight = parse_weight(value)
                if not key or weight is None:
                    problems.append(f"{what} “{key or '(empty)'}”: weight “{value}”")
                    continue
                out[key] = weight
            return out

        s = self.controller.settings
        default_text = self.default_weight.text()
        default = parse_weight(default_text)
        if default_text.strip() and default is None:
            problems.append(f"default weight “{default_text}”")
        s.weights.by_sku = weights_of(self.sku_model, "SKU")
        s.weights.by_category = weights_of(self.category_model, "category")
        s.weights.default = default
        s.category_map = {k: v for k, v in self.map_model.pairs() if k and v}
        self._loading = True
        try:
            self.controller.save_settings()
        finally:
            self._loading = False
        if problems:
            self.banner.show_message(
                "warning",
                "Not used until corrected (a weight is a number such as 0.45): "
                + "; ".join(problems[:5])
                + (f" and {len(problems) - 5} more" if len(problems) > 5 else ""),
            )
        else:
            self.banner.clear_message()

    @Slot()
    def _on_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import weights", "", "CSV (*.csv *.txt)")
        if path:
            self.import_csv(Path(path))

    def import_csv(self, path: Path) -> None:
        try:
            result = read_weights_csv(path)
        except WeightCsvError as exc:
            self.banner.show_message("error", f"Could not import {path.name}: {exc}")
            return
        s = self.controller.settings
        s.weights = s.weights.with_sku_weights(result.weights)
        self.controller.save_settings()
        text = f"Imported {messages.plural(len(result.weights), 'weight')} from {path.name}."
        if result.problems:
            shown = "; ".join(str(p) for p in result.problems[:5])
            text += f" {messages.plural(len(result.problems), 'line')} skipped: {shown}."
        self.banner.show_message("warning" if result.problems else "ok", text)
