"""Both stores' connection details for a session, from the settings, the keyring and the
environment (storage.secrets.resolve_credentials), or a message saying what to set and where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from esync_desktop.connectors.clover import CLOVER_REGIONS
from esync_desktop.log import register_secret
from esync_desktop.storage.secrets import (
    CredentialsError,
    SecretStore,
    SecretsUnavailable,
    merchant_token_env,
    merchant_token_name,
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


@dataclass(frozen=True)
class MerchantCredentials:
    """One Clover merchant whose stock feeds one BigCommerce location."""

    merchant_id: str
    name: str
    base_url: str
    token: str
    location_id: int

    @property
    def title(self) -> str:
        return self.name or f"Clover {self.merchant_id}"


def merchant_credentials(
    settings: Settings, secrets: SecretStore, environ: Mapping[str, str], first: StoreCredentials
) -> list[MerchantCredentials]:
    """Every merchant of the profile with its location: the first is the connection's own
    (`first`), the others each with its own token (its ESYNC_CLOVER_TOKEN_<ID> variable, else
    the keyring), or ConfigurationError naming the merchant whose token is missing."""
    found = [
        MerchantCredentials(
            first.clover_merchant_id,
            settings.clover.name,
            first.clover_base_url,
            first.clover_token,
            settings.location_id,
        )
    ]
    for merchant in settings.merchants:
        token = (environ.get(merchant_token_env(merchant.merchant_id)) or "").strip()
        if token:
            register_secret(token)
        else:
            try:
                token = secrets.get(merchant_token_name(merchant.merchant_id)) or ""
            except SecretsUnavailable as exc:
                raise ConfigurationError(f"{exc} Or try the demo stores with --demo.") from exc
        title = merchant.name or merchant.merchant_id
        if not token:
            raise ConfigurationError(
                f"Missing the Clover API token of merchant {title} ({merchant.merchant_id}). "
                f"Enter it on the Connections page, or with `esync-desktop merchants add "
                f"{merchant.merchant_id} --location {merchant.location_id} --token-stdin`."
            )
        base = merchant.base_url or CLOVER_REGIONS.get(merchant.region, "")
        found.append(
            MerchantCredentials(
                merchant.merchant_id, merchant.name, base, token, merchant.location_id
            )
        )
    return found
