"""BigCommerceClient against the emulated store: paging, filters, batches, Decimal money."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from esync_desktop.connectors.http import Exchange
from esync_desktop.sandbox.server import SandboxServer
from tests.connectors.conftest import bc_client, route_count

PRODUCTS = "GET /v3/catalog/products"


# The generated catalogue puts every fourth item on the web store: 4 * N items -> N products.
@pytest.mark.parametrize(
    ("items", "products", "pages"), [(0, 0, 1), (1, 1, 1), (1000, 250, 1), (1001, 251, 2)]
)
def test_products_page_at_250(
    server_factory: Callable[..., SandboxServer], items: int, products: int, pages: int
) -> None:
    server = server_factory(items=items)
    seen: list[Exchange] = []
    with bc_client(server, on_exchange=seen.append) as client:
        rows = list(client.iter_products())
    assert len(rows) == products == len({r["id"] for r in rows})
    assert route_count(server, "bigcommerce", PRODUCTS) == pages
    assert all("limit=250" in e.query and "include=variants" in e.query for e in seen)
    assert [e.query.rsplit("page=", 1)[1] for e in seen] == [str(n + 1) for n in range(pages)]


def test_variants_and_categories_page_too(server_factory: Callable[..., SandboxServer]) -> None:
    server = server_factory(items=1004)  # 251 simple products: 251 base variants
    with bc_client(server) as client:
        variants = list(client.iter_variants())
        categories = list(client.iter_categories())
    assert len(variants) == 251
    assert route_count(server, "bigcommerce", "GET /v3/catalog/variants") == 2
    assert categories and all({"id", "name", "parent_id", "tree_id"} <= set(c) for c in categories)
    assert all(c["id"] == c["category_id"] for c in categories)


def test_money_is_decimal_and_round_trips(sandbox: SandboxServer) -> None:
    with bc_client(sandbox) as client:
        product = next(iter(client.iter_products()))
        assert isinstance(product["price"], Decimal)
        client.update_products([{"id": product["id"], "price": Decimal("19.9900")}])
        client.update_products([{"id": product["id"], "sale_price": Decimal("12.3456")}])
        again = client.get_product(product["id"])
    assert again["price"] == Decimal("19.99") and isinstance(again["price"], Decimal)
    assert again["sale_price"] == Decimal("12.3456")


def test_date_modified_min_filter(sandbox: SandboxServer) -> None:
    seen: list[Exchange] = []
    with bc_client(sandbox, on_exchange=seen.append) as client:
        every = list(client.iter_products(include=()))
        target = every[3]
        client.update_products([{"id": target["id"], "description": "<p>changed</p>"}])
        changed_at = datetime.fromisoformat(client.get_product(target["id"])["date_modified"])
        since = changed_at - timedelta(seconds=1)
        recent = list(client.iter_products(include=(), **{"date_modified:min": since}))
    assert [p["id"] for p in recent] == [target["id"]]
    # A full timestamp with its offset, the "+" escaped (a bare "+" would read as a space).
    stamp = since.isoformat(timespec="seconds").replace("+", "%2B")
    assert f"date_modified:min={stamp}" in seen[-1].query


def test_products_by_sku_chunks_the_lookup(server_factory: Callable[..., SandboxServer]) -> None:
    server = server_factory(items=480)  # 120 products GEN-000000, GEN-000004, ...
    skus = [f"GEN-{n:06d}" for n in range(0, 480, 4)]
    with bc_client(server) as client:
        found = client.products_by_sku([*skus, "NOT-THERE", skus[0]])
    assert sorted(p["sku"] for p in found) == sorted(skus)
    assert route_count(server, "bigcommerce", PRODUCTS) == 3  # 121 distinct SKUs, 50 a call


def test_23_product_updates_are_3_batch_calls(server_factory: Callable[..., SandboxServer]) -> None:
    server = server_factory(items=100)
    with bc_client(server) as client:
        products = list(client.iter_products(include=()))[:23]
        updated = client.update_products(
            [{"id": p["id"], "price": Decimal("7.25")} for p in products]
        )
        prices = {p["id"]: p["price"] for p in client.iter_products(include=())}
    assert len(updated) == 23
    assert route_count(server, "bigcommerce", "PUT /v3/catalog/products") == 3
    assert all(prices[p["id"]] == Decimal("7.25") for p in products)


def test_variant_updates_go_50_a_call(server_factory: Callable[..., SandboxServer]) -> None:
    server = server_factory(items=480)
    with bc_client(server) as client:
        variants = list(client.iter_variants())[:101]
        client.update_variants([{"id": v["id"], "upc": f"U{v['id']}"} for v in variants])
    assert route_count(server, "bigcommerce", "PUT /v3/catalog/variants") == 3


def test_inventory_goes_2000_a_call(server_factory: Callable[..., SandboxServer]) -> None:
    server = server_factory(items=4004)  # 1001 products tracked by product, two locations
    with bc_client(server) as client:
        locations = [loc["id"] for loc in client.iter_locations()]
        products = [p["id"] for p in client.iter_products(include=())]
        items = [
            {"location_id": loc, "product_id": pid, "quantity": 3}
            for pid in products
            for loc in locations
        ]
        transactions = client.set_inventory_absolute(items, "eSync test")
        stock = client.get_product(products[-1])["inventory_level"]
    assert len(locations) == 2 and len(items) == 2002
    assert len(transactions) == 2
    assert route_count(server, "bigcommerce", "PUT /v3/inventory/adjustments/absolute") == 2
    assert stock == 3


def test_inventory_items_must_name_one_target() -> None:
    from esync_desktop.connectors.bigcommerce import BigCommerceClient

    with BigCommerceClient("http://127.0.0.1:9", "abc", "token-xyz") as client:
        with pytest.raises(ValueError, match="one id"):
            client.set_inventory_absolute(
                [{"location_id": 1, "product_id": 1, "sku": "A", "quantity": 1}], "r"
            )
        assert client.request_count == 0


def test_v2_orders_list_and_an_empty_page(server_factory: Callable[..., SandboxServer]) -> None:
    demo = server_factory(seed="demo")
    empty = server_factory()
    seen: list[Exchange] = []
    with bc_client(demo) as client:
        orders = list(client.iter_orders(sort="id:asc"))
    with bc_client(empty, on_exchange=seen.append) as client:
        none = list(client.iter_orders())
    assert orders and all("status_id" in o for o in orders)
    assert isinstance(orders[0]["total_inc_tax"], (str, Decimal))
    assert none == [] and [e.status for e in seen] == [204]
    assert "limit=250" in seen[0].query


def test_store_info_and_locations(sandbox: SandboxServer) -> None:
    with bc_client(sandbox) as client:
        info = client.store_info()
        locations = list(client.iter_locations())
    assert info["name"] and info["id"] == sandbox.credentials.bc_store_hash
    assert 1 in {loc["id"] for loc in locations}
