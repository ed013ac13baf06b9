"""BigCommerce emulator cross-cutting rules over loopback HTTP: auth, routes, paging, limits."""

from __future__ import annotations

import time

import httpx
import pytest

from esync_desktop.sandbox.server import SandboxServer

RATE_HEADERS = (
    "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Time-Reset-Ms",
    "X-Rate-Limit-Requests-Quota",
    "X-Rate-Limit-Requests-Left",
)


def store_url(server: SandboxServer) -> str:
    creds = server.describe()
    return f"{creds['url']}/stores/{creds['bc_store_hash']}"


def test_store_information_has_a_name(bc_store: httpx.Client) -> None:
    store = bc_store.get("/v2/store").json()
    assert store["id"] == "esd3m0" and store["name"]
    assert store["plan_level"] == "Enterprise"
    assert isinstance(bc_store.get("/v2/time").json()["time"], int)


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


def test_unknown_routes_and_ids_are_404_in_each_version(bc_store: httpx.Client) -> None:
    route = bc_store.get("/v3/catalog/nothing")
    assert (
        route.status_code == 404
        and route.json()["title"] == "The route is not found, check the URL"
    )
    order = bc_store.get("/v2/orders/999999")
    assert order.status_code == 404
    assert order.json() == [{"status": 404, "message": "The requested resource was not found."}]


def test_trailing_slash_is_403(bc_store: httpx.Client) -> None:
    response = bc_store.get("/v3/catalog/products/")
    assert response.status_code == 403
    assert response.json()["title"] == "Authentication Required"


def test_wrong_verb_is_405(bc_store: httpx.Client) -> None:
    assert bc_store.patch("/v3/catalog/products", json={}).status_code == 405
    assert bc_store.post("/v2/orders/count", json={}).status_code == 405


@pytest.mark.parametrize("verb", ["TRACE", "OPTIONS", "PROPFIND"])
def test_any_other_method_is_405_with_allow(bc_store: httpx.Client, verb: str) -> None:
    # Not the standard library's 501: the store's own 405 body, naming the verbs it serves.
    response = bc_store.request(verb, "/v3/catalog/products")
    assert response.status_code == 405
    assert response.json()["title"] == "Method Not Allowed"
    assert response.headers["Allow"] == "GET, POST, PUT, DELETE"


def test_body_without_json_content_type_is_415(bc_store: httpx.Client) -> None:
    response = bc_store.post(
        "/v3/catalog/products", content=b'{"name":"x"}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["status"] == 415


def test_malformed_json_is_400(bc_store: httpx.Client) -> None:
    response = bc_store.post(
        "/v3/catalog/products", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("items", "products"),
    [(0, 0), (4, 1), (1000, 250), (1004, 251)],
)
def test_pagination_boundaries(
    server: SandboxServer, bc_store: httpx.Client, items: int, products: int
) -> None:
    server.reset("empty", items)
    first = bc_store.get("/v3/catalog/products", params={"limit": 250}).json()
    pagination = first["meta"]["pagination"]
    assert pagination["total"] == products
    assert pagination["count"] == len(first["data"]) == min(products, 250)
    assert pagination["total_pages"] == -(-products // 250)
    assert "previous" not in pagination["links"]
    assert ("next" in pagination["links"]) == (products > 250)
    if products > 250:
        assert pagination["links"]["next"] == "?page=2&limit=250"
        second = bc_store.get("/v3/catalog/products", params={"limit": 250, "page": 2}).json()
        assert len(second["data"]) == 1
        assert second["meta"]["pagination"]["links"]["previous"] == "?page=1&limit=250"
        assert "next" not in second["meta"]["pagination"]["links"]
        ids = {p["id"] for p in first["data"]} | {p["id"] for p in second["data"]}
        assert len(ids) == 251


def test_links_keep_the_other_query_parameters(bc_store: httpx.Client) -> None:
    body = bc_store.get(
        "/v3/catalog/products", params={"include": "variants", "limit": 5, "page": 2}
    )
    links = body.json()["meta"]["pagination"]["links"]
    assert links["current"] == "?include=variants&page=2&limit=5"
    assert links["previous"] == "?include=variants&page=1&limit=5"


def test_v2_empty_page_is_204_with_empty_body(bc_store: httpx.Client) -> None:
    response = bc_store.get("/v2/orders", params={"page": 99})
    assert response.status_code == 204 and response.content == b""
    none = bc_store.get("/v2/orders", params={"min_id": 10_000})
    assert none.status_code == 204


def test_v2_limit_over_250_is_413_body(bc_store: httpx.Client) -> None:
    response = bc_store.get("/v2/orders", params={"limit": 251})
    assert response.status_code == 413
    assert response.json() == [
        {
            "status": 413,
            "message": "The specified limit exceeds the maximum allowed.",
            "details": {"max_limit": 250},
        }
    ]


def test_rate_headers_on_every_response(server: SandboxServer, bc_store: httpx.Client) -> None:
    server.bigcommerce.configure({"plan": "standard"})
    responses = [
        bc_store.get("/v2/store"),
        bc_store.get("/v3/catalog/products/999999"),
        bc_store.get("/v3/catalog/products/"),
        bc_store.get("/v2/orders", params={"page": 99}),
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


def test_quota_by_plan(server: SandboxServer, bc_store: httpx.Client) -> None:
    for plan, quota in (("standard", "150"), ("plus", "150"), ("pro", "450")):
        server.bigcommerce.configure({"plan": plan})
        assert bc_store.get("/v2/time").headers["X-Rate-Limit-Requests-Quota"] == quota
    with pytest.raises(ValueError, match="unknown plan"):
        server.bigcommerce.configure({"plan": "gold"})
    with pytest.raises(ValueError, match="unknown BigCommerce settings"):
        server.bigcommerce.configure({"speed": 3})


def test_429_after_quota_then_window_refills(server: SandboxServer, bc_store: httpx.Client) -> None:
    server.bigcommerce.configure({"plan": "standard", "quota": 3, "window_ms": 400})
    statuses = [bc_store.get("/v2/time").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = bc_store.get("/v2/time")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Requests-Left"] == "0"
    assert int(refused.headers["X-Retry-After"]) >= 1
    assert int(refused.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 400
    assert refused.json()["status"] == 429
    time.sleep(0.45)
    assert bc_store.get("/v2/time").status_code == 200


def test_settings_admin_route_switches_plan(server: SandboxServer, bc_store: httpx.Client) -> None:
    response = httpx.post(f"{server.url}/_sandbox/settings", json={"bigcommerce": {"plan": "pro"}})
    assert response.status_code == 200
    assert bc_store.get("/v2/time").headers["X-Rate-Limit-Requests-Quota"] == "450"
    bad = httpx.post(f"{server.url}/_sandbox/settings", json={"bigcommerce": {"nope": 1}})
    assert bad.status_code == 400


def test_fault_replies_have_bigcommerce_shape(
    server: SandboxServer, bc_store: httpx.Client
) -> None:
    server.faults.configure(
        "bigcommerce", {"error_next": 1, "error_status": 503, "burst_429_next": 0}
    )
    failed = bc_store.get("/v3/catalog/products")
    assert failed.status_code == 503
    assert failed.json() == {
        "status": 503,
        "title": "Service Unavailable",
        "type": failed.json()["type"],
    }
    server.faults.configure("bigcommerce", {"burst_429_next": 1})
    throttled = bc_store.get("/v3/catalog/products")
    assert throttled.status_code == 429
    assert throttled.headers["X-Rate-Limit-Requests-Left"] == "0"
    assert "X-Retry-After" in throttled.headers
    server.faults.clear()


def test_tax_classes(bc_store: httpx.Client) -> None:
    classes = bc_store.get("/v2/tax_classes").json()
    assert [c["name"] for c in classes][:3] == ["Non-Taxable Products", "Shipping", "Gift Wrapping"]
    assert all(isinstance(c["id"], str) for c in classes)
    assert bc_store.get("/v2/tax_classes/2").json()["name"] == "Shipping"
    assert bc_store.get("/v2/tax_classes/99").status_code == 404


def test_request_counters_key_by_route(server: SandboxServer, bc_store: httpx.Client) -> None:
    bc_store.get("/v3/catalog/products/1")
    counts = server.counter_snapshot()["bigcommerce"]["endpoints"]
    assert counts["GET /v3/catalog/products/{product_id}"] == 1
