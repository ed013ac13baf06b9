"""Connections: the Clover merchant and the BigCommerce store, tokens kept in the OS keyring."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui import messages, widgets
from esync_desktop.ui.controller import TEST, AppController
from esync_desktop.ui.secrets_bridge import SecretsState

REGIONS = (
    ("na", "North America"),
    ("eu", "Europe"),
    ("la", "Latin America"),
    ("sandbox", "Clover sandbox (developer test account)"),
)
STORED = "●●●●●●●● stored in your keyring — type a new one to replace it"
NOT_STORED = "paste the token here"


def _status_text(ok: bool, name: str | None, error: str | None, what: str) -> tuple[str, str]:
    if ok:
        return "ok", f"✔ Connected to {what} “{name or '(no name)'}”."
    return "error", f"✖ {what}: {error}"


class ConnectionsPage(widgets.Page):
    tested_ok = Signal()

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "Connections",
            "Where eSync Desktop reads your Clover items and writes your BigCommerce products. "
            "Tokens are kept in your computer's keyring, never in a file.",
            parent,
        )
        self.controller = controller
        self._secrets = SecretsState(False, False)
        self._test_after_save = False
        self._saving = False
        demo_row = QHBoxLayout()
        self.demo_banner = widgets.Banner()
        demo_row.addWidget(self.demo_banner, 1)
        self.leave_demo_button = QPushButton("Use my own stores instead")
        self.leave_demo_button.clicked.connect(self.leave_demo)
        demo_row.addWidget(self.leave_demo_button)
        self.body.addLayout(demo_row)
        self.keyring_banner = widgets.Banner()
        self.body.addWidget(self.keyring_banner)

        clover = QGroupBox("Clover (your point of sale)")
        form = QFormLayout(clover)
        self.region = QComboBox()
        for region, label in REGIONS:
            self.region.addItem(label, region)
        form.addRow("Region", self.region)
        self.merchant_id = QLineEdit()
        self.merchant_id.setPlaceholderText("13 letters and digits, e.g. 4QZ1X2Y3Z4W5V")
        form.addRow("Merchant ID", self.merchant_id)
        self.clover_token = QLineEdit()
        self.clover_token.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("API token", self.clover_token)
        self.clover_status = widgets.Banner()
        form.addRow(self.clover_status)
        self.body.addWidget(clover)

        bc = QGroupBox("BigCommerce (your web store)")
        form = QFormLayout(bc)
        self.store_hash = QLineEdit()
        self.store_hash.setPlaceholderText("from your store's API path: stores/<store hash>/v3")
        form.addRow("Store hash", self.store_hash)
        self.bc_token = QLineEdit()
        self.bc_token.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Access token", self.bc_token)
        self.bc_status = widgets.Banner()
        form.addRow(self.bc_status)
        self.body.addWidget(bc)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        self.test_button = widgets.primary_button("Test connection")
        self.test_button.clicked.connect(self.save_and_test)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.body.addWidget(self.status)
        self.body.addStretch(1)

        controller.secrets_loaded.connect(self._on_secrets)
        controller.secrets_saved.connect(self._on_secrets_saved)
        controller.secrets_failed.connect(self._on_secrets_failed)
        controller.connections_tested.connect(self._on_tested)
        controller.job_failed.connect(self._on_job_failed)
        controller.settings_changed.connect(self.load)
        controller.busy_changed.connect(self._on_busy)
        self.load()

    # -- showing -----------------------------------------------------------------------------------

    @property
    def demo(self) -> bool:
        return bool(getattr(self.controller.services, "demo_running", False))

    @Slot()
    def load(self) -> None:
        if self._saving:
            return
        s = self.controller.settings
        demo = self.demo
        self.demo_banner.show_message(
            "info",
            "You are connected to the <b>demo stores</b>: practice copies on this computer, "
            "filled with sample products. Nothing you do here reaches a real shop."
            if demo
            else "",
        )
        index = self.region.findData("sandbox" if demo else s.clover.region)
        self.region.setCurrentIndex(max(0, index))
        demo_merchant, demo_store = self.controller.services.demo_ids()
        self.merchant_id.setText(demo_merchant if demo else s.clover.merchant_id)
        self.store_hash.setText(demo_store if demo else s.bigcommerce.store_hash)
        for field in (
            self.region,
            self.merchant_id,
            self.store_hash,
            self.clover_token,
            self.bc_token,
        ):
            field.setEnabled(not demo)
        self.save_button.setEnabled(not demo)
        self.leave_demo_button.setVisible(demo and bool(s.demo))
        self._show_tokens()
        if demo:
            self.keyring_banner.clear_message()
        else:
            self.controller.load_secrets()

    def _show_tokens(self) -> None:
        for field, stored in (
            (self.clover_token, self._secrets.clover_token_set or self.demo),
            (self.bc_token, self._secrets.bc_token_set or self.demo),
        ):
            field.clear()
            if self.demo:
                field.setPlaceholderText("●●●●●●●● demo token (kept in memory only)")
            else:
                field.setPlaceholderText(STORED if stored else NOT_STORED)

    @Slot()
    def leave_demo(self) -> None:
        """The next start connects the owner's stores; the running demo stays until then."""
        self.controller.settings.demo = False
        self.controller.save_settings()
        self.leave_demo_button.hide()
        self.status.setText(messages.DEMO_LEAVE)

    # -- saving and testing ----------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        """Connection details to the settings file; tokens typed in to the keyring."""
        if self.demo:
            return
        s = self.controller.settings
        s.clover.region = str(self.region.currentData())
        s.clover.merchant_id = self.merchant_id.text().strip()
        s.bigcommerce.store_hash = self.store_hash.text().strip()
        clover = self.clover_token.text().strip() or None
        bc = self.bc_token.text().strip() or None
        # This page shows what it saves: no reload (which would also clear the token fields).
        self._saving = True
        try:
            self.controller.save_settings()
        finally:
            self._saving = False
        if clover is None and bc is None:
            self.status.setText("Saved.")
            self._after_save()
            return
        self.status.setText("Saving the tokens to your keyring…")
        self.controller.save_secrets(clover, bc)

    @Slot()
    def save_and_test(self) -> None:
        self._test_after_save = True
        self.clover_status.clear_message()
        self.bc_status.clear_message()
        if self.demo:
            self._after_save()
        else:
            self.save()

    def _after_save(self) -> None:
        if self._test_after_save:
            self._test_after_save = False
            self.status.setText("Testing: reaching Clover and BigCommerce…")
            if not self.controller.test_connections():
                self.status.setText("Wait for the sync that is running to finish, then test.")

    @Slot(object)
    def _on_secrets(self, state: SecretsState) -> None:
        self._secrets = state
        if state.unavailable:
            self.keyring_banner.show_message(
                "warning",
                f"<b>Tokens cannot be saved.</b> {state.unavailable}<br><br>"
                f"{ui_errors.KEYRING_HELP}",
            )
        else:
            self.keyring_banner.clear_message()
        self._show_tokens()

    @Slot(object)
    def _on_secrets_saved(self, state: SecretsState) -> None:
        self._on_secrets(state)
        self.status.setText("Saved. The tokens are in your keyring.")
        self._after_save()

    @Slot(object)
    def _on_secrets_failed(self, error: Any) -> None:
        self._test_after_save = False
        problem = ui_errors.describe_error(error)
        self.keyring_banner.show_message("error", f"<b>{problem.title}.</b> {problem.message}")
        self.status.setText("The tokens were not saved.")

    @Slot(object)
    def _on_tested(self, report: Any) -> None:
        kind, text = _status_text(
            report.clover_ok, report.clover_name, report.clover_error, "Clover"
        )
        self.clover_status.show_message(kind, text)
        kind, text = _status_text(report.bc_ok, report.bc_name, report.bc_error, "BigCommerce")
        self.bc_status.show_message(kind, text)
        if report.clover_ok and report.bc_ok:
            self.status.setText("Both stores answer. Next: choose what to sync in Tasks.")
            self.tested_ok.emit()
        else:
            self.status.setText("Fix what is marked above, then test again.")

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        if kind != TEST:
            return
        problem = ui_errors.describe_error(error)
        self.status.setText("")
        self.clover_status.show_message("error", f"{problem.title}: {problem.message}")

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
