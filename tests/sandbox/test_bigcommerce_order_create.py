"""Placing web orders through the emulator's POST /v2/orders, and coupons applied as checkout
does, over loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from esync_desktop.sandbox.server import SandboxServer

BILLING = {
    "first_name": "Jane",
    "last_name": "Doe",
    "street_1": "123 Main Street",
    "city": "Austin",
    "state": "Texas",
    "zip": "78751",
    "country": "United States",
    "country_iso2": "US",
    "email": "janedoe@example.com",
}


@pytest.fixture(scope="module")
def running() -> Iterator[SandboxServer]:
    with SandboxServer(seed="demo") as server:
        yield server


@pytest.fixture
def server(running: SandboxServer) -> SandboxServer:
    running.reset("demo")
    running.apis[1].configure({"plan": "unlimited", "window_ms": 30_000})
    return running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    creds = server.describe()
    with httpx.Client(
        base_url=f"{creds['url']}/stores/{creds['bc_store_hash']}",
        headers={"X-Auth-Token": creds["bc_token"], "Accept": "application/json"},
    ) as http:
        yield http


def _json(response: httpx.Response) -> Any:
    return json.loads(response.content, parse_float=Decimal)


def _product(client: httpx.Client, sku: str) -> dict[str, Any]:
    found = _json(client.get("/v3/catalog/variants", params={"sku": sku}))["data"]
    assert found, sku
    return found[0]  # type: ignore[no-any-return]


def test_a_catalogue_line_a_custom_line_shipping_and_a_discount_add_up(
    client: httpx.Client,
) -> None:
    variant = _product(client, "MUG-001")
    body = {
        "status_id": 11,
        "customer_id": 0,
        "billing_address": BILLING,
        "products": [
            {"product_id": variant["product_id"], "quantity": 2},
            {"name": "Gift note", "quantity": 1, "price_ex_tax": "3.00", "price_inc_tax": "3.25"},
        ],
        "shipping_cost_ex_tax": "5.00",
        "shipping_cost_inc_tax": "5.41",
        "handling_cost_ex_tax": "1.00",
        "handling_cost_inc_tax": "1.00",
        "discount_amount": "2.50",
        "payment_method": "Cash",
    }
    response = client.post("/v2/orders", json=body)
    assert response.status_code == 200, response.text
    order = _json(response)
    assert order["status"] == "Awaiting Fulfillment"
    assert order["payment_method"] == "Cash"
    lines = _json(client.get(f"/v2/orders/{order['id']}/products"))
    price = Decimal(str(variant["calculated_price"]))
    tax = (price * Decimal("0.0825")).quantize(Decimal("0.01"))
    assert [(x["sku"], x["quantity"]) for x in lines] == [("MUG-001", 2), ("", 1)]
    assert lines[1]["product_id"] == 0 and Decimal(lines[1]["total_tax"]) == Decimal("0.25")
    subtotal_ex = price * 2 + 3
    total_ex = subtotal_ex + Decimal(5) + Decimal(1) - Decimal("2.5")
    total_tax = tax * 2 + Decimal("0.25") + Decimal("0.41")
    assert Decimal(order["subtotal_ex_tax"]) == subtotal_ex
    assert Decimal(order["total_ex_tax"]) == total_ex
    assert Decimal(order["total_tax"]) == total_tax
    assert Decimal(order["total_inc_tax"]) == total_ex + total_tax
    # It is listed like any other order, newest last.
    assert _json(client.get("/v2/orders", params={"sort": "id:desc"}))[0]["id"] == order["id"]


def test_a_variant_is_found_by_variant_id_or_its_options(client: httpx.Client) -> None:
    variant = _product(client, "PT-M-SAN")
    options = [{"id": o["option_id"], "value": str(o["id"])} for o in variant["option_values"]]
    for line in (
        {"product_id": variant["product_id"], "variant_id": variant["id"], "quantity": 1},
        {"product_id": variant["product_id"], "product_options": options, "quantity": 1},
    ):
        order = _json(
            client.post("/v2/orders", json={"billing_address": BILLING, "products": [line]})
        )
        assert order["status_id"] == 1  # Pending when no status is given
        lines = _json(client.get(f"/v2/orders/{order['id']}/products"))
        assert lines[0]["sku"] == "PT-M-SAN" and lines[0]["variant_id"] == variant["id"]
    missing = client.post(
        "/v2/orders",
        json={
            "billing_address": BILLING,
            "products": [{"product_id": variant["product_id"], "quantity": 1}],
        },
    )
    assert missing.status_code == 400 and "variant" in missing.json()[0]["message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            {"products": [{"name": "X", "quantity": 1, "price_ex_tax": 1, "price_inc_tax": 1}]},
            "billing",
        ),
        ({"billing_address": BILLING, "products": []}, "products"),
        ({"billing_address": BILLING, "products": [{"name": "X", "quantity": 1}]}, "price_ex_tax"),
        (
            {"billing_address": BILLING, "products": [{"product_id": 999999, "quantity": 1}]},
            "does not exist",
        ),
        (
            {
                "billing_address": BILLING,
                "products": [{"name": "X", "quantity": 1, "price_ex_tax": 1, "price_inc_tax": 1}],
                "total_ex_tax": "1.00",
            },
            "total_inc_tax",
        ),
    ],
)
def test_bad_orders_are_refused_with_the_v2_error_body(
    client: httpx.Client, body: dict[str, Any], words: str
) -> None:
    response = client.post("/v2/orders", json=body)
    assert response.status_code == 400
    assert words in response.json()[0]["message"]


def test_a_coupon_lowers_the_totals_and_shows_on_the_lines_and_the_order(
    server: SandboxServer, client: httpx.Client
) -> None:
    body = {
        "status_id": 11,
        "billing_address": BILLING,
        "products": [
            {"name": "A", "quantity": 2, "price_ex_tax": "10.00", "price_inc_tax": "10.80"},
            {"name": "B", "quantity": 1, "price_ex_tax": "5.00", "price_inc_tax": "5.40"},
        ],
    }
    order = _json(client.post("/v2/orders", json=body))
    lines = _json(client.get(f"/v2/orders/{order['id']}/products"))
    admin = httpx.post(
        f"{server.url}/_sandbox/bigcommerce/orders/{order['id']}/coupon",
        json={"code": "SAVE5", "amount": "5.00"},
    )
    assert admin.status_code == 200, admin.text
    admin = httpx.post(
        f"{server.url}/_sandbox/bigcommerce/orders/{order['id']}/coupon",
        json={"code": "MUGS1", "amount": "1.00", "line_id": lines[1]["id"]},
    )
    assert admin.status_code == 200, admin.text
    after = _json(client.get(f"/v2/orders/{order['id']}"))
    assert Decimal(after["coupon_discount"]) == 6
    assert Decimal(after["total_inc_tax"]) == Decimal(order["total_inc_tax"]) - 6
    assert Decimal(after["total_tax"]) == Decimal(order["total_tax"])
    coupons = _json(client.get(f"/v2/orders/{order['id']}/coupons"))
    assert [(c["code"], c["type"]) for c in coupons] == [("SAVE5", 2), ("MUGS1", 0)]
    lines = _json(client.get(f"/v2/orders/{order['id']}/products"))
    applied = [
        (d["code"], d["target"], Decimal(d["amount"]))
        for x in lines
        for d in x["applied_discounts"]
    ]
    assert sum(a for _, _, a in applied) == 6
    assert ("MUGS1", "product", Decimal(1)) in applied
    assert {t for c, t, _ in applied if c == "SAVE5"} == {"order"}
