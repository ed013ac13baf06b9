"""Clover emulator over loopback HTTP: auth, headers, error bodies, verbs, merchant settings."""

from __future__ import annotations

import httpx
import pytest

from esync_desktop.sandbox.server import SandboxServer
from tests.sandbox.conftest import UA


def test_merchant_has_a_name_and_properties_track_stock(clover: httpx.Client) -> None:
    merchant = clover.get("")
    assert merchant.status_code == 200
    assert merchant.json()["id"] == "ESYNCDEMO0001"
    assert merchant.json()["name"]
    props = clover.get("/properties").json()
    assert props["trackStock"] is True and props["updateStock"] is True


def test_list_envelope_has_elements_and_href(clover: httpx.Client) -> None:
    body = clover.get("/items", params={"limit": 5}).json()
    assert set(body) == {"elements", "href"}
    assert len(body["elements"]) == 5
    assert "/v3/merchants/ESYNCDEMO0001/items" in body["href"]
    assert "limit=5" in body["href"]


def test_empty_result_is_200_with_empty_elements(clover: httpx.Client) -> None:
    response = clover.get("/items", params={"filter": "sku=NO-SUCH-SKU"})
    assert response.status_code == 200
    assert response.json()["elements"] == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
    ],
)
def test_bad_or_missing_token_is_401(server: SandboxServer, headers: dict[str, str]) -> None:
    creds = server.describe()
    url = f"{creds['url']}/v3/merchants/{creds['clover_merchant_id']}/items"
    response = httpx.get(url, headers={**UA, **headers})
    assert response.status_code == 401
    assert response.json() == {"message": "401 Unauthorized"}


def test_token_in_url_is_not_accepted(server: SandboxServer) -> None:
    creds = server.describe()
    url = f"{creds['url']}/v3/merchants/{creds['clover_merchant_id']}/items"
    response = httpx.get(url, params={"access_token": creds["clover_token"]}, headers=UA)
    assert response.status_code == 401


def test_other_merchant_id_is_401(server: SandboxServer) -> None:
    creds = server.describe()
    response = httpx.get(
        f"{creds['url']}/v3/merchants/AAAAAAAAAAAAA/items",
        headers={"Authorization": f"Bearer {creds['clover_token']}", **UA},
    )
    assert response.status_code == 401
    assert response.json() == {"message": "401 Unauthorized"}


def test_missing_user_agent_is_400_unless_switched_off(server: SandboxServer) -> None:
    creds = server.describe()
    url = f"{creds['url']}/v3/merchants/{creds['clover_merchant_id']}/items"
    auth = {"Authorization": f"Bearer {creds['clover_token']}"}
    with httpx.Client() as client:
        # httpx adds its own User-Agent unless told not to.
        client.headers.pop("User-Agent")
        refused = client.get(url, headers=auth)
        assert refused.status_code == 400
        assert "User-Agent" in refused.json()["message"]
        server.clover.configure({"require_user_agent": False})
        assert client.get(url, headers=auth).status_code == 200


def test_unknown_item_is_404_invalid_id(clover: httpx.Client) -> None:
    response = clover.get("/items/NOSUCHITEM000")
    assert response.status_code == 404
    assert response.json() == {"message": "invalid ID"}


def test_unknown_order_is_404_order_not_found(clover: httpx.Client) -> None:
    response = clover.get("/orders/NOSUCHORDER00")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found", "details": "Order not found"}


@pytest.mark.parametrize("verb", ["PUT", "PATCH"])
def test_put_and_patch_on_ordinary_resources_are_405(clover: httpx.Client, verb: str) -> None:
    item_id = clover.get("/items", params={"limit": 1}).json()["elements"][0]["id"]
    response = clover.request(verb, f"/items/{item_id}", json={"name": "x"})
    assert response.status_code == 405
    assert response.json() == {"message": "405 Method Not Allowed"}
    assert clover.request(verb, "/categories", json={}).status_code == 405


def test_unknown_path_is_404(clover: httpx.Client) -> None:
    assert clover.get("/no_such_collection").status_code == 404


def test_malformed_json_is_400_with_message(clover: httpx.Client) -> None:
    response = clover.post(
        "/items", content=b'{"name": "x", ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "message" in response.json()


def test_ids_are_13_uppercase_chars_and_times_are_epoch_ms(clover: httpx.Client) -> None:
    item = clover.post("/items", json={"name": "Id Check", "price": 100}).json()
    assert len(item["id"]) == 13 and item["id"].isalnum() and item["id"].upper() == item["id"]
    assert item["modifiedTime"] > 1_600_000_000_000  # milliseconds, not seconds


def test_server_error_and_throttled_replies_in_clover_shape(sandbox: SandboxServer) -> None:
    api = sandbox.clover
    error = api.server_error(503)
    assert error.status == 503 and b"message" in error.body
    throttled = api.throttled()
    assert throttled.status == 429
    assert throttled.headers["X-RateLimit-tokenLimit"] == "16"


def test_configure_rejects_unknown_keys(server: SandboxServer) -> None:
    with pytest.raises(ValueError, match="unknown Clover settings"):
        server.clover.configure({"rate": 5})


def test_admin_settings_route_configures_clover(server: SandboxServer) -> None:
    url = f"{server.url}/_sandbox/settings"
    assert httpx.post(url, json={"clover": {"require_user_agent": False}}).status_code == 200
    assert server.clover.require_user_agent is False
    assert httpx.post(url, json={"clover": {"nope": 1}}).status_code == 400


def test_tenders_include_cash_and_card_and_custom_can_be_created(clover: httpx.Client) -> None:
    labels = {t["label"]: t for t in clover.get("/tenders").json()["elements"]}
    assert labels["Cash"]["labelKey"] == "com.clover.tender.cash"
    assert labels["Credit Card"]["labelKey"] == "com.clover.tender.credit_card"
    made = clover.post(
        "/tenders",
        json={"label": "BigCommerce", "labelKey": "com.example.bigcommerce", "enabled": True},
    ).json()
    assert made["editable"] is True and made["label"] == "BigCommerce"
    assert clover.get(f"/tenders/{made['id']}").json()["labelKey"] == "com.example.bigcommerce"


def test_tax_rates_use_hundred_thousandths(clover: httpx.Client) -> None:
    rates = {r["name"]: r for r in clover.get("/tax_rates").json()["elements"]}
    assert rates["NYC Sales Tax"]["rate"] == 887500
    assert rates["NO_TAX_APPLIED"]["rate"] == 0


def test_requests_are_counted_per_route(server: SandboxServer, clover: httpx.Client) -> None:
    server.reset_counters()
    clover.get("/items")
    clover.get("/items")
    counts = server.counter_snapshot()["clover"]["endpoints"]
    assert counts["GET /v3/merchants/{mId}/items"] == 2
