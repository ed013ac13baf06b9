"""API tokens in the OS keyring (never in a file), and the credentials a run uses."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import keyring
import keyring.backend
import keyring.errors

from esync_desktop.log import register_secret
from esync_desktop.storage.settings_codec import safe_base_url
from esync_desktop.storage.settings_model import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

SERVICE = "esync-desktop"
CLOVER_TOKEN = "clover_token"
BC_TOKEN = "bc_token"
SECRET_NAMES = (CLOVER_TOKEN, BC_TOKEN)
_MERCHANT_TOKEN = re.compile(r"^clover_token:[A-Za-z0-9]{1,64}$")

ENV_CLOVER_BASE_URL = "ESYNC_CLOVER_BASE_URL"
ENV_CLOVER_MERCHANT_ID = "ESYNC_CLOVER_MERCHANT_ID"
ENV_CLOVER_TOKEN = "ESYNC_CLOVER_TOKEN"
ENV_BC_BASE_URL = "ESYNC_BC_BASE_URL"
ENV_BC_STORE_HASH = "ESYNC_BC_STORE_HASH"
ENV_BC_TOKEN = "ESYNC_BC_TOKEN"

# Backends that do not keep a secret safely: `fail` and `null` keep nothing, and the keyrings.alt
# file backends write it to disk (in plain text or under a console password prompt).
_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class CredentialsError(ValueError):
    """A credential given in the environment cannot be used; the message names the variable."""


class SecretsUnavailable(RuntimeError):
    """The OS keyring cannot be used; the message says what to install or unlock."""


def keyring_advice() -> str:
    """What the user of this platform needs for tokens to be stored."""
    if sys.platform == "darwin":
        need = "allow eSync Desktop to use the macOS Keychain (unlock it in Keychain Access)"
    elif sys.platform == "win32":
        need = "make sure Windows Credential Manager is available to your account"
    else:
        need = (
            "install and unlock a Secret Service keyring such as gnome-keyring or KWallet "
            "(in a desktop session with D-Bus running)"
        )
    return f"{need}; or, for scripts, set {ENV_CLOVER_TOKEN} and {ENV_BC_TOKEN} in the environment"


class SecretStore:
    """Tokens under service `esync-desktop`, one keyring entry per name. The backend is chosen
    on first use (not at start-up, which may be before the desktop's keyring is up), under a
    lock; values read are kept in memory and registered with the log redaction."""

    def __init__(
        self, service: str = SERVICE, backend: keyring.backend.KeyringBackend | None = None
    ) -> None:
        self.service = service
        self._backend = backend
        self._lock = threading.RLock()
        self._cache: dict[str, str | None] = {}

    @property
    def backend_name(self) -> str:
        """The keyring backend in use, e.g. `keyring.backends.SecretService.Keyring`."""
        with self._lock:
            backend = self._resolve()
            return f"{type(backend).__module__}.{type(backend).__name__}"

    def get(self, name: str) -> str | None:
        """The stored secret, or None when none is stored."""
        _check_name(name)
        with self._lock:
            if name not in self._cache:
                value = self._call("read", lambda b: b.get_password(self.service, name))
                register_secret(value)
                self._cache[name] = value
            return self._cache[name]

    def set(self, name: str, value: str) -> None:
        """Store a secret (replacing any earlier one). An empty value is refused: use delete()."""
        _check_name(name)
        if not value or not value.strip():
            raise ValueError(f"an empty {name} cannot be stored; delete it instead")
        value = value.strip()
        register_secret(value)
        with self._lock:
            self._call("store", lambda b: b.set_password(self.service, name, value))
            self._cache[name] = value
        log.info("%s stored in the keyring", name)

    def delete(self, name: str) -> bool:
        """Remove a secret; False when there was none."""
        _check_name(name)
        with self._lock:
            self._cache.pop(name, None)
            # Backends raise PasswordDeleteError for a missing entry as for a real failure, so
            # look first: only an entry that exists is deleted, and its failure is reported.
            if self._call("read", lambda b: b.get_password(self.service, name)) is None:
                return False
            self._call("delete", lambda b: b.delete_password(self.service, name))
        log.info("%s deleted from the keyring", name)
        return True

    def forget(self) -> None:
        """Drop the values held in memory; the next get() reads the keyring again."""
        with self._lock:
            self._cache.clear()

    def _resolve(self) -> keyring.backend.KeyringBackend:
        if self._backend is None:
            try:
                self._backend = keyring.get_keyring()
            except Exception as exc:  # a broken keyring configuration is a keyring failure
                raise SecretsUnavailable(
                    f"The keyring could not be set up ({exc}). To store tokens, {keyring_advice()}."
                ) from exc
        return self._backend

    def _call(self, verb: str, operation: Callable[[keyring.backend.KeyringBackend], T]) -> T:
        backend = self._resolve()
        module = type(backend).__module__
        if module.startswith(_REFUSED_MODULES):
            raise SecretsUnavailable(
                f"No usable system keyring was found (keyring backend {module}). "
                f"To store tokens, {keyring_advice()}."
            )
        try:
            return operation(backend)
        except keyring.errors.KeyringLocked as exc:
            raise SecretsUnavailable(
                f"Your keyring is locked, so the tokens could not be {_past(verb)}: unlock your "
                f"keyring (log in to the desktop, or open your keyring manager and unlock it), "
                f"then try again."
            ) from exc
        except keyring.errors.NoKeyringError as exc:
            raise SecretsUnavailable(
                f"No system keyring is available, so the tokens could not be {_past(verb)}. "
                f"To store tokens, {keyring_advice()}."
            ) from exc
        except Exception as exc:
            # Backends also raise their own errors (D-Bus, Secret Service, Keychain): whatever
            # it is, the token was not kept, and the user must know it.
            raise SecretsUnavailable(
                f"The keyring failed, so the tokens could not be {_past(verb)} "
                f"({type(exc).__name__}: {exc}). Make sure it is running and unlocked; "
                f"otherwise {keyring_advice()}."
            ) from exc


def _past(verb: str) -> str:
    return {"read": "read", "store": "stored", "delete": "deleted"}[verb]


def merchant_token_name(merchant_id: str) -> str:
    """The keyring entry of a further Clover merchant's token (the first one's is
    CLOVER_TOKEN)."""
    return f"{CLOVER_TOKEN}:{merchant_id.strip()}"


def merchant_token_env(merchant_id: str) -> str:
    """The environment variable that gives a further merchant's token (scripts, CI)."""
    return f"{ENV_CLOVER_TOKEN}_{merchant_id.strip().upper()}"


def _check_name(name: str) -> None:
    if name in SECRET_NAMES or _MERCHANT_TOKEN.match(name):
        return
    raise ValueError(
        f"unknown secret {name!r}; known: {', '.join(SECRET_NAMES)}, {CLOVER_TOKEN}:<merchant id>"
    )


@dataclass(frozen=True)
class Credentials:
    """What the connectors need. A None base URL means the vendor's own (for Clover, the one of
    `clover_region`). `sources` says where each value came from: environment, settings,
    keyring, default or missing. Tokens are never shown by repr()."""

    clover_region: str
    clover_base_url: str | None
    clover_merchant_id: str
    clover_token: str | None = field(repr=False)
    bc_base_url: str | None
    bc_store_hash: str
    bc_token: str | None = field(repr=False)
    sources: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("clover_region", "clover_base_url", "clover_merchant_id")
        )
        shown += f", clover_token={'<set>' if self.clover_token else None}"
        shown += f", bc_base_url={self.bc_base_url!r}, bc_store_hash={self.bc_store_hash!r}"
        shown += f", bc_token={'<set>' if self.bc_token else None}"
        return f"Credentials({shown}, sources={dict(self.sources)!r})"

    def from_environment(self) -> list[str]:
        """The fields the environment supplied."""
        return [name for name, source in self.sources.items() if source == "environment"]

    def missing(self) -> list[str]:
        """The fields a connection still needs (the base URLs have vendor defaults)."""
        needed = ("clover_merchant_id", "clover_token", "bc_store_hash", "bc_token")
        return [name for name in needed if not getattr(self, name)]


def resolve_credentials(
    settings: Settings, secrets: SecretStore | None, environ: Mapping[str, str]
) -> Credentials:
    """Environment variables win over stored values and are never written anywhere. The keyring
    is only read for a token the environment does not give (so scripts and CI run without one);
    it raises SecretsUnavailable when it is needed and cannot be used. A base URL from the
    environment that would send a token in clear raises CredentialsError."""
    sources: dict[str, str] = {}

    def pick(name: str, env: str, stored: str | None, absent: str = "missing") -> str | None:
        value = (environ.get(env) or "").strip()
        if value and name.endswith("_base_url") and safe_base_url(value) is None:
            raise CredentialsError(
                f"{env}={value!r} cannot be used: a token is only sent over https://, or over "
                f"http:// to this machine (localhost, 127.0.0.1)"
            )
        if value:
            sources[name] = "environment"
            return safe_base_url(value) if name.endswith("_base_url") else value
        sources[name] = "settings" if stored else absent
        return stored or None

    def token(name: str, env: str, secret: str) -> str | None:
        value = (environ.get(env) or "").strip()
        if value:
            register_secret(value)
            sources[name] = "environment"
            return value
        stored = secrets.get(secret) if secrets is not None else None
        sources[name] = "keyring" if stored else "missing"
        return stored

    return Credentials(
        clover_region=settings.clover.region,
        clover_base_url=pick(
            "clover_base_url", ENV_CLOVER_BASE_URL, settings.clover.base_url, "default"
        ),
        clover_merchant_id=pick(
            "clover_merchant_id", ENV_CLOVER_MERCHANT_ID, settings.clover.merchant_id
        )
        or "",
        clover_token=token("clover_token", ENV_CLOVER_TOKEN, CLOVER_TOKEN),
        bc_base_url=pick("bc_base_url", ENV_BC_BASE_URL, settings.bigcommerce.base_url, "default"),
        bc_store_hash=pick("bc_store_hash", ENV_BC_STORE_HASH, settings.bigcommerce.store_hash)
        or "",
        bc_token=token("bc_token", ENV_BC_TOKEN, BC_TOKEN),
        sources=sources,
    )
