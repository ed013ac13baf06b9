"""BigCommerce errors, 429 waits from the quota headers, pacing to the quota, lost answers."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.errors import (
    AuthError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
    ValidationError,
)
from esync_desktop.connectors.http import Exchange, RetryPolicy
from esync_desktop.connectors.pacing import PacingConfig
from esync_desktop.sandbox.server import SandboxServer
from tests.connectors.conftest import UNPACED, ManualClock, bc_client, route_count

NEW = {"name": "Linen Apron", "type": "physical", "sku": "APRON-1", "price": "18.50", "weight": 1}


def test_401_names_the_store_and_what_to_do(sandbox: SandboxServer) -> None:
    creds = sandbox.credentials
    with BigCommerceClient(sandbox.url, creds.bc_store_hash, "not-the-token") as client:
        with pytest.raises(AuthError) as caught:
            client.store_info()
        assert client.request_count == 1
    assert caught.value.status == 401 and creds.bc_store_hash in caught.value.message
    assert "Store-level API accounts" in caught.value.message


def test_wrong_store_hash_and_unknown_product_are_not_found(sandbox: SandboxServer) -> None:
    creds = sandbox.credentials
    wrong = BigCommerceClient(sandbox.url, "nosuch", creds.bc_token)
    with wrong, pytest.raises(NotFoundError, match="check the store hash"):
        wrong.store_info()
    with bc_client(sandbox) as client:
        with pytest.raises(NotFoundError) as caught:
            client.get_product(987654)
        assert client.request_count == 1
    assert caught.value.path.endswith("/catalog/products/987654")


def test_409_duplicate_name_keeps_the_title_and_fields(sandbox: SandboxServer) -> None:
    with bc_client(sandbox) as client:
        taken = next(iter(client.iter_products(include=())))["name"]
        with pytest.raises(ConflictError) as caught:
            client.create_product({**NEW, "name": taken})
        assert client.request_count == 2
    assert caught.value.title == "The product name is a duplicate"
    assert "name" in caught.value.field_errors


def test_422_lists_the_fields(sandbox: SandboxServer) -> None:
    body = {k: v for k, v in NEW.items() if k != "weight"}
    with bc_client(sandbox) as client, pytest.raises(ValidationError) as caught:
        client.create_product(body)
    assert caught.value.status == 422
    assert set(caught.value.field_errors) == {"weight"}
    assert "weight" in caught.value.message


def test_400_family_is_a_validation_error(sandbox: SandboxServer) -> None:
    with bc_client(sandbox) as client:
        path = client._v3("catalog", "products")
        with pytest.raises(ValidationError, match="maximum items allowed in the array is 10"):
            client.http.request("PUT", path, body=[{"id": 1}] * 11)


def test_5xx_retried_then_a_server_error(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("bigcommerce", {"error_next": 9, "error_status": 504})
    with bc_client(sandbox, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(ServerError) as caught:
            client.store_info()
        assert (client.request_count, client.retry_count) == (5, 4)
    assert clock.waits == [0.5, 1.0, 2.0, 4.0]
    assert caught.value.status == 504


def test_batch_update_is_retried_after_a_5xx(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    with bc_client(sandbox, retry=policy, pacing=UNPACED) as client:
        product = next(iter(client.iter_products(include=())))
        sandbox.faults.configure("bigcommerce", {"error_next": 1, "error_status": 500})
        client.update_products([{"id": product["id"], "upc": "0123"}])
        assert client.get_product(product["id"])["upc"] == "0123"
    assert clock.waits == [0.5]


def test_429_waits_for_the_window_reset(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    """The throttled answer says how long until the 30 s window resets: the client waits that,
    not its own half-second backoff."""
    sandbox.faults.configure("bigcommerce", {"burst_429_next": 1})
    with bc_client(sandbox, retry=policy, pacing=UNPACED) as client:
        assert client.store_info()["name"]
        assert client.request_count == 2
    (wait,) = clock.waits
    assert 25.0 < wait <= 30.0


def test_429_after_every_retry(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("bigcommerce", {"burst_429_next": 10})
    with bc_client(sandbox, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(RateLimitedError) as caught:
            client.store_info()
        assert client.request_count == 5
    assert len(clock.waits) == 4 and all(w > 25.0 for w in clock.waits)
    assert caught.value.retry_after is not None and caught.value.retry_after > 25.0


def test_low_quota_left_waits_for_the_reset_and_never_hits_429(
    server_factory: Callable[..., SandboxServer],
) -> None:
    """A tiny quota (12 per 1.5 s): the client reads the headers, pauses when 3 are left and
    makes 24 requests without a single 429."""
    server = server_factory(items=40)
    server.bigcommerce.configure({"quota": 12, "window_ms": 1500})
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    seen: list[Exchange] = []
    pacing = PacingConfig(rate=1000.0, burst=1000, max_in_flight=3, max_rate=1000.0)
    retry = RetryPolicy(sleep=sleep)
    with bc_client(server, retry=retry, pacing=pacing, on_exchange=seen.append) as client:
        for _ in range(24):
            client.store_info()
        assert client.retry_count == 0
    assert len(seen) == 24 and all(e.status == 200 for e in seen)
    assert any(w > 0.5 for w in waits), "the client paused for the window to reset"


def test_lost_answer_after_create_is_maybe_applied_and_made_once(
    server_factory: Callable[..., SandboxServer], clock: ManualClock, policy: RetryPolicy
) -> None:
    server = server_factory()
    server.faults.configure("bigcommerce", {"drop_after_write_next": 1})
    with bc_client(server, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(TransportError) as caught:
            client.create_product(NEW)
        assert caught.value.maybe_applied is True and client.request_count == 1
        assert [p["sku"] for p in client.products_by_sku(["APRON-1"])] == ["APRON-1"]
    assert route_count(server, "bigcommerce", "POST /v3/catalog/products") == 1
    assert clock.waits == []


def test_connection_reset_on_reads_is_retried(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("bigcommerce", {"reset_next": 1})
    with bc_client(sandbox, retry=policy, pacing=UNPACED) as client:
        assert len(list(client.iter_locations())) >= 1
        assert client.retry_count == 1
    assert clock.waits == [0.5]
