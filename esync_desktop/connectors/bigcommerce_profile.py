"""BigCommerce's side of the HTTP layer: quota headers, 429 waits and error wording with fields."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx

from esync_desktop.connectors.errors import (
    ApiError,
    AuthError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from esync_desktop.connectors.http import Failure
from esync_desktop.connectors.pacing import Pacer, PacingConfig
from esync_desktop.connectors.profile_wording import (
    error_fields,
    server_error,
    unexpected,
    unreachable,
)
from esync_desktop.domain.money import decimal_of

# Standard/Plus plans allow 150 requests per 30 s (bigcommerce.md §4): 5/s until the headers
# say otherwise; a bigger plan's headers may raise it up to `max_rate`.
BIGCOMMERCE_PACING = PacingConfig(rate=5.0, burst=5, max_in_flight=3, max_rate=20.0)
# Stop and wait for the window to reset when fewer than this share of the quota is left.
LOW_WATER_SHARE = 0.1
RECHECK = "looks it up"  # what is done before a change that may have been made is sent again


def _number(headers: httpx.Headers, name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _title(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("data"), list) and body["data"]:
        body = body["data"][0]  # refunds wrap their errors in `data`
    if isinstance(body, list) and body:
        body = body[0]  # v2: [{"status": 404, "message": "..."}]
    if isinstance(body, dict):
        return str(body.get("title") or body.get("message") or "").strip()
    return str(body or "").strip()[:300]


def field_errors(body: Any) -> dict[str, str]:
    """The v3 `errors` member: field name -> the store's message."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict):
        return {}
    out: dict[str, str] = {}
    for name, value in errors.items():
        out[str(name)] = value if isinstance(value, str) else json.dumps(value, default=str)
    return out


class BigCommerceProfile:
    """Wording and header rules for one BigCommerce store."""

    name = "bigcommerce"
    label = "BigCommerce"
    # A 429 without quota headers is load on the store's platform: back off at least a second.
    min_429_wait = 1.0

    def __init__(self, store_hash: str, base_url: str) -> None:
        self.store_hash = store_hash
        self.base_url = base_url

    def parse_float(self, text: str) -> Any:
        return decimal_of(text)  # money is never a float

    def retry_hint(self, status: int, headers: httpx.Headers) -> float | None:
        # Every answer carries the window's reset time; it only says when to retry a 429.
        if status == 429:
            reset_ms = _number(headers, "X-Rate-Limit-Time-Reset-Ms")
            if reset_ms is not None:
                return reset_ms / 1000
        for name in ("X-Retry-After", "Retry-After"):
            seconds = _number(headers, name)
            if seconds is not None:
                return seconds
        return None

    def observe(self, headers: httpx.Headers, pacer: Pacer) -> None:
        quota = _number(headers, "X-Rate-Limit-Requests-Quota")
        window_ms = _number(headers, "X-Rate-Limit-Time-Window-Ms")
        if quota and window_ms:
            pacer.set_rate(quota / (window_ms / 1000))
        left = _number(headers, "X-Rate-Limit-Requests-Left")
        reset_ms = _number(headers, "X-Rate-Limit-Time-Reset-Ms")
        pacer.note_quota(quota, left)
        if left is None or reset_ms is None:
            return
        low_water = max(pacer.config.max_in_flight, (quota or 0) * LOW_WATER_SHARE)
        if left <= low_water:
            # The quota is shared by every app of the store: let the window refill.
            pacer.hold(reset_ms / 1000)

    def unreachable(self, method: str, path: str, reason: str, maybe_applied: bool) -> str:
        return unreachable(
            self.label, self.base_url, method, path, reason, maybe_applied,
            recheck=RECHECK, setting="BigCommerce address",
        )  # fmt: skip

    def error(self, failure: Failure) -> ApiError:
        status, said = failure.status, _title(failure.body)
        fields = field_errors(failure.body)
        listed = "; ".join(f"{k}: {v}" for k, v in fields.items())
        named = f" ({listed})" if listed else ""
        what = (listed or said or "invalid request").rstrip(".")
        common = error_fields(self.name, failure)
        store = self.store_hash
        if status == 401:
            return AuthError(
                "BigCommerce refused the access token",
                f"BigCommerce rejected the access token for store {store}. Check the store hash "
                "and the access token in Connections, or create a new store-level API account "
                "in the BigCommerce control panel (Settings > API > Store-level API accounts).",
                **common,
            )
        if status == 403:
            return AuthError(
                "The BigCommerce token lacks a permission",
                f"BigCommerce store {store} refused {failure.method} {failure.path}"
                f"{': ' + said if said else ''}. Create a store-level API account with Products "
                "and Store Inventory set to modify, Store Locations and Information & Settings "
                "set to read-only, and enter its token in Connections.",
                **common,
            )
        if status == 404:
            return NotFoundError(
                "Not found in BigCommerce",
                f"BigCommerce store {store} has nothing at {failure.path}"
                f"{' (' + said + ')' if said else ''}. If every request says this, check the "
                "store hash in Connections; otherwise it was deleted on the web store: refresh "
                "the preview.",
                **common,
            )
        if status == 409:
            return ConflictError(
                said or "BigCommerce reported a conflict",
                f"BigCommerce refused it: {(said or 'conflict').rstrip('.')}{named}."
                " Product names and SKUs must be unique on the web store (SKUs ignoring case) "
                "and categories must exist; change the item in Clover or the category mapping, "
                "then sync again.",
                field_errors=fields,
                **common,
            )
        if 400 <= status < 500 and status != 429:
            return ValidationError(
                said or "BigCommerce refused the data",
                f"BigCommerce refused {failure.method} {failure.path} ({status}): "
                f"{what}. Fix these values for the item in Clover or its mapping, then sync again.",
                field_errors=fields,
                **common,
            )
        if status == 429:
            return RateLimitedError(
                "BigCommerce is limiting requests",
                f"The store's API quota stayed used up after {failure.attempts} attempts (every "
                "app connected to the store shares it). Wait a minute and sync again, or pause "
                "other apps that use the store.",
                retry_after=self.retry_hint(status, failure.headers),
                **common,
            )
        if status >= 500:
            advice = (
                "The store reached a limit of its plan (e.g. the number of products)."
                if status == 507
                else "The store may be in maintenance or BigCommerce may have an outage; try "
                "again later."
            )
            return server_error(self.label, failure, said, recheck=RECHECK, advice=advice, **common)
        return unexpected(self.label, failure, said, **common)
