"""The window's stock by location: the Connections page's merchants with their locations, and
the Stock rules page (buffers, reserved web orders, the stale-stock guard)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import keyring.backends.fail
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

from esync_desktop.storage.secrets import SecretStore, merchant_token_name
from esync_desktop.storage.settings import BufferRule, MerchantConfig
from esync_desktop.sync.items import group_items
from esync_desktop.sync.model import Outcome, PlanRow
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.models.plan_model import COLUMNS
from esync_desktop.ui.pages import merchants as merchants_module
from esync_desktop.ui.pages.merchants import MerchantDialog, MerchantsBox
from esync_desktop.ui.pages.stock_rules import StockRulesPage
from tests.ui.fakes import FakeServices, MemoryKeyring


@pytest.fixture
def own() -> Iterator[tuple[FakeServices, AppController]]:
    """Own stores (not the demo) with the connection's merchant named; no schedule runs."""
    services = FakeServices()
    services.settings.tasks[0].schedule.mode = "off"
    services.demo_running = False
    services.settings.clover.merchant_id, services.settings.clover.name = "MAIN1", "Main Street"
    services.secrets = SecretStore(backend=MemoryKeyring())  # type: ignore[attr-defined]
    controller = AppController(services)
    try:
        yield services, controller
    finally:
        assert controller.shutdown(15_000)


def test_merchants_are_listed_added_moved_and_removed(
    qtbot: Any, monkeypatch: Any, own: Any
) -> None:
    services, controller = own
    box = MerchantsBox(controller)
    qtbot.addWidget(box)
    assert box.table.rowCount() == 1 and box.table.item(0, 0).text() == "Main Street"

    _filled(monkeypatch)
    with qtbot.waitSignal(controller.merchant_token_done, timeout=5000):
        box.add_merchant()
    assert services.settings.merchants == [MerchantConfig("WH0001", 2, "Warehouse", "na")]
    assert services.secrets.get(merchant_token_name("WH0001")) == "wh-token"
    assert services.saved == 1 and box.table.rowCount() == 2
    assert box.table.item(1, 2).text() == "Location 2"
    # The connection's merchant is changed above, not removed here.
    box.table.selectRow(0)
    assert not box.remove_button.isEnabled() and box.locate_button.isEnabled()
    box.table.selectRow(1)
    assert box.remove_button.isEnabled()
    with qtbot.waitSignal(controller.merchant_token_done, timeout=5000):
        box.remove_merchant()
    assert services.settings.merchants == [] and box.table.rowCount() == 1
    assert services.secrets.get(merchant_token_name("WH0001")) is None
    assert box.message.text() == "Warehouse removed."


class SlowKeyring(MemoryKeyring):
    """A keyring that holds each write until the test lets it go (one waiting to be unlocked)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.writing = threading.Event()

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writing.set()
        assert self.release.wait(10), "the test never let the keyring answer"
        super().set_password(service, username, password)


def _filled(monkeypatch: Any) -> None:
    class Filled(MerchantDialog):
        def exec(self) -> int:
            self.name.setText("Warehouse")
            self.merchant_id.setText("WH0001")
            self.token.setText("wh-token")
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(merchants_module, "MerchantDialog", Filled)


def test_a_slow_keyring_never_holds_the_window(qtbot: Any, monkeypatch: Any, own: Any) -> None:
    """The token is written on a worker: the window keeps answering while the keyring waits,
    and the merchant is added once its token is kept."""
    services, controller = own
    slow = SlowKeyring()
    services.secrets = SecretStore(backend=slow)
    box = MerchantsBox(controller)
    qtbot.addWidget(box)
    _filled(monkeypatch)
    box.add_merchant()  # returns while the keyring still holds the write
    assert slow.writing.wait(5)
    assert services.settings.merchants == [] and services.saved == 0
    assert box.message.kind == "info" and "Keeping Warehouse's token" in box.message.text()
    assert not box.add_button.isEnabled()  # one at a time: its location is not taken yet
    ticks: list[int] = []
    timer = QTimer(box)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 3, timeout=5000)  # the event loop runs meanwhile
    with qtbot.waitSignal(controller.merchant_token_done, timeout=5000):
        slow.release.set()
    timer.stop()
    assert services.settings.merchants == [MerchantConfig("WH0001", 2, "Warehouse", "na")]
    assert services.secrets.get(merchant_token_name("WH0001")) == "wh-token"
    assert box.add_button.isEnabled() and box.message.kind == "ok"


def test_a_token_the_keyring_refuses_adds_no_merchant(
    qtbot: Any, monkeypatch: Any, own: Any
) -> None:
    services, controller = own
    services.secrets = SecretStore(backend=keyring.backends.fail.Keyring())
    box = MerchantsBox(controller)
    qtbot.addWidget(box)
    _filled(monkeypatch)
    with qtbot.waitSignal(controller.merchant_token_done, timeout=5000):
        box.add_merchant()
    assert services.settings.merchants == [] and services.saved == 0
    assert box.message.kind == "error" and "The token was not kept" in box.message.text()
    assert box.table.rowCount() == 1 and box.add_button.isEnabled()


def test_the_merchant_dialog_names_what_is_missing(qtbot: Any) -> None:
    dialog = MerchantDialog({1, 2})
    qtbot.addWidget(dialog)
    assert dialog.location.value() == 3  # the first location no merchant feeds
    dialog.merchant_id.setText("bad id")
    assert "letters and digits" in dialog.problem_text()
    dialog.merchant_id.setText("WH2")
    assert "API token" in dialog.problem_text()
    dialog.token.setText("t")
    dialog.location.setValue(2)
    assert "already takes another merchant's stock" in dialog.problem_text()


def test_stock_rules_are_edited_and_saved(qtbot: Any, own: Any) -> None:
    services, controller = own
    services.settings.merchants = [MerchantConfig("WH1", 2, "Warehouse")]
    page = StockRulesPage(controller)
    qtbot.addWidget(page)
    assert page.where.count() == 3  # every location, location 1, location 2
    page.where.setCurrentIndex(page.where.findData(2))
    page.kind.setCurrentText("category")
    page.add_buffer()
    assert "Type the category" in page.saved.text()
    page.name.setText("Mugs")
    page.units.setValue(3)
    page.add_buffer()
    page.units.setValue(4)
    page.add_buffer()  # the same scope: replaced, not doubled
    page.kind.setCurrentText("SKU")
    page.where.setCurrentIndex(0)
    page.name.setText("MUG-002")
    page.units.setValue(5)
    page.add_buffer()
    assert page.table.rowCount() == 2
    assert page.table.item(0, 0).text() == "Location 2 (Warehouse)"
    page.reserve.setValue(6)
    page.stale.setValue(30)
    page.mode.setCurrentIndex(page.mode.findData("zero"))
    page.save()
    stock = services.settings.stock
    assert stock.buffers == [BufferRule(4, 2, "Mugs", None), BufferRule(5, None, None, "MUG-002")]
    assert (stock.reserve_hours, stock.stale_after_minutes, stock.stale_mode) == (6, 30, "zero")
    page.table.selectRow(0)
    page.remove_buffer()
    page.save()
    assert services.settings.stock.buffers == [BufferRule(5, None, None, "MUG-002")]


def test_stock_rows_name_their_location_in_the_preview() -> None:
    row = PlanRow(
        "send-inventory-standard", "MUG-002", Outcome.UPDATE, facts={"location": "Warehouse"}
    )
    steps = COLUMNS[2]
    assert steps.text(group_items([row])[0]) == "Stock (Warehouse) ✓"


def test_the_connection_test_says_which_merchant_does_not_answer(qtbot: Any, own: Any) -> None:
    _, controller = own
    box = MerchantsBox(controller)
    qtbot.addWidget(box)
    box.show_checks([("Warehouse", None, "Clover refused the token"), ("Shop 2", "Shop", None)])
    assert box.message.property("banner") == "error"
    assert "✖ Warehouse: Clover refused the token" in box.message.text()
    assert "✔ Shop 2 answers as “Shop”." in box.message.text()
