"""Clover orders over HTTP: atomic totals, custom orders, payments, sales and stock, refunds."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from esync_desktop.sandbox.server import SandboxServer


def item(clover: httpx.Client, price: int, **extra: object) -> dict:
    response = clover.post("/items", json={"name": f"Item {price}", "price": price, **extra})
    assert response.status_code == 200
    return response.json()


def no_tax_id(clover: httpx.Client) -> str:
    rates = clover.get("/tax_rates", params={"filter": "name=NO_TAX_APPLIED"}).json()
    return rates["elements"][0]["id"]


def stock_of(clover: httpx.Client, item_id: str) -> float:
    return clover.get(f"/item_stocks/{item_id}").json()["quantity"]


@pytest.fixture
def cart(clover: httpx.Client) -> dict:
    """Two lines of a 24.99 item, a 10.00 item with -3.00 off, untaxed shipping, 10% off."""
    tote, mug = item(clover, 2499), item(clover, 1000)
    return {
        "orderCart": {
            "title": "BC #10452",
            "lineItems": [
                {"item": {"id": tote["id"]}},
                {"item": {"id": tote["id"]}},
                {"item": {"id": mug["id"]}, "discounts": [{"name": "Clearance", "amount": -300}]},
                {"name": "Shipping", "price": 799, "taxRates": [{"id": no_tax_id(clover)}]},
            ],
            "discounts": [{"name": "10% off", "percentage": 10}],
        }
    }


def test_checkout_prices_the_cart_and_saves_nothing(clover: httpx.Client, cart: dict) -> None:
    before = len(clover.get("/orders", params={"limit": 1000}).json()["elements"])
    priced = clover.post("/atomic_order/checkouts", json=cart)
    assert priced.status_code == 200
    body = priced.json()
    # Lines 2499 + 2499 + 700 + 799 = 6497; 10% off = 650 -> 5847. Tax 8.875% on the taxed
    # lines' discounted shares (2248.98, 2248.98, 629.97): 199.60 -> 200, 200, 55.91 -> 56.
    assert body["subtotal"] == 5847
    assert body["totalTaxAmount"] == 456
    assert body["total"] == 6303
    assert body["taxSummaries"][0]["rate"] == 887500
    assert len(clover.get("/orders", params={"limit": 1000}).json()["elements"]) == before


def test_atomic_order_is_created_with_the_same_total(clover: httpx.Client, cart: dict) -> None:
    response = clover.post("/atomic_order/orders", json=cart)
    assert response.status_code == 200
    order = response.json()
    assert order["total"] == 6303 and order["state"] == "open" and order["title"] == "BC #10452"
    assert len(order["lineItems"]["elements"]) == 4
    assert order["discounts"]["elements"][0]["percentage"] == 10
    listed = clover.get("/orders", params={"filter": f"id={order['id']}"}).json()["elements"]
    assert [o["id"] for o in listed] == [order["id"]]
    lines = clover.get(f"/orders/{order['id']}/line_items", params={"expand": "discounts"}).json()
    clearance = [ln for ln in lines["elements"] if ln["discounts"]["elements"]]
    assert clearance[0]["discounts"]["elements"][0]["amount"] == -300


def test_tax_rounds_half_up_and_service_charge_is_added(clover: httpx.Client) -> None:
    cheap = item(clover, 1200)  # 8.875% of 12.00 = 1.065 -> 1.07 (half up, not to even)
    body: dict[str, dict[str, Any]] = {"orderCart": {"lineItems": [{"item": {"id": cheap["id"]}}]}}
    assert clover.post("/atomic_order/checkouts", json=body).json()["total"] == 1307
    charge = clover.get("/default_service_charge").json()
    body["orderCart"]["serviceCharge"] = {"id": charge["id"]}
    # 18% of 12.00 = 2.16
    assert clover.post("/atomic_order/checkouts", json=body).json()["total"] == 1307 + 216


def test_tax_removed_and_items_without_default_rates(clover: httpx.Client) -> None:
    untaxed = item(clover, 1000, defaultTaxRates=False)
    body = {"orderCart": {"lineItems": [{"item": {"id": untaxed["id"]}}]}}
    assert clover.post("/atomic_order/checkouts", json=body).json()["total"] == 1000
    taxed = item(clover, 1000)
    removed = {"orderCart": {"taxRemoved": True, "lineItems": [{"item": {"id": taxed["id"]}}]}}
    assert clover.post("/atomic_order/checkouts", json=removed).json()["total"] == 1000


@pytest.mark.parametrize(
    ("cart", "message"),
    [
        ({}, "cart_is_empty_or_missing"),
        ({"orderCart": {"lineItems": []}}, "cart_is_empty_or_missing"),
        (
            {"orderCart": {"lineItems": [{"name": "x", "price": 1}], "discounts": [{"amount": 5}]}},
            "invalid_discount_attribute",
        ),
        ({"orderCart": {"lineItems": [{"name": "no price"}]}}, "bad_request"),
    ],
)
def test_atomic_errors(clover: httpx.Client, cart: dict, message: str) -> None:
    response = clover.post("/atomic_order/orders", json=cart)
    assert response.status_code == 400
    assert response.json()["message"] == message


def test_atomic_unknown_item_names_it_in_details(clover: httpx.Client) -> None:
    cart = {"orderCart": {"lineItems": [{"item": {"id": "8NR072YTBZ52W"}}]}}
    response = clover.post("/atomic_order/checkouts", json=cart)
    assert response.status_code == 400
    assert response.json() == {"message": "item_does_not_exist", "details": "8NR072YTBZ52W"}


def test_order_without_state_is_hidden_from_lists(clover: httpx.Client) -> None:
    hidden = clover.post("/orders", json={"title": "draft"}).json()
    shown = clover.post("/orders", json={"title": "open one", "state": "open"}).json()
    assert "state" not in hidden
    listed = {o["id"] for o in clover.get("/orders", params={"limit": 1000}).json()["elements"]}
    assert shown["id"] in listed and hidden["id"] not in listed
    assert clover.get(f"/orders/{hidden['id']}").status_code == 200


def test_custom_order_total_is_client_owned(clover: httpx.Client) -> None:
    order = clover.post("/orders", json={"state": "open", "externalReferenceId": "BC1"}).json()
    mug = item(clover, 1500)
    line = clover.post(f"/orders/{order['id']}/line_items", json={"item": {"id": mug["id"]}})
    assert line.status_code == 200
    assert line.json()["name"] == mug["name"] and line.json()["price"] == 1500
    adhoc = clover.post(
        f"/orders/{order['id']}/line_items", json={"name": "Shipping", "price": 799}
    )
    assert adhoc.json()["price"] == 799
    assert "total" not in clover.get(f"/orders/{order['id']}").json()
    updated = clover.post(f"/orders/{order['id']}", json={"total": 2299}).json()
    assert updated["total"] == 2299
    found = clover.get("/orders", params={"filter": "externalReferenceId=BC1"}).json()
    assert [o["id"] for o in found["elements"]] == [order["id"]]
    assert clover.post(f"/orders/{order['id']}/line_items", json={"name": "?"}).status_code == 400


def test_bulk_line_items_and_order_discounts(clover: httpx.Client) -> None:
    order = clover.post("/orders", json={"state": "open"}).json()
    lines = [{"name": f"L{n}", "price": 100} for n in range(3)]
    made = clover.post(f"/orders/{order['id']}/bulk_line_items", json={"items": lines})
    assert made.status_code == 200 and len(made.json()) == 3
    assert (
        clover.post(
            f"/orders/{order['id']}/discounts", json={"name": "x", "amount": 500}
        ).status_code
        == 400
    )
    ok = clover.post(f"/orders/{order['id']}/discounts", json={"name": "Promo", "amount": -50})
    assert ok.status_code == 200
    expanded = clover.get(f"/orders/{order['id']}", params={"expand": "lineItems,discounts"}).json()
    assert len(expanded["lineItems"]["elements"]) == 3
    assert expanded["discounts"]["elements"][0]["amount"] == -50


def test_external_payment_moves_payment_state(clover: httpx.Client) -> None:
    tenders = {t["label"]: t["id"] for t in clover.get("/tenders").json()["elements"]}
    order = clover.post("/orders", json={"state": "open", "total": 5000}).json()
    path = f"/orders/{order['id']}/payments"
    card = clover.post(path, json={"amount": 5000, "tender": {"id": tenders["Credit Card"]}})
    assert card.status_code == 400  # card payments cannot be recorded on /v3
    first = clover.post(
        path,
        json={
            "amount": 2000,
            "tender": {"id": tenders["External Payment"]},
            "externalPaymentId": "bc-1",
        },
    )
    assert first.status_code == 200 and first.json()["result"] == "SUCCESS"
    assert clover.get(f"/orders/{order['id']}").json()["paymentState"] == "PARTIALLY_PAID"
    clover.post(path, json={"amount": 3000, "tender": {"id": tenders["External Payment"]}})
    paid = clover.get(f"/orders/{order['id']}", params={"expand": "payments"}).json()
    assert paid["paymentState"] == "PAID" and paid["state"] == "locked"
    assert sum(p["amount"] for p in paid["payments"]["elements"]) == 5000
    payment = clover.get(f"/payments/{first.json()['id']}", params={"expand": "tender"}).json()
    assert payment["tender"]["label"] == "External Payment"
    assert clover.delete(f"/orders/{order['id']}").status_code == 400  # paid orders stay


def test_unpaid_order_can_be_deleted(clover: httpx.Client) -> None:
    order = clover.post("/orders", json={"state": "open"}).json()
    assert clover.delete(f"/orders/{order['id']}").status_code == 200
    assert clover.get(f"/orders/{order['id']}").status_code == 404


def test_line_items_decrement_stock_when_tracked(
    server: SandboxServer, clover: httpx.Client
) -> None:
    mug = clover.get("/items", params={"filter": "sku=MUG-001"}).json()["elements"][0]
    clover.post(f"/item_stocks/{mug['id']}", json={"quantity": 10})
    order = clover.post("/orders", json={"state": "open"}).json()
    clover.post(f"/orders/{order['id']}/line_items", json={"item": {"id": mug["id"]}})
    assert stock_of(clover, mug["id"]) == 9.0
    admin = f"{server.url}/_sandbox/clover"
    assert httpx.post(f"{admin}/properties", json={"updateStock": False}).status_code == 200
    assert clover.get("/properties").json()["updateStock"] is False
    clover.post(f"/orders/{order['id']}/line_items", json={"item": {"id": mug["id"]}})
    assert stock_of(clover, mug["id"]) == 9.0


def test_admin_sale_is_a_paid_order_that_takes_stock(
    server: SandboxServer, clover: httpx.Client
) -> None:
    mug = clover.get("/items", params={"filter": "sku=MUG-001"}).json()["elements"][0]
    clover.post(f"/item_stocks/{mug['id']}", json={"quantity": 5})
    sale = httpx.post(f"{server.url}/_sandbox/clover/sale", json={"sku": "MUG-001", "quantity": 3})
    assert sale.status_code == 200
    order = sale.json()
    assert len(order["lineItems"]["elements"]) == 3  # quantity is repeated line items
    assert order["paymentState"] == "PAID"
    assert order["payments"]["elements"][0]["amount"] == order["total"]
    assert stock_of(clover, mug["id"]) == 2.0
    listed = clover.get("/orders", params={"filter": f"id={order['id']}"}).json()["elements"]
    assert listed and listed[0]["total"] == order["total"]


def test_sale_of_never_stocked_item_leaves_it_untracked(
    server: SandboxServer, clover: httpx.Client
) -> None:
    httpx.post(f"{server.url}/_sandbox/clover/sale", json={"sku": "GC-25", "quantity": 1})
    gift = clover.get("/items", params={"filter": "sku=GC-25"}).json()["elements"][0]
    assert clover.get(f"/item_stocks/{gift['id']}").json() == {"item": {"id": gift["id"]}}


def test_demo_orders_payments_and_one_refund(clover: httpx.Client) -> None:
    orders = clover.get("/orders", params={"expand": "lineItems,payments"}).json()["elements"]
    assert len(orders) >= 8
    assert all(o["lineItems"]["elements"] and o["payments"]["elements"] for o in orders)
    refunds = clover.get("/refunds").json()["elements"]
    # One on a seeded sale, one on the in-store return of a product both stores sell.
    assert len(refunds) == 2
    refund = clover.get(f"/refunds/{refunds[0]['id']}").json()
    assert refund["amount"] > 0 and refund["status"] == "SUCCESS"
    order = clover.get(
        f"/orders/{refund['orderRef']['id']}", params={"expand": "refunds,lineItems"}
    ).json()
    assert order["paymentState"] == "PARTIALLY_REFUNDED"
    assert order["refunds"]["elements"][0]["id"] == refund["id"]
    assert any(ln["refunded"] for ln in order["lineItems"]["elements"])
    assert clover.get("/credits").json()["elements"] == []
    assert clover.get("/refunds/NOSUCHREFUND0").status_code == 404


def test_payments_list_and_filters(clover: httpx.Client) -> None:
    payments = clover.get("/payments").json()["elements"]
    assert len(payments) >= 8
    biggest = max(p["amount"] for p in payments)
    big = clover.get("/payments", params={"filter": f"amount>={biggest}"}).json()["elements"]
    assert {p["amount"] for p in big} == {biggest}
    assert clover.get("/payments", params={"filter": "color=red"}).status_code == 400


def test_admin_refund_marks_the_order(server: SandboxServer, clover: httpx.Client) -> None:
    sale = httpx.post(
        f"{server.url}/_sandbox/clover/sale", json={"sku": "MUG-001", "quantity": 1}
    ).json()
    refund = httpx.post(f"{server.url}/_sandbox/clover/refund", json={"order": sale["id"]})
    assert refund.status_code == 200
    assert clover.get(f"/orders/{sale['id']}").json()["paymentState"] == "REFUNDED"
    assert len(clover.get("/refunds").json()["elements"]) == 3
