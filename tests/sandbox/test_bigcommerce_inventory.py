"""BigCommerce emulator inventory over loopback HTTP: locations, items, adjustments, mirroring."""

from __future__ import annotations

import time
from typing import Any

import httpx

from esync_desktop.sandbox.server import SandboxServer


def product(bc: httpx.Client, sku: str) -> dict[str, Any]:
    rows = bc.get("/catalog/products", params={"sku": sku, "include": "variants"}).json()["data"]
    assert len(rows) == 1
    return rows[0]  # type: ignore[no-any-return]


def variant(bc: httpx.Client, sku: str) -> dict[str, Any]:
    rows = bc.get("/catalog/variants", params={"sku": sku}).json()["data"]
    assert len(rows) == 1
    return rows[0]  # type: ignore[no-any-return]


def absolute(bc: httpx.Client, *items: dict[str, Any]) -> httpx.Response:
    return bc.put("/inventory/adjustments/absolute", json={"reason": "test", "items": list(items)})


def relative(bc: httpx.Client, *items: dict[str, Any]) -> httpx.Response:
    return bc.post("/inventory/adjustments/relative", json={"reason": "test", "items": list(items)})


def test_locations_main_store_and_warehouse(bc: httpx.Client) -> None:
    body = bc.get("/inventory/locations").json()
    labels = {loc["id"]: loc["label"] for loc in body["data"]}
    assert labels == {1: "Main Store", 2: "Warehouse"}
    default = bc.get("/inventory/locations", params={"is_default": "true"}).json()["data"]
    assert [loc["id"] for loc in default] == [1]


def test_absolute_by_product_id_mirrors_into_catalog(bc: httpx.Client) -> None:
    mug = product(bc, "MUG-001")
    response = absolute(bc, {"location_id": 1, "product_id": mug["id"], "quantity": 33})
    assert response.status_code == 200
    transaction = response.json()["transaction_id"]
    assert len(transaction) == 36 and transaction.count("-") == 4
    again = product(bc, "MUG-001")
    assert again["inventory_level"] == 33
    assert again["variants"][0]["inventory_level"] == 33
    assert again["date_modified"] > mug["date_modified"]


def test_other_locations_do_not_change_catalog_level(bc: httpx.Client) -> None:
    mug = product(bc, "MUG-001")
    assert absolute(bc, {"location_id": 2, "sku": "MUG-001", "quantity": 500}).status_code == 200
    assert product(bc, "MUG-001")["inventory_level"] == mug["inventory_level"]
    items = bc.get("/inventory/items", params={"sku:in": "MUG-001"}).json()["data"]
    onhand = {loc["location_id"]: loc["total_inventory_onhand"] for loc in items[0]["locations"]}
    assert onhand == {1: mug["inventory_level"], 2: 500}
    at_two = bc.get("/inventory/locations/2/items", params={"sku:in": "MUG-001"}).json()["data"]
    assert at_two[0]["total_inventory_onhand"] == 500
    assert at_two[0]["identity"]["sku"] == "MUG-001"


def test_variant_stock_by_sku_and_variant_id_sums_into_product(bc: httpx.Client) -> None:
    first = variant(bc, "PT-S-SAN")
    second = variant(bc, "PT-M-SAN")
    response = absolute(
        bc,
        {"location_id": 1, "sku": "pt-s-san", "quantity": 10},
        {"location_id": 1, "variant_id": second["id"], "quantity": 4},
    )
    assert response.status_code == 200
    tee = bc.get(f"/catalog/products/{first['product_id']}", params={"include": "variants"})
    levels = {v["sku"]: v["inventory_level"] for v in tee.json()["data"]["variants"]}
    assert levels["PT-S-SAN"] == 10 and levels["PT-M-SAN"] == 4
    assert tee.json()["data"]["inventory_level"] == sum(levels.values())


def test_relative_adjustment_adds_and_refuses_below_zero(bc: httpx.Client) -> None:
    absolute(bc, {"location_id": 1, "sku": "CND-001", "quantity": 5})
    assert relative(bc, {"location_id": 1, "sku": "CND-001", "quantity": -2}).status_code == 200
    assert relative(bc, {"location_id": 1, "sku": "CND-001", "quantity": 4}).status_code == 200
    assert product(bc, "CND-001")["inventory_level"] == 7
    refused = relative(bc, {"location_id": 1, "sku": "CND-001", "quantity": -8})
    assert refused.status_code == 422
    assert "CND-001" in refused.json()["title"]
    assert product(bc, "CND-001")["inventory_level"] == 7


def test_wrong_identifier_for_tracking_mode_is_422(bc: httpx.Client) -> None:
    mug = product(bc, "MUG-001")
    base = mug["variants"][0]["id"]
    response = absolute(bc, {"location_id": 1, "variant_id": base, "quantity": 1})
    assert response.status_code == 422
    assert response.json()["title"] == (
        f"[Item with variant_id {base} is tracked by product, please update stock by product id]"
    )
    assert response.json()["errors"] == {}
    assert response.headers["content-type"].startswith("application/problem+json")


def test_relative_before_absolute_is_422(bc: httpx.Client) -> None:
    made = bc.post(
        "/catalog/products",
        json={
            "name": "Never Stocked",
            "type": "physical",
            "price": 1,
            "weight": 1,
            "inventory_tracking": "product",
        },
    ).json()["data"]
    response = relative(bc, {"location_id": 1, "product_id": made["id"], "quantity": 1})
    assert response.status_code == 422
    assert response.json()["title"] == (
        f"[Items with identity: [product_id {made['id']}] requires absolute adjustment"
        " before relative]"
    )


def test_a_refused_item_refuses_the_whole_request(bc: httpx.Client) -> None:
    before = product(bc, "MUG-005")["inventory_level"]
    response = absolute(
        bc,
        {"location_id": 1, "sku": "MUG-005", "quantity": before + 7},
        {"location_id": 1, "sku": "NO-SUCH-SKU", "quantity": 1},
    )
    assert response.status_code == 422
    assert "NO-SUCH-SKU" in response.json()["title"]
    assert product(bc, "MUG-005")["inventory_level"] == before


def test_unknown_location_and_bad_items_are_422(bc: httpx.Client) -> None:
    assert absolute(bc, {"location_id": 99, "sku": "MUG-001", "quantity": 1}).status_code == 422
    assert absolute(bc, {"location_id": 1, "quantity": 1}).status_code == 422
    assert absolute(bc, {"location_id": 1, "sku": "MUG-001", "quantity": -1}).status_code == 422
    assert bc.put("/inventory/adjustments/absolute", json={}).status_code == 422


def test_an_adjustment_without_items_changes_nothing(bc: httpx.Client) -> None:
    # The inventory file sets no minimum on `items`: an empty batch is a transaction of nothing.
    before = product(bc, "MUG-001")["inventory_level"]
    empty = bc.put("/inventory/adjustments/absolute", json={"items": []})
    assert empty.status_code == 200 and empty.json()["transaction_id"]
    assert product(bc, "MUG-001")["inventory_level"] == before


def test_more_than_2000_items_is_413(bc: httpx.Client) -> None:
    items = [{"location_id": 1, "sku": "MUG-001", "quantity": 1}] * 2001
    assert absolute(bc, *items).status_code == 413
    assert relative(bc, *items).status_code == 413
    assert absolute(bc, *items[:2000]).status_code == 200


def test_catalog_inventory_level_write_is_an_absolute_set_at_location_1(bc: httpx.Client) -> None:
    mug = product(bc, "MUG-001")
    bc.put(f"/catalog/products/{mug['id']}", json={"inventory_level": 12})
    items = bc.get("/inventory/locations/1/items", params={"product_id:in": mug["id"]}).json()
    assert items["data"][0]["total_inventory_onhand"] == 12
    # The catalog clamps values over the cap (§9.1).
    bc.put(f"/catalog/products/{mug['id']}", json={"inventory_level": 3_000_000_000})
    assert product(bc, "MUG-001")["inventory_level"] == 2_147_483_647


def test_untracked_product_refuses_adjustments(bc: httpx.Client) -> None:
    made = bc.post(
        "/catalog/products",
        json={
            "name": "Untracked",
            "type": "physical",
            "price": 1,
            "weight": 1,
            "sku": "UNT-1",
        },
    ).json()["data"]
    assert made["inventory_tracking"] == "none"
    assert absolute(bc, {"location_id": 1, "sku": "UNT-1", "quantity": 4}).status_code == 422


def test_safety_stock_settings_change_available_to_sell(bc: httpx.Client) -> None:
    absolute(bc, {"location_id": 1, "sku": "MUG-001", "quantity": 10})
    body = {"settings": [{"identity": {"sku": "MUG-001"}, "safety_stock": 3, "warning_level": 2}]}
    response = bc.put("/inventory/locations/1/items", json=body)
    assert response.status_code == 200 and "transaction_id" in response.json()
    item = bc.get("/inventory/locations/1/items", params={"sku:in": "MUG-001"}).json()["data"][0]
    assert item["available_to_sell"] == 7 and item["settings"]["safety_stock"] == 3
    assert relative(bc, {"location_id": 1, "sku": "MUG-001", "quantity": -8}).status_code == 422


def test_inventory_items_paging_and_filters(bc: httpx.Client) -> None:
    body = bc.get("/inventory/items", params={"limit": 5}).json()
    assert len(body["data"]) == 5
    assert body["meta"]["pagination"]["per_page"] == 5
    tee = variant(bc, "PT-S-SAN")
    rows = bc.get("/inventory/items", params={"variant_id:in": tee["id"]}).json()["data"]
    assert [r["identity"]["variant_id"] for r in rows] == [tee["id"]]
    assert bc.get("/inventory/items", params={"limit": 1001}).status_code == 413
    assert bc.get("/inventory/locations/77/items").status_code == 404


def test_read_lag_returns_the_old_value_for_a_while(
    server: SandboxServer, bc: httpx.Client
) -> None:
    mug = product(bc, "MUG-001")
    old = mug["inventory_level"]
    admin = httpx.post(f"{server.url}/_sandbox/bigcommerce/read-lag", json={"ms": 400})
    assert admin.status_code == 200
    absolute(bc, {"location_id": 1, "product_id": mug["id"], "quantity": old + 5})
    lagging = bc.get("/inventory/items", params={"product_id:in": mug["id"]}).json()["data"]
    assert lagging[0]["locations"][0]["total_inventory_onhand"] == old
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if product(bc, "MUG-001")["inventory_level"] == old + 5:
            break
        time.sleep(0.05)
    assert product(bc, "MUG-001")["inventory_level"] == old + 5


def test_admin_product_lookup_shows_stock_per_location(server: SandboxServer) -> None:
    response = httpx.get(f"{server.url}/_sandbox/bigcommerce/products", params={"sku": "MUG-001"})
    assert response.status_code == 200
    found = response.json()["products"]
    assert found[0]["sku"] == "MUG-001"
    assert "1" in next(iter(found[0]["stock_by_location"].values()))
