"""The Connections page's list of Clover merchants, each with the BigCommerce location its stock
feeds: add one (its token goes to the keyring), change its location, remove it. The keyring is
written in the background (a locked one can block while it asks to be unlocked): a merchant is
added once its token is kept."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esync_desktop.storage.settings import MerchantConfig
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import AppController

MERCHANT_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")
REGIONS = (("na", "North America"), ("eu", "Europe"), ("la", "Latin America"))
HEADERS = ("Merchant", "Merchant ID", "Stock feeds location")


def merchant_rows(controller: AppController) -> list[tuple[str, str, int]]:
    """(merchant id, name, location id) of each merchant, the first first (the demo's while
    the demo stores run)."""
    listed = getattr(controller.services, "stock_merchants", None)
    if listed is not None:
        return list(listed())
    return [(m.merchant_id, m.name, m.location_id) for m in controller.settings.stock_merchants()]


class MerchantDialog(QDialog):
    """A further merchant: its id, name, region, token and location."""

    def __init__(self, taken: set[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a Clover merchant")
        self._taken = taken
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Warehouse")
        form.addRow("&Name", self.name)
        self.merchant_id = QLineEdit()
        self.merchant_id.setPlaceholderText("13 capital letters and digits")
        form.addRow("&Merchant ID", self.merchant_id)
        self.region = QComboBox()
        for region, label in REGIONS:
            self.region.addItem(label, region)
        form.addRow("&Region", self.region)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("its own API token (kept in your keyring)")
        form.addRow("API &token", self.token)
        self.location = QSpinBox()
        self.location.setRange(1, 2**31 - 1)
        self.location.setValue(next(n for n in range(1, len(taken) + 2) if n not in taken))
        form.addRow("BigCommerce &location ID", self.location)
        self.problem = widgets.Banner()
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def problem_text(self) -> str:
        if not MERCHANT_ID.match(self.merchant_id.text().strip()):
            return "The merchant ID is letters and digits (Clover's dashboard shows it)."
        if not self.token.text().strip():
            return "Paste the merchant's API token: each Clover merchant has its own."
        if self.location.value() in self._taken:
            return f"Location {self.location.value()} already takes another merchant's stock."
        return ""

    @Slot()
    def _check(self) -> None:
        problem = self.problem_text()
        if problem:
            self.problem.show_message("error", problem)
            return
        self.accept()

    def merchant(self) -> MerchantConfig:
        return MerchantConfig(
            self.merchant_id.text().strip(),
            self.location.value(),
            self.name.text().strip(),
            str(self.region.currentData()),
        )


class MerchantsBox(QGroupBox):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "Stock by location: each Clover merchant's stock feeds one BigCommerce location",
            parent,
        )
        self.controller = controller
        outer = QVBoxLayout(self)
        layout = QHBoxLayout()
        outer.addLayout(layout)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        row = QVBoxLayout()
        self.add_button = QPushButton("&Add merchant…")
        self.add_button.clicked.connect(self.add_merchant)
        self.locate_button = QPushButton("Change &location…")
        self.locate_button.clicked.connect(self.change_location)
        self.remove_button = QPushButton("Re&move")
        self.remove_button.clicked.connect(self.remove_merchant)
        for button in (self.add_button, self.locate_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = widgets.Banner()
        outer.addWidget(self.message)
        # Merchants whose token is being kept (added once it is) or deleted, by id (casefolded).
        self._adding: dict[str, MerchantConfig] = {}
        self._removing: set[str] = set()
        controller.settings_changed.connect(self.load)
        controller.merchant_token_done.connect(self._token_done)
        self.load()

    @property
    def demo(self) -> bool:
        return bool(getattr(self.controller.services, "demo_running", False))

    def rows(self) -> list[tuple[str, str, int]]:
        return merchant_rows(self.controller)

    @property
    def settings(self) -> Any:
        return self.controller.settings

    @Slot()
    def load(self) -> None:
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for n, (merchant_id, name, location) in enumerate(rows):
            shown = name or ("(the connection's merchant)" if n == 0 else "(no name)")
            cells = (shown, merchant_id or "(not set yet)", f"Location {location}")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, merchant_id)
                self.table.setItem(n, column, item)
        self._update_buttons()
        # As tall as its rows (up to four), so the page keeps room at 768 pixels high.
        self.table.resizeRowsToContents()
        visible = min(len(rows), 4)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(n) for n in range(visible))
        self.table.setFixedHeight(height + (0 if rows else 24))

    def show_checks(self, checks: Any) -> None:
        """What the connection test found of each further merchant."""
        wrong = [f"✖ {title}: {error}" for title, _, error in checks if error]
        good = [f"✔ {title} answers as “{name}”." for title, name, error in checks if not error]
        if wrong:
            self.message.show_message("error", "<br>".join(wrong + good))
        elif good:
            self.message.show_message("ok", "<br>".join(good))

    def _selected(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    @Slot()
    def _update_buttons(self) -> None:
        # One merchant added at a time: its location is taken once its token is kept.
        self.add_button.setEnabled(not self.demo and not self._adding)
        row = self._selected()
        self.locate_button.setEnabled(not self.demo and row >= 0)
        # The first merchant is the connection's: it is changed in the fields above.
        self.remove_button.setEnabled(not self.demo and row > 0)

    def _taken(self, except_row: int = -1) -> set[int]:
        return {loc for n, (_, _, loc) in enumerate(self.rows()) if n != except_row}

    @Slot()
    def add_merchant(self) -> None:
        dialog = MerchantDialog(self._taken(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        merchant = dialog.merchant()
        if merchant.merchant_id.casefold() in {m.casefold() for m, _, _ in self.rows()}:
            self.message.show_message("error", f"{merchant.merchant_id} is already listed.")
            return
        title = merchant.name or merchant.merchant_id
        self._adding[merchant.merchant_id.casefold()] = merchant
        self._update_buttons()
        self.message.show_message("info", f"Keeping {title}'s token in your keyring…")
        self.controller.keep_merchant_token(merchant, dialog.token.text().strip())

    @Slot(object, object)
    def _token_done(self, merchant: MerchantConfig, error: BaseException | None) -> None:
        key = merchant.merchant_id.casefold()
        title = merchant.name or merchant.merchant_id
        if key in self._adding:
            del self._adding[key]
            self._update_buttons()
            if error is not None:
                self.message.show_message("error", f"The token was not kept: {error}")
                return
            self.settings.merchants.append(merchant)
            self.controller.save_settings()
            self.message.show_message(
                "ok", f"{title} added: its stock feeds location {merchant.location_id}."
            )
        elif key in self._removing:
            self._removing.discard(key)
            if error is not None:
                self.message.show_message("warning", f"Removed; its token is still kept: {error}")
            else:
                self.message.show_message("ok", f"{title} removed.")

    @Slot()
    def change_location(self) -> None:
        row = self._selected()
        if row < 0:
            return
        merchant_id, name, current = self.rows()[row]
        location, ok = QInputDialog.getInt(
            self,
            "Change location",
            f"BigCommerce location ID fed by {name or merchant_id}:",
            current,
            1,
            2**31 - 1,
        )
        if not ok or location == current:
            return
        if location in self._taken(row):
            self.message.show_message(
                "error", f"Location {location} already takes another merchant's stock."
            )
            return
        if row == 0:
            self.settings.location_id = location
        else:
            self.settings.merchants[row - 1].location_id = location
        self.controller.save_settings()
        self.message.show_message("ok", f"{name or merchant_id} now feeds location {location}.")

    @Slot()
    def remove_merchant(self) -> None:
        row = self._selected()
        if row <= 0:
            return
        merchant = self.settings.merchants.pop(row - 1)
        self.controller.save_settings()
        self._removing.add(merchant.merchant_id.casefold())
        self.controller.keep_merchant_token(merchant, "")
