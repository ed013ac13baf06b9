"""Listings read ahead of their reader: a listing in a thread of its own (so the listings of one
plan, and the two APIs, are read at once), and a numbered listing's pages fetched a few at a
time. Every request still goes through its account's pacer: the rate and the in-flight cap
hold whatever the number of threads."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")

CHUNK = 500  # elements handed over at once (a queue operation per element costs too much)
_POLL = 0.1  # seconds between checks that the reader has not gone away


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


class Ahead(Generic[U]):
    """Iterates `listing()` in a background thread, as soon as it is made, converting each
    element with `convert(position, element)` there; the reader gets the results in order, and
    any exception where it would have met it. `buffer` bounds how many elements wait for the
    reader (None: no bound; for listings that are kept whole anyway). `close()` (or dropping
    the iterator: the thread holds no reference to it) stops the thread at the next element."""

    def __init__(
        self,
        listing: Callable[[], Iterable[T]],
        convert: Callable[[int, T], U],
        *,
        buffer: int | None = None,
        name: str = "listing",
    ) -> None:
        chunks = 0 if buffer is None else max(1, buffer // CHUNK)
        self._queue: queue.Queue[Any] = queue.Queue(chunks)
        self._stop = threading.Event()
        self._current: Iterator[U] = iter(())
        self._done = False
        threading.Thread(
            target=_produce,
            args=(self._queue, self._stop, listing, convert),
            name=f"read-{name}",
            daemon=True,
        ).start()

    def __iter__(self) -> Ahead[U]:
        return self

    def __next__(self) -> U:
        while True:
            for value in self._current:
                return value
            if self._done:
                raise StopIteration
            got = self._queue.get()
            if got is _END:
                self._done = True
                raise StopIteration
            if isinstance(got, _Failed):
                self._done = True
                raise got.error
            self._current = iter(got)

    def close(self) -> None:
        self._stop.set()

    def __del__(self) -> None:
        self._stop.set()


def _put(into: queue.Queue[Any], stop: threading.Event, value: object) -> bool:
    while not stop.is_set():
        try:
            into.put(value, timeout=_POLL)
            return True
        except queue.Full:
            continue
    return False


def _produce(
    into: queue.Queue[Any],
    stop: threading.Event,
    listing: Callable[[], Iterable[T]],
    convert: Callable[[int, T], U],
) -> None:
    elements: Iterator[T] = iter(())
    chunk: list[U] = []
    try:
        elements = iter(listing())
        for position, element in enumerate(elements):
            if stop.is_set():
                return
            chunk.append(convert(position, element))
            if len(chunk) >= CHUNK:
                if not _put(into, stop, chunk):
                    return
                chunk = []
        if chunk and not _put(into, stop, chunk):
            return
        _put(into, stop, _END)
    except BaseException as exc:  # handed to the reader, raised where it reads
        if not chunk or _put(into, stop, chunk):
            _put(into, stop, _Failed(exc))
    finally:
        close = getattr(elements, "close", None)
        if close is not None:
            close()


def keep(position: int, element: T) -> T:
    """The element as it is (Ahead's convert when nothing is to be done in the thread)."""
    return element


def numbered_pages(
    fetch: Callable[[int], T], first: int, last: int, in_flight: int
) -> Iterator[tuple[int, T]]:
    """Pages `first`..`last` of a listing that said how many it has, fetched `in_flight` at a
    time (the pacer decides when each one starts), yielded in order. Pages are fetched at
    most `2 * in_flight` ahead of the reader; a reader that stops early leaves the pages
    already asked for to finish on their own."""
    if last < first:
        return
    window = max(1, 2 * in_flight)
    with ThreadPoolExecutor(max_workers=max(1, in_flight), thread_name_prefix="page") as pool:
        pending: dict[int, Future[T]] = {}
        following = first
        try:
            for page in range(first, last + 1):
                while following <= last and following < page + window:
                    pending[following] = pool.submit(fetch, following)
                    following += 1
                yield page, pending.pop(page).result()
        finally:
            for future in pending.values():
                future.cancel()
