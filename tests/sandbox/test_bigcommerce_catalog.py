"""BigCommerce emulator catalog over loopback HTTP: products, variants, options, invariants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from esync_desktop.sandbox.bigcommerce.common import TYPE_URL

SIMPLE = {
    "name": "Ceramic Mug Test",
    "type": "physical",
    "sku": "TST-MUG",
    "price": 12.5,
    "weight": 0.8,
}


def data(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def create(bc: httpx.Client, **changes: Any) -> dict[str, Any]:
    body = {**SIMPLE, **changes}
    return data(bc.post("/catalog/products", json=body))  # type: ignore[no-any-return]


def test_product_list_envelope_and_default_limit(bc: httpx.Client) -> None:
    body = bc.get("/catalog/products").json()
    assert set(body) == {"data", "meta"}
    pagination = body["meta"]["pagination"]
    assert pagination["per_page"] == 50
    assert pagination["current_page"] == 1
    assert pagination["count"] == len(body["data"]) == min(50, pagination["total"])
    assert "previous" not in pagination["links"]
    assert pagination["links"]["current"] == "?page=1&limit=50"


def test_seeded_products_follow_the_demo_catalogue(bc: httpx.Client) -> None:
    mug = data(bc.get("/catalog/products", params={"sku": "MUG-002"}))[0]
    assert mug["inventory_level"] == 99  # bc_stock differs from Clover's on purpose
    renamed = data(bc.get("/catalog/products", params={"sku": "TEA-003"}))[0]
    assert renamed["name"] == "Chai Masala Tin (old name)"
    web = data(bc.get("/catalog/products", params={"sku": "WEB-001"}))[0]
    assert web["name"] == "Web Exclusive Print" and web["price"] == 35
    tee = data(bc.get("/catalog/products", params={"name": "Pocket Tee", "include": "variants"}))
    assert len(tee) == 1 and "base_variant_id" not in tee[0]
    assert {v["sku"] for v in tee[0]["variants"]} >= {"PT-S-SAN", "PT-L-OLI"}
    assert len(tee[0]["variants"]) == 6
    names = [c["name"] for c in data(bc.get("/catalog/categories", params={"limit": 250}))]
    assert "mugs" in names and "Candles " in names and "Shop All" in names


def test_filters_sku_in_id_in_name_like_and_dates(bc: httpx.Client) -> None:
    rows = data(bc.get("/catalog/products", params={"sku:in": "MUG-001,cof-002,NOPE"}))
    assert sorted(r["sku"] for r in rows) == ["COF-002", "MUG-001"]
    ids = [rows[0]["id"], rows[1]["id"]]
    by_id = data(bc.get("/catalog/products", params={"id:in": f"{ids[0]},{ids[1]}"}))
    assert sorted(r["id"] for r in by_id) == sorted(ids)
    like = data(bc.get("/catalog/products", params={"name:like": "soy candle"}))
    assert like and all("soy candle" in r["name"].lower() for r in like)
    exact = data(bc.get("/catalog/products", params={"name": "Stoneware Mug"}))
    assert [r["sku"] for r in exact] == ["MUG-001"]
    made = create(bc)
    newer = data(bc.get("/catalog/products", params={"date_modified:min": made["date_modified"]}))
    assert [r["id"] for r in newer] == [made["id"]]
    older = data(bc.get("/catalog/products", params={"date_modified:max": "2000-01-01T00:00:00Z"}))
    assert older == []


def test_sku_filter_matches_product_level_only(bc: httpx.Client) -> None:
    assert data(bc.get("/catalog/products", params={"sku": "PT-S-SAN"})) == []
    variants = data(bc.get("/catalog/variants", params={"sku": "PT-S-SAN"}))
    assert len(variants) == 1 and variants[0]["sku"] == "PT-S-SAN"
    base = data(bc.get("/catalog/variants", params={"sku": "MUG-001"}))
    assert base[0]["option_values"] == [] and base[0]["sku_id"] is None


def test_limit_over_250_is_413_with_v3_body(bc: httpx.Client) -> None:
    response = bc.get("/catalog/products", params={"limit": 251})
    assert response.status_code == 413
    body = response.json()
    assert body["status"] == 413 and "title" in body and "type" in body


def test_create_returns_full_product_with_base_variant(bc: httpx.Client) -> None:
    made = create(
        bc, categories=[1], inventory_tracking="product", inventory_level=40, price="10.99999"
    )
    assert made["price"] == 11  # stored to 4 places
    assert made["calculated_price"] == 11
    assert made["inventory_level"] == 40
    assert made["custom_url"]["url"] == "/ceramic-mug-test/"
    variants = data(bc.get(f"/catalog/products/{made['id']}/variants"))
    assert [v["id"] for v in variants] == [made["base_variant_id"]]
    assert variants[0]["sku"] == "TST-MUG" and variants[0]["inventory_level"] == 40


def test_money_is_kept_to_four_places(bc: httpx.Client) -> None:
    made = create(bc, price=10.99994, sale_price=9.5)
    assert Decimal(str(made["price"])) == Decimal("10.9999")
    assert made["calculated_price"] == 9.5


def test_duplicate_name_is_409_ignoring_case(bc: httpx.Client) -> None:
    response = bc.post("/catalog/products", json={**SIMPLE, "name": "stoneware  MUG", "sku": "X1"})
    assert response.status_code == 409
    assert response.json()["title"] == "The product name is a duplicate"
    assert response.json()["errors"] == {"name": "The product name is a duplicate"}


@pytest.mark.parametrize("sku", ["MUG-001", "mug-001", " Mug-001 ", "PT-S-SAN", "pt-s-san"])
def test_duplicate_sku_is_409_over_products_and_variants(bc: httpx.Client, sku: str) -> None:
    response = bc.post("/catalog/products", json={**SIMPLE, "sku": sku})
    assert response.status_code == 409
    assert response.json()["title"] == "The product sku is a duplicate"
    assert response.json()["errors"] == {"sku": "The product sku is a duplicate"}


def test_unknown_category_is_409(bc: httpx.Client) -> None:
    response = bc.post("/catalog/products", json={**SIMPLE, "categories": [1, 9999]})
    assert response.status_code == 409
    assert "9999" in response.json()["title"]


def test_tax_classes_are_listed_and_an_unknown_one_is_409(
    bc: httpx.Client, bc_store: httpx.Client
) -> None:
    classes = bc_store.get("/v2/tax_classes").json()
    assert [c["id"] for c in classes] == ["1", "2", "3", "4"]  # v2 ids are strings; 0 unlisted
    assert {"name", "created_at", "updated_at"} <= set(classes[0])
    made = create(bc, tax_class_id=4)
    assert made["tax_class_id"] == 4
    assert create(bc, name="Default class", sku="TST-0", tax_class_id=0)["tax_class_id"] == 0
    response = bc.post(
        "/catalog/products", json={**SIMPLE, "name": "Other", "sku": "X", "tax_class_id": 99}
    )
    assert response.status_code == 409 and "tax_class_id" in response.json()["title"]
    response = bc.put(f"/catalog/products/{made['id']}", json={"tax_class_id": 77})
    assert response.status_code == 409
    assert data(bc.put(f"/catalog/products/{made['id']}", json={"tax_class_id": 2}))


@pytest.mark.parametrize(
    ("missing", "extra"),
    [("name", {}), ("type", {}), ("price", {}), ("weight", {}), ("weight", {"type": "physical"})],
)
def test_missing_required_field_is_422_with_errors_map(
    bc: httpx.Client, missing: str, extra: dict[str, Any]
) -> None:
    body = {k: v for k, v in {**SIMPLE, **extra}.items() if k != missing}
    response = bc.post("/catalog/products", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][missing] == "error.path.missing"


def test_digital_product_needs_no_weight(bc: httpx.Client) -> None:
    body = {k: v for k, v in SIMPLE.items() if k != "weight"}
    made = data(bc.post("/catalog/products", json={**body, "type": "digital"}))
    assert made["weight"] == 0 and made["type"] == "digital"


def test_wrong_types_are_422(bc: httpx.Client) -> None:
    response = bc.post("/catalog/products", json={**SIMPLE, "price": "cheap", "is_visible": "y"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"price", "is_visible"}


def test_create_with_variants_in_one_call(bc: httpx.Client) -> None:
    body = {
        "name": "Logo T-Shirt Test",
        "type": "physical",
        "price": 20,
        "weight": 0.3,
        "inventory_tracking": "variant",
        "variants": [
            {
                "sku": "TT-S-BLU",
                "price": 21,
                "inventory_level": 5,
                "option_values": [
                    {"option_display_name": "Size", "label": "S"},
                    {"option_display_name": "Color", "label": "Blue"},
                ],
            },
            {
                "sku": "TT-M-BLU",
                "inventory_level": 3,
                "option_values": [
                    {"option_display_name": "Size", "label": "M"},
                    {"option_display_name": "Color", "label": "Blue"},
                ],
            },
        ],
    }
    made = data(bc.post("/catalog/products", json=body, params={"include": "variants,options"}))
    assert "base_variant_id" not in made
    assert made["inventory_level"] == 8  # variant tracking sums the variants
    assert [o["display_name"] for o in made["options"]] == ["Size", "Color"]
    assert made["options"][0]["type"] == "radio_buttons"
    first, second = made["variants"]
    assert first["calculated_price"] == 21 and second["calculated_price"] == 20
    size = first["option_values"][0]
    assert size["option_display_name"] == "Size" and size["label"] == "S"
    assert size["option_id"] == made["options"][0]["id"]


def test_create_with_duplicate_variant_sku_is_409(bc: httpx.Client) -> None:
    body = {
        "name": "Dup Variant Test",
        "type": "physical",
        "price": 5,
        "weight": 1,
        "variants": [
            {"sku": "pt-m-san", "option_values": [{"option_display_name": "S", "label": "A"}]},
        ],
    }
    response = bc.post("/catalog/products", json=body)
    assert response.status_code == 409
    assert response.json()["title"] == "Sku 'pt-m-san' is not unique"
    assert data(bc.get("/catalog/products", params={"name": "Dup Variant Test"})) == []


def test_single_put_is_partial_and_bumps_date_modified(bc: httpx.Client) -> None:
    # A seeded product: its date_modified lies weeks back, so a bump is visible at once.
    seeded = data(bc.get("/catalog/products", params={"sku": "COF-002"}))[0]
    updated = data(bc.put(f"/catalog/products/{seeded['id']}", json={"price": 13}))
    assert updated["price"] == 13
    assert updated["name"] == seeded["name"] and updated["sku"] == seeded["sku"]
    assert updated["is_visible"] == seeded["is_visible"]
    assert updated["date_modified"] > seeded["date_modified"]
    assert updated["date_created"] == seeded["date_created"]


def test_variant_and_option_writes_bump_the_product(bc: httpx.Client) -> None:
    tee = data(bc.get("/catalog/products", params={"name": "Pocket Tee", "include": "variants"}))[0]
    variant = tee["variants"][0]
    bc.put(f"/catalog/products/{tee['id']}/variants/{variant['id']}", json={"price": 30})
    after = data(bc.get(f"/catalog/products/{tee['id']}"))
    assert after["date_modified"] > tee["date_modified"]
    found = data(bc.get("/catalog/products", params={"date_modified:min": after["date_modified"]}))
    assert tee["id"] in [p["id"] for p in found]


def test_put_duplicate_sku_and_name_are_409(bc: httpx.Client) -> None:
    made = create(bc)
    assert bc.put(f"/catalog/products/{made['id']}", json={"sku": "TEA-001"}).status_code == 409
    assert (
        bc.put(f"/catalog/products/{made['id']}", json={"name": "Stoneware Mug"}).status_code == 409
    )
    # Its own SKU in another case is not a duplicate.
    assert bc.put(f"/catalog/products/{made['id']}", json={"sku": "tst-mug"}).status_code == 200


def test_batch_put_of_ten_and_413_over(bc: httpx.Client) -> None:
    rows = data(bc.get("/catalog/products", params={"limit": 11, "sort": "id"}))
    ten = [{"id": r["id"], "price": 7} for r in rows[:10]]
    updated = data(bc.put("/catalog/products", json=ten))
    assert [u["price"] for u in updated] == [7] * 10
    over = bc.put("/catalog/products", json=[{"id": r["id"], "price": 8} for r in rows])
    assert over.status_code == 413
    assert over.json()["title"] == (
        "The request payload is too large. The maximum items allowed in the array is 10."
    )
    not_array = bc.put("/catalog/products", json={"id": rows[0]["id"], "price": 9})
    assert not_array.status_code == 422


def test_delete_product_and_its_sku_is_free_again(bc: httpx.Client) -> None:
    made = create(bc)
    assert bc.delete(f"/catalog/products/{made['id']}").status_code == 204
    assert bc.get(f"/catalog/products/{made['id']}").status_code == 404
    again = create(bc)
    assert again["sku"] == "TST-MUG"
    assert bc.delete("/catalog/products", params={"id:in": str(again["id"])}).status_code == 204
    assert bc.delete("/catalog/products").status_code == 422


def test_unknown_product_is_404_with_v3_body(bc: httpx.Client) -> None:
    response = bc.get("/catalog/products/999999")
    assert response.status_code == 404
    assert response.json()["status"] == 404 and response.json()["title"]


def test_variant_crud_and_batch(bc: httpx.Client) -> None:
    tee = data(bc.get("/catalog/products", params={"name": "Pocket Tee"}))[0]
    options = data(bc.get(f"/catalog/products/{tee['id']}/options"))
    size = next(o for o in options if o["display_name"] == "Size")
    value = data(
        bc.post(
            f"/catalog/products/{tee['id']}/options/{size['id']}/values",
            json={"label": "XL", "sort_order": 3},
        )
    )
    color = next(o for o in options if o["display_name"] == "Color")
    sand = color["option_values"][0]
    made = data(
        bc.post(
            f"/catalog/products/{tee['id']}/variants",
            json={
                "sku": "PT-XL-SAN",
                "price": 26,
                "option_values": [
                    {"id": value["id"], "option_id": size["id"]},
                    {"id": sand["id"], "option_id": color["id"]},
                ],
            },
        )
    )
    assert made["calculated_price"] == 26
    same = bc.post(
        f"/catalog/products/{tee['id']}/variants",
        json={
            "sku": "PT-XL-SAN-2",
            "option_values": [
                {"id": value["id"], "option_id": size["id"]},
                {"id": sand["id"], "option_id": color["id"]},
            ],
        },
    )
    assert same.status_code == 409
    all_variants = data(bc.get("/catalog/variants", params={"product_id:in": tee["id"]}))
    batch = [{"id": v["id"], "inventory_level": 9} for v in all_variants]
    assert [v["inventory_level"] for v in data(bc.put("/catalog/variants", json=batch))] == [9] * 7
    product = data(bc.get(f"/catalog/products/{tee['id']}"))
    assert product["inventory_level"] == 63
    over = bc.put("/catalog/variants", json=[{"id": all_variants[0]["id"]}] * 51)
    assert over.status_code == 413
    assert "maximum items allowed in the array is 50" in over.json()["title"]
    dup = bc.put("/catalog/variants", json=[{"id": made["id"], "sku": "mug-001"}])
    assert dup.status_code == 409
    assert bc.delete(f"/catalog/products/{tee['id']}/variants/{made['id']}").status_code == 204
    assert bc.get(f"/catalog/products/{tee['id']}/variants/{made['id']}").status_code == 404


def test_variants_list_pages_all_variants_including_base(bc: httpx.Client) -> None:
    body = bc.get("/catalog/variants", params={"limit": 250}).json()
    products = bc.get("/catalog/products").json()["meta"]["pagination"]["total"]
    # Each simple product has a base variant; Pocket Tee has 6 and no base variant.
    assert body["meta"]["pagination"]["total"] == products - 1 + 6


def test_option_name_collision_is_409(bc: httpx.Client) -> None:
    made = create(bc)
    body = {
        "display_name": "Size",
        "type": "dropdown",
        "option_values": [{"label": "S", "sort_order": 0}],
    }
    assert bc.post(f"/catalog/products/{made['id']}/options", json=body).status_code == 200
    assert bc.post(f"/catalog/products/{made['id']}/options", json=body).status_code == 409


def test_include_fields_trims_but_keeps_id(bc: httpx.Client) -> None:
    rows = data(bc.get("/catalog/products", params={"include_fields": "sku,price", "limit": 3}))
    assert all(set(r) == {"id", "sku", "price"} for r in rows)


def test_sort_and_direction(bc: httpx.Client) -> None:
    rows = data(bc.get("/catalog/products", params={"sort": "price", "direction": "desc"}))
    prices = [r["price"] for r in rows]
    assert prices == sorted(prices, reverse=True)


def test_include_options_caps_the_page_at_ten(bc: httpx.Client) -> None:
    body = bc.get("/catalog/products", params={"include": "options", "limit": 50}).json()
    assert len(body["data"]) == 10 and body["meta"]["pagination"]["per_page"] == 10


def test_category_trees_create_list_and_duplicate_sibling(bc: httpx.Client) -> None:
    made = bc.post("/catalog/trees/categories", json=[{"name": "Gifts", "tree_id": 1}])
    assert made.status_code == 201
    body = made.json()
    assert body["meta"] == {"total": 1, "success": 1, "failed": 0}
    gift = body["data"][0]
    child = bc.post(
        "/catalog/trees/categories", json=[{"name": "Under $10", "parent_id": gift["category_id"]}]
    )
    assert child.status_code == 201
    found = data(bc.get("/catalog/trees/categories", params={"name": "gifts"}))
    assert [c["category_id"] for c in found] == [gift["category_id"]]
    dup = bc.post("/catalog/trees/categories", json=[{"name": "GIFTS", "tree_id": 1}])
    assert dup.status_code == 409
    partial = bc.post(
        "/catalog/trees/categories",
        json=[{"name": "Gifts", "tree_id": 1}, {"name": "Home", "tree_id": 1}],
    )
    assert partial.status_code == 207
    assert partial.json()["meta"] == {"total": 2, "success": 1, "failed": 1}
    # One MetaError object, as the vendor's PartialSuccessResponse says (not a list).
    failed = partial.json()["errors"]
    assert failed["status"] == 409 and failed["title"]
    assert list(failed["errors"]) == ["0.name"], failed
    nested = data(bc.get("/catalog/trees/1/categories"))
    gifts = next(n for n in nested if n["id"] == gift["category_id"])
    assert [c["name"] for c in gifts["children"]] == ["Under $10"]
    trees = data(bc.get("/catalog/trees"))
    assert trees == [{"id": 1, "name": "Default", "channels": [1]}]


def test_legacy_categories_create_and_delete_rules(bc: httpx.Client) -> None:
    made = data(bc.post("/catalog/categories", json={"name": "Legacy Test", "parent_id": 0}))
    assert made["custom_url"]["url"] == "/legacy-test/"
    product = create(bc, categories=[made["id"]])
    assert bc.delete(f"/catalog/categories/{made['id']}").status_code == 422
    bc.delete(f"/catalog/products/{product['id']}")
    assert bc.delete(f"/catalog/categories/{made['id']}").status_code == 204


def _all_products(bc: httpx.Client) -> list[dict[str, Any]]:
    body = bc.get("/catalog/products", params={"limit": 250}).json()
    assert body["meta"]["pagination"]["total_pages"] == 1
    return body["data"]  # type: ignore[no-any-return]


FILTERS: list[tuple[dict[str, Any], Any]] = [
    ({"id:not_in": "1,2"}, lambda p: p["id"] not in (1, 2)),
    ({"id:min": 3, "id:max": 6}, lambda p: 3 <= p["id"] <= 6),
    ({"id:greater": 3, "id:less": 6}, lambda p: 3 < p["id"] < 6),
    ({"price:min": 20}, lambda p: p["price"] >= 20),
    ({"is_visible": "true"}, lambda p: p["is_visible"]),
    ({"type": "physical"}, lambda p: p["type"] == "physical"),
    ({"inventory_level:max": 5}, lambda p: p["inventory_level"] <= 5),
    ({"inventory_level:in": "0,99"}, lambda p: p["inventory_level"] in (0, 99)),
    ({"categories:in": "1"}, lambda p: 1 in p["categories"]),
    ({"categories": 4}, lambda p: p["categories"] == [4]),
    ({"keyword": "candle"}, lambda p: "candle" in (p["name"] + p["description"]).lower()),
    ({"name:like": "TEE"}, lambda p: "tee" in p["name"].lower()),
    ({"sku:in": "MUG-001,tea-001"}, lambda p: p["sku"] in ("MUG-001", "TEA-001")),
    (
        {"out_of_stock": 1},
        lambda p: p["inventory_tracking"] != "none" and p["inventory_level"] == 0,
    ),
    ({"unknown_filter": "x"}, lambda p: True),
]


@pytest.mark.parametrize(("params", "keep"), FILTERS, ids=[str(f[0]) for f in FILTERS])
def test_product_filters_match_the_full_list(
    bc: httpx.Client, params: dict[str, Any], keep: Any
) -> None:
    # All seeded products are physical and visible; one of each other kind makes those filters bite.
    create(bc, name="Gift Voucher File", sku="DIG-1", type="digital", is_visible=False)
    everything = _all_products(bc)
    expected = [p["id"] for p in everything if keep(p)]
    got = data(bc.get("/catalog/products", params={**params, "limit": 250}))
    assert [p["id"] for p in got] == expected
    assert 0 < len(expected) < len(everything) or params == {"unknown_filter": "x"}


def test_variant_batch_creates_with_existing_option_values(bc: httpx.Client) -> None:
    tee = data(bc.get("/catalog/products", params={"name": "Pocket Tee"}))[0]
    options = data(bc.get(f"/catalog/products/{tee['id']}/options"))
    size = next(o for o in options if o["display_name"] == "Size")
    color = next(o for o in options if o["display_name"] == "Color")
    xl = data(
        bc.post(
            f"/catalog/products/{tee['id']}/options/{size['id']}/values",
            json={"label": "XL", "sort_order": 3},
        )
    )
    batch = [
        {
            "product_id": tee["id"],
            "sku": f"PT-XL-{v['label'][:3].upper()}",
            "option_values": [
                {"id": xl["id"], "option_id": size["id"]},
                {"id": v["id"], "option_id": color["id"]},
            ],
        }
        for v in color["option_values"]
    ]
    made = data(bc.put("/catalog/variants", json=batch))
    assert [m["sku"] for m in made] == ["PT-XL-SAN", "PT-XL-OLI"]
    assert all(m["product_id"] == tee["id"] and m["id"] for m in made)
    twice = bc.put(
        "/catalog/variants", json=[{**batch[0], "sku": "NEW-1"}, {**batch[0], "sku": "new-1"}]
    )
    assert twice.status_code == 409


def test_custom_url_is_made_from_the_name_and_stays_unique(bc: httpx.Client) -> None:
    first = create(bc, name="Blue Mug", sku="URL-1")
    second = create(bc, name="Blue-Mug", sku="URL-2", custom_url={"url": ""})
    assert first["custom_url"] == {"url": "/blue-mug/", "is_customized": False}
    assert second["custom_url"] == {"url": "/blue-mug-2/", "is_customized": False}
    taken = bc.post(
        "/catalog/products",
        json={**SIMPLE, "name": "Red Mug", "sku": "URL-3", "custom_url": {"url": "/blue-mug/"}},
    )
    assert taken.status_code == 409
    assert taken.json()["errors"] == {"custom_url": "The product custom_url is a duplicate"}
    mine = {"url": "/g/", "is_customized": True}
    assert create(bc, name="Green Mug", sku="URL-4", custom_url=mine)["custom_url"] == mine


def test_category_tree_errors_are_wrapped_as_the_trees_file_says(bc: httpx.Client) -> None:
    broken = bc.put(
        "/catalog/trees/categories", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.json() == {
        "errors": [{"status": 400, "title": "Input is invalid.", "type": TYPE_URL}]
    }
    unknown = bc.put("/catalog/trees/categories", json=[{"category_id": 999_999, "name": "X"}])
    assert unknown.status_code == 422
    body = unknown.json()
    assert body["meta"] == {}
    assert body["errors"]["status"] == 422 and body["errors"]["type"] == TYPE_URL
    assert body["errors"]["errors"] == {"category_id": "category does not exist"}
