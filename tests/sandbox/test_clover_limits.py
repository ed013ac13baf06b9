"""Clover emulator limits, persistence and scale: 429s, a restart over SQLite, 100k items."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from esync_desktop.sandbox.server import SandboxServer
from tests.sandbox.conftest import clover_client


def freeze_limiter(server: SandboxServer) -> None:
    # Every request then falls in the same second, however slow the machine running the test.
    server.clover.limiter._clock = lambda: 1000.0  # type: ignore[attr-defined]


def test_rate_limit_429_names_the_token_limit(sandbox: SandboxServer) -> None:
    sandbox.clover.configure({"rate_per_second": 3})
    freeze_limiter(sandbox)
    with clover_client(sandbox, timeout=30) as clover:
        statuses = [clover.get("/tenders") for _ in range(6)]
    refused = [r for r in statuses if r.status_code == 429]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429, 429]
    assert refused[0].headers["X-RateLimit-tokenLimit"] == "3"
    assert "retry-after" not in refused[0].headers  # only concurrency 429s carry it
    assert refused[0].json() == {"message": "429 Too Many Requests"}


def test_default_rate_limit_is_16_per_second(sandbox: SandboxServer) -> None:
    freeze_limiter(sandbox)
    with clover_client(sandbox, timeout=30) as clover:
        statuses = [clover.get("/tenders").status_code for _ in range(20)]
    assert statuses == [200] * 16 + [429] * 4


def test_concurrency_limit_429_has_retry_after(sandbox: SandboxServer) -> None:
    sandbox.clover.configure({"rate_per_second": 1000, "retry_after": 2})
    # Slow every Clover response so the requests overlap.
    sandbox.faults.configure("clover", {"latency_ms": 400})
    with clover_client(sandbox, timeout=30) as clover, ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: clover.get("/tenders"), range(8)))
    refused = [r for r in responses if r.status_code == 429]
    assert sum(r.status_code == 200 for r in responses) == 5
    assert len(refused) == 3
    assert refused[0].headers["X-RateLimit-tokenConcurrentLimit"] == "5"
    assert refused[0].headers["retry-after"] == "2"


def test_in_flight_slots_are_released(sandbox: SandboxServer) -> None:
    sandbox.clover.configure({"rate_per_second": 1000, "concurrency": 1})
    with clover_client(sandbox, timeout=30) as clover:
        # One at a time never trips a concurrency limit of one, even across errors.
        statuses = [clover.get(path).status_code for path in ("/items", "/items/NOPE", "/x") * 3]
    assert 429 not in statuses


def test_state_survives_a_restart_with_db_path(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    with (
        SandboxServer(seed="demo", db_path=db) as first,
        clover_client(first, timeout=30) as clover,
    ):
        first.clover.configure({"rate_per_second": 1000})
        tag = clover.post("/tags", json={"name": "Kept"}).json()
        made = clover.post("/items", json={"name": "Persisted", "price": 4200, "sku": "P-1"}).json()
        clover.post(
            "/tag_items",
            json={"elements": [{"tag": {"id": tag["id"]}, "item": {"id": made["id"]}}]},
        )
        clover.post(f"/item_stocks/{made['id']}", json={"quantity": 12})
        order = clover.post(
            "/atomic_order/orders",
            json={"orderCart": {"lineItems": [{"item": {"id": made["id"]}}]}},
        ).json()
        demo_items = len(clover.get("/items", params={"limit": 1000}).json()["elements"])
    with (
        SandboxServer(seed="demo", db_path=db) as second,
        clover_client(second, timeout=30) as clover,
    ):
        item = clover.get(f"/items/{made['id']}", params={"expand": "itemStock,tags"}).json()
        assert item["name"] == "Persisted" and item["price"] == 4200
        assert item["itemStock"]["quantity"] == 11.0  # the order's line took one
        assert isinstance(item["itemStock"]["quantity"], float)
        assert [t["name"] for t in item["tags"]["elements"]] == ["Kept"]
        assert (
            clover.get("/items", params={"filter": "tags.name=Kept"}).json()["elements"][0]["id"]
            == made["id"]
        )
        again = clover.get(f"/orders/{order['id']}", params={"expand": "lineItems"}).json()
        assert again["total"] == order["total"] and len(again["lineItems"]["elements"]) == 1
        assert len(clover.get("/items", params={"limit": 1000}).json()["elements"]) == demo_items
    assert b"c1d3m0" not in db.read_bytes()  # the token is never stored


def test_100k_generated_items_seed_and_page() -> None:
    """Seeding and paging at 100k items works; tests/benchmarks/bench_clients.py times it."""
    with SandboxServer(seed="empty") as server:
        api = server.clover
        api.configure({"rate_per_second": 1000})
        with server.store.lock:
            api.seed("generated", 100_000)
        with clover_client(server, timeout=30) as clover:
            queries: tuple[dict[str, str | int], ...] = (
                {"limit": 1000},
                {"limit": 1000, "offset": 99_000},
                {"limit": 1000, "orderBy": "modifiedTime ASC"},
                {"limit": 1000, "filter": "itemStock.quantity<1"},
            )
            for params in queries:
                page = clover.get("/items", params=params)
                assert page.status_code == 200
                assert len(page.json()["elements"]) == 1000
            tail = clover.get("/items", params={"limit": 1000, "offset": 99_500}).json()
            assert len(tail["elements"]) == 500
            category = clover.get("/categories").json()["elements"][0]
            in_cat = clover.get(f"/categories/{category['id']}/items", params={"limit": 1})
            assert len(in_cat.json()["elements"]) == 1
