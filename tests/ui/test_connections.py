"""Connections: a failing connection says what is wrong; tokens go to the keyring or nowhere."""

from __future__ import annotations

import uuid

import keyring
import keyring.backends.fail
import pytest

from esync_desktop.storage.secrets import BC_TOKEN, CLOVER_TOKEN, SecretStore
from esync_desktop.ui.main_window import CONNECTIONS
from tests.conftest import IN_CI

WRONG_TOKEN = "wrong-token-0123456789"


def _files_containing(root, needle: str) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def _connections_at(url: str) -> dict[str, str]:
    """Both stores at `url` with a wrong token, set through the environment as a script would."""
    return {
        "ESYNC_CLOVER_BASE_URL": url,
        "ESYNC_CLOVER_MERCHANT_ID": "ESYNCDEMO0001",
        "ESYNC_CLOVER_TOKEN": WRONG_TOKEN,
        "ESYNC_BC_BASE_URL": url,
        "ESYNC_BC_STORE_HASH": "esd3m0",
        "ESYNC_BC_TOKEN": WRONG_TOKEN,
    }


def test_wrong_clover_token_shows_what_to_do(gui, qtbot, sandbox) -> None:
    """Through the environment (as a script would set it), so no keyring is needed."""
    gui.services.environ = _connections_at(sandbox.url)
    page = gui.window.connections
    gui.window.show_page(CONNECTIONS)
    with qtbot.waitSignal(gui.controller.connections_tested, timeout=15_000):
        page.test_button.click()
    assert page.clover_status.kind == "error"
    text = page.clover_status.text()
    assert "Clover" in text and "token" in text.lower()
    assert WRONG_TOKEN not in text
    assert "Fix what is marked above" in page.status.text()


def test_missing_connection_says_what_to_enter(gui, qtbot) -> None:
    page = gui.window.connections
    with qtbot.waitSignal(gui.controller.connections_tested, timeout=15_000):
        page.test_button.click()
    assert "Merchant" in page.clover_status.text() or "merchant" in page.clover_status.text()
    assert page.clover_status.kind == "error"


def test_no_keyring_says_so_and_saves_nothing(gui, qtbot, esync_home) -> None:
    gui.services.secrets = SecretStore(backend=keyring.backends.fail.Keyring())
    page = gui.window.connections
    page.load()
    # The window's first keyring read (before the swap) may answer first: wait for this one.
    qtbot.waitUntil(lambda: page.keyring_banner.isVisibleTo(page), timeout=5000)
    assert "keyring" in page.keyring_banner.text().lower()
    assert "gnome-keyring" in page.keyring_banner.text()
    page.merchant_id.setText("MERCHANT1ABCD")
    page.clover_token.setText("secret-clover-token-42")
    with qtbot.waitSignal(gui.controller.secrets_failed, timeout=5000):
        page.save_button.click()
    assert page.keyring_banner.kind == "error"
    assert "not saved" in page.status.text()
    assert gui.services.settings.clover.merchant_id == "MERCHANT1ABCD"
    assert _files_containing(esync_home, "secret-clover-token-42") == []


def _secret_service_or_skip() -> None:
    backend = keyring.get_keyring()
    if "SecretService" not in type(backend).__module__:
        reason = f"no Secret Service keyring in this session (backend {type(backend).__module__})"
        if IN_CI:
            pytest.fail(reason + "; tests/run.sh starts one under dbus-run-session")
        pytest.skip(reason)


@pytest.mark.keyring
def test_tokens_go_to_the_real_keyring_and_back(gui, qtbot, esync_home) -> None:
    _secret_service_or_skip()
    # A service of its own: parallel test workers share one keyring daemon.
    service = f"esync-desktop-test-{uuid.uuid4().hex[:8]}"
    gui.services.secrets = SecretStore(service=service)
    page = gui.window.connections
    page.merchant_id.setText("MERCHANT1ABCD")
    page.store_hash.setText("abc123")
    page.clover_token.setText("clover-token-in-keyring-1")
    page.bc_token.setText("bc-token-in-keyring-2")
    with qtbot.waitSignal(gui.controller.secrets_saved, timeout=10_000):
        page.save_button.click()
    assert page.clover_token.text() == "" and "stored" in page.clover_token.placeholderText()
    fresh = SecretStore(service=service)
    assert fresh.get(CLOVER_TOKEN) == "clover-token-in-keyring-1"
    assert fresh.get(BC_TOKEN) == "bc-token-in-keyring-2"
    assert _files_containing(esync_home, "token-in-keyring") == []
    # An emptied field leaves the token alone; delete goes through the store.
    with qtbot.waitSignal(gui.controller.secrets_saved, timeout=10_000):
        gui.controller.save_secrets("", "")
    assert SecretStore(service=service).get(CLOVER_TOKEN) is None


def test_a_store_that_cannot_be_reached_says_check_the_network(gui, qtbot) -> None:
    """A real closed loopback port: the connection is refused as with no network."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    gui.services.environ = _connections_at(closed)
    page = gui.window.connections
    gui.window.show_page(CONNECTIONS)
    with qtbot.waitSignal(gui.controller.connections_tested, timeout=60_000):
        page.test_button.click()
    for status, store in ((page.clover_status, "Clover"), (page.bc_status, "BigCommerce")):
        text = status.text()
        assert status.kind == "error", text
        assert store in text and "reach" in text.lower(), text
        assert "internet connection" in text.lower(), text
        assert "token" not in text.lower(), text  # not mistaken for a credentials problem
        assert "refused" in text and "Errno" not in text and "ConnectError" not in text, text
