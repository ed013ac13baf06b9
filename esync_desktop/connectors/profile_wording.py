"""The error sentences both API profiles share, filled with each API's names and advice."""

from __future__ import annotations

from typing import Any

from esync_desktop.connectors.errors import ApiError, ServerError
from esync_desktop.connectors.http import Failure


def error_fields(api: str, failure: Failure) -> dict[str, Any]:
    """The keyword arguments every ApiError of a failed answer carries."""
    return {
        "api": api,
        "status": failure.status,
        "method": failure.method,
        "path": failure.path,
        "details": failure.body,
    }


def tries(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def unreachable(
    label: str,
    base_url: str,
    method: str,
    path: str,
    reason: str,
    maybe_applied: bool,
    *,
    recheck: str,
    setting: str,
) -> str:
    """No full answer: what may have happened and what to check (`setting` in Connections)."""
    if maybe_applied:
        return (
            f"The connection to {label} broke after {method} {path} was sent ({reason}), so "
            f"the change may or may not have been made. eSync Desktop {recheck} before "
            "sending it again; run the sync again once the connection is back."
        )
    return (
        f"Could not reach {label} at {base_url} ({reason}). Check the internet "
        f"connection and the {setting} in Connections, then try again."
    )


def server_error(
    label: str, failure: Failure, said: str, *, recheck: str, advice: str, **fields: Any
) -> ServerError:
    """A 5xx after the retries: how often it was tried, whether it may be applied, advice."""
    applied = (
        f" The change may have been made; eSync Desktop {recheck} before sending it again."
        if failure.maybe_applied
        else ""
    )
    return ServerError(
        f"{label} is having problems",
        f"{label} answered {failure.status} ({said or 'server error'}) after "
        f"{tries(failure.attempts)}.{applied} {advice}",
        **fields,
    )


def unexpected(label: str, failure: Failure, said: str, **fields: Any) -> ApiError:
    """An answer no rule covers."""
    return ApiError(
        f"Unexpected answer from {label}",
        f"{label} answered {failure.status} to {failure.method} {failure.path}: {said}. Try "
        "again; if it persists, send the integration log to support.",
        **fields,
    )
