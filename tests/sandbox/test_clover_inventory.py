"""Clover inventory over HTTP: items, stock shapes and times, bulk items, associations, variants."""

from __future__ import annotations

import time

import httpx

from esync_desktop.sandbox.server import SandboxServer


def by_sku(clover: httpx.Client, sku: str) -> dict:
    found = clover.get("/items", params={"filter": f"sku={sku}", "expand": "itemStock"})
    elements = found.json()["elements"]
    assert len(elements) == 1, elements
    return elements[0]


def later() -> None:
    # Timestamps are milliseconds; make sure the next write lands on a later one.
    time.sleep(0.003)


def test_create_fills_clover_defaults(clover: httpx.Client) -> None:
    item = clover.post("/items", json={"name": "Plain", "price": 1200}).json()
    assert item["hidden"] is False and item["available"] is True
    assert item["priceType"] == "FIXED" and item["defaultTaxRates"] is True
    assert item["isRevenue"] is True and item["autoManage"] is False
    assert "stockCount" not in item  # never stocked
    assert clover.get(f"/items/{item['id']}").json() == item


def test_create_requires_name_and_integer_price(clover: httpx.Client) -> None:
    assert clover.post("/items", json={"price": 100}).status_code == 400
    assert clover.post("/items", json={"name": "x", "price": 12.5}).status_code == 400
    assert (
        clover.post("/items", json={"name": "x", "price": 100, "priceType": "NOPE"}).status_code
        == 400
    )


def test_partial_update_bumps_modified_time_and_keeps_other_fields(clover: httpx.Client) -> None:
    item = clover.post("/items", json={"name": "Before", "price": 100, "sku": "U-1"}).json()
    later()
    updated = clover.post(f"/items/{item['id']}", json={"price": 250}).json()
    assert updated["price"] == 250 and updated["name"] == "Before" and updated["sku"] == "U-1"
    assert updated["modifiedTime"] > item["modifiedTime"]


def test_item_group_cannot_be_changed_after_creation(clover: httpx.Client) -> None:
    group = clover.post("/item_groups", json={"name": "G"}).json()
    item = clover.post("/items", json={"name": "Loose", "price": 1}).json()
    updated = clover.post(f"/items/{item['id']}", json={"itemGroup": {"id": group["id"]}}).json()
    assert "itemGroup" not in updated


def test_never_stocked_item_has_only_the_item_reference(clover: httpx.Client) -> None:
    jwl = by_sku(clover, "JWL-003")
    assert jwl["itemStock"] == {"item": {"id": jwl["id"]}}
    assert clover.get(f"/item_stocks/{jwl['id']}").json() == {"item": {"id": jwl["id"]}}


def test_stock_is_absolute_float_with_rounded_stock_count(clover: httpx.Client) -> None:
    mug = by_sku(clover, "MUG-001")
    response = clover.post(f"/item_stocks/{mug['id']}", json={"quantity": 160.5})
    assert response.status_code == 200
    stock = response.json()
    assert stock["item"] == {"id": mug["id"]}
    assert stock["quantity"] == 160.5 and stock["stockCount"] == 161
    again = clover.post(f"/item_stocks/{mug['id']}", json={"quantity": 30}).json()
    assert again["quantity"] == 30.0 and isinstance(again["quantity"], float)
    assert clover.get(f"/items/{mug['id']}").json()["stockCount"] == 30


def test_stock_write_moves_stock_time_not_item_time(clover: httpx.Client) -> None:
    mug = by_sku(clover, "MUG-001")
    before_stock = mug["itemStock"]["modifiedTime"]
    later()
    clover.post(f"/item_stocks/{mug['id']}", json={"quantity": 7})
    after = by_sku(clover, "MUG-001")
    assert after["modifiedTime"] == mug["modifiedTime"]
    assert after["itemStock"]["modifiedTime"] > before_stock
    cut = after["itemStock"]["modifiedTime"]
    fresh = clover.get("/items", params={"filter": f"modifiedTime>={cut}"}).json()["elements"]
    assert mug["id"] not in {i["id"] for i in fresh}  # an items delta poll misses stock edits


def test_item_stock_quantity_filter_and_stock_list(clover: httpx.Client) -> None:
    negative = clover.get("/items", params={"filter": "itemStock.quantity<0"}).json()["elements"]
    assert {i["sku"] for i in negative} == {"JWL-004"}
    stocks = clover.get("/item_stocks", params={"limit": 1000}).json()["elements"]
    assert all("quantity" in s and "item" in s for s in stocks)
    assert {s["quantity"] for s in stocks} >= {3.5, -2.0}


def test_delete_stock_returns_to_never_stocked(clover: httpx.Client) -> None:
    mug = by_sku(clover, "MUG-001")
    assert clover.delete(f"/item_stocks/{mug['id']}").status_code == 200
    assert clover.get(f"/item_stocks/{mug['id']}").json() == {"item": {"id": mug["id"]}}


def test_auto_manage_flips_available_with_stock(clover: httpx.Client) -> None:
    mug = by_sku(clover, "MUG-001")
    clover.post(f"/items/{mug['id']}", json={"autoManage": True})
    clover.post(f"/item_stocks/{mug['id']}", json={"quantity": 0})
    assert clover.get(f"/items/{mug['id']}").json()["available"] is False
    clover.post(f"/item_stocks/{mug['id']}", json={"quantity": 4})
    assert clover.get(f"/items/{mug['id']}").json()["available"] is True


def test_delete_items_by_id_list(clover: httpx.Client) -> None:
    a = clover.post("/items", json={"name": "A", "price": 1}).json()
    b = clover.post("/items", json={"name": "B", "price": 1}).json()
    response = clover.delete("/items", params={"itemIds": f"{a['id']},{b['id']}"})
    assert response.status_code == 200
    assert clover.get(f"/items/{a['id']}").status_code == 404
    assert clover.get(f"/items/{b['id']}").status_code == 404


def test_bulk_create_and_partial_bulk_update(clover: httpx.Client) -> None:
    made = clover.post(
        "/bulk_items",
        json={
            "items": [
                {"name": "Bulk 1", "price": 100, "sku": "B-1"},
                {"name": "Bulk 2", "price": 200},
            ]
        },
    ).json()
    assert [m["name"] for m in made] == ["Bulk 1", "Bulk 2"]
    later()
    updated = clover.put("/bulk_items", json={"items": [{"id": made[0]["id"], "price": 999}]})
    assert updated.status_code == 200
    fresh = clover.get(f"/items/{made[0]['id']}").json()
    assert fresh["price"] == 999 and fresh["sku"] == "B-1" and fresh["name"] == "Bulk 1"
    assert fresh["modifiedTime"] > made[0]["modifiedTime"]


def test_bulk_update_with_unknown_id_changes_nothing(clover: httpx.Client) -> None:
    item = clover.post("/items", json={"name": "Safe", "price": 100}).json()
    body = {"items": [{"id": item["id"], "price": 5}, {"id": "NOSUCHITEM000", "price": 6}]}
    assert clover.put("/bulk_items", json=body).status_code == 400
    assert clover.get(f"/items/{item['id']}").json()["price"] == 100


def test_category_links_and_delete_param(clover: httpx.Client) -> None:
    category = clover.post("/categories", json={"name": "New Shelf"}).json()
    sort_orders = [c["sortOrder"] for c in clover.get("/categories").json()["elements"]]
    assert category["sortOrder"] == max(sort_orders)  # new categories go last
    item = clover.post("/items", json={"name": "Linked", "price": 1}).json()
    pair = {"elements": [{"category": {"id": category["id"]}, "item": {"id": item["id"]}}]}
    assert clover.post("/category_items", json=pair).status_code == 200
    in_cat = clover.get(f"/categories/{category['id']}/items").json()["elements"]
    assert [i["id"] for i in in_cat] == [item["id"]]
    cats = clover.get(f"/items/{item['id']}/categories").json()["elements"]
    assert [c["name"] for c in cats] == ["New Shelf"]
    expanded = clover.get(f"/items/{item['id']}", params={"expand": "categories"}).json()
    assert expanded["categories"]["elements"][0]["id"] == category["id"]
    clover.post("/category_items", params={"delete": "true"}, json=pair)
    assert clover.get(f"/categories/{category['id']}/items").json()["elements"] == []


def test_category_link_with_unknown_item_is_400(clover: httpx.Client) -> None:
    category = clover.get("/categories").json()["elements"][0]
    pair = {"elements": [{"category": {"id": category["id"]}, "item": {"id": "NOSUCHITEM000"}}]}
    assert clover.post("/category_items", json=pair).status_code == 400


def test_demo_categories_include_clover_only_ones(clover: httpx.Client) -> None:
    cats = {c["name"] for c in clover.get("/categories").json()["elements"]}
    assert {"Seasonal", "Gift Cards", "T-Shirts", "Mugs"} <= cats


def test_demo_variants_are_groups_with_attributes_and_options(clover: httpx.Client) -> None:
    groups = {g["name"]: g for g in clover.get("/item_groups").json()["elements"]}
    tee = clover.get(
        f"/item_groups/{groups['Logo Tee']['id']}", params={"expand": "items,attributes"}
    )
    body = tee.json()
    assert len(body["items"]["elements"]) == 12
    assert {a["name"] for a in body["attributes"]["elements"]} == {"Size", "Color"}
    variant = body["items"]["elements"][0]
    options = clover.get(f"/items/{variant['id']}", params={"expand": "options"}).json()["options"]
    assert len(options["elements"]) == 2
    filtered = clover.get("/items", params={"filter": f"itemGroup.id={groups['Logo Tee']['id']}"})
    assert len(filtered.json()["elements"]) == 12


def test_building_a_variant_group_by_hand(clover: httpx.Client) -> None:
    group = clover.post("/item_groups", json={"name": "Canvas Tote"}).json()
    attr = clover.post(
        "/attributes", json={"name": "Size", "itemGroup": {"id": group["id"]}}
    ).json()
    large = clover.post(f"/attributes/{attr['id']}/options", json={"name": "Large"}).json()
    assert large["attribute"] == {"id": attr["id"]}
    item = clover.post(
        "/items", json={"name": "Canvas Tote", "price": 2499, "itemGroup": {"id": group["id"]}}
    ).json()
    assert item["itemGroup"] == {"id": group["id"]}
    link = {"elements": [{"option": {"id": large["id"]}, "item": {"id": item["id"]}}]}
    assert clover.post("/option_items", json=link).status_code == 200
    assert (
        clover.get("/items", params={"filter": f"option.id={large['id']}"}).json()["elements"][0][
            "id"
        ]
        == item["id"]
    )
    all_options = clover.get("/options", params={"filter": f"attribute.id={attr['id']}"}).json()
    assert [o["name"] for o in all_options["elements"]] == ["Large"]
    clover.post("/option_items", params={"delete": "true"}, json=link)
    assert clover.get(f"/items/{item['id']}", params={"expand": "options"}).json()["options"] == {
        "elements": []
    }
    assert clover.post("/attributes", json={"name": "Orphan"}).status_code == 400


def test_tags_and_tag_items(clover: httpx.Client) -> None:
    tag = clover.post("/tags", json={"name": "Web"}).json()
    item = clover.post("/items", json={"name": "Tagged", "price": 1}).json()
    link = {"elements": [{"tag": {"id": tag["id"]}, "item": {"id": item["id"]}}]}
    clover.post("/tag_items", json=link)
    assert [i["id"] for i in clover.get(f"/tags/{tag['id']}/items").json()["elements"]] == [
        item["id"]
    ]
    assert names_with(clover, "tags.name=Web") == {"Tagged"}
    assert clover.delete("/tags", params={"tagIds": tag["id"]}).status_code == 200
    assert clover.get(f"/tags/{tag['id']}").status_code == 404


def names_with(clover: httpx.Client, clause: str) -> set[str]:
    return {i["name"] for i in clover.get("/items", params={"filter": clause}).json()["elements"]}


def test_tax_rate_items_link(clover: httpx.Client) -> None:
    rate = clover.post("/tax_rates", json={"name": "City", "rate": 450000}).json()
    item = clover.post(
        "/items", json={"name": "Taxed", "price": 1, "defaultTaxRates": False}
    ).json()
    clover.post(
        "/tax_rate_items",
        json={"elements": [{"taxRate": {"id": rate["id"]}, "item": {"id": item["id"]}}]},
    )
    assert [i["id"] for i in clover.get(f"/tax_rates/{rate['id']}/items").json()["elements"]] == [
        item["id"]
    ]


def test_demo_seed_carries_the_messy_cases(clover: httpx.Client) -> None:
    items = clover.get("/items", params={"limit": 1000, "expand": "itemStock"}).json()["elements"]
    skus = [i.get("sku") for i in items]
    assert len(items) > 200
    assert None in skus and "" in skus and skus.count("CRD-002") == 2
    assert " COF-007  " in skus and "tea-005" in skus
    fractional = next(i for i in items if i.get("itemStock", {}).get("quantity") == 3.5)
    assert fractional["stockCount"] == 4
    created = sorted(i["modifiedTime"] for i in items)
    assert created[-1] - created[0] > 14 * 86_400_000  # spread over weeks, for delta filters


def test_admin_item_edit_and_stock_edit(server: SandboxServer, clover: httpx.Client) -> None:
    mug = by_sku(clover, "MUG-001")
    later()
    edited = httpx.post(f"{server.url}/_sandbox/clover/items/{mug['id']}", json={"price": 4321})
    assert edited.status_code == 200
    fresh = by_sku(clover, "MUG-001")
    assert fresh["price"] == 4321 and fresh["modifiedTime"] > mug["modifiedTime"]
    stock = httpx.post(
        f"{server.url}/_sandbox/clover/stock", json={"sku": "MUG-001", "quantity": 2.5}
    )
    assert stock.status_code == 200
    assert by_sku(clover, "MUG-001")["itemStock"]["quantity"] == 2.5
    seen = httpx.get(f"{server.url}/_sandbox/clover/items", params={"sku": "MUG-001"}).json()
    assert seen["elements"][0]["itemStock"]["quantity"] == 2.5
    ambiguous = httpx.post(
        f"{server.url}/_sandbox/clover/stock", json={"sku": "CRD-002", "quantity": 1}
    )
    assert ambiguous.status_code == 400
    missing = httpx.post(f"{server.url}/_sandbox/clover/stock", json={"sku": "NOPE", "quantity": 1})
    assert missing.status_code == 404
