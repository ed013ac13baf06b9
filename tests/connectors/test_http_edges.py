"""Edges of the HTTP layer: unreadable 2xx bodies, untrusted TLS, Decimal JSON, the pacer."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest

from esync_desktop.connectors import jsonio
from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.errors import (
    BadResponseError,
    RateLimitedError,
    ServerError,
    TransportError,
)
from esync_desktop.connectors.http import Exchange, RetryPolicy
from esync_desktop.connectors.pacing import Pacer, PacingConfig
from esync_desktop.sandbox.server import SandboxServer
from tests.connectors.conftest import UNPACED, ManualClock, clover_client
from tests.connectors.loopback import OddServer


def test_html_on_a_200_is_a_clear_error_not_retried(policy: RetryPolicy) -> None:
    seen: list[Exchange] = []
    page = b"<html><body>Sign in to the hotel Wi-Fi</body></html>"
    with OddServer(200, page, "text/html") as odd:
        client = CloverClient(odd.url, "M", "tok-123456", retry=policy, on_exchange=seen.append)
        with client, pytest.raises(BadResponseError) as caught:
            client.merchant()
        assert odd.requests == 1
    assert isinstance(caught.value, ServerError)
    assert "not valid JSON (text/html" in caught.value.message
    assert seen[0].status == 200 and "hotel Wi-Fi" in (seen[0].response_body or "")


def test_json_without_the_envelope_is_a_clear_error(policy: RetryPolicy) -> None:
    with OddServer(200, b'{"items": []}', "application/json") as odd:
        client = BigCommerceClient(odd.url, "abc", "tok-123456", retry=policy)
        with client, pytest.raises(BadResponseError, match="without a `data` member"):
            list(client.iter_products())
    with OddServer(200, b'{"data": {"id": 1}}', "application/json") as odd:
        clover = CloverClient(odd.url, "M", "tok-123456", retry=policy)
        with clover, pytest.raises(BadResponseError, match="`elements` list"):
            list(clover.iter_categories())


def test_untrusted_certificate_is_refused_at_once(tmp_path: Path, policy: RetryPolicy) -> None:
    with OddServer(200, b"{}", "application/json", tls_dir=tmp_path) as odd:
        client = CloverClient(odd.url, "M", "tok-123456", retry=policy)
        with client, pytest.raises(TransportError) as caught:
            client.merchant()
        assert client.request_count == 1
    assert "certificate is not trusted" in caught.value.message
    assert caught.value.maybe_applied is False


def test_decimal_goes_out_as_exact_json() -> None:
    body = {
        "price": Decimal("12.50"),
        "weight": Decimal("3"),
        "cost": Decimal("0.0001"),
        "long": Decimal("1.2345678901234567890"),
        "ids": (1, 2),
    }
    assert jsonio.encode(body) == (
        b'{"price": 12.5, "weight": 3, "cost": 0.0001, "long": "1.2345678901234567890",'
        b' "ids": [1, 2]}'
    )
    with pytest.raises(ValueError):
        jsonio.encode({"price": Decimal("NaN")})
    assert jsonio.decode(b'{"p": 0.1}', Decimal) == {"p": Decimal("0.1")}
    assert jsonio.decode(b"  \n", Decimal) is None
    with pytest.raises(ValueError):
        jsonio.decode(b'{"p": NaN}', Decimal)


def test_pacer_bucket_and_hold(clock: ManualClock) -> None:
    pacer = Pacer(PacingConfig(rate=10, burst=5, max_in_flight=3), clock.monotonic, clock.sleep)
    for _ in range(7):
        with pacer.slot():
            pass
    assert clock.waits == [0.1, 0.1]  # five at once, then one every 100 ms
    pacer.hold(2.0)
    with pacer.slot():
        pass
    assert clock.waits[-1] == 2.0
    pacer.set_rate(50)
    assert pacer.rate == 10  # never faster than configured without a max_rate


def test_pacer_caps_requests_in_flight() -> None:
    pacer = Pacer(PacingConfig(rate=1000, burst=1000, max_in_flight=2, serialize_writes=False))
    inside = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def work() -> None:
        nonlocal inside, most
        with pacer.slot():
            with lock:
                inside += 1
                most = max(most, inside)
            release.wait(0.2)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most == 2


def test_default_pacing_stays_inside_clovers_limits(sandbox: SandboxServer) -> None:
    """Three threads share one client (and a second client of the same token) against the
    emulator's real 16 requests/s and 5 in flight: nothing is ever refused."""
    seen: list[Exchange] = []
    lock = threading.Lock()

    def record(exchange: Exchange) -> None:
        with lock:
            seen.append(exchange)

    first = clover_client(sandbox, on_exchange=record)
    second = clover_client(sandbox, on_exchange=record)  # e.g. the UI testing the connection
    errors: list[BaseException] = []

    def read(client: CloverClient) -> None:
        try:
            for _ in range(8):
                client.merchant()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(c,)) for c in (first, first, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    first.close()
    second.close()
    assert errors == []
    # Pacing is what is checked: no answer is a refusal (429), and each of the 32 reads got its
    # 200. A dropped loopback connection (retried as such) is not a pacing failure.
    assert [e for e in seen if e.status is not None and e.status != 200] == []
    assert sum(1 for e in seen if e.status == 200) == 32
    assert first.http.pacer is second.http.pacer


def test_unpaced_clients_do_trip_the_limit(sandbox: SandboxServer) -> None:
    """The check above can fail: without pacing the emulator does refuse."""
    client = clover_client(sandbox, retry=RetryPolicy(max_attempts=1), pacing=UNPACED)
    with client, pytest.raises(RateLimitedError):
        for _ in range(40):
            client.merchant()
