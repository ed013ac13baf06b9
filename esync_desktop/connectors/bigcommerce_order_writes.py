"""The BigCommerce order calls of pull-sales' `as_orders` option (bigcommerce.md §10): create a
v2 order, read it back, and find one by its `external_order_id` (the list filter BigCommerce
documents), which is how a create whose answer was lost is settled."""

from __future__ import annotations

from typing import Any

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.http import segment

Doc = dict[str, Any]


class BcOrderWrites:
    def __init__(self, client: BigCommerceClient) -> None:
        self.client = client

    def create(self, body: Doc) -> Doc:
        """POST /v2/orders. Not idempotent: a lost answer raises TransportError(maybe_applied)
        and a 5xx is not sent twice."""
        path = self.client._v2("orders")
        data = self.client.http.request("POST", path, body=body, idempotent=False).data
        if not isinstance(data, dict) or "id" not in data:
            raise self.client.http.bad_shape("POST", path, "the order")
        return data

    def get(self, order_id: int) -> Doc:
        path = self.client._v2("orders", segment(order_id))
        data = self.client.http.request("GET", path).data
        if not isinstance(data, dict):
            raise self.client.http.bad_shape("GET", path, "the order")
        return data

    def by_reference(self, external_order_id: str) -> list[Doc]:
        """Orders whose external_order_id is exactly this one."""
        return [
            o
            for o in self.client.iter_orders(external_order_id=external_order_id)
            if isinstance(o, dict) and o.get("external_order_id") == external_order_id
        ]
