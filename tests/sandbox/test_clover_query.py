"""Clover collection queries over HTTP: paging boundaries, filters, orderBy and expand."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from esync_desktop.sandbox.server import SandboxServer
from tests.sandbox.conftest import clover_client


@pytest.fixture
def empty(running: SandboxServer) -> Iterator[httpx.Client]:
    running.reset("empty")
    with clover_client(running, timeout=30) as client:
        yield client


def make_items(client: httpx.Client, count: int) -> list[dict]:
    made: list[dict] = []
    while len(made) < count:
        batch = [
            {"name": f"Item {n:04d}", "price": 100 + n, "sku": f"SKU-{n:04d}"}
            for n in range(len(made), min(count, len(made) + 1000))
        ]
        response = client.post("/bulk_items", json={"items": batch})
        assert response.status_code == 200, response.text
        made += response.json()
    return made


def all_pages(client: httpx.Client, path: str, limit: int, **params: str) -> list[list[dict]]:
    pages: list[list[dict]] = []
    offset = 0
    while True:
        page = client.get(path, params={"limit": limit, "offset": offset, **params}).json()
        pages.append(page["elements"])
        if len(page["elements"]) < limit:
            return pages
        offset += limit


def test_empty_merchant_lists_no_items(empty: httpx.Client) -> None:
    assert empty.get("/items").json()["elements"] == []
    assert empty.get("").json()["name"]


@pytest.mark.parametrize("count", [1, 1000, 1001])
def test_paging_at_the_boundaries(empty: httpx.Client, count: int) -> None:
    made = make_items(empty, count)
    pages = all_pages(empty, "/items", 1000)
    ids = [i["id"] for page in pages for i in page]
    assert sorted(ids) == sorted(i["id"] for i in made)
    assert len(ids) == len(set(ids))
    # 1000 items fill one page exactly, so a second, empty page is needed to know it is the end.
    assert [len(p) for p in pages] == {1: [1], 1000: [1000, 0], 1001: [1000, 1]}[count]


def test_default_limit_is_100_and_over_limit_is_clamped(empty: httpx.Client) -> None:
    make_items(empty, 1001)
    assert len(empty.get("/items").json()["elements"]) == 100
    assert len(empty.get("/items", params={"limit": 5000}).json()["elements"]) == 1000
    assert len(empty.get("/items", params={"offset": 1000}).json()["elements"]) == 1
    assert empty.get("/items", params={"limit": "ten"}).status_code == 400


def test_default_order_is_created_time_descending(empty: httpx.Client) -> None:
    first = empty.post("/items", json={"name": "First", "price": 1}).json()
    second = empty.post("/items", json={"name": "Second", "price": 2}).json()
    names = [i["name"] for i in empty.get("/items").json()["elements"]]
    assert names.index(second["name"]) < names.index(first["name"])


@pytest.fixture
def priced(empty: httpx.Client) -> httpx.Client:
    for name, price, sku in [
        ("Tote Blue", 1000, "T-1"),
        ("Tote Red", 2000, "T-2"),
        ("Mug", 3000, "M-1"),
        ("Candle", 4000, None),
    ]:
        body = {"name": name, "price": price, **({"sku": sku} if sku else {})}
        assert empty.post("/items", json=body).status_code == 200
    return empty


def names(client: httpx.Client, *filters: str, **params: str) -> set[str]:
    response = client.get("/items", params={"filter": list(filters), **params})
    assert response.status_code == 200, response.text
    return {i["name"] for i in response.json()["elements"]}


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("price=2000", {"Tote Red"}),
        ("price!=2000", {"Tote Blue", "Mug", "Candle"}),
        ("price<2000", {"Tote Blue"}),
        ("price<=2000", {"Tote Blue", "Tote Red"}),
        ("price>3000", {"Candle"}),
        ("price>=3000", {"Mug", "Candle"}),
        ("sku=T-1", {"Tote Blue"}),
        ("sku!=T-1", {"Tote Red", "Mug", "Candle"}),
        ("name=Tote*", {"Tote Blue", "Tote Red"}),
        ("name=Tote", set()),
        ("sku in ('T-1','M-1')", {"Tote Blue", "Mug"}),
        ("hidden=false", {"Tote Blue", "Tote Red", "Mug", "Candle"}),
        ("hidden=true", set()),
    ],
)
def test_each_filter_operator(priced: httpx.Client, clause: str, expected: set[str]) -> None:
    assert names(priced, clause) == expected


def test_id_in_filter(priced: httpx.Client) -> None:
    items = priced.get("/items").json()["elements"]
    wanted = [i["id"] for i in items[:2]]
    clause = "id in (" + ",".join(f"'{i}'" for i in wanted) + ")"
    assert names(priced, clause) == {i["name"] for i in items[:2]}


def test_repeated_filters_are_anded(priced: httpx.Client) -> None:
    assert names(priced, "price>=2000", "price<=3000") == {"Tote Red", "Mug"}
    assert names(priced, "name=Tote*", "price>1500") == {"Tote Red"}


def test_unknown_filter_field_is_400_with_allowed_fields_header(priced: httpx.Client) -> None:
    response = priced.get("/items", params={"filter": "categories.id=ABC"})
    assert response.status_code == 400
    assert "message" in response.json()
    allowed = response.headers["X-Clover-Allowed-Filter-Fields"].split(",")
    assert "modifiedTime" in allowed and "itemStock.quantity" in allowed
    assert "categories.id" not in allowed


def test_allowed_filter_fields_header_on_lists(priced: httpx.Client) -> None:
    header = priced.get("/categories").headers["X-Clover-Allowed-Filter-Fields"]
    assert set(header.split(",")) == {
        "modifiedTime",
        "deleted",
        "sortOrder",
        "name",
        "colorCode",
        "id",
    }


def test_bad_filter_value_and_syntax_are_400(priced: httpx.Client) -> None:
    assert priced.get("/items", params={"filter": "price>=cheap"}).status_code == 400
    assert priced.get("/items", params={"filter": "price"}).status_code == 400


def test_modified_time_delta_filter(priced: httpx.Client) -> None:
    items = priced.get("/items", params={"orderBy": "modifiedTime ASC"}).json()["elements"]
    cut = items[2]["modifiedTime"]
    later = names(priced, f"modifiedTime>={cut}")
    assert later == {i["name"] for i in items if i["modifiedTime"] >= cut}
    assert 0 < len(later) < len(items) or items[0]["modifiedTime"] == cut


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("price ASC", ["Tote Blue", "Tote Red", "Mug", "Candle"]),
        ("price DESC", ["Candle", "Mug", "Tote Red", "Tote Blue"]),
        ("name", ["Candle", "Mug", "Tote Blue", "Tote Red"]),
        ("name DESC", ["Tote Red", "Tote Blue", "Mug", "Candle"]),
    ],
)
def test_order_by(priced: httpx.Client, order: str, expected: list[str]) -> None:
    body = priced.get("/items", params={"orderBy": order}).json()
    assert [i["name"] for i in body["elements"]] == expected


def test_order_by_two_fields_and_bad_order_by(priced: httpx.Client) -> None:
    priced.post("/items", json={"name": "Mug", "price": 10})
    body = priced.get("/items", params={"orderBy": "name ASC,price DESC"}).json()
    mugs = [i["price"] for i in body["elements"] if i["name"] == "Mug"]
    assert mugs == [3000, 10]
    assert priced.get("/items", params={"orderBy": "price SIDEWAYS"}).status_code == 400
    assert priced.get("/items", params={"orderBy": "nonsense"}).status_code == 400


def test_modified_time_ascending_paging_is_stable(empty: httpx.Client) -> None:
    make_items(empty, 250)
    pages = all_pages(empty, "/items", 100, orderBy="modifiedTime ASC")
    times = [i["modifiedTime"] for page in pages for i in page]
    assert len(times) == 250 and times == sorted(times)


def test_expand_honours_three_and_ignores_unknown(empty: httpx.Client) -> None:
    item = empty.post("/items", json={"name": "Expandable", "price": 100}).json()
    path = f"/items/{item['id']}"
    full = empty.get(path, params={"expand": "categories,tags,itemStock,taxRates"}).json()
    assert {"categories", "tags", "itemStock"} <= set(full)
    assert "taxRates" not in full  # only the first three expansions are honoured
    assert full["categories"] == {"elements": []}
    odd = empty.get(path, params={"expand": "nonsense"})
    assert odd.status_code == 200 and "nonsense" not in odd.json()


def test_expanded_collections_are_capped_at_100(empty: httpx.Client) -> None:
    category = empty.post("/categories", json={"name": "Big"}).json()
    made = make_items(empty, 150)
    pairs = [{"category": {"id": category["id"]}, "item": {"id": i["id"]}} for i in made]
    assert empty.post("/category_items", json={"elements": pairs}).status_code == 200
    expanded = empty.get(f"/categories/{category['id']}", params={"expand": "items"}).json()
    assert len(expanded["items"]["elements"]) == 100
    # The child endpoint pages through all of them.
    pages = all_pages(empty, f"/categories/{category['id']}/items", 100)
    assert sum(len(p) for p in pages) == 150


def test_deleted_items_leave_lists_but_show_with_deleted_filter(priced: httpx.Client) -> None:
    mug = next(i for i in priced.get("/items").json()["elements"] if i["name"] == "Mug")
    assert priced.delete(f"/items/{mug['id']}").status_code == 200
    assert "Mug" not in names(priced)
    deleted = priced.get("/items", params={"filter": "deleted=true"}).json()["elements"]
    assert [d["id"] for d in deleted] == [mug["id"]]
    assert deleted[0]["deletedTime"] >= mug["modifiedTime"]
    assert priced.get(f"/items/{mug['id']}").status_code == 404
