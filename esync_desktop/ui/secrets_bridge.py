"""Keyring reads and writes for the Connections page, run in a background job (a locked keyring
can block while it asks to be unlocked). Token values never leave this module towards widgets:
the page learns only whether each token is stored."""

from __future__ import annotations

from dataclasses import dataclass

from esync_desktop.storage.secrets import (
    BC_TOKEN,
    CLOVER_TOKEN,
    SecretsUnavailable,
    merchant_token_name,
)
from esync_desktop.ui.window_services import WindowServices


@dataclass(frozen=True)
class SecretsState:
    clover_token_set: bool
    bc_token_set: bool
    # The keyring's message when it cannot be used (what to install or unlock); "" when fine.
    unavailable: str = ""


def load_state(services: WindowServices) -> SecretsState:
    secrets = services.secrets
    try:
        return SecretsState(bool(secrets.get(CLOVER_TOKEN)), bool(secrets.get(BC_TOKEN)))
    except SecretsUnavailable as exc:
        return SecretsState(False, False, str(exc))


def save(services: WindowServices, clover_token: str | None, bc_token: str | None) -> None:
    """None keeps the stored token, "" deletes it; raises SecretsUnavailable, never falls back."""
    secrets = services.secrets
    for name, value in ((CLOVER_TOKEN, clover_token), (BC_TOKEN, bc_token)):
        if value is None:
            continue
        if value.strip():
            secrets.set(name, value)
        else:
            secrets.delete(name)


def save_merchant_token(services: WindowServices, merchant_id: str, token: str) -> None:
    """A further Clover merchant's token ("" deletes it); raises SecretsUnavailable or
    ValueError, never falls back."""
    name = merchant_token_name(merchant_id)
    if token.strip():
        services.secrets.set(name, token.strip())
    else:
        services.secrets.delete(name)
