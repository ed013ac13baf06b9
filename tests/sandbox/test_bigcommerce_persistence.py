"""BigCommerce emulator state across restarts (db_path) and at benchmark scale (100k items)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from esync_desktop.sandbox.server import SandboxServer


def client(server: SandboxServer) -> httpx.Client:
    creds = server.describe()
    return httpx.Client(
        base_url=f"{creds['url']}/stores/{creds['bc_store_hash']}",
        headers={"X-Auth-Token": creds["bc_token"], "Accept": "application/json"},
    )


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db_path = tmp_path / "sandbox.sqlite"
    with SandboxServer(seed="demo", db_path=db_path) as server:
        server.bigcommerce.configure({"plan": "unlimited"})
        with client(server) as bc:
            made = bc.post(
                "/v3/catalog/products",
                json={
                    "name": "Persisted Mug",
                    "type": "physical",
                    "sku": "PER-1",
                    "price": 9.1234,
                    "weight": 1,
                    "inventory_tracking": "product",
                    "inventory_level": 4,
                    "categories": [1],
                },
            ).json()["data"]
            adjusted = bc.put(
                "/v3/inventory/adjustments/absolute",
                json={"items": [{"location_id": 2, "sku": "PER-1", "quantity": 6}]},
            )
            assert adjusted.status_code == 200
            order = bc.get("/v2/orders", params={"status_id": 11}).json()[0]
            bc.put(f"/v2/orders/{order['id']}", json={"status_id": 9})
    assert db_path.exists()
    # Tokens are never written to the sandbox database.
    assert b"bcdemotoken" not in db_path.read_bytes()
    with SandboxServer(seed="demo", db_path=db_path) as server:
        server.bigcommerce.configure({"plan": "unlimited"})
        with client(server) as bc:
            again = bc.get(f"/v3/catalog/products/{made['id']}").json()["data"]
            assert again["sku"] == "PER-1" and again["price"] == 9.1234
            assert again["inventory_level"] == 4 and again["categories"] == [1]
            assert again["date_modified"] == made["date_modified"]
            items = bc.get("/v3/inventory/items", params={"sku:in": "PER-1"}).json()["data"]
            onhand = {x["location_id"]: x["total_inventory_onhand"] for x in items[0]["locations"]}
            assert onhand == {1: 4, 2: 6}
            assert bc.get(f"/v2/orders/{order['id']}").json()["status_id"] == 9
            # Indexes are rebuilt from the tables: uniqueness holds, ids continue.
            dup = bc.post(
                "/v3/catalog/products",
                json={"name": "Other", "type": "physical", "sku": "per-1", "price": 1, "weight": 1},
            )
            assert dup.status_code == 409
            newer = bc.post(
                "/v3/catalog/products",
                json={"name": "Newer", "type": "physical", "sku": "PER-2", "price": 1, "weight": 1},
            )
            assert newer.json()["data"]["id"] > made["id"]
            # A relative adjustment is allowed: the stock was set absolutely before the restart.
            relative = bc.post(
                "/v3/inventory/adjustments/relative",
                json={"items": [{"location_id": 1, "sku": "PER-1", "quantity": -1}]},
            )
            assert relative.status_code == 200


def _get(bc: httpx.Client, path: str, params: dict[str, Any]) -> Any:
    response = bc.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.slow
def test_100k_items_seed_and_page() -> None:
    """Both emulators seed 100k items and page, filter and look up through them (how fast is
    for the benchmarks, not an assert on a shared machine's wall time)."""
    with SandboxServer(seed="empty", items=100_000) as server:
        server.bigcommerce.configure({"plan": "unlimited"})
        with client(server) as bc:
            body = _get(bc, "/v3/catalog/products", {"limit": 250, "page": 60})
            assert body["meta"]["pagination"]["total"] == 25_000
            assert len(body["data"]) == 250
            skus = ",".join(f"GEN-{n:06d}" for n in range(0, 100_000, 400))
            body = _get(bc, "/v3/catalog/products", {"sku:in": skus, "limit": 250})
            assert len(body["data"]) == 250
            body = _get(
                bc, "/v3/catalog/products", {"limit": 250, "include": "variants", "page": 100}
            )
            assert len(body["data"]) == 250
            body = _get(bc, "/v3/catalog/variants", {"sku": "GEN-099996"})
            assert body["data"][0]["sku"] == "GEN-099996"
