"""CloverClient against the emulated Clover API: paging, filters, expansions, writes, bulk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from esync_desktop.connectors.clover import CLOVER_REGIONS, CloverClient
from esync_desktop.connectors.errors import ApiError
from esync_desktop.connectors.http import Exchange
from esync_desktop.sandbox.server import SandboxServer
from tests.connectors.conftest import clover_client, route_count

ITEMS = "GET /v3/merchants/{mId}/items"


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (1000, 2), (1001, 2), (2000, 3)])
def test_items_page_at_1000_until_a_short_page(
    server_factory: Callable[..., SandboxServer], count: int, pages: int
) -> None:
    server = server_factory(items=count)
    seen: list[Exchange] = []
    with clover_client(server, on_exchange=seen.append) as client:
        items = list(client.iter_items(expand=()))
    assert len(items) == count
    assert len({item["id"] for item in items}) == count
    assert route_count(server, "clover", ITEMS) == pages
    assert all("limit=1000" in e.query for e in seen)
    assert [e.query.split("offset=")[1] for e in seen] == [str(n * 1000) for n in range(pages)]


def test_item_stocks_page_like_items(server_factory: Callable[..., SandboxServer]) -> None:
    server = server_factory(items=1001)
    with clover_client(server) as client:
        stocks = list(client.iter_item_stocks())
    assert len(stocks) == 1001
    assert all("quantity" in s and s["item"]["id"] for s in stocks)
    assert route_count(server, "clover", "GET /v3/merchants/{mId}/item_stocks") == 2


def test_modified_since_filters_and_orders_by_modified_time(
    server_factory: Callable[..., SandboxServer],
) -> None:
    server = server_factory(items=30)
    seen: list[Exchange] = []
    with clover_client(server, on_exchange=seen.append) as client:
        every = list(client.iter_items(expand=()))
        times = sorted(item["modifiedTime"] for item in every)
        since = times[20]
        recent = list(client.iter_items(modified_since=since, expand=()))
        as_datetime = list(
            client.iter_items(modified_since=datetime.fromtimestamp(since / 1000, UTC), expand=())
        )
    assert [i["modifiedTime"] for i in recent] == times[20:]
    assert [i["id"] for i in as_datetime] == [i["id"] for i in recent]
    assert f"filter=modifiedTime%3E%3D{since}" in seen[1].query
    assert "orderBy=modifiedTime%20ASC" in seen[1].query


def test_demo_catalogue_reads_with_expansions(sandbox: SandboxServer) -> None:
    with clover_client(sandbox) as client:
        items = list(client.iter_items())
        attributes = {a["id"] for a in client.iter_attributes()}
        options = list(client.iter_options())
        groups = list(client.iter_item_groups())
        categories = list(client.iter_categories())
        assert client.merchant()["id"] == sandbox.credentials.clover_merchant_id
    assert {"categories", "options"} <= {key for item in items for key in item}
    assert any("quantity" in (item.get("itemStock") or {}) for item in items)
    assert groups and categories and options
    assert all(o["attribute"]["id"] in attributes for o in options)


def test_more_than_three_expansions_is_refused_before_sending(sandbox: SandboxServer) -> None:
    with clover_client(sandbox) as client:
        with pytest.raises(ValueError, match="at most 3"):
            list(client.iter_items(expand=("tags", "categories", "itemStock", "options")))
        assert client.request_count == 0


def test_create_update_and_stock_round_trip(server_factory: Callable[..., SandboxServer]) -> None:
    server = server_factory()
    with clover_client(server) as client:
        created = client.create_item({"name": "Mug", "price": 1250, "sku": "MUG-1"})
        client.update_item(created["id"], {"price": 1300})
        client.set_item_stock(created["id"], 7.5)
        item = client.get_item(created["id"], expand=("itemStock",))
        found = client.find_items_by_sku("MUG-1")
    assert item["price"] == 1300
    assert item["itemStock"]["quantity"] == 7.5
    assert [f["id"] for f in found] == [created["id"]]


def test_bulk_items_go_in_batches_of_100(server_factory: Callable[..., SandboxServer]) -> None:
    server = server_factory()
    with clover_client(server) as client:
        made = client.create_items(
            [{"name": f"Bulk {n}", "price": 100 + n, "sku": f"B-{n}"} for n in range(230)]
        )
        client.update_items([{"id": m["id"], "price": 999} for m in made[:101]])
        prices = [i["price"] for i in client.iter_items(expand=())]
    assert len(made) == 230
    assert route_count(server, "clover", "POST /v3/merchants/{mId}/bulk_items") == 3
    assert route_count(server, "clover", "PUT /v3/merchants/{mId}/bulk_items") == 2
    assert prices.count(999) == 101
    with pytest.raises(ValueError, match="id"):
        client.update_items([{"price": 1}])


def test_region_names_resolve_to_clover_hosts() -> None:
    client = CloverClient("eu", "ABCDEFGHJKMNP", "secret-token")
    try:
        assert client.base_url == CLOVER_REGIONS["eu"] == "https://api.eu.clover.com"
        assert client._path("items", "A/B") == "/v3/merchants/ABCDEFGHJKMNP/items/A%2FB"
    finally:
        client.close()


def test_an_address_that_is_not_a_url_is_an_api_error() -> None:
    with pytest.raises(ApiError, match="not a web address"):
        CloverClient("api.clover.com", "M", "token")
