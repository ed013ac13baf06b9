"""Fields: which store owns each product field, and the tax class each Clover tax rate maps
to. Saved as they are edited."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.domain.ownership import OWNERS
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import TAX_CHOICES, AppController
from esync_desktop.ui.models.fields_models import (
    NOT_MAPPED,
    OWNER,
    TAX_CLASS,
    ComboDelegate,
    OwnershipModel,
    TaxMapModel,
)


def _table(model: Any) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.AllEditTriggers
        & ~QAbstractItemView.EditTrigger.CurrentChanged
    )
    table.verticalHeader().hide()
    table.setWordWrap(False)
    return table


class FieldsPage(widgets.Page):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "Fields",
            "Who owns each product field: the sync writes Clover's value to your web store only "
            "for the fields Clover owns. A field changed in both stores since the last sync is "
            "held back in the preview until you pick a side (right-click its row).",
            parent,
        )
        self.controller = controller
        self._loading = False
        self._read_for: tuple[Any, ...] | None = None
        row = QHBoxLayout()
        self.body.addLayout(row, 1)

        owners_box = QGroupBox("Who owns each field")
        owners_layout = QVBoxLayout(owners_box)
        self.ownership = OwnershipModel(self)
        self.ownership_table = _table(self.ownership)
        self.owner_choices = ComboDelegate([(wording.owner_label(o), o) for o in OWNERS], self)
        self.ownership_table.setItemDelegateForColumn(OWNER, self.owner_choices)
        header = self.ownership_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        owners_layout.addWidget(self.ownership_table, 1)
        row.addWidget(owners_box, 1)

        tax_box = QGroupBox("Tax classes")
        tax_layout = QVBoxLayout(tax_box)
        tax_layout.addWidget(
            widgets.subtitle(
                "New and updated products get the BigCommerce tax class of the item's first "
                "mapped Clover tax rate (its default rates when it uses them)."
            )
        )
        self.tax_note = widgets.Banner()
        tax_layout.addWidget(self.tax_note)
        self.tax_map = TaxMapModel(self)
        self.tax_table = _table(self.tax_map)
        self.class_choices = ComboDelegate([("(not mapped)", NOT_MAPPED)], self)
        self.tax_table.setItemDelegateForColumn(TAX_CLASS, self.class_choices)
        tax_header = self.tax_table.horizontalHeader()
        tax_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tax_header.setStretchLastSection(True)
        tax_layout.addWidget(self.tax_table, 1)
        buttons = QHBoxLayout()
        self.read_button = QPushButton("Read the stores' tax lists again")
        self.read_button.clicked.connect(self.read_tax_lists)
        buttons.addWidget(self.read_button)
        buttons.addStretch(1)
        tax_layout.addLayout(buttons)
        row.addWidget(tax_box, 1)

        self.ownership.edited.connect(self._save_owners)
        self.tax_map.edited.connect(self._save_tax_map)
        controller.settings_changed.connect(self.load)
        controller.tax_choices_loaded.connect(self._on_tax_choices)
        controller.job_failed.connect(self._on_job_failed)
        self.load()

    # -- settings ------------------------------------------------------------------------------

    @Slot()
    def load(self) -> None:
        if self._loading:
            return
        settings = self.controller.settings
        self.ownership.load(settings.ownership)
        self.tax_map.load(settings.tax_class_map)
        self._open_editors()

    def _open_editors(self) -> None:
        """The owner and class drop-downs shown on every row, not only while editing."""
        for r in range(self.ownership.rowCount()):
            self.ownership_table.openPersistentEditor(self.ownership.index(r, OWNER))
        for r in range(self.tax_map.rowCount()):
            self.tax_table.openPersistentEditor(self.tax_map.index(r, TAX_CLASS))

    def _save(self, change: Any) -> None:
        self._loading = True
        try:
            change(self.controller.settings)
            self.controller.save_settings()
        finally:
            self._loading = False

    @Slot()
    def _save_owners(self) -> None:
        owners = self.ownership.owners()
        self._save(lambda s: setattr(s, "ownership", owners))

    @Slot()
    def _save_tax_map(self) -> None:
        mapping = self.tax_map.mapping()
        self._save(lambda s: setattr(s, "tax_class_map", mapping))

    # -- the stores' tax lists -----------------------------------------------------------------

    def _stores(self) -> tuple[Any, ...]:
        s = self.controller.settings
        demo = bool(getattr(self.controller.services, "demo_running", False))
        return (demo, s.clover.merchant_id, s.bigcommerce.store_hash)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._read_for != self._stores() and self.controller.has_connections():
            self.read_tax_lists()

    @Slot()
    def read_tax_lists(self) -> None:
        self._read_for = self._stores()
        self.tax_note.show_message("info", "Reading the tax rates and classes of both stores…")
        self.controller.load_tax_choices()

    @Slot(object)
    def _on_tax_choices(self, choices: Any) -> None:
        problems = [
            f"{store} could not be read: {error}"
            for store, error in (
                ("Clover", choices.clover_error),
                ("BigCommerce", choices.bc_error),
            )
            if error
        ]
        rates = None
        if choices.clover is not None:
            rates = [
                (r.name, ", ".join(p for p in (r.percent, "default" if r.is_default else "") if p))
                for r in choices.clover
            ]
        classes = None
        if choices.bigcommerce is not None:
            classes = {c.id: c.name for c in choices.bigcommerce}
            self.class_choices.choices = [("(not mapped)", NOT_MAPPED)] + [
                (f"{c.id}: {c.name}", c.id) for c in choices.bigcommerce
            ]
        self.tax_map.load(self.controller.settings.tax_class_map, rates, classes)
        self._open_editors()
        if problems:
            self.tax_note.show_message("warning", " ".join(problems))
        else:
            self.tax_note.clear_message()

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        if kind != TAX_CHOICES:
            return
        problem = ui_errors.describe_error(error)
        self.tax_note.show_message(
            "warning", f"<b>Could not read the tax lists.</b> {problem.title}: {problem.message}"
        )
