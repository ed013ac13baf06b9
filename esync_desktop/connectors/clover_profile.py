"""Clover's side of the HTTP layer: limits, `retry-after`, and wording an owner can act on."""

from __future__ import annotations

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

# Clover allows 16 requests/s and 5 in flight per token (clover.md §6). Stay well under: a
# burst of 5 plus 10/s never puts more than 15 requests in any one second.
CLOVER_PACING = PacingConfig(rate=10.0, burst=5, max_in_flight=3)
RECHECK = "checks Clover"  # what is done before a change that may have been made is sent again


def _message(body: Any) -> str:
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("message", "details") if body.get(k)]
        return " - ".join(parts)
    return str(body or "").strip()[:300]


class CloverProfile:
    """Wording and header rules for one Clover merchant."""

    name = "clover"
    label = "Clover"
    # Clover: "after a 429 pause at least 1 s, then back off exponentially" (clover.md §6).
    min_429_wait = 1.0

    def __init__(self, merchant_id: str, base_url: str) -> None:
        self.merchant_id = merchant_id
        self.base_url = base_url

    def parse_float(self, text: str) -> Any:
        # Money is integer cents; the only fractions are stock quantities (doubles in Clover).
        return float(text)

    def retry_hint(self, status: int, headers: httpx.Headers) -> float | None:
        value = headers.get("retry-after")
        try:
            return max(0.0, float(value)) if value is not None else None
        except ValueError:
            return None

    def observe(self, headers: httpx.Headers, pacer: Pacer) -> None:
        # Clover sends no quota headers on success; 429s are handled by the retry loop.
        return None

    def unreachable(self, method: str, path: str, reason: str, maybe_applied: bool) -> str:
        return unreachable(
            self.label, self.base_url, method, path, reason, maybe_applied,
            recheck=RECHECK, setting="Clover region",
        )  # fmt: skip

    def error(self, failure: Failure) -> ApiError:
        status, said = failure.status, _message(failure.body)
        common = error_fields(self.name, failure)
        mid = self.merchant_id
        if status in (401, 403):
            return AuthError(
                "Clover refused the API token",
                f"Clover rejected the API token for merchant {mid}. Check the token and the "
                "merchant id in Connections, or create a new token in the Clover dashboard "
                "(it needs the Inventory read and write permissions).",
                **common,
            )
        if status == 404:
            return NotFoundError(
                "Not found in Clover",
                f"Clover merchant {mid} has nothing at {failure.path} ({said or 'not found'}). "
                "It may have been deleted in Clover; refresh the preview and try again.",
                **common,
            )
        if status == 409:
            return ConflictError(
                "Clover reported a conflict",
                f"Clover refused {failure.method} {failure.path}: {said}. Fix the item in Clover "
                "and sync again.",
                **common,
            )
        if status in (400, 405, 413, 415, 422):
            return ValidationError(
                "Clover refused the request",
                f"Clover said: {said or 'bad request'}. Correct the item named in the log (or "
                "its mapping) and sync again.",
                **common,
            )
        if status == 429:
            return RateLimitedError(
                "Clover is limiting requests",
                f"Clover kept asking eSync Desktop to slow down after {failure.attempts} "
                "attempts. Wait a minute and sync again; pause other apps that use this Clover "
                "account meanwhile.",
                retry_after=self.retry_hint(status, failure.headers),
                **common,
            )
        if status >= 500:
            advice = "Try again later; status.clover.com shows outages."
            return server_error(self.label, failure, said, recheck=RECHECK, advice=advice, **common)
        return unexpected(self.label, failure, said, **common)
