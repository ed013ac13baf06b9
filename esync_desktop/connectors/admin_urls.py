"""Where the owner edits an item by hand: the stores' admin pages (web addresses only, no
requests). For an API address that is neither store's own (the sandbox, a test server), the
emulator's inspection route for the same object."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from esync_desktop.connectors.bigcommerce import BIGCOMMERCE_URL
from esync_desktop.connectors.clover import CLOVER_REGIONS

# Each Clover region's API host -> its Merchant Dashboard.
CLOVER_DASHBOARDS = {
    CLOVER_REGIONS["na"]: "https://www.clover.com",
    CLOVER_REGIONS["eu"]: "https://www.eu.clover.com",
    CLOVER_REGIONS["la"]: "https://www.la.clover.com",
    CLOVER_REGIONS["sandbox"]: "https://sandbox.dev.clover.com",
}


def _seg(text: str) -> str:
    return quote(str(text), safe="")


def clover_item_url(base_url: str, merchant_id: str, item_id: str | None) -> str:
    """The item's page in the Clover Dashboard's inventory (the items list without an id)."""
    base = base_url.rstrip("/")
    dashboard = CLOVER_DASHBOARDS.get(base)
    tail = f"/{_seg(item_id)}" if item_id else ""
    if dashboard is None:
        return f"{base}/_sandbox/clover/items{tail}"
    return f"{dashboard}/inventory/m/{_seg(merchant_id)}/items{tail}"


def bigcommerce_product_url(
    base_url: str, store_hash: str, product_id: int | None, sku: str | None = None
) -> str:
    """The product's edit page in the store's control panel; without a product, the product
    list searched for the SKU."""
    base = base_url.rstrip("/")
    if base != BIGCOMMERCE_URL:
        query = f"?{urlencode({'sku': sku})}" if sku else ""
        return f"{base}/_sandbox/bigcommerce/products{query}"
    control = f"https://store-{_seg(store_hash)}.mybigcommerce.com/manage"
    if product_id is not None:
        return f"{control}/products/edit/{int(product_id)}"
    query = f"?{urlencode({'keywords': sku})}" if sku else ""
    return f"{control}/products{query}"
