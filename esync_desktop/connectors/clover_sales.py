"""The Clover reads of pull-sales: orders modified since a time, with their lines (clover.md
§4.4-4.6). Reads only; the sales action never writes to Clover."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from esync_desktop.connectors.clover import CloverClient

Doc = dict[str, Any]
# Clover shows at most 100 elements of an expanded collection: a longer order's lines are
# read from its own line_items endpoint.
EXPANDED_MAX = 100


class CloverSales:
    def __init__(self, client: CloverClient) -> None:
        self.client = client

    def iter_orders_since(self, since_ms: int) -> Iterator[Doc]:
        """Orders modified at or after `since_ms`, oldest change first, each with its lines
        (`lineItems.elements`) complete."""
        params: list[tuple[str, Any]] = [
            ("filter", f"modifiedTime>={int(since_ms)}"),
            ("orderBy", "modifiedTime ASC"),
            ("expand", "lineItems"),
        ]
        for order in self.client._pages(self.client._path("orders"), params):
            lines = order.get("lineItems")
            elements = lines.get("elements") if isinstance(lines, dict) else None
            if isinstance(elements, list) and len(elements) >= EXPANDED_MAX:
                order = {**order, "lineItems": {"elements": self.order_lines(str(order["id"]))}}
            yield order

    def order_lines(self, order_id: str) -> list[Doc]:
        path = self.client._path("orders", order_id, "line_items")
        return list(self.client._pages(path))
