"""Writing a new variant of a product already in BigCommerce (a send-matrix row made by
sync/plan_variants.py), and finding it again after a lost answer or a killed run: a variant is
looked up by its SKU, which BigCommerce keeps unique."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esync_desktop.connectors.bigcommerce_variants import BcVariants
from esync_desktop.sync.plan_variants import VARIANT


def add_variant(bc: Any, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Create it; returns {"id": product id, "variant_id": ...} like a product create's id."""
    product_id = int(payload["product_id"])
    made = BcVariants(bc).add(product_id, payload[VARIANT])
    return {"id": product_id, "variant_id": made.get("id")}


def find_variant(bc: Any, payload: Mapping[str, Any]) -> int | None:
    """The product's id when it has a variant with this SKU (None: not made)."""
    product_id = int(payload["product_id"])
    for row in BcVariants(bc).by_sku(str(payload[VARIANT].get("sku") or "")):
        if int(row.get("product_id") or 0) == product_id:
            return product_id
    return None
