"""`sandbox serve --json` as a user runs it: one JSON line, then vendor-shaped replies to requests
made exactly as the vendors' docs show them, until SIGTERM stops it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest


@pytest.fixture
def served() -> Iterator[dict[str, Any]]:
    with subprocess.Popen(
        [sys.executable, "-m", "esync_desktop", "sandbox", "serve", "--seed", "demo", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        try:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            yield json.loads(line)
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0


def test_serve_prints_the_json_line_and_answers_as_the_vendors(served: dict[str, Any]) -> None:
    keys = {"url", "clover_merchant_id", "clover_token", "bc_store_hash", "bc_token"}
    keys |= {"warehouse_merchant_id", "warehouse_token"}  # the demo's second Clover merchant
    assert set(served) == keys
    url = served["url"]
    assert url.startswith("http://127.0.0.1:")
    clover = {"Authorization": f"Bearer {served['clover_token']}"}
    merchant = f"{url}/v3/merchants/{served['clover_merchant_id']}"
    with httpx.Client(timeout=10) as http:
        reply = http.get(f"{merchant}/items", params={"limit": 2}, headers=clover)
        assert reply.status_code == 200
        body = reply.json()
        assert len(body["elements"]) == 2 and body["href"].startswith(f"{merchant}/items")
        assert (
            http.get(f"{merchant}/items", headers={"Authorization": "Bearer x"}).status_code == 401
        )
        assert http.put(f"{merchant}/items", headers=clover).status_code == 405

        bc = {"X-Auth-Token": served["bc_token"], "Accept": "application/json"}
        store = f"{url}/stores/{served['bc_store_hash']}"
        reply = http.get(f"{store}/v3/catalog/products", params={"limit": 1}, headers=bc)
        assert reply.status_code == 200
        assert reply.json()["meta"]["pagination"]["per_page"] == 1
        assert "X-Rate-Limit-Requests-Left" in reply.headers
        assert "X-Rate-Limit-Time-Reset-Ms" in reply.headers
        assert http.get(f"{store}/v2/store", headers=bc).json()["name"]
