"""Both stores' connection details for a session, from the settings, the keyring and the
environment (storage.secrets.resolve_credentials), or a message saying what to set and where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from esync_desktop.connectors.clover import CLOVER_REGIONS
from esync_desktop.storage.secrets import (
    CredentialsError,
    SecretStore,
    SecretsUnavailable,
    resolve_credentials,
)
from esync_desktop.storage.settings import Settings

BIGCOMMERCE_API = "https://api.bigcommerce.com"


class ConfigurationError(Exception):
    """A connection or setting is missing; the message says what to set and where."""


@dataclass
class StoreCredentials:
    """Where both stores are and how to sign in to them, resolved for one session."""

    clover_base_url: str
    clover_merchant_id: str
    clover_token: str
    bc_base_url: str
    bc_store_hash: str
    bc_token: str


def configured_credentials(
    settings: Settings, secrets: SecretStore, environ: Mapping[str, str]
) -> StoreCredentials:
    """The owner's stores: every id and token present, or ConfigurationError."""
    advice = (
        "Enter them on the Connections page, or set ESYNC_CLOVER_MERCHANT_ID, "
        "ESYNC_CLOVER_TOKEN, ESYNC_BC_STORE_HASH and ESYNC_BC_TOKEN (and "
        "ESYNC_CLOVER_BASE_URL, ESYNC_BC_BASE_URL for other hosts); or try the demo stores "
        "with --demo."
    )
    ids = {
        "Clover merchant id": environ.get("ESYNC_CLOVER_MERCHANT_ID")
        or settings.clover.merchant_id,
        "BigCommerce store hash": environ.get("ESYNC_BC_STORE_HASH")
        or settings.bigcommerce.store_hash,
    }
    if not all(ids.values()):
        # Without the accounts there is nothing to ask the keyring for yet.
        missing_ids = [label for label, value in ids.items() if not value]
        raise ConfigurationError(f"Missing {', '.join(missing_ids)}. {advice}")
    try:
        creds = resolve_credentials(settings, secrets, environ)
    except SecretsUnavailable as exc:
        raise ConfigurationError(f"{exc} Or try the demo stores with --demo.") from exc
    except CredentialsError as exc:
        raise ConfigurationError(f"{exc}. Correct or unset it.") from exc
    labels = {
        "clover_merchant_id": "Clover merchant id",
        "clover_token": "Clover API token",
        "bc_store_hash": "BigCommerce store hash",
        "bc_token": "BigCommerce access token",
    }
    missing = [labels.get(name, name) for name in creds.missing()]
    if missing:
        raise ConfigurationError(f"Missing {', '.join(missing)}. {advice}")
    clover_url = creds.clover_base_url or CLOVER_REGIONS.get(creds.clover_region, "")
    return StoreCredentials(
        clover_url,
        creds.clover_merchant_id,
        creds.clover_token or "",
        creds.bc_base_url or BIGCOMMERCE_API,
        creds.bc_store_hash,
        creds.bc_token or "",
    )
