"""Helpers for the push-orders tests: place web orders through the sandbox's POST /v2/orders,
and read what reached Clover."""

from __future__ import annotations

import functools
import json
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx

from esync_desktop.connectors.clover import CloverClient

BILLING = {
    "first_name": "Rita",
    "last_name": "Web",
    "street_1": "1 Test Way",
    "city": "Austin",
    "state": "Texas",
    "zip": "78701",
    "country": "United States",
    "country_iso2": "US",
    "email": "rita@example.com",
}


def _json(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return json.loads(response.content, parse_float=Decimal) if response.content else None


class Stores:
    """Direct access to both demo stores, as a shop owner's scripts would have."""

    def __init__(self, server: Any) -> None:
        info = server.describe()
        self.url = info["url"]
        self.bc = httpx.Client(
            base_url=f"{info['url']}/stores/{info['bc_store_hash']}",
            headers={"X-Auth-Token": info["bc_token"], "Accept": "application/json"},
        )
        # Clover allows 16 requests a second: its own client paces and retries them.
        self.clover = CloverClient(info["url"], info["clover_merchant_id"], info["clover_token"])
        self._clover_prefix = f"/v3/merchants/{info['clover_merchant_id']}"
        # The demo's web orders an earlier push sent to Clover (refunded or cancelled since).
        bc = server.bigcommerce.db
        self.pushed_before = {
            f"BC{o['id']}" for o in bc.sorted_rows(bc.orders) if o.get("_pushed_before")
        }

    def close(self) -> None:
        self.bc.close()
        self.clover.close()

    # -- BigCommerce ---------------------------------------------------------------------------

    def place(self, **body: Any) -> dict[str, Any]:
        body.setdefault("billing_address", BILLING)
        body.setdefault("status_id", 11)
        order = _json(self.bc.post("/v2/orders", json=_plain(body)))
        assert isinstance(order, dict)
        return order

    def coupon(self, order_id: int, code: str, amount: Decimal, line_id: int | None = None) -> None:
        body: dict[str, Any] = {"code": code, "amount": str(amount)}
        if line_id is not None:
            body["line_id"] = line_id
        _json(httpx.post(f"{self.url}/_sandbox/bigcommerce/orders/{order_id}/coupon", json=body))

    def bc_order(self, order_id: int) -> dict[str, Any]:
        return _json(self.bc.get(f"/v2/orders/{order_id}"))  # type: ignore[no-any-return]

    def bc_lines(self, order_id: int) -> list[dict[str, Any]]:
        return _json(self.bc.get(f"/v2/orders/{order_id}/products"))  # type: ignore[no-any-return]

    @functools.cache  # noqa: B019 - one Stores per test, the catalogue does not change
    def variant(self, sku: str) -> dict[str, Any]:
        found = _json(self.bc.get("/v3/catalog/variants", params={"sku": sku}))["data"]
        assert found, sku
        return found[0]  # type: ignore[no-any-return]

    @functools.cache  # noqa: B019
    def variant_of(self, product_id: int) -> int | None:
        """The first option variant of a product with options (None for a simple product)."""
        product = _json(
            self.bc.get(f"/v3/catalog/products/{product_id}", params={"include": "variants"})
        )
        if product["data"].get("base_variant_id"):
            return None
        return int(product["data"]["variants"][0]["id"])

    # -- Clover --------------------------------------------------------------------------------

    def clover_get(self, path: str, **params: Any) -> Any:
        query = list(params.items())
        return self.clover.http.request("GET", self._clover_prefix + path, params=query).data

    def clover_post(self, path: str, body: Any) -> Any:
        return self.clover.http.request("POST", self._clover_prefix + path, body=body).data

    def pushed(self) -> dict[str, list[dict[str, Any]]]:
        """Clover orders that carry a BigCommerce reference, by reference."""
        out: dict[str, list[dict[str, Any]]] = {}
        offset = 0
        while True:
            page = self.clover_get("/orders", limit=1000, offset=offset)
            for order in page["elements"]:
                ref = order.get("externalReferenceId") or ""
                if ref.startswith("BC"):
                    out.setdefault(ref, []).append(order)
            if len(page["elements"]) < 1000:
                break
            offset += 1000
        return out

    def payments(self, clover_order_id: str) -> list[dict[str, Any]]:
        data = self.clover_get(f"/orders/{clover_order_id}/payments")
        return data["elements"]  # type: ignore[no-any-return]

    def lines(self, clover_order_id: str) -> list[dict[str, Any]]:
        data = self.clover_get(f"/orders/{clover_order_id}/line_items", limit=1000)
        return data["elements"]  # type: ignore[no-any-return]

    def stock(self, sku: str) -> Decimal | None:
        items = self.clover_get("/items", filter=f"sku={sku}", expand="itemStock")
        stock = (items["elements"][0].get("itemStock") or {}).get("quantity")
        return None if stock is None else Decimal(str(stock))

    def duplicates(self) -> tuple[Counter[str], Counter[str]]:
        """References with more than one Clover order, Clover orders with more than one
        payment: both must stay empty."""
        pushed = self.pushed()
        orders = Counter({ref: len(found) for ref, found in pushed.items()})
        payments: Counter[str] = Counter()
        for found in pushed.values():
            for order in found:
                payments[order["id"]] = len(self.payments(order["id"]))
        return (
            Counter({k: v for k, v in orders.items() if v > 1}),
            Counter({k: v for k, v in payments.items() if v > 1}),
        )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def cents(amount: Any) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_value())
