"""The level the web store shows at one location: max(0, Clover stock - buffer - reserved), in
whole units. The stock steps write it at every mapped location; a create writes it at the
default location (its `inventory_level`), so a new product never offers the units held back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from esync_desktop.domain.catalog import CloverItem
from esync_desktop.sync.rules import Rules, stock_to_level
from esync_desktop.sync.snapshot import Snapshot
from esync_desktop.sync.stock.buffers import Buffers
from esync_desktop.sync.stock.read import STOCK_READING, StockReading

# Where a created product's `inventory_level` goes (bigcommerce.md §9.1).
DEFAULT_LOCATION = 1


@dataclass(frozen=True)
class WebLevel:
    """How one web level is made (a stock row's facts): Clover's stock and what is held back."""

    clover: Decimal | None
    buffer: int
    reserved: int
    level: int
    stale: bool = False


def web_level(
    buffers: Buffers,
    location_id: int,
    categories: Iterable[str],
    key: str | None,
    stock: Decimal,
    reserved: int,
) -> WebLevel:
    buffer = buffers.units(location_id, categories, key)
    return WebLevel(stock, buffer, reserved, max(0, stock_to_level(stock) - buffer - reserved))


def created_level(item: CloverItem, stock: Decimal, snapshot: Snapshot, rules: Rules) -> int:
    """The `inventory_level` a create sends: the default location's web level. Units reserved
    by web orders are known only when the plan read the stock by location (a product not yet
    in BigCommerce rarely has any)."""
    reading = snapshot.extras.get(STOCK_READING)
    reserved = (
        reading.reserved_at(DEFAULT_LOCATION, item.sku_key or "")
        if isinstance(reading, StockReading)
        else 0
    )
    found = web_level(
        rules.buffers, DEFAULT_LOCATION, item.categories, item.sku_key, stock, reserved
    )
    return found.level
