"""Connections: the Clover merchant and the BigCommerce store, tokens kept in the OS keyring.
What is typed is checked as it is typed, and tested against both stores before it is saved."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esync_desktop.app import BIGCOMMERCE_API, ConnectionCandidate
from esync_desktop.connectors.clover import CLOVER_REGIONS
from esync_desktop.ui import connection_formats as formats
from esync_desktop.ui import error_dialog, widgets
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui.controller import TEST, AppController
from esync_desktop.ui.pages.merchants import MerchantsBox
from esync_desktop.ui.secrets_bridge import SecretsState

REGIONS = (
    ("na", "North America"),
    ("eu", "Europe"),
    ("la", "Latin America"),
    ("sandbox", "Clover sandbox (developer test account)"),
)
STORED = "●●●●●●●● stored in your keyring — type a new one to replace it"
NOT_STORED = "paste the token here"
LEFT_DEMO = (
    "The demo stores are closed. Enter your own stores below, then press Test and save: "
    "nothing is saved until both stores answer."
)
# "Where do I find this?" per field: (title, text).
WHERE = {
    "merchant_id": (
        "Your Clover merchant ID",
        "Sign in to your Clover web dashboard (clover.com). The merchant ID is the 13 capital "
        "letters and digits in the address bar after /m/, and under Account & Setup > "
        "Merchants.",
    ),
    "clover_token": (
        "A Clover API token",
        "In the Clover web dashboard open Account & Setup > API Tokens > Create new token. "
        "Tick Inventory (read and write) and Merchant (read), save, and copy the token shown.",
    ),
    "store_hash": (
        "Your BigCommerce store hash",
        "In your BigCommerce control panel open Settings > API > Store-level API accounts > "
        "Create API account. The API path shown looks like "
        "https://api.bigcommerce.com/stores/abc123/v3/: the store hash is the part after "
        "/stores/ (abc123). You can paste the whole API path here.",
    ),
    "bc_token": (
        "A BigCommerce access token",
        "Create the store-level API account as for the store hash, with Products: modify and "
        "Information & settings: read-only. BigCommerce shows the access token once, when you "
        "save the account: copy it then.",
    ),
    "api_address": (
        "The API address",
        "Leave it empty to use the store's own address. Fill it in only to go through a proxy "
        "or to reach a test server: an https:// address, or http:// to this computer.",
    ),
}


def _status_text(ok: bool, name: str | None, error: str | None, what: str) -> tuple[str, str]:
    if ok:
        return "ok", f"✔ Connected to {what} “{name or '(no name)'}”."
    return "error", f"✖ {what}: {error}"


class CheckedField(QWidget):
    """A line edit with its "Where do I find this?" link, and its format problem below it."""

    def __init__(self, key: str, check: Any = None, *, secret: bool = False) -> None:
        super().__init__()
        self.key, self.check = key, check
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        self.edit = QLineEdit()
        if secret:
            self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        row.addWidget(self.edit, 1)
        self.where = QLabel('<a href="#">Where do I find this?</a>')
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.where.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.where.linkActivated.connect(self._on_where)
        row.addWidget(self.where)
        layout.addLayout(row)
        self.problem = QLabel()
        self.problem.setProperty("role", "field-problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.edit.textEdited.connect(self._on_edited)
        self.edit.editingFinished.connect(self._on_finished)

    def text(self) -> str:
        return self.value() if self.check else self.edit.text().strip()

    def value(self) -> str:
        return self.check(self.edit.text()).value if self.check else self.edit.text().strip()

    def problem_text(self) -> str:
        return self.check(self.edit.text()).problem if self.check else ""

    def set_text(self, text: str) -> None:
        self.edit.setText(text)
        self._show_problem()

    @Slot(str)
    def _on_edited(self, text: str) -> None:
        self._show_problem()

    @Slot()
    def _on_finished(self) -> None:
        checked = self.check(self.edit.text()) if self.check else None
        if checked and not checked.problem and checked.value != self.edit.text():
            self.edit.setText(checked.value)  # e.g. the hash taken out of a pasted API path

    def _show_problem(self) -> None:
        problem = self.problem_text()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.edit.setProperty("invalid", bool(problem))
        widgets.restyle(self.edit)

    @Slot(str)
    def _on_where(self, link: str) -> None:
        title, text = WHERE[self.key]
        error_dialog.notifier.info(title, text)


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
        # The details being tested before they are saved (the tokens typed, or None).
        self._pending: ConnectionCandidate | None = None
        demo_row = QHBoxLayout()
        self.demo_banner = widgets.Banner()
        demo_row.addWidget(self.demo_banner, 1)
        self.leave_demo_button = QPushButton("&Use my own stores instead")
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
        self.region.currentIndexChanged.connect(self._on_region)
        form.addRow("&Region", self.region)
        self.merchant_field = CheckedField("merchant_id", formats.merchant_id)
        self.merchant_id = self.merchant_field.edit
        self.merchant_id.setPlaceholderText("13 capital letters and digits, e.g. 4QZ1X2Y3Z4W5V")
        form.addRow(self._label("&Merchant ID", self.merchant_id), self.merchant_field)
        self.clover_token_field = CheckedField("clover_token", secret=True)
        self.clover_token = self.clover_token_field.edit
        form.addRow(self._label("API &token", self.clover_token), self.clover_token_field)
        self.clover_url_field = CheckedField("api_address", formats.api_address)
        self.clover_url = self.clover_url_field.edit
        form.addRow(self._label("Advanced: API address", self.clover_url), self.clover_url_field)
        self.clover_status = widgets.Banner()
        form.addRow(self.clover_status)
        self.body.addWidget(clover)

        bc = QGroupBox("BigCommerce (your web store)")
        form = QFormLayout(bc)
        self.store_hash_field = CheckedField("store_hash", formats.store_hash)
        self.store_hash = self.store_hash_field.edit
        self.store_hash.setPlaceholderText("e.g. abc123, or paste the whole API path")
        form.addRow(self._label("Store &hash", self.store_hash), self.store_hash_field)
        self.bc_token_field = CheckedField("bc_token", secret=True)
        self.bc_token = self.bc_token_field.edit
        form.addRow(self._label("A&ccess token", self.bc_token), self.bc_token_field)
        self.bc_url_field = CheckedField("api_address", formats.api_address)
        self.bc_url = self.bc_url_field.edit
        self.bc_url.setPlaceholderText(f"empty: {BIGCOMMERCE_API}")
        form.addRow(self._label("Advanced: API address", self.bc_url), self.bc_url_field)
        self.bc_status = widgets.Banner()
        form.addRow(self.bc_status)
        self.body.addWidget(bc)

        self.fields = (
            self.merchant_field,
            self.clover_token_field,
            self.clover_url_field,
            self.store_hash_field,
            self.bc_token_field,
            self.bc_url_field,
        )
        for field in (self.merchant_field, self.clover_token_field, self.clover_url_field):
            field.edit.textEdited.connect(self._on_clover_edited)
        for field in (self.store_hash_field, self.bc_token_field, self.bc_url_field):
            field.edit.textEdited.connect(self._on_bc_edited)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save without testing")
        self.save_button.clicked.connect(self.save)
        self.test_button = widgets.primary_button("&Test and save")
        self.test_button.clicked.connect(self.save_and_test)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.body.addWidget(self.status)
        self.merchants = MerchantsBox(controller)
        self.body.addWidget(self.merchants)
        self.body.addStretch(1)

        controller.secrets_loaded.connect(self._on_secrets)
        controller.secrets_saved.connect(self._on_secrets_saved)
        controller.secrets_failed.connect(self._on_secrets_failed)
        controller.connections_tested.connect(self._on_tested)
        controller.job_failed.connect(self._on_job_failed)
        controller.settings_changed.connect(self.load)
        controller.busy_changed.connect(self._on_busy)
        self.load()

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # -- showing -----------------------------------------------------------------------------------

    @property
    def demo(self) -> bool:
        return self.controller.services.demo_running

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
        self._on_region(self.region.currentIndex())
        demo_merchant, demo_store = self.controller.services.demo_ids()
        self.merchant_field.set_text(demo_merchant if demo else s.clover.merchant_id)
        self.store_hash_field.set_text(demo_store if demo else s.bigcommerce.store_hash)
        self.clover_url_field.set_text("" if demo else s.clover.base_url or "")
        self.bc_url_field.set_text("" if demo else s.bigcommerce.base_url or "")
        self.region.setEnabled(not demo)
        for field in self.fields:
            field.edit.setEnabled(not demo)
        self.leave_demo_button.setVisible(demo and bool(s.demo))
        self._show_tokens()
        self._update_buttons()
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

    def problems(self) -> list[str]:
        return [p for p in (f.problem_text() for f in self.fields) if p]

    def _update_buttons(self) -> None:
        fine = not self.problems()
        self.save_button.setEnabled(fine and not self.demo)
        self.test_button.setEnabled(fine and not self.controller.busy)

    @Slot(int)
    def _on_region(self, index: int) -> None:
        default = CLOVER_REGIONS.get(str(self.region.itemData(index)), "")
        self.clover_url.setPlaceholderText(f"empty: {default}")

    @Slot()
    def _on_clover_edited(self) -> None:
        # What was said about the old details no longer holds.
        self.clover_status.clear_message()
        self._after_edit()

    @Slot()
    def _on_bc_edited(self) -> None:
        self.bc_status.clear_message()
        self._after_edit()

    def _after_edit(self) -> None:
        self.status.setText("Correct what is marked in red first." if self.problems() else "")
        self._update_buttons()

    @Slot()
    def leave_demo(self) -> None:
        """Close the demo stores now and connect the owner's own (no restart)."""
        if not self.controller.leave_demo():
            self.status.setText("Wait for the sync that is running to finish, then try again.")
            return
        self.clover_status.clear_message()
        self.bc_status.clear_message()
        self.status.setText(LEFT_DEMO)
        self.merchant_id.setFocus()

    # -- saving and testing ----------------------------------------------------------------------

    def candidate(self) -> ConnectionCandidate:
        """The details as typed, over the saved ones (an empty token field: the stored token)."""
        s = self.controller.settings
        settings = replace(
            s,
            clover=replace(
                s.clover,
                region=str(self.region.currentData()),
                merchant_id=self.merchant_field.value(),
                base_url=self.clover_url_field.value() or None,
            ),
            bigcommerce=replace(
                s.bigcommerce,
                store_hash=self.store_hash_field.value(),
                base_url=self.bc_url_field.value() or None,
            ),
        )
        return ConnectionCandidate(
            settings, self.clover_token.text().strip() or None, self.bc_token.text().strip() or None
        )

    @Slot()
    def save(self) -> None:
        """Connection details to the settings file; tokens typed in to the keyring."""
        if self.demo or self.problems():
            return
        self.clover_status.clear_message()
        self.bc_status.clear_message()
        self._write(self.candidate())

    def _write(self, candidate: ConnectionCandidate) -> None:
        s = self.controller.settings
        s.clover = candidate.settings.clover
        s.bigcommerce = candidate.settings.bigcommerce
        # This page shows what it saves: no reload (which would also clear the token fields).
        self._saving = True
        try:
            self.controller.save_settings()
        finally:
            self._saving = False
        if candidate.clover_token is None and candidate.bc_token is None:
            self.status.setText("Saved.")
            self._after_save()
            return
        self.status.setText("Saving the tokens to your keyring…")
        self.controller.save_secrets(candidate.clover_token, candidate.bc_token)

    @Slot()
    def save_and_test(self) -> None:
        """Test what is typed; save it only when both stores answer."""
        self.clover_status.clear_message()
        self.bc_status.clear_message()
        if self.demo:
            self._test_after_save = True
            self._after_save()
            return
        if self.problems():
            self.status.setText("Correct what is marked in red first.")
            return
        candidate = self.candidate()
        self.status.setText(
            "Testing: reaching Clover and BigCommerce… Nothing is saved until both answer."
        )
        if self.controller.test_connections(candidate):
            self._pending = candidate
        else:
            self.status.setText("Wait for the sync that is running to finish, then test.")

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
        if self.clover_status.kind == "ok" and self.bc_status.kind == "ok":
            self.status.setText("Saved. Both stores answer; the tokens are in your keyring.")
        else:
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
        candidate, self._pending = self._pending, None
        kind, text = _status_text(
            report.clover_ok, report.clover_name, report.clover_error, "Clover"
        )
        self.clover_status.show_message(kind, text)
        kind, text = _status_text(report.bc_ok, report.bc_name, report.bc_error, "BigCommerce")
        self.bc_status.show_message(kind, text)
        self.merchants.show_checks(getattr(report, "merchants", ()))
        if not (report.clover_ok and report.bc_ok):
            saved = "Nothing was saved. " if candidate is not None else ""
            self.status.setText(f"{saved}Fix what is marked above, then test again.")
            return
        self.status.setText("Both stores answer. Next: choose what to sync in Tasks.")
        if candidate is not None:
            self._write(candidate)  # the tokens' save reports when it is done
            if self.status.text() == "Saved.":
                self.status.setText(
                    "Saved. Both stores answer. Next: choose what to sync in Tasks."
                )
        self.tested_ok.emit()

    @Slot(str, object)
    def _on_job_failed(self, kind: str, error: Any) -> None:
        if kind != TEST:
            return
        self._pending = None
        problem = ui_errors.describe_error(error)
        self.status.setText("")
        self.clover_status.show_message("error", f"{problem.title}: {problem.message}")

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self._update_buttons()
