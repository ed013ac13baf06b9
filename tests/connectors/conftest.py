"""Fixtures for the connector tests: sandboxes, a manual clock, recorded exchanges, clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.http import Exchange, RetryPolicy
from esync_desktop.connectors.pacing import PacingConfig
from esync_desktop.sandbox.server import SandboxServer

# Pacing that never waits: for tests that count the retry waits alone.
UNPACED = PacingConfig(rate=10_000.0, burst=10_000, max_in_flight=3)


class ManualClock:
    """A clock that only moves when something sleeps on it; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += max(0.0, seconds)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def policy(clock: ManualClock) -> RetryPolicy:
    """Backoff 0.5, 1, 2, 4 s without jitter, on the manual clock."""
    return RetryPolicy(
        max_attempts=5, base_delay=0.5, jitter=0.0, sleep=clock.sleep, clock=clock.monotonic
    )


@pytest.fixture
def exchanges() -> list[Exchange]:
    return []


@pytest.fixture
def server_factory() -> Iterator[Callable[..., SandboxServer]]:
    """Start sandboxes with a chosen seed and item count; all are stopped after the test."""
    started: list[SandboxServer] = []

    def start(seed: str = "empty", items: int = 0) -> SandboxServer:
        server = SandboxServer(seed=seed, items=items).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def clover_client(server: SandboxServer, **kwargs: Any) -> CloverClient:
    creds = server.credentials
    return CloverClient(server.url, creds.clover_merchant_id, creds.clover_token, **kwargs)


def bc_client(server: SandboxServer, **kwargs: Any) -> BigCommerceClient:
    creds = server.credentials
    return BigCommerceClient(server.url, creds.bc_store_hash, creds.bc_token, **kwargs)


def route_count(server: SandboxServer, api: str, route: str) -> int:
    """How many requests the sandbox counted on one endpoint."""
    return int(server.counter_snapshot()[api]["endpoints"].get(route, 0))
