"""Listings read ahead: in order, whole, errors where the reader meets them, and pages of a
numbered listing fetched a few at a time without a page more than the listing has."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from esync_desktop.connectors.paging import CHUNK, Ahead, keep, numbered_pages
from esync_desktop.sandbox.server import SandboxServer
from tests.connectors.conftest import UNPACED, bc_client


def test_ahead_gives_every_element_in_order_converted_in_its_thread() -> None:
    threads: set[str] = set()

    def convert(position: int, value: int) -> tuple[int, int]:
        threads.add(threading.current_thread().name)
        return position, value * 2

    got = list(Ahead(lambda: iter(range(3 * CHUNK + 7)), convert, name="numbers"))
    assert got == [(n, 2 * n) for n in range(3 * CHUNK + 7)]
    assert threads == {"read-numbers"}
    assert list(Ahead(lambda: iter(()), keep)) == []


def test_ahead_raises_where_the_reader_meets_the_error() -> None:
    def listing() -> Iterator[int]:
        yield from range(CHUNK + 3)
        raise RuntimeError("the store stopped answering")

    seen: list[int] = []
    with pytest.raises(RuntimeError, match="stopped answering"):
        for n in Ahead(listing, keep):
            seen.append(n)
    assert seen == list(range(CHUNK + 3))


def test_closing_ahead_stops_its_listing() -> None:
    produced: list[int] = []
    finished = threading.Event()

    def listing() -> Iterator[int]:
        try:
            for n in range(100 * CHUNK):
                produced.append(n)
                yield n
        finally:
            finished.set()

    ahead = Ahead(listing, keep, buffer=CHUNK)
    assert next(ahead) == 0
    ahead.close()
    assert finished.wait(5)
    assert len(produced) < 10 * CHUNK  # stopped long before the end


def test_numbered_pages_come_in_order_with_at_most_the_allowed_in_flight() -> None:
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most

    def fetch(page: int) -> int:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        time.sleep(0.01 * (page % 3))  # later pages may finish first
        with lock:
            in_flight[0] -= 1
        return page * 10

    assert list(numbered_pages(fetch, 2, 20, 3)) == [(p, p * 10) for p in range(2, 21)]
    assert in_flight[1] <= 3
    assert list(numbered_pages(fetch, 5, 4, 3)) == []


def test_a_big_product_listing_is_read_whole_once_in_id_order(
    server_factory: Callable[..., SandboxServer],
) -> None:
    server = server_factory(items=5000)  # 1,250 products: 5 pages of 250
    with bc_client(server, pacing=UNPACED) as client:
        ids = [p["id"] for p in client.iter_products(include=())]
        stopped = client.iter_products(include=())
        first = [next(stopped)["id"] for _ in range(300)]  # into the second page
        stopped.close()
    assert len(ids) == 1250 and ids == sorted(set(ids))
    assert first == ids[:300]
    counted = server.counter_snapshot()["bigcommerce"]["endpoints"]
    listed = sum(n for route, n in counted.items() if route.endswith("/v3/catalog/products"))
    assert listed == 5 + 2  # the listing stopped in its second page read nothing more
