"""The exchange hook and redaction: what the integration log gets, and that no token reaches it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import astuple

import pytest

from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.errors import AuthError
from esync_desktop.connectors.http import Exchange, RetryPolicy
from esync_desktop.connectors.redaction import MAX_RECORDED_BODY
from esync_desktop.sandbox.server import SandboxServer
from tests.connectors.conftest import UNPACED, ManualClock, clover_client


def test_exchange_records_each_attempt(sandbox: SandboxServer) -> None:
    seen: list[Exchange] = []
    with clover_client(sandbox, on_exchange=seen.append) as client:
        item = client.create_item({"name": "Recorded", "price": 250})
        client.get_item(item["id"], expand=("itemStock",))
    create, get = seen
    assert (create.api, create.method, create.status, create.attempt) == ("clover", "POST", 200, 1)
    assert create.path == f"/v3/merchants/{sandbox.credentials.clover_merchant_id}/items"
    assert create.query == "" and create.error is None and create.duration_ms >= 0
    assert create.request_body is not None and '"Recorded"' in create.request_body
    assert create.response_body is not None and item["id"] in create.response_body
    assert get.path.endswith(f"/items/{item['id']}") and get.query == "expand=itemStock"
    assert get.request_body is None


def test_recorded_bodies_are_truncated(sandbox: SandboxServer) -> None:
    seen: list[Exchange] = []
    with clover_client(sandbox, on_exchange=seen.append) as client:
        client.create_item({"name": "Long", "price": 1, "alternateName": "x" * 5000})
    body = seen[0].request_body or ""
    assert body.startswith('{"name": "Long"')
    assert len(body) < MAX_RECORDED_BODY + 50 and "more characters]" in body


def test_a_failing_hook_does_not_break_the_request(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(exchange: Exchange) -> None:
        raise RuntimeError("log database is locked")

    with clover_client(sandbox, on_exchange=broken) as client:
        assert client.merchant()["name"]
    assert "exchange hook failed" in caplog.text


def test_the_token_never_reaches_records_logs_or_errors(
    server_factory: Callable[..., SandboxServer],
    caplog: pytest.LogCaptureFixture,
    clock: ManualClock,
    policy: RetryPolicy,
) -> None:
    server = server_factory()
    token = server.credentials.clover_token
    seen: list[Exchange] = []
    caplog.set_level(logging.DEBUG)
    server.faults.configure("clover", {"error_next": 1})
    with clover_client(server, on_exchange=seen.append, retry=policy, pacing=UNPACED) as client:
        # The token pasted into a field by mistake travels in the body, the answer and a query.
        made = client.create_item({"name": f"Tote {token}", "price": 100, "sku": token})
        client.find_items_by_sku(token)
        client.update_item(made["id"], {"alternateName": f'"access_token": "{token}"'})
    bad = CloverClient(
        server.url,
        server.credentials.clover_merchant_id,
        f"{token}-revoked",
        on_exchange=seen.append,
    )
    with bad, pytest.raises(AuthError) as caught:
        bad.merchant()
    assert len(seen) == 5  # one create (after one retried 503), lookup, update, refused read
    recorded = " ".join(str(part) for e in seen for part in astuple(e))
    assert token not in recorded
    assert "[REDACTED]" in recorded
    client_side = [r for r in caplog.records if not r.name.startswith("esync_desktop.sandbox")]
    assert client_side, "logging was captured"
    assert all(token not in r.getMessage() for r in client_side)
    assert token not in str(caught.value) and token not in repr(caught.value)
