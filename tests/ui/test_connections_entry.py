"""Connections as the owner types them: formats checked at once, a "Where do I find this?" per
field, the API address, and nothing saved until both stores answer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from esync_desktop.storage.secrets import BC_TOKEN, CLOVER_TOKEN
from esync_desktop.ui.main_window import WEIGHTS
from esync_desktop.ui.pages.connections import WHERE

WRONG_TOKEN = "wrong-token-0123456789"


def test_a_short_merchant_id_is_named_as_it_is_typed(gui) -> None:
    page = gui.window.connections
    QTest.keyClicks(page.merchant_id, "abc123")
    problem = page.merchant_field.problem
    assert problem.isVisibleTo(page) and "13 capital letters and digits" in problem.text()
    assert page.merchant_id.property("invalid") is True
    assert not page.test_button.isEnabled() and not page.save_button.isEnabled()
    page.test_button.click()  # disabled: no network wait, no job
    assert not gui.controller.busy
    page.merchant_id.clear()
    QTest.keyClicks(page.merchant_id, "4QZ1X2Y3Z4W5V")
    assert not problem.isVisibleTo(page) and page.merchant_id.property("invalid") is False
    assert page.test_button.isEnabled() and page.save_button.isEnabled()


def test_store_hash_formats(gui) -> None:
    page = gui.window.connections
    QTest.keyClicks(page.store_hash, "ABC123")
    assert "small letters" in page.store_hash_field.problem.text()
    page.store_hash.clear()
    QTest.keyClicks(page.store_hash, "abc-123!")
    assert "after /stores/" in page.store_hash_field.problem.text()
    page.store_hash.clear()
    # The API path BigCommerce shows, pasted whole: the hash is taken out of it.
    QTest.keyClicks(page.store_hash, "https://api.bigcommerce.com/stores/e5ffb2ac2b/v3/")
    assert not page.store_hash_field.problem.isVisibleTo(page)
    QTest.keyClick(page.store_hash, Qt.Key.Key_Return)
    assert page.store_hash.text() == "e5ffb2ac2b"
    assert not page.store_hash_field.problem.isVisibleTo(page)


def test_an_api_address_that_would_send_a_token_in_clear_is_refused(gui) -> None:
    page = gui.window.connections
    QTest.keyClicks(page.bc_url, "http://proxy.example.com")
    assert "https://" in page.bc_url_field.problem.text()
    assert not page.save_button.isEnabled()


def test_every_field_says_where_to_find_it(gui, notices) -> None:
    page = gui.window.connections
    for field in page.fields:
        assert field.where.isVisibleTo(page)
        field.where.linkActivated.emit("#")
        title, text = WHERE[field.key]
        assert notices.shown[-1] == ("info", title, text)


def _type_stores(page: Any, info: dict[str, Any], clover_token: str) -> None:
    """The sandbox's details typed in, as the owner's own stores (at their API addresses)."""
    QTest.keyClicks(page.merchant_id, info["clover_merchant_id"])
    QTest.keyClicks(page.clover_url, info["url"])
    QTest.keyClicks(page.clover_token, clover_token)
    QTest.keyClicks(page.store_hash, info["bc_store_hash"])
    QTest.keyClicks(page.bc_url, info["url"])
    QTest.keyClicks(page.bc_token, info["bc_token"])


def test_nothing_is_saved_until_both_stores_answer(gui, qtbot, sandbox) -> None:
    info = sandbox.describe()
    page = gui.window.connections
    secrets = gui.services.secrets
    _type_stores(page, info, WRONG_TOKEN)
    with qtbot.waitSignal(gui.controller.connections_tested, timeout=30_000):
        page.test_button.click()
    assert page.clover_status.kind == "error" and page.bc_status.kind == "ok"
    assert "Nothing was saved" in page.status.text()
    assert secrets.get(CLOVER_TOKEN) is None and secrets.get(BC_TOKEN) is None
    assert gui.services.settings.clover.merchant_id == ""
    # Correcting the Clover token clears what was said about the wrong one.
    page.clover_token.clear()
    QTest.keyClicks(page.clover_token, info["clover_token"])
    assert not page.clover_status.isVisibleTo(page)
    with qtbot.waitSignal(gui.controller.secrets_saved, timeout=30_000):
        page.test_button.click()
    assert page.clover_status.kind == "ok" and page.bc_status.kind == "ok"
    assert secrets.get(CLOVER_TOKEN) == info["clover_token"]
    assert secrets.get(BC_TOKEN) == info["bc_token"]
    saved = gui.services.settings
    assert saved.clover.merchant_id == info["clover_merchant_id"]
    assert saved.clover.base_url == saved.bigcommerce.base_url == info["url"]
    assert page.status.text() == "Saved. Both stores answer; the tokens are in your keyring."
    # The saved details test as they were typed.
    assert gui.services.test_connections().ok


def test_leaving_the_demo_reaches_the_own_stores_without_a_restart(gui, qtbot, sandbox) -> None:
    """From the demo stores to the owner's own (the sandbox stands in for them): the very next
    test goes to the stores typed in, not to the demo's."""
    window, controller = gui.window, gui.controller
    with qtbot.waitSignal(controller.connections_tested, timeout=60_000):
        window.welcome.demo_button.click()
    page = window.connections
    assert page.clover_status.kind == "ok" and not page.merchant_id.isEnabled()
    page.leave_demo_button.click()
    assert not page.clover_status.isVisibleTo(page)  # what was said of the demo stores
    sandbox.reset_counters()
    info = sandbox.describe()
    _type_stores(page, info, info["clover_token"])
    with qtbot.waitSignal(controller.connections_tested, timeout=30_000):
        page.test_button.click()
    reached = sandbox.counter_snapshot()
    assert reached["clover"]["total"] > 0 and reached["bigcommerce"]["total"] > 0
    assert page.clover_status.kind == "ok" and page.bc_status.kind == "ok"
    qtbot.waitUntil(lambda: page.status.text().startswith("Saved."), timeout=30_000)
    assert not gui.services.demo_running and gui.services.settings.demo is False
    assert gui.services.settings.clover.merchant_id == info["clover_merchant_id"]


def test_save_clears_what_was_said_about_the_old_details(gui, qtbot) -> None:
    page = gui.window.connections
    with qtbot.waitSignal(gui.controller.connections_tested, timeout=15_000):
        page.test_button.click()
    assert page.clover_status.kind == "error" and page.bc_status.kind == "error"
    QTest.keyClicks(page.merchant_id, "4QZ1X2Y3Z4W5V")
    assert not page.clover_status.isVisibleTo(page)  # its details changed
    assert page.bc_status.isVisibleTo(page)
    page.save_button.click()
    assert page.status.text() == "Saved."
    assert not page.clover_status.isVisibleTo(page) and not page.bc_status.isVisibleTo(page)


def test_the_weight_rules_name_the_stores_weight_unit(gui, qtbot, sandbox) -> None:
    info = sandbox.describe()
    gui.services.environ = {
        "ESYNC_CLOVER_BASE_URL": info["url"],
        "ESYNC_CLOVER_MERCHANT_ID": info["clover_merchant_id"],
        "ESYNC_CLOVER_TOKEN": info["clover_token"],
        "ESYNC_BC_BASE_URL": info["url"],
        "ESYNC_BC_STORE_HASH": info["bc_store_hash"],
        "ESYNC_BC_TOKEN": info["bc_token"],
    }
    gui.services.settings.clover.merchant_id = info["clover_merchant_id"]
    gui.services.settings.bigcommerce.store_hash = info["bc_store_hash"]
    page = gui.window.weights
    with qtbot.waitSignal(gui.controller.weight_unit_loaded, timeout=30_000):
        gui.window.show()
        gui.window.show_page(WEIGHTS)
    # The sandbox store's store_info says "Ounces".
    assert "<b>ounces (oz)</b>" in page.unit_label.text()
