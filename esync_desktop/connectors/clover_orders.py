"""The Clover calls of the order actions: atomic orders, order lookup by our reference,
external-tender payments and tenders (clover.md §9). No /v3 call is idempotent: every write
here is sent once, and a lost answer is settled by looking the object up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.http import segment

Doc = dict[str, Any]


class CloverOrders:
    """Order, payment and tender calls over a CloverClient's HTTP layer (its pacing, retries,
    integration log and request count)."""

    def __init__(self, client: CloverClient) -> None:
        self.client = client
        self.http = client.http
        self._prefix = f"/v3/merchants/{segment(client.merchant_id)}"

    def _path(self, *parts: object) -> str:
        return "/".join([self._prefix, *(segment(p) for p in parts)])

    def _object(self, method: str, path: str, body: Any = None, **kw: Any) -> Doc:
        data = self.http.request(method, path, body=body, **kw).data
        if not isinstance(data, dict):
            raise self.http.bad_shape(method, path, "a JSON object")
        return data

    def _elements(self, path: str, params: list[tuple[str, Any]]) -> list[Doc]:
        data = self._object("GET", path, params=params)
        elements = data.get("elements")
        if not isinstance(elements, list):
            raise self.http.bad_shape("GET", path, "an `elements` list")
        return [e for e in elements if isinstance(e, dict)]

    # -- reads -----------------------------------------------------------------------------

    def properties(self) -> Doc:
        """Merchant switches, e.g. trackStock / updateStock (do sales decrement stock?)."""
        return self._object("GET", self._path("properties"))

    def orders_by_reference(self, reference: str) -> list[Doc]:
        """Orders whose externalReferenceId is `reference`. Clover answers such a filter only
        for orders created in the last 90 days."""
        params = [("filter", f"externalReferenceId={reference}"), ("limit", 100)]
        return self._elements(self._path("orders"), params)

    def get_order(self, order_id: str) -> Doc:
        return self._object("GET", self._path("orders", order_id))

    def order_payments(self, order_id: str) -> list[Doc]:
        return self._elements(self._path("orders", order_id, "payments"), [("limit", 1000)])

    def iter_tenders(self) -> Iterator[Doc]:
        yield from self._elements(self._path("tenders"), [("limit", 1000)])

    def get_order_lines(self, order_id: str) -> Doc:
        """The order with its line items (each a ref to its inventory item, if any)."""
        return self._object("GET", self._path("orders", order_id), params=[("expand", "lineItems")])

    def refunds_since(self, since_ms: int) -> list[Doc]:
        """Refunds made since `since_ms` (on devices: /v3 creates none), every page. Clover
        answers time filters for the last 90 days only."""
        out: list[Doc] = []
        while True:
            params = [
                ("filter", f"createdTime>={since_ms}"),
                ("orderBy", "createdTime ASC"),
                ("limit", 1000),
                ("offset", len(out)),
            ]
            page = self._elements(self._path("refunds"), params)
            out.extend(page)
            if len(page) < 1000:
                return out

    # -- writes (never sent twice by the HTTP layer) ---------------------------------------

    def create_order(self, body: Doc) -> Doc:
        """POST /atomic_order/orders: Clover prices the cart and creates the order."""
        return self._object("POST", self._path("atomic_order", "orders"), body, idempotent=False)

    def create_payment(self, order_id: str, body: Doc) -> Doc:
        """An external-tender payment record on the order (bookkeeping, no money moves)."""
        path = self._path("orders", order_id, "payments")
        return self._object("POST", path, body, idempotent=False)

    def create_tender(self, body: Doc) -> Doc:
        return self._object("POST", self._path("tenders"), body, idempotent=False)

    def set_order_note(self, order_id: str, note: str) -> Doc:
        """POST /orders/{id} is a partial update: only the note changes (also on a paid order)."""
        path = self._path("orders", order_id)
        return self._object("POST", path, {"note": note}, idempotent=False)
