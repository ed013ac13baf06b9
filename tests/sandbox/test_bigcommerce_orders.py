"""BigCommerce emulator orders over loopback HTTP: v2 orders and sub-resources, v3 refunds."""

from __future__ import annotations

from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx


def orders(bc_store: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = bc_store.get("/v2/orders", params=params)
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def awaiting(bc_store: httpx.Client) -> dict[str, Any]:
    return orders(bc_store, status_id=11)[0]


def quote(bc_store: httpx.Client, order_id: int, items: list[dict[str, Any]]) -> httpx.Response:
    return bc_store.post(
        f"/v3/orders/{order_id}/payment_actions/refund_quotes", json={"items": items}
    )


def test_seeded_orders_cover_the_statuses(bc_store: httpx.Client) -> None:
    rows = orders(bc_store, limit=250)
    assert 12 <= len(rows) <= 16
    statuses = {o["status_id"] for o in rows}
    assert {1, 2, 4, 5, 10, 11, 14} <= statuses
    first = rows[0]
    assert isinstance(first, dict) and first["id"] < rows[-1]["id"]  # bare array, id order
    assert parsedate_to_datetime(first["date_created"]).tzinfo is not None
    assert first["total_inc_tax"].count(".") == 1 and len(first["total_inc_tax"].split(".")[1]) == 4
    assert first["products"]["resource"] == f"/orders/{first['id']}/products"
    assert first["shipping_addresses"]["resource"].endswith("/shippingaddresses")


def test_order_totals_add_up(bc_store: httpx.Client) -> None:
    for order in orders(bc_store):
        lines = bc_store.get(f"/v2/orders/{order['id']}/products").json()
        subtotal = sum(Decimal(x["total_ex_tax"]) for x in lines)
        assert subtotal == Decimal(order["subtotal_ex_tax"])
        assert Decimal(order["total_inc_tax"]) == (
            Decimal(order["subtotal_inc_tax"])
            + Decimal(order["shipping_cost_inc_tax"])
            - Decimal(order["coupon_discount"])
            - Decimal(order["discount_amount"])
        )
        assert sum(x["quantity"] for x in lines) == order["items_total"]


def test_filters_count_and_sort(bc_store: httpx.Client) -> None:
    everything = orders(bc_store)
    newest = orders(bc_store, sort="date_created:desc")
    expected = sorted(
        everything, key=lambda o: (parsedate_to_datetime(o["date_created"]), o["id"]), reverse=True
    )
    assert [o["id"] for o in newest] == [o["id"] for o in expected]
    assert all(o["status_id"] == 11 for o in orders(bc_store, status_id=11))
    some = orders(bc_store, min_id=everything[3]["id"], max_id=everything[5]["id"])
    assert [o["id"] for o in some] == [o["id"] for o in everything[3:6]]
    count = bc_store.get("/v2/orders/count").json()
    assert count["count"] == len(everything)
    by_status = {s["id"]: s["count"] for s in count["statuses"]}
    assert by_status[11] == len(orders(bc_store, status_id=11))
    assert len(count["statuses"]) == 15
    # One cancelled before it reached Clover, one after (demo_links).
    assert bc_store.get("/v2/orders/count", params={"status_id": 5}).json()["count"] == 2


def test_min_date_modified_accepts_iso_and_rfc2822(bc_store: httpx.Client) -> None:
    everything = orders(bc_store)
    cut = sorted(parsedate_to_datetime(o["date_modified"]) for o in everything)[-3]
    iso_rows = orders(bc_store, min_date_modified=cut.isoformat())
    rfc_rows = orders(bc_store, min_date_modified=cut.strftime("%a, %d %b %Y %H:%M:%S +0000"))
    assert len(iso_rows) == len(rfc_rows) >= 3


def test_sub_resources(bc_store: httpx.Client) -> None:
    order = awaiting(bc_store)
    lines = bc_store.get(f"/v2/orders/{order['id']}/products").json()
    assert lines and all(x["order_id"] == order["id"] for x in lines)
    one = bc_store.get(f"/v2/orders/{order['id']}/products/{lines[0]['id']}").json()
    assert one == lines[0]
    addresses = bc_store.get(f"/v2/orders/{order['id']}/shipping_addresses").json()
    assert len(addresses) == 1 and addresses[0]["id"] == lines[0]["order_address_id"]
    address = bc_store.get(f"/v2/orders/{order['id']}/shipping_addresses/{addresses[0]['id']}")
    assert address.json()["city"] == addresses[0]["city"]
    assert bc_store.get(f"/v2/orders/{order['id']}/products/999999").status_code == 404


def test_variant_lines_carry_options(bc_store: httpx.Client) -> None:
    found = []
    for order in orders(bc_store):
        for line in bc_store.get(f"/v2/orders/{order['id']}/products").json():
            if line["sku"].startswith("PT-"):
                found.append(line)
    assert found
    assert {o["display_name"] for o in found[0]["product_options"]} == {"Size", "Color"}


def test_order_statuses(bc_store: httpx.Client) -> None:
    statuses = bc_store.get("/v2/order_statuses").json()
    assert [s["id"] for s in statuses] == list(range(15))
    assert bc_store.get("/v2/order_statuses/11").json()["name"] == "Awaiting Fulfillment"


def test_cancel_by_status_put_bumps_date_modified(bc_store: httpx.Client) -> None:
    order = awaiting(bc_store)
    updated = bc_store.put(f"/v2/orders/{order['id']}", json={"status_id": 5})
    assert updated.status_code == 200
    body = updated.json()
    assert body["status_id"] == 5 and body["status"] == "Cancelled"
    assert parsedate_to_datetime(body["date_modified"]) > parsedate_to_datetime(
        order["date_modified"]
    )
    read_only = bc_store.put(f"/v2/orders/{order['id']}", json={"total_inc_tax": "1.0000"})
    assert read_only.status_code == 400
    assert "cannot be written to" in read_only.json()[0]["message"]


def test_archive_hides_the_order(bc_store: httpx.Client) -> None:
    order = awaiting(bc_store)
    assert bc_store.delete(f"/v2/orders/{order['id']}").status_code == 204
    assert order["id"] not in [o["id"] for o in orders(bc_store)]


def test_seeded_refunded_order_has_refund_and_transactions(bc_store: httpx.Client) -> None:
    refunded = orders(bc_store, status_id=4)
    assert len(refunded) == 1
    order = refunded[0]
    assert Decimal(order["refunded_amount"]) == Decimal(order["total_inc_tax"])
    refunds = bc_store.get(f"/v3/orders/{order['id']}/payment_actions/refunds").json()["data"]
    assert len(refunds) == 1
    assert Decimal(str(refunds[0]["total_amount"])) == Decimal(order["total_inc_tax"])
    transactions = bc_store.get(f"/v3/orders/{order['id']}/transactions").json()["data"]
    assert [t["event"] for t in transactions] == ["purchase", "refund"]
    assert all(t["order_id"] == str(order["id"]) for t in transactions)
    lines = bc_store.get(f"/v2/orders/{order['id']}/products").json()
    assert all(x["is_refunded"] and x["quantity_refunded"] == x["quantity"] for x in lines)
    everything = bc_store.get("/v3/orders/payment_actions/refunds").json()
    assert everything["data"][0]["id"] == refunds[0]["id"]
    one = bc_store.get(f"/v3/orders/payment_actions/refunds/{refunds[0]['id']}").json()["data"]
    assert one["order_id"] == order["id"]


def test_unpaid_order_has_no_transactions_204(bc_store: httpx.Client) -> None:
    pending = orders(bc_store, status_id=1)[0]
    response = bc_store.get(f"/v3/orders/{pending['id']}/transactions")
    assert response.status_code == 204 and response.content == b""


def test_quote_then_partial_refund_then_full(bc_store: httpx.Client) -> None:
    order = awaiting(bc_store)
    lines = bc_store.get(f"/v2/orders/{order['id']}/products").json()
    line = lines[0]
    level_before = bc_store.get(f"/v3/catalog/products/{line['product_id']}").json()["data"][
        "inventory_level"
    ]
    got = quote(
        bc_store, order["id"], [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
    )
    assert got.status_code == 201
    data = got.json()["data"]
    amount = Decimal(str(data["total_refund_amount"]))
    assert amount == Decimal(line["price_inc_tax"])
    assert Decimal(str(data["total_refund_tax_amount"])) == Decimal(line["price_tax"])
    method = data["refund_methods"][0][0]
    assert method["provider_id"] == "braintree" and Decimal(str(method["amount"])) == amount
    wrong = bc_store.post(
        f"/v3/orders/{order['id']}/payment_actions/refunds",
        json={
            "items": [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}],
            "payments": [
                {"provider_id": "braintree", "amount": float(amount) + 1, "offline": False}
            ],
        },
    )
    assert wrong.status_code == 422 and wrong.json()["data"][0]["status"] == 422
    made = bc_store.post(
        f"/v3/orders/{order['id']}/payment_actions/refunds",
        json={
            "items": [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}],
            "payments": [{"provider_id": "braintree", "amount": float(amount), "offline": False}],
        },
    )
    assert made.status_code == 201
    refund = made.json()["data"]
    assert refund["payments"][0]["transaction_id"]
    partial = bc_store.get(f"/v2/orders/{order['id']}").json()
    assert partial["status_id"] == 14 and partial["payment_status"] == "partially refunded"
    assert Decimal(partial["refunded_amount"]) == amount
    again = bc_store.get(f"/v2/orders/{order['id']}/products/{line['id']}").json()
    assert again["quantity_refunded"] == 1
    # Refunds never put stock back (§10.6).
    level_after = bc_store.get(f"/v3/catalog/products/{line['product_id']}").json()["data"][
        "inventory_level"
    ]
    assert level_after == level_before
    # The rest of the order: remaining lines and shipping.
    items: list[dict[str, Any]] = [
        {
            "item_type": "PRODUCT",
            "item_id": x["id"],
            "quantity": x["quantity"] - (1 if x["id"] == line["id"] else 0),
        }
        for x in lines
        if x["quantity"] - (1 if x["id"] == line["id"] else 0) > 0
    ]
    items.append(
        {
            "item_type": "SHIPPING",
            "item_id": line["order_address_id"],
            "amount": float(Decimal(order["shipping_cost_inc_tax"])),
        }
    )
    rest = quote(bc_store, order["id"], items).json()["data"]["total_refund_amount"]
    final = bc_store.post(
        f"/v3/orders/{order['id']}/payment_actions/refunds",
        json={
            "items": items,
            "payments": [{"provider_id": "braintree", "amount": rest, "offline": False}],
        },
    )
    assert final.status_code == 201, final.text
    assert bc_store.get(f"/v2/orders/{order['id']}").json()["status_id"] == 4


def test_refund_more_than_bought_is_422(bc_store: httpx.Client) -> None:
    order = awaiting(bc_store)
    line = bc_store.get(f"/v2/orders/{order['id']}/products").json()[0]
    too_many = quote(
        bc_store,
        order["id"],
        [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": line["quantity"] + 1}],
    )
    assert too_many.status_code == 422
    pending = orders(bc_store, status_id=1)[0]
    pending_line = bc_store.get(f"/v2/orders/{pending['id']}/products").json()[0]
    unpaid = quote(
        bc_store,
        pending["id"],
        [{"item_type": "PRODUCT", "item_id": pending_line["id"], "quantity": 1}],
    )
    assert unpaid.status_code == 422


def test_guest_order_offers_no_store_credit(bc_store: httpx.Client) -> None:
    guest = next(o for o in orders(bc_store) if o["customer_id"] == 0 and o["status_id"] == 11)
    line = bc_store.get(f"/v2/orders/{guest['id']}/products").json()[0]
    methods = quote(
        bc_store, guest["id"], [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}]
    ).json()["data"]["refund_methods"]
    assert [m[0]["provider_id"] for m in methods] == ["braintree"]
