"""An overall deadline per request: connect, TLS, sending, the headers and the whole body.

httpx's timeouts apply to each socket operation, so a server that trickles a byte a second
never trips them. Here every socket operation of the calling thread is given at most the time
left until that thread's deadline, and none is started once it has passed."""

from __future__ import annotations

import functools
import ssl
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

_local = threading.local()


@contextmanager
def within(seconds: float) -> Iterator[float]:
    """Socket operations of this thread end `seconds` from now; yields that monotonic time."""
    previous = getattr(_local, "until", None)
    until = time.monotonic() + seconds
    _local.until = until
    try:
        yield until
    finally:
        _local.until = previous


def _clamp(timeout: float | None, expired: type[Exception]) -> float | None:
    until: float | None = getattr(_local, "until", None)
    if until is None:
        return timeout
    left = until - time.monotonic()
    if left <= 0:
        raise expired("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own sync backend with every wait cut to the thread's deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, wait, local_address, socket_options))

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover - the clients never use a socket file
        wait = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def verifying_context() -> ssl.SSLContext:
    """One TLS context for every client of the process, verifying certificates and host names:
    loading the trusted certificates takes about 0.2 s of CPU, for each client otherwise."""
    return httpx.create_ssl_context(verify=True)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over a pool that uses DeadlineBackend. TLS verification stays on."""

    def __init__(self, limits: httpx.Limits) -> None:
        context = verifying_context()
        super().__init__(verify=context, limits=limits)
        # httpx offers no way to hand its pool a network backend: the same pool is built again
        # with ours (tests/connectors/test_deadlines.py fails if this ever stops working).
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=DeadlineBackend(),
        )
