"""BigCommerce emulator cross-cutting rules over loopback HTTP: auth, routes, paging, limits."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from esync_desktop.sandbox.server import SandboxServer

RATE_HEADERS = (
    "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Time-Reset-Ms",
    "X-Rate-Limit-Requests-Quota",
    "X-Rate-Limit-Requests-Left",
)


@pytest.fixture(scope="module")
def running() -> Iterator[SandboxServer]:
    with SandboxServer(seed="demo") as server:
        yield server


@pytest.fixture
def server(running: SandboxServer) -> SandboxServer:
    running.reset("demo")
    running.apis[1].configure({"plan": "unlimited", "window_ms": 30_000})
    return running


def store_url(server: SandboxServer) -> str:
    creds = server.describe()
    return f"{creds['url']}/stores/{creds['bc_store_hash']}"


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    creds = server.describe()
    with httpx.Client(
        base_url=store_url(server),
        headers={"X-Auth-Token": creds["bc_token"], "Accept": "application/json"},
    ) as http:
        yield http


def test_store_information_has_a_name(client: httpx.Client) -> None:
    store = client.get("/v2/store").json()
    assert store["id"] == "esd3m0" and store["name"]
    assert store["plan_level"] == "Enterprise"
    assert isinstance(client.get("/v2/time").json()["time"], int)


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_bad_or_missing_token_is_401(server: SandboxServer, token: str | None) -> None:
    headers = {} if token is None else {"X-Auth-Token": token}
    v3 = httpx.get(f"{store_url(server)}/v3/catalog/products", headers=headers)
    assert v3.status_code == 401
    assert v3.json()["status"] == 401 and v3.json()["title"].startswith("Unauthorized")
    v2 = httpx.get(f"{store_url(server)}/v2/orders", headers=headers)
    assert v2.status_code == 401
    assert v2.json() == [
        {"status": 401, "message": "No valid credentials were found in the request."}
    ]


def test_unknown_store_hash_is_404(server: SandboxServer) -> None:
    token = server.describe()["bc_token"]
    response = httpx.get(
        f"{server.url}/stores/nope42/v3/catalog/products", headers={"X-Auth-Token": token}
    )
    assert response.status_code == 404
    assert response.json()["title"] == "The route is not found, check the URL"


def test_unknown_routes_and_ids_are_404_in_each_version(client: httpx.Client) -> None:
    route = client.get("/v3/catalog/nothing")
    assert (
        route.status_code == 404
        and route.json()["title"] == "The route is not found, check the URL"
    )
    order = client.get("/v2/orders/999999")
    assert order.status_code == 404
    assert order.json() == [{"status": 404, "message": "The requested resource was not found."}]


def test_trailing_slash_is_403(client: httpx.Client) -> None:
    response = client.get("/v3/catalog/products/")
    assert response.status_code == 403
    assert response.json()["title"] == "Authentication Required"


def test_wrong_verb_is_405(client: httpx.Client) -> None:
    assert client.patch("/v3/catalog/products", json={}).status_code == 405
    assert client.post("/v2/orders/count", json={}).status_code == 405


def test_body_without_json_content_type_is_415(client: httpx.Client) -> None:
    response = client.post(
        "/v3/catalog/products", content=b'{"name":"x"}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["status"] == 415


def test_malformed_json_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/v3/catalog/products", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("items", "products"),
    [(0, 0), (4, 1), (1000, 250), (1004, 251)],
)
def test_pagination_boundaries(
    server: SandboxServer, client: httpx.Client, items: int, products: int
) -> None:
    server.reset("empty", items)
    first = client.get("/v3/catalog/products", params={"limit": 250}).json()
    pagination = first["meta"]["pagination"]
    assert pagination["total"] == products
    assert pagination["count"] == len(first["data"]) == min(products, 250)
    assert pagination["total_pages"] == -(-products // 250)
    assert "previous" not in pagination["links"]
    assert ("next" in pagination["links"]) == (products > 250)
    if products > 250:
        assert pagination["links"]["next"] == "?page=2&limit=250"
        second = client.get("/v3/catalog/products", params={"limit": 250, "page": 2}).json()
        assert len(second["data"]) == 1
        assert second["meta"]["pagination"]["links"]["previous"] == "?page=1&limit=250"
        assert "next" not in second["meta"]["pagination"]["links"]
        ids = {p["id"] for p in first["data"]} | {p["id"] for p in second["data"]}
        assert len(ids) == 251


def test_links_keep_the_other_query_parameters(client: httpx.Client) -> None:
    body = client.get("/v3/catalog/products", params={"include": "variants", "limit": 5, "page": 2})
    links = body.json()["meta"]["pagination"]["links"]
    assert links["current"] == "?include=variants&page=2&limit=5"
    assert links["previous"] == "?include=variants&page=1&limit=5"


def test_v2_empty_page_is_204_with_empty_body(client: httpx.Client) -> None:
    response = client.get("/v2/orders", params={"page": 99})
    assert response.status_code == 204 and response.content == b""
    none = client.get("/v2/orders", params={"min_id": 10_000})
    assert none.status_code == 204


def test_v2_limit_over_250_is_413_body(client: httpx.Client) -> None:
    response = client.get("/v2/orders", params={"limit": 251})
    assert response.status_code == 413
    assert response.json() == [
        {
            "status": 413,
            "message": "The specified limit exceeds the maximum allowed.",
            "details": {"max_limit": 250},
        }
    ]


def test_rate_headers_on_every_response(server: SandboxServer, client: httpx.Client) -> None:
    server.apis[1].configure({"plan": "standard"})
    responses = [
        client.get("/v2/store"),
        client.get("/v3/catalog/products/999999"),
        client.get("/v3/catalog/products/"),
        client.get("/v2/orders", params={"page": 99}),
        httpx.get(f"{store_url(server)}/v3/catalog/products"),
        httpx.get(f"{server.url}/stores/nope/v3/catalog/products"),
    ]
    for response in responses:
        for name in RATE_HEADERS:
            assert name in response.headers, (response.status_code, name)
    assert responses[0].headers["X-Rate-Limit-Requests-Quota"] == "150"
    assert responses[0].headers["X-Rate-Limit-Time-Window-Ms"] == "30000"
    left = [int(r.headers["X-Rate-Limit-Requests-Left"]) for r in responses[:4]]
    assert left == sorted(left, reverse=True) and left[0] > left[-1]


def test_quota_by_plan(server: SandboxServer, client: httpx.Client) -> None:
    for plan, quota in (("standard", "150"), ("plus", "150"), ("pro", "450")):
        server.apis[1].configure({"plan": plan})
        assert client.get("/v2/time").headers["X-Rate-Limit-Requests-Quota"] == quota
    with pytest.raises(ValueError, match="unknown plan"):
        server.apis[1].configure({"plan": "gold"})
    with pytest.raises(ValueError, match="unknown BigCommerce settings"):
        server.apis[1].configure({"speed": 3})


def test_429_after_quota_then_window_refills(server: SandboxServer, client: httpx.Client) -> None:
    server.apis[1].configure({"plan": "standard", "quota": 3, "window_ms": 400})
    statuses = [client.get("/v2/time").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/v2/time")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Requests-Left"] == "0"
    assert int(refused.headers["X-Retry-After"]) >= 1
    assert int(refused.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 400
    assert refused.json()["status"] == 429
    time.sleep(0.45)
    assert client.get("/v2/time").status_code == 200


def test_settings_admin_route_switches_plan(server: SandboxServer, client: httpx.Client) -> None:
    response = httpx.post(f"{server.url}/_sandbox/settings", json={"bigcommerce": {"plan": "pro"}})
    assert response.status_code == 200
    assert client.get("/v2/time").headers["X-Rate-Limit-Requests-Quota"] == "450"
    bad = httpx.post(f"{server.url}/_sandbox/settings", json={"bigcommerce": {"nope": 1}})
    assert bad.status_code == 400


def test_fault_replies_have_bigcommerce_shape(server: SandboxServer, client: httpx.Client) -> None:
    server.faults.configure(
        "bigcommerce", {"error_next": 1, "error_status": 503, "burst_429_next": 0}
    )
    failed = client.get("/v3/catalog/products")
    assert failed.status_code == 503
    assert failed.json() == {
        "status": 503,
        "title": "Service Unavailable",
        "type": failed.json()["type"],
    }
    server.faults.configure("bigcommerce", {"burst_429_next": 1})
    throttled = client.get("/v3/catalog/products")
    assert throttled.status_code == 429
    assert throttled.headers["X-Rate-Limit-Requests-Left"] == "0"
    assert "X-Retry-After" in throttled.headers
    server.faults.clear()


def test_tax_classes(client: httpx.Client) -> None:
    classes = client.get("/v2/tax_classes").json()
    assert [c["name"] for c in classes][:3] == ["Non-Taxable Products", "Shipping", "Gift Wrapping"]
    assert all(isinstance(c["id"], str) for c in classes)
    assert client.get("/v2/tax_classes/2").json()["name"] == "Shipping"
    assert client.get("/v2/tax_classes/99").status_code == 404


def test_request_counters_key_by_route(server: SandboxServer, client: httpx.Client) -> None:
    client.get("/v3/catalog/products/1")
    counts = server.counter_snapshot()["bigcommerce"]["endpoints"]
    assert counts["GET /v3/catalog/products/{product_id}"] == 1
