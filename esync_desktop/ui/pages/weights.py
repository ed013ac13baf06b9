"""Weight rules and category matching: what the create steps need that Clover does not have."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QShowEvent
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

from esync_desktop import wording
from esync_desktop.cli_help import WEIGHT_UNITS
from esync_desktop.storage.weights_csv import WeightCsvError, parse_csv_weight
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import CATEGORIES, AppController
from esync_desktop.ui.delegates import ChoiceDelegate
from esync_desktop.ui.models.rules_model import KeyValueTableModel

KEY, VALUE = 0, 1
# Wide enough for "0.45" and the header "Weight", so the name column gets the rest.
WEIGHT_COLUMN_PX = 90
HEADING_PADDING_PX = 24  # the sort indicator and the section margins
NOT_IN_CLOVER = "Clover has no category of this name: this rule fits no item."
NOT_IN_BIGCOMMERCE = (
    "Your BigCommerce store has no category of this name: new products of this Clover "
    "category are skipped until it exists in BigCommerce."
)


class RulesBox(QGroupBox):
    """A titled editable table with Add and Remove buttons."""

    def __init__(
        self, title: str, hint: str, model: KeyValueTableModel, *, weights: bool = True
    ) -> None:
        super().__init__(title)
        self.model = model
        layout = QVBoxLayout(self)
        note = widgets.subtitle(hint)
        layout.addWidget(note)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        if weights:
            header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(VALUE, WEIGHT_COLUMN_PX)
        # Never narrower than its headings: a cut heading leaves the owner guessing.
        titles = header.fontMetrics()
        heads = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in (KEY, VALUE)]
        needed = sum(titles.horizontalAdvance(h) + HEADING_PADDING_PX for h in heads)
        self.table.setMinimumWidth(needed + self.table.frameWidth() * 2)
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
        self.table.scrollTo(index)
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
        # The store's weight unit, named once BigCommerce says it.
        self.unit_label = QLabel()
        self.unit_label.setObjectName("weight_unit")
        default_row.addWidget(self.unit_label)
        default_row.addWidget(widgets.subtitle("Empty: items that no rule fits are skipped."))
        default_row.addStretch(1)
        self.body.addLayout(default_row)

        categories_row = QHBoxLayout()
        # Whether the category columns offer the stores' names, and why not when they don't.
        self.categories_note = widgets.Banner()
        categories_row.addWidget(self.categories_note, 1)
        self.read_again_button = QPushButton("Read the categories again")
        self.read_again_button.clicked.connect(self.read_categories)
        self.read_again_button.hide()
        categories_row.addWidget(self.read_again_button)
        self.body.addLayout(categories_row)

        # Three columns side by side, each table as tall as the window allows.
        grid = QGridLayout()
        self.sku_model = KeyValueTableModel("SKU", "Weight", self)
        self.sku_box = RulesBox(
            "Per SKU", "Import a CSV with columns SKU and weight, or add rows.", self.sku_model
        )
        self.import_button = QPushButton("Import CSV…")
        self.import_button.clicked.connect(self._on_import)
        self.sku_box.buttons.insertWidget(2, self.import_button)
        self.category_model = KeyValueTableModel("Category", "Weight", self)
        self.category_box = RulesBox(
            "Per Clover category", "Every item of the category gets this weight.",
            self.category_model,
        )  # fmt: skip
        self.map_model = KeyValueTableModel("In Clover", "In BigCommerce", self)
        self.map_box = RulesBox(
            "Category matching",
            "Categories match by name. When a Clover category has another name in "
            "BigCommerce, say which one here.",
            self.map_model,
            weights=False,
        )
        self.clover_names = ChoiceDelegate("choose a Clover category", self)
        self.bc_names = ChoiceDelegate("choose a BigCommerce category", self)
        self.category_box.table.setItemDelegateForColumn(KEY, self.clover_names)
        self.map_box.table.setItemDelegateForColumn(KEY, self.clover_names)
        self.map_box.table.setItemDelegateForColumn(VALUE, self.bc_names)
        for column, (box, stretch) in enumerate(
            ((self.sku_box, 2), (self.category_box, 2), (self.map_box, 3))
        ):
            grid.addWidget(box, 0, column)
            grid.setColumnStretch(column, stretch)
        self.body.addLayout(grid, 1)
        for model in (self.sku_model, self.category_model, self.map_model):
            model.edited.connect(self.save)
        controller.settings_changed.connect(self.load)
        controller.categories_loaded.connect(self._on_categories_loaded)
        controller.weight_unit_loaded.connect(self._on_weight_unit)
        controller.job_failed.connect(self._on_job_failed)
        # The stores the categories were read from (None: not read yet), and a read under way.
        self._categories_of: tuple[Any, ...] | None = None
        self._reading = False
        self.load()

    # -- the stores' categories ------------------------------------------------------------------

    def _stores(self) -> tuple[Any, ...]:
        s = self.controller.settings
        demo = self.controller.services.demo_running
        return (demo, s.clover.merchant_id, s.bigcommerce.store_hash)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._categories_of != self._stores():
            self.read_categories()

    @Slot()
    def read_categories(self) -> None:
        """Ask both stores for their categories, in the background; the columns stay free text
        until they answer, and after a failure."""
        if self._reading:
            return
        self._categories_of = self._stores()
        self.read_again_button.hide()
        if not self.controller.has_connections():
            self._offer(None, None)
            self.categories_note.show_message(
                "info",
                "Connect your stores on the Connections page to pick categories from lists. "
                "Until then, type the names as each store spells them.",
            )
            return
        self._reading = self.controller.load_categories()
        self.controller.load_weight_unit()
        self.categories_note.show_message("info", "Reading the categories of your stores…")

    @Slot(object)
    def _on_weight_unit(self, found: Any) -> None:
        unit, why = found
        if unit:
            words = WEIGHT_UNITS.get(str(unit).strip().casefold(), str(unit))
            self.unit_label.setText(f"All weights here are in <b>{words}</b>, your store's unit.")
            self.unit_label.setToolTip("")
        else:
            self.unit_label.setText("Weight unit: as set in BigCommerce (not read yet).")
            self.unit_label.setToolTip(why)

    def _offer(self, clover: Any, bigcommerce: Any) -> None:
        """The pick lists (and the red marks for unknown names); None: free text, no marks."""
        for delegate, models, found, note in (
            (self.clover_names, ((self.category_model, KEY), (self.map_model, KEY)), clover,
             NOT_IN_CLOVER),
            (self.bc_names, ((self.map_model, VALUE),), bigcommerce, NOT_IN_BIGCOMMERCE),
        ):  # fmt: skip
            delegate.set_choices(None if found is None else [(c.name, c.where) for c in found])
            for model, column in models:
                model.set_known(column, None if found is None else [c.name for c in found], note)

    @Slot(object)
    def _on_categories_loaded(self, found: Any) -> None:
        self._reading = False
        if self.isVisible() and self._categories_of != self._stores():
            self.read_categories()  # read from the stores connected before: ask the new ones
            return
        self._offer(found.clover, found.bigcommerce)
        problems = [
            f"<b>Could not read the {store} categories.</b> {error}"
            for store, error in (("Clover", found.clover_error), ("BigCommerce", found.bc_error))
            if error
        ]
        if problems:
            self.categories_note.show_message(
                "warning",
                "<br>".join(problems)
                + "<br>Until they can be read, type the names as the store spells them.",
            )
            self.read_again_button.show()
        else:
            self.categories_note.show_message(
                "ok",
                f"Category names are picked from your stores' lists ({len(found.clover)} in "
                f"Clover, {len(found.bigcommerce)} in BigCommerce): double-click a name to "
                "change it. A name in red is not in its store.",
            )

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        if kind != CATEGORIES:
            return
        self._reading = False
        self._offer(None, None)
        problem = ui_errors.describe_error(error)
        self.categories_note.show_message(
            "warning",
            f"<b>Could not read your stores' categories.</b> {problem.title}: {problem.message} "
            "Until then, type the names as each store spells them.",
        )
        self.read_again_button.show()

    # -- the rules -------------------------------------------------------------------------------

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
        if self.isVisible() and self._categories_of not in (None, self._stores()):
            self.read_categories()  # other stores connected while the page is open

    @Slot()
    def save(self) -> None:
        """Keeps the rows that make sense and says which were left out and why."""
        problems: list[str] = []

        def weights_of(model: KeyValueTableModel, what: str) -> dict[str, Decimal]:
            out: dict[str, Decimal] = {}
            for key, value in model.pairs():
                if not key and not value:
                    continue  # a row just added, not filled in yet
                weight, why = parse_csv_weight(value)
                if not key or weight is None:
                    problems.append(f"{what} “{key or '(empty)'}”: {why or 'no name'}")
                    continue
                out[key] = weight
            return out

        s = self.controller.settings
        default_text = self.default_weight.text()
        default, why = parse_csv_weight(default_text)
        if default_text.strip() and default is None:
            problems.append(f"default {why}")
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
                "Not used until corrected (a weight is a number more than 0, such as 0.45): "
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
            result = self.controller.import_weights(path)
        except WeightCsvError as exc:
            self.banner.show_message("error", f"Could not import {path.name}: {exc}")
            return
        text = f"Imported {wording.plural(len(result.weights), 'weight')} from {path.name}."
        if result.problems:
            shown = "; ".join(str(p) for p in result.problems[:5])
            text += f" {wording.plural(len(result.problems), 'line')} skipped: {shown}."
        self.banner.show_message("warning" if result.problems else "ok", text)
