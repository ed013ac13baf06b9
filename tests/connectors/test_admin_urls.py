"""The stores' admin pages for an item."""

from __future__ import annotations

from esync_desktop.connectors.admin_urls import bigcommerce_product_url, clover_item_url
from esync_desktop.connectors.clover import CLOVER_REGIONS


def test_clover_dashboard_per_region() -> None:
    assert (
        clover_item_url(CLOVER_REGIONS["na"], "ABC123DEF4567", "9J1F7WW503CZW")
        == "https://www.clover.com/inventory/m/ABC123DEF4567/items/9J1F7WW503CZW"
    )
    assert clover_item_url(CLOVER_REGIONS["eu"] + "/", "M", "I").startswith(
        "https://www.eu.clover.com/inventory/m/M/items/I"
    )
    assert clover_item_url(CLOVER_REGIONS["sandbox"], "M", None) == (
        "https://sandbox.dev.clover.com/inventory/m/M/items"
    )


def test_bigcommerce_control_panel() -> None:
    api = "https://api.bigcommerce.com"
    assert bigcommerce_product_url(api, "abc123", 77) == (
        "https://store-abc123.mybigcommerce.com/manage/products/edit/77"
    )
    assert bigcommerce_product_url(api, "abc123", None, "MUG 01") == (
        "https://store-abc123.mybigcommerce.com/manage/products?keywords=MUG+01"
    )


def test_other_addresses_get_the_emulators_view_with_ids_escaped() -> None:
    base = "http://127.0.0.1:8080"
    assert clover_item_url(base, "M", "a/b") == f"{base}/_sandbox/clover/items/a%2Fb"
    assert bigcommerce_product_url(base, "h", 5, "A&B") == (
        f"{base}/_sandbox/bigcommerce/products?sku=A%26B"
    )
