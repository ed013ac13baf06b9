"""Helpers for the pull-sales tests: in-store sales rung up on the sandbox's Clover device, and
BigCommerce's stock levels read directly."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sync.live import admin


def ring_up(server: Any, *lines: tuple[str, int], title: str = "In-store sale") -> str:
    """A paid in-store sale of (SKU, quantity) lines; returns the Clover order id."""
    body = {"lines": [{"sku": sku, "quantity": n} for sku, n in lines], "title": title}
    return str(admin(server, "/_sandbox/clover/sale", body)["id"])


class Levels:
    """On-hand levels in the demo web store, by SKU and location."""

    def __init__(self, server: Any) -> None:
        info = server.describe()
        self.http = httpx.Client(
            base_url=f"{info['url']}/stores/{info['bc_store_hash']}",
            headers={"X-Auth-Token": info["bc_token"], "Accept": "application/json"},
        )

    def close(self) -> None:
        self.http.close()

    def __call__(self, *skus: str, location: int = 1) -> dict[str, int]:
        reply = self.http.get(
            "/v3/inventory/items",
            params={"sku:in": ",".join(skus), "location_id:in": location},
        )
        assert reply.status_code == 200, reply.text
        out = {}
        for row in reply.json()["data"]:
            (loc,) = row["locations"]
            out[row["identity"]["sku"]] = int(loc["total_inventory_onhand"])
        return out

    def set(self, sku: str, quantity: int, location: int = 1) -> None:
        body = {
            "reason": "test",
            "items": [{"location_id": location, "sku": sku, "quantity": quantity}],
        }
        reply = self.http.put("/v3/inventory/adjustments/absolute", json=body)
        assert reply.status_code == 200, reply.text
