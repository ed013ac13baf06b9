"""The BigCommerce stock calls of pull-sales: levels per location by SKU, and relative
adjustments (bigcommerce.md §9). A relative adjustment is not idempotent and BigCommerce offers
no way to read adjustments back: it is sent once, and a lost answer is settled by comparing
the levels with those read just before it was sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.domain.sku import clean_sku, sku_key

Doc = dict[str, Any]
SKUS_PER_CALL = 50  # keeps the query string short
ADJUST_BATCH = 2000  # items per relative adjustment


@dataclass(frozen=True)
class StockItem:
    """One stock-keeping object: a variant (variant_id) or a product tracked as a whole."""

    sku: str
    product_id: int
    variant_id: int | None
    onhand: dict[int, int] = field(default_factory=dict)  # location id -> on hand

    @property
    def target(self) -> str:
        """How the journal names it: "v<variant id>" or "p<product id>"."""
        return f"v{self.variant_id}" if self.variant_id is not None else f"p{self.product_id}"


class BcStock:
    def __init__(self, client: BigCommerceClient) -> None:
        self.client = client

    def levels(self, skus: Iterable[str], location_id: int | None = None) -> dict[str, StockItem]:
        """{SKU key -> its stock item with on-hand levels} for the SKUs BigCommerce knows
        (every location, or just one)."""
        wanted = sorted({c for c in (clean_sku(s) for s in skus) if c is not None})
        found: dict[str, StockItem] = {}
        path = self.client._v3("inventory", "items")
        for start in range(0, len(wanted), SKUS_PER_CALL):
            params: list[tuple[str, Any]] = [
                ("sku:in", ",".join(wanted[start : start + SKUS_PER_CALL]))
            ]
            if location_id is not None:
                params.append(("location_id:in", location_id))
            for row in self.client._v3_pages(path, params):
                identity = row.get("identity") or {}
                key = sku_key(identity.get("sku"))
                if key is None or identity.get("product_id") is None:
                    continue
                variant = identity.get("variant_id")
                found[key] = StockItem(
                    sku=str(identity["sku"]),
                    product_id=int(identity["product_id"]),
                    variant_id=int(variant) if variant is not None else None,
                    onhand={
                        int(loc["location_id"]): int(loc.get("total_inventory_onhand") or 0)
                        for loc in row.get("locations") or []
                        if loc.get("location_id") is not None
                    },
                )
        return found

    def onhand_at(self, location_ids: Iterable[int]) -> dict[tuple[int, str], int]:
        """{(location id, "p<product id>" | "v<variant id>") -> on hand} for every stock item
        at these locations (the stock actions: one listing, not one call per 50 SKUs)."""
        wanted = sorted(set(location_ids))
        found: dict[tuple[int, str], int] = {}
        if not wanted:
            return found
        path = self.client._v3("inventory", "items")
        params: list[tuple[str, Any]] = [("location_id:in", ",".join(map(str, wanted)))]
        for row in self.client._v3_pages(path, params):
            identity = row.get("identity") or {}
            variant, product = identity.get("variant_id"), identity.get("product_id")
            if product is None:
                continue
            # A product tracked as a whole is listed with its base variant's id too.
            target = f"p{product}"
            for loc in row.get("locations") or []:
                if loc.get("location_id") is None:
                    continue
                onhand = int(loc.get("total_inventory_onhand") or 0)
                found[(int(loc["location_id"]), target)] = onhand
                if variant is not None:
                    found[(int(loc["location_id"]), f"v{variant}")] = onhand
        return found

    def adjust_relative(self, items: Sequence[Doc], reason: str) -> str:
        """POST one relative adjustment (at most 2000 items; never retried by the HTTP layer).
        Returns BigCommerce's transaction id."""
        if not items or len(items) > ADJUST_BATCH:
            raise ValueError(f"a relative adjustment takes 1 to {ADJUST_BATCH} items")
        path = self.client._v3("inventory", "adjustments", "relative")
        body = {"reason": reason, "items": list(items)}
        data = self.client.http.request("POST", path, body=body, idempotent=False).data
        return str(data.get("transaction_id") or "") if isinstance(data, dict) else ""
