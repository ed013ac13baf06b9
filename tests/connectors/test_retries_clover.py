"""The shared HTTP layer through CloverClient: error mapping, retries, waits, lost answers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import pytest

from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.errors import (
    AuthError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
    ValidationError,
)
from esync_desktop.connectors.http import Exchange, RetryPolicy
from esync_desktop.sandbox.server import SandboxServer
from tests.connectors.conftest import UNPACED, ManualClock, clover_client, route_count

MERCHANT = "GET /v3/merchants/{mId}"
CREATE = "POST /v3/merchants/{mId}/items"


def test_401_names_the_merchant_and_what_to_do(sandbox: SandboxServer) -> None:
    creds = sandbox.credentials
    client = CloverClient(sandbox.url, creds.clover_merchant_id, "wrong-token-123456")
    with client, pytest.raises(AuthError) as caught:
        client.merchant()
    error = caught.value
    assert error.status == 401 and error.api == "clover"
    assert creds.clover_merchant_id in error.message
    assert "Connections" in error.message and "Clover dashboard" in error.message
    assert client.request_count == 1  # a 4xx is never retried


def test_404_is_not_found_and_not_retried(sandbox: SandboxServer) -> None:
    with clover_client(sandbox) as client:
        with pytest.raises(NotFoundError) as caught:
            client.get_item("NOSUCHITEM000")
        assert client.request_count == 1
    assert caught.value.path.endswith("/items/NOSUCHITEM000")
    assert caught.value.method == "GET"


def test_400_bad_filter_is_a_validation_error(sandbox: SandboxServer) -> None:
    with clover_client(sandbox) as client:
        with pytest.raises(ValidationError, match="Unknown filter field: colour") as caught:
            list(client.iter_items(filters=["colour=red"]))
        assert client.request_count == 1
    assert caught.value.status == 400


def test_400_on_write_names_the_problem(sandbox: SandboxServer) -> None:
    with clover_client(sandbox) as client, pytest.raises(ValidationError) as caught:
        client.create_item({"name": "No price", "price": "twelve"})
    assert "price" in caught.value.message


def test_5xx_is_retried_with_exponential_waits_then_succeeds(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("clover", {"error_next": 2, "error_status": 502})
    seen: list[Exchange] = []
    with clover_client(sandbox, retry=policy, pacing=UNPACED, on_exchange=seen.append) as client:
        assert client.merchant()["name"]
        assert (client.request_count, client.retry_count) == (3, 2)
    assert clock.waits == [0.5, 1.0]
    assert [(e.attempt, e.status) for e in seen] == [(1, 502), (2, 502), (3, 200)]
    assert "retry in 0.50s" in (seen[0].error or "")
    assert route_count(sandbox, "clover", MERCHANT) == 3


def test_5xx_after_every_retry_is_a_server_error(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("clover", {"error_next": 10, "error_status": 500})
    with clover_client(sandbox, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(ServerError) as caught:
            client.merchant()
        assert client.request_count == 5
    assert clock.waits == [0.5, 1.0, 2.0, 4.0]
    assert caught.value.status == 500 and "after 5 attempts." in caught.value.message


def test_a_500_on_a_create_is_not_sent_twice(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("clover", {"error_next": 1, "error_status": 500})
    with clover_client(sandbox, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(ServerError, match="may have been made"):
            client.create_item({"name": "Once", "price": 100})
        assert client.request_count == 1
    assert clock.waits == []


def test_a_503_on_a_create_is_retried(
    server_factory: Callable[..., SandboxServer], clock: ManualClock, policy: RetryPolicy
) -> None:
    server = server_factory()
    server.faults.configure("clover", {"error_next": 1, "error_status": 503})
    with clover_client(server, retry=policy, pacing=UNPACED) as client:
        client.create_item({"name": "Twice asked, once made", "price": 100, "sku": "T-1"})
        assert len(client.find_items_by_sku("T-1")) == 1
    assert clock.waits == [0.5]


def test_429_waits_at_least_a_second_then_gives_up(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("clover", {"burst_429_next": 10})
    with clover_client(sandbox, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(RateLimitedError) as caught:
            client.merchant()
        assert client.request_count == 5
    # Clover: pause at least 1 s after a 429, then back off exponentially.
    assert clock.waits == [1.0, 1.0, 2.0, 4.0]
    assert caught.value.status == 429


def test_concurrency_429_honours_retry_after(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    """Three readers in flight against a server that allows one: the ones turned away wait the
    `retry-after` Clover sent (3 s here) before trying again, and all of them finish."""
    sandbox.clover.configure({"concurrency": 1, "retry_after": 3})
    sandbox.faults.configure("clover", {"latency_ms": 150})
    slow = RetryPolicy(
        max_attempts=20,
        base_delay=0.01,
        jitter=0.0,
        sleep=_real_sleep(clock),
        clock=clock.monotonic,
    )
    names: list[str] = []
    seen: list[Exchange] = []
    with clover_client(sandbox, retry=slow, pacing=UNPACED, on_exchange=seen.append) as client:
        threads = [
            threading.Thread(target=lambda: names.append(client.merchant()["name"]))
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(names) == 3
    throttled = [e for e in seen if e.status == 429]
    assert throttled, "the server allowed only one request in flight"
    assert 3.0 in clock.waits and all(w >= 3.0 for w in clock.waits)


def _real_sleep(clock: ManualClock) -> Callable[[float], None]:
    """Records the wait on the manual clock but lets real time pass a little, so the request
    that holds the server's only slot can finish."""
    import time

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        time.sleep(0.05)

    return sleep


def test_dropped_answer_after_a_create_is_maybe_applied_and_made_once(
    server_factory: Callable[..., SandboxServer], clock: ManualClock, policy: RetryPolicy
) -> None:
    server = server_factory()
    server.faults.configure("clover", {"drop_after_write_next": 1})
    with clover_client(server, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(TransportError) as caught:
            client.create_item({"name": "Lost answer", "price": 100, "sku": "LOST-1"})
        assert caught.value.maybe_applied is True
        assert "may or may not" in caught.value.message
        assert client.request_count == 1
        assert len(client.find_items_by_sku("LOST-1")) == 1
    assert route_count(server, "clover", CREATE) == 1
    assert clock.waits == []


def test_connection_reset_on_a_read_is_retried(
    sandbox: SandboxServer, clock: ManualClock, policy: RetryPolicy
) -> None:
    sandbox.faults.configure("clover", {"reset_next": 2})
    with clover_client(sandbox, retry=policy, pacing=UNPACED) as client:
        assert client.merchant()["name"]
        assert (client.request_count, client.retry_count) == (3, 2)
    assert clock.waits == [0.5, 1.0]


def test_connection_reset_on_a_write_is_not_retried(
    server_factory: Callable[..., SandboxServer], clock: ManualClock, policy: RetryPolicy
) -> None:
    server = server_factory()
    server.faults.configure("clover", {"reset_next": 1})
    with clover_client(server, retry=policy, pacing=UNPACED) as client:
        with pytest.raises(TransportError) as caught:
            client.create_item({"name": "Reset", "price": 100, "sku": "RESET-1"})
        assert caught.value.maybe_applied is True
        # This time the sandbox dropped it before applying: the lookup finds nothing.
        assert client.find_items_by_sku("RESET-1") == []
    assert clock.waits == []


def test_nothing_listening_is_retried_even_for_a_write(
    clock: ManualClock, policy: RetryPolicy
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen: list[Exchange] = []
    client = CloverClient(
        f"http://127.0.0.1:{port}", "M", "tok-abcdef", retry=policy, pacing=UNPACED,
        on_exchange=seen.append,
    )  # fmt: skip
    with client, pytest.raises(TransportError) as caught:
        client.create_item({"name": "never sent", "price": 1})
    assert caught.value.maybe_applied is False
    assert "Could not reach Clover" in caught.value.message
    assert client.request_count == 5 and clock.waits == [0.5, 1.0, 2.0, 4.0]
    assert all(e.status is None and e.error for e in seen)
    assert not isinstance(caught.value.__cause__, Exception)  # no httpx exception leaks
