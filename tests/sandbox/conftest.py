"""Sandbox fixtures: one demo server per test module (stopping one takes half a second), reset to
a fresh demo seed before each test, and HTTP clients for both emulated APIs."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from esync_desktop.sandbox.server import SandboxServer

UA = {"User-Agent": "eSyncTests/1.0 (pytest)"}


def clover_client(server: SandboxServer, timeout: float = 5.0) -> httpx.Client:
    """A client on `/v3/merchants/{mId}` with the demo token and a User-Agent."""
    creds = server.describe()
    return httpx.Client(
        base_url=f"{creds['url']}/v3/merchants/{creds['clover_merchant_id']}",
        headers={"Authorization": f"Bearer {creds['clover_token']}", **UA},
        timeout=timeout,
    )


def bc_client(server: SandboxServer, version: str = "") -> httpx.Client:
    """A client on `/stores/{hash}` (or `/stores/{hash}/v3` with version="/v3")."""
    creds = server.describe()
    return httpx.Client(
        base_url=f"{creds['url']}/stores/{creds['bc_store_hash']}{version}",
        headers={"X-Auth-Token": creds["bc_token"], "Accept": "application/json"},
    )


def unthrottle(server: SandboxServer) -> None:
    # Most tests are not about rate limits: lift them so bursts of calls are never refused.
    server.clover.configure(
        {"rate_per_second": 10_000, "concurrency": 100, "require_user_agent": True}
    )
    server.bigcommerce.configure({"plan": "unlimited", "window_ms": 30_000, "read_lag_ms": 0})


@pytest.fixture(scope="module")
def running() -> Iterator[SandboxServer]:
    with SandboxServer(seed="demo") as server:
        unthrottle(server)
        yield server


@pytest.fixture
def server(running: SandboxServer) -> SandboxServer:
    running.reset("demo")
    unthrottle(running)
    return running


@pytest.fixture
def clover(server: SandboxServer) -> Iterator[httpx.Client]:
    with clover_client(server) as client:
        yield client


@pytest.fixture
def bc(server: SandboxServer) -> Iterator[httpx.Client]:
    """The BigCommerce v3 API."""
    with bc_client(server, "/v3") as client:
        yield client


@pytest.fixture
def bc_store(server: SandboxServer) -> Iterator[httpx.Client]:
    """The BigCommerce store root, for tests that use both v2 and v3 paths."""
    with bc_client(server) as client:
        yield client
