"""What both store clients share: the HTTP layer for one account, its counters and closing."""

from __future__ import annotations

from typing import Self, TypedDict

import httpx

from esync_desktop.connectors.http import ExchangeHook, HttpLayer, RetryPolicy
from esync_desktop.connectors.pacing import PacingConfig


class ClientOptions(TypedDict, total=False):
    """How a client sends: each has the HTTP layer's default when left out, and `pacing` the
    API's documented limits."""

    on_exchange: ExchangeHook | None
    retry: RetryPolicy | None
    pacing: PacingConfig
    timeout: httpx.Timeout | float | None
    deadline: float  # each attempt, seconds
    budget: float  # all attempts and waits of one request, seconds


class ClientBase:
    """One account of one API over one `HttpLayer`; a context manager that closes it."""

    def __init__(self, http: HttpLayer) -> None:
        self.http = http
        self.base_url = http.base_url

    @property
    def request_count(self) -> int:
        return self.http.request_count

    @property
    def retry_count(self) -> int:
        return self.http.retry_count

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
