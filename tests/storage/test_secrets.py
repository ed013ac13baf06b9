"""Secrets: keyring failures explained, no plaintext fallback, environment credentials winning
and never written, and a round trip through a real Secret Service keyring."""

from __future__ import annotations

import contextlib
import logging
import sys
import uuid
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import pytest
from keyring.backends import fail, null

from esync_desktop import log as esync_log
from esync_desktop.paths import app_paths
from esync_desktop.storage.secrets import (
    BC_TOKEN,
    CLOVER_TOKEN,
    SERVICE,
    Credentials,
    CredentialsError,
    SecretStore,
    SecretsUnavailable,
    resolve_credentials,
)
from esync_desktop.storage.settings import Settings, SettingsStore
from tests.conftest import IN_CI


class MemoryBackend:
    """A keyring stand-in that records calls (not a KeyringBackend subclass, so it is never
    registered as a candidate for keyring.get_keyring())."""

    def __init__(self, error: Exception | None = None) -> None:
        self.values: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []
        self.error = error

    def _maybe_fail(self, call: str) -> None:
        self.calls.append(call)
        if self.error is not None:
            raise self.error

    def get_password(self, service: str, name: str) -> str | None:
        self._maybe_fail("get")
        return self.values.get((service, name))

    def set_password(self, service: str, name: str, value: str) -> None:
        self._maybe_fail("set")
        self.values[(service, name)] = value

    def delete_password(self, service: str, name: str) -> None:
        self._maybe_fail("delete")
        if self.values.pop((service, name), None) is None:
            raise keyring.errors.PasswordDeleteError("No such password!")


def store_over(backend: Any) -> SecretStore:
    return SecretStore(backend=backend)


def test_no_keyring_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    store = store_over(fail.Keyring())
    for attempt in (lambda: store.get(CLOVER_TOKEN), lambda: store.set(BC_TOKEN, "t0ken-value")):
        with pytest.raises(SecretsUnavailable) as caught:
            attempt()
        message = str(caught.value)
        assert "Secret Service keyring such as gnome-keyring or KWallet" in message
        assert "install and unlock" in message
        assert "ESYNC_CLOVER_TOKEN" in message
        assert "t0ken-value" not in message


def test_fail_backend_chosen_by_keyring_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(SecretsUnavailable, match="No usable system keyring"):
            SecretStore().get(CLOVER_TOKEN)
    finally:
        keyring.set_keyring(previous)


def test_the_fail_backends_own_error_is_mapped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_over(MemoryBackend(keyring.errors.NoKeyringError("no backend")))
    with pytest.raises(SecretsUnavailable, match="No system keyring is available"):
        store.get(BC_TOKEN)


def test_locked_keyring_says_unlock() -> None:
    store = store_over(MemoryBackend(keyring.errors.KeyringLocked("Failed to unlock")))
    with pytest.raises(SecretsUnavailable) as caught:
        store.set(CLOVER_TOKEN, "secret-value-1")
    assert "unlock your keyring" in str(caught.value)
    assert "secret-value-1" not in str(caught.value)


def test_any_backend_failure_is_secrets_unavailable() -> None:
    store = store_over(MemoryBackend(RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")))
    with pytest.raises(SecretsUnavailable, match="ServiceUnknown"):
        store.get(CLOVER_TOKEN)


def test_null_backend_is_refused_not_silently_dropped() -> None:
    with pytest.raises(SecretsUnavailable, match=r"keyring\.backends\.null"):
        store_over(null.Keyring()).set(CLOVER_TOKEN, "value-123")


def test_store_read_delete_and_cache() -> None:
    backend = MemoryBackend()
    store = store_over(backend)
    assert SecretStore().service == SERVICE == "esync-desktop"
    assert backend.calls == []  # nothing touched until a secret is needed
    assert store.get(CLOVER_TOKEN) is None
    store.set(CLOVER_TOKEN, "  clover-secret  ")
    store.set(BC_TOKEN, "bc-secret")
    assert backend.values == {
        (SERVICE, CLOVER_TOKEN): "clover-secret",
        (SERVICE, BC_TOKEN): "bc-secret",
    }
    calls = len(backend.calls)
    assert store.get(CLOVER_TOKEN) == "clover-secret"
    assert len(backend.calls) == calls  # read once, then held in memory
    assert store.delete(BC_TOKEN) is True
    assert store.delete(BC_TOKEN) is False
    assert store.get(BC_TOKEN) is None
    with pytest.raises(ValueError, match="unknown secret"):
        store.get("password")
    with pytest.raises(ValueError, match="empty"):
        store.set(BC_TOKEN, "  ")


def test_environment_wins_and_keyring_is_not_touched() -> None:
    settings = Settings()
    settings.clover.merchant_id = "STORED-MID"
    settings.bigcommerce.store_hash = "stored"
    backend = MemoryBackend(keyring.errors.NoKeyringError("would fail"))
    environ = {
        "ESYNC_CLOVER_TOKEN": "env-clover-token-1",
        "ESYNC_BC_TOKEN": "env-bc-token-2",
        "ESYNC_BC_STORE_HASH": "envhash",
        "ESYNC_CLOVER_BASE_URL": "http://127.0.0.1:9999/",
        "ESYNC_BC_BASE_URL": "",  # empty is unset
    }
    creds = resolve_credentials(settings, store_over(backend), environ)
    assert backend.calls == []
    assert creds.clover_token == "env-clover-token-1"
    assert creds.bc_token == "env-bc-token-2"
    assert creds.bc_store_hash == "envhash"
    assert creds.clover_merchant_id == "STORED-MID"
    assert creds.clover_base_url == "http://127.0.0.1:9999"
    assert creds.bc_base_url is None
    assert creds.sources["clover_token"] == "environment"
    assert creds.sources["clover_merchant_id"] == "settings"
    assert creds.sources["bc_base_url"] == "default"
    assert sorted(creds.from_environment()) == [
        "bc_store_hash",
        "bc_token",
        "clover_base_url",
        "clover_token",
    ]
    assert creds.missing() == []
    # Settings are not changed by what the environment gave.
    assert settings.bigcommerce.store_hash == "stored"
    assert settings.clover.base_url is None
    for shown in (repr(creds), str(creds)):
        assert "env-clover-token-1" not in shown and "env-bc-token-2" not in shown
        assert "<set>" in shown


@pytest.mark.parametrize(
    "url", ["http://shop.example.com", "ftp://127.0.0.1", "https://", "http://127.0.0.1:x"]
)
def test_environment_urls_that_would_leak_a_token_are_refused(url: str) -> None:
    with pytest.raises(CredentialsError, match="ESYNC_BC_BASE_URL"):
        resolve_credentials(
            Settings(), None, {"ESYNC_BC_BASE_URL": url, "ESYNC_BC_TOKEN": "tok-123456"}
        )


def test_stored_tokens_used_when_environment_has_none() -> None:
    backend = MemoryBackend()
    backend.values[(SERVICE, CLOVER_TOKEN)] = "stored-clover"
    creds = resolve_credentials(Settings(), store_over(backend), {})
    assert creds.clover_token == "stored-clover"
    assert creds.sources["clover_token"] == "keyring"
    assert creds.bc_token is None and creds.sources["bc_token"] == "missing"
    assert creds.missing() == ["clover_merchant_id", "bc_store_hash", "bc_token"]
    with pytest.raises(SecretsUnavailable):
        resolve_credentials(Settings(), store_over(fail.Keyring()), {})


def test_environment_credentials_are_never_written(esync_home: Path) -> None:
    tokens = ["env-only-clover-4f1c", "env-only-bc-9a2e"]
    ids = ["ENVMID777", "envstorehash55"]
    environ = {
        "ESYNC_CLOVER_TOKEN": tokens[0],
        "ESYNC_BC_TOKEN": tokens[1],
        "ESYNC_CLOVER_MERCHANT_ID": ids[0],
        "ESYNC_BC_STORE_HASH": ids[1],
    }
    esync_log.reset_logging()
    paths = app_paths().ensure()
    setup = esync_log.configure_logging(paths, level=logging.DEBUG)
    try:
        store = SettingsStore(paths.settings_file)
        settings, _ = store.load()
        creds = resolve_credentials(settings, store_over(MemoryBackend()), environ)
        logging.getLogger("esync_desktop.test").info("using %r, token %s", creds, creds.bc_token)
        store.save(settings)
    finally:
        esync_log.reset_logging()
    assert setup.log_file is not None and setup.log_file.exists()
    written = [p for p in esync_home.rglob("*") if p.is_file()]
    assert paths.settings_file in written
    for path in written:
        data = path.read_bytes()
        for token in tokens:
            assert token.encode() not in data, f"{token} written to {path}"
    # The ids are not secret (the log may name them) but are never saved as settings.
    saved = paths.settings_file.read_text()
    assert not any(value in saved for value in ids)


def test_credentials_repr_without_tokens() -> None:
    creds = Credentials("na", None, "M", "tok-123456", None, "h", None, {})
    assert "tok-123456" not in repr(creds)
    assert "bc_token=None" in repr(creds)


def _real_keyring_or_skip() -> None:
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name == "keyring.backends.SecretService.Keyring":
        return
    reason = (
        f"no Secret Service keyring reachable (keyring chose {name}); "
        "run under tests/run.sh (dbus-run-session + gnome-keyring)"
    )
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.mark.keyring
def test_real_secret_service_round_trip() -> None:
    _real_keyring_or_skip()
    # A service of its own, so a developer's real eSync tokens are never touched.
    service = f"{SERVICE}-test-{uuid.uuid4().hex[:8]}"
    store = SecretStore(service=service)
    assert store.backend_name == "keyring.backends.SecretService.Keyring"
    try:
        assert store.get(CLOVER_TOKEN) is None
        store.set(CLOVER_TOKEN, "real-clover-token-é")
        store.set(BC_TOKEN, "real-bc-token")
        # A fresh store reads them back from the keyring, one entry per name.
        again = SecretStore(service=service)
        assert again.get(CLOVER_TOKEN) == "real-clover-token-é"
        assert again.get(BC_TOKEN) == "real-bc-token"
        assert keyring.get_password(service, CLOVER_TOKEN) == "real-clover-token-é"
        assert keyring.get_password(service, BC_TOKEN) == "real-bc-token"
        store.set(BC_TOKEN, "replaced-bc-token")
        assert SecretStore(service=service).get(BC_TOKEN) == "replaced-bc-token"
        assert store.delete(CLOVER_TOKEN) is True
        assert store.delete(CLOVER_TOKEN) is False
        assert SecretStore(service=service).get(CLOVER_TOKEN) is None
        assert keyring.get_password(service, CLOVER_TOKEN) is None
    finally:
        for name in (CLOVER_TOKEN, BC_TOKEN):
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(service, name)
