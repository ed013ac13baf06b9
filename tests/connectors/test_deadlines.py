"""Answers that never end or never stop growing: every request ends within its deadline, and
no body larger than the HTTP layer's limit or nested deeper than the JSON limit is parsed."""

from __future__ import annotations

import gzip
import itertools
import json
import time

import pytest

from esync_desktop.connectors import jsonio
from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.errors import (
    ApiError,
    BadResponseError,
    DeadlineError,
    RateLimitedError,
    ResponseTooLargeError,
    TransportError,
)
from esync_desktop.connectors.http import MAX_BODY_BYTES, RetryPolicy
from tests.connectors.conftest import ManualClock
from tests.connectors.loopback import OddServer, ScriptedServer

JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
FAST = RetryPolicy(max_attempts=3, base_delay=0.1, jitter=0.0)


def _bytewise(text: bytes) -> list[bytes]:
    return [text[i : i + 1] for i in range(len(text))]


def test_a_body_trickled_a_byte_a_second_ends_at_the_deadline() -> None:
    body = b'{"elements": [' + b" " * 200 + b"]}"
    with ScriptedServer(JSON_HEAD % len(body), _bytewise(body), interval=1.0) as slow:
        client = CloverClient(slow.url, "M", "tok-123456", retry=FAST, deadline=2.0, budget=4.0)
        with client, pytest.raises(DeadlineError) as caught:
            list(client.iter_categories())
        # Given up long before the body was complete, after at most two attempts.
        assert slow.sent < len(body) // 4
        assert client.request_count <= 2
    error = caught.value
    assert isinstance(error, TransportError) and error.maybe_applied is False
    assert error.title == "Clover answered too slowly"
    assert "did not arrive in time: 2 seconds per attempt, 4 per request" in error.message


def test_headers_trickled_a_byte_a_second_end_at_the_deadline() -> None:
    head = _bytewise(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X: y\r\n" * 40)
    with ScriptedServer(b"", head, interval=1.0) as slow:
        client = BigCommerceClient(
            slow.url, "abc", "tok-123456", retry=FAST, deadline=2.0, budget=3.0
        )
        with client, pytest.raises(DeadlineError):
            client.store_info()
        assert slow.sent < 20


def test_a_write_past_its_deadline_may_have_been_applied() -> None:
    body = b'{"data": {"id": 1}}' + b" " * 100
    with ScriptedServer(JSON_HEAD % len(body), _bytewise(body), interval=1.0) as slow:
        client = BigCommerceClient(slow.url, "abc", "tok-123456", retry=FAST, deadline=2.0)
        with client, pytest.raises(DeadlineError) as caught:
            client.create_product({"name": "A", "type": "physical", "price": 1, "weight": 1})
        assert client.request_count == 1  # a create is never sent twice blindly
    assert caught.value.maybe_applied is True


def test_a_gigabyte_body_is_refused_from_its_length() -> None:
    head = JSON_HEAD % 2**30
    with ScriptedServer(head, [b'{"elements": ['] + [b" " * 65536] * 4) as huge:
        client = CloverClient(huge.url, "M", "tok-123456", retry=FAST)
        with client, pytest.raises(ResponseTooLargeError) as caught:
            list(client.iter_categories())
        assert client.request_count == 1  # not retried: the same answer would come again
    assert isinstance(caught.value, BadResponseError)
    assert "more than 32 MB" in caught.value.message


def test_an_endless_chunked_body_is_cut_at_the_limit() -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b" " * 65536
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    endless = itertools.chain([b"e\r\n" + b'{"elements": [' + b"\r\n"], itertools.repeat(chunk))
    with ScriptedServer(head, endless) as huge:
        client = CloverClient(huge.url, "M", "tok-123456", retry=FAST)
        with client, pytest.raises(ResponseTooLargeError):
            list(client.iter_categories())
        # The client hung up near the limit: the server was cut off, not drained. What the
        # server counts as sent includes what the kernel still buffered on the client's side
        # when it hung up, which on a busy machine can be megabytes.
        assert huge.hung_up.wait(5)
        assert huge.sent < MAX_BODY_BYTES + 16 * 2**20


def test_json_nested_200k_deep_is_a_bad_response_not_a_recursion_error() -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    with OddServer(200, b'{"elements": ' + deep + b"}", "application/json") as odd:
        client = CloverClient(odd.url, "M", "tok-123456", retry=FAST)
        with client, pytest.raises(BadResponseError, match="nested deeper than 64"):
            list(client.iter_categories())


def test_depth_limit_counts_nesting_not_brackets_in_strings() -> None:
    name = "[" * 100 + "]]" * 10 + '\\"{'
    raw = b'{"elements": [{"name": "%s", "tags": %s}]}' % (name.encode(), b"[[1]]" * 1)
    assert jsonio.decode(raw, float)["elements"][0]["name"].startswith("[[[")
    wide = b"[" + b",".join([b"[[1]]"] * 10_000) + b"]"
    assert len(jsonio.decode(wide, float)) == 10_000
    for depth, ok in ((64, True), (65, False)):
        raw = b'{"a":' * (depth - 1) + b"[1]" + b"}" * (depth - 1)
        if ok:
            jsonio.decode(raw, float)
        else:
            with pytest.raises(ValueError, match="nested deeper"):
                jsonio.decode(raw, float)


def test_a_retry_after_past_the_budget_fails_now_instead_of_waiting(clock: ManualClock) -> None:
    policy = RetryPolicy(
        max_attempts=5, base_delay=0.5, jitter=0.0, sleep=clock.sleep, clock=clock.monotonic
    )
    head = (
        b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
        b"Retry-After: 3600\r\nContent-Length: 2\r\n\r\n{}"
    )
    with ScriptedServer(head) as throttled:
        client = CloverClient(throttled.url, "M", "tok-123456", retry=policy, budget=300.0)
        started = time.monotonic()
        with client, pytest.raises(RateLimitedError):
            client.merchant()
        assert time.monotonic() - started < 60  # no hour-long wait happened (manual clock)
    assert clock.waits == []
    assert client.request_count == 1


def test_every_wait_of_a_request_fits_in_its_budget(clock: ManualClock) -> None:
    policy = RetryPolicy(
        max_attempts=10, base_delay=20.0, jitter=0.0, sleep=clock.sleep, clock=clock.monotonic
    )
    with OddServer(503, b"{}", "application/json") as down:
        client = CloverClient(down.url, "M", "tok-123456", retry=policy, budget=100.0)
        with client, pytest.raises(ApiError):
            client.merchant()
    assert clock.waits == [20.0, 40.0]  # the next (80 s) would end past the budget


def test_a_server_that_ignores_paging_ends_in_an_error_not_a_loop() -> None:
    page = json.dumps({"elements": [{"id": f"C{n}", "name": "x"} for n in range(1000)]})
    with OddServer(200, page.encode(), "application/json") as odd:
        client = CloverClient(odd.url, "M", "tok-123456", retry=FAST)
        with client, pytest.raises(BadResponseError, match="the same page came back"):
            list(client.iter_categories())
        assert odd.requests == 2
    endless = {"data": [{"id": 1}], "meta": {"pagination": {"total_pages": 10**9}}}
    with OddServer(200, json.dumps(endless).encode(), "application/json") as odd:
        bc = BigCommerceClient(odd.url, "abc", "tok-123456", retry=FAST)
        with bc, pytest.raises(BadResponseError, match="the same page came back"):
            list(bc.iter_products())
        assert odd.requests == 2


def test_pagination_of_the_wrong_shape_is_read_as_absent() -> None:
    for meta in ([], {"pagination": "all"}, {"pagination": {"total_pages": "2", "per_page": []}}):
        body = json.dumps({"data": [{"id": 1}, 7], "meta": meta}).encode()
        with OddServer(200, body, "application/json") as odd:
            bc = BigCommerceClient(odd.url, "abc", "tok-123456", retry=FAST)
            with bc:
                assert list(bc.iter_categories()) == [{"id": 1}, 7]
            assert odd.requests == 1  # a short page ends the listing


def test_a_compressed_bomb_is_cut_at_the_limit_after_decompression() -> None:
    bomb = gzip.compress(b" " * (MAX_BODY_BYTES + 2**20), compresslevel=9)
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(bomb)
    )
    with ScriptedServer(head, [bomb]) as server:
        client = CloverClient(server.url, "M", "tok-123456", retry=FAST)
        with client, pytest.raises(ResponseTooLargeError):
            client.merchant()
    assert len(bomb) < 2**20  # small on the wire, too large once read
