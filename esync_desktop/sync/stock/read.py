"""What the stock actions read: each merchant's items and stock, BigCommerce's on-hand levels at
the mapped locations, and the web orders whose units are held back (reserved stock). A merchant
that does not answer is recorded as such (never raised): the stale-stock guard decides."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from esync_desktop.connectors.bigcommerce_stock import BcStock
from esync_desktop.connectors.errors import ApiError
from esync_desktop.domain.orders import STATUS_IDS
from esync_desktop.domain.sku import sku_key
from esync_desktop.storage.settings_model import StockSettings
from esync_desktop.sync.orders.options import DEFAULT_STATUSES, ORDER, journal_key
from esync_desktop.sync.reading import ReadNeeds, read_snapshot
from esync_desktop.sync.snapshot import Snapshot
from esync_desktop.sync.stock.last_read import LastRead

log = logging.getLogger(__name__)

# snapshot.extras key of the StockReading.
STOCK_READING = "stock-by-location"
MINUTE_MS = 60_000


class StockState(Protocol):
    """Where each merchant's last confirmed read is kept (the link table, see last_read.py)
    and when push-orders confirmed an order (its journal)."""

    def last_stock_read(self, scope: str, merchant_id: str) -> LastRead | None: ...
    def save_stock_read(
        self, scope: str, merchant_id: str, record: LastRead, *, merchant: str, location_id: int
    ) -> None: ...
    def journal_confirmed_at(self, key: str) -> datetime | None: ...


@dataclass(frozen=True)
class MerchantSource:
    """A merchant to read and the location its stock feeds (the client is made by the app)."""

    merchant_id: str
    title: str
    location_id: int
    client: Any


@dataclass(frozen=True)
class MerchantRead:
    merchant_id: str
    title: str
    location_id: int
    location: str
    # Its items (with BigCommerce's products for matching); None when it did not answer.
    snapshot: Snapshot | None
    error: str | None = None
    # The last confirmed read before this one (what the guard publishes from), and whether
    # it is older than the owner's limit.
    last: LastRead | None = None
    stale: bool = False


@dataclass(frozen=True)
class StockReading:
    merchants: tuple[MerchantRead, ...]
    # (location id, "p<product id>" | "v<variant id>") -> on hand at that location.
    onhand: dict[tuple[int, str], int]
    # SKU key -> units in web orders not yet in Clover, held back at `reserved_location`.
    reserved: dict[str, int]
    reserved_orders: dict[str, tuple[int, ...]]
    reserved_location: int
    settings: StockSettings
    read_ms: int

    def reserved_at(self, location_id: int, key: str) -> int:
        """Units of this SKU held back at this location by web orders not yet in Clover."""
        return self.reserved.get(key, 0) if location_id == self.reserved_location else 0


def read_stock(
    main: Snapshot,
    merchants: Sequence[MerchantSource],
    bc: Any,
    state: StockState,
    scope: str,
    settings: StockSettings,
    *,
    groups: bool,
    cancel: threading.Event | None = None,
    clock: Callable[[], float] = time.time,
    started_ms: int | None = None,
    first_error: str | None = None,
) -> Snapshot:
    """The snapshot with a StockReading under STOCK_READING. The first merchant's items are
    `main` (read with the catalogue, which began at `started_ms`); each other merchant is read
    on its own client. With `first_error` the first merchant did not answer: `main` holds only
    BigCommerce's catalogue (and the Clover records last read, for the buffers' categories),
    and its location follows the stale-stock guard like any other's."""
    now = int(clock() * 1000)
    started = now if started_ms is None else min(started_ms, now)
    stock = BcStock(bc)
    names = _location_names(bc)
    reads: list[MerchantRead] = []
    for n, source in enumerate(merchants):
        location = names.get(source.location_id) or f"Location {source.location_id}"
        last = state.last_stock_read(scope, source.merchant_id)
        snap: Snapshot | None = main if first_error is None else None
        error = first_error if n == 0 else None
        if n > 0:
            needs = ReadNeeds(groups=groups, categories=False, stocks=True, bigcommerce=False)
            try:
                own = read_snapshot(source.client, bc, needs, cancel)
                snap = replace(own, bc_products=main.bc_products)
            except ApiError as exc:
                snap, error = None, f"{exc.title}: {exc.message}"
                log.warning("Clover merchant %s not read: %s", source.title, error)
        if snap is not None:
            record = LastRead(now, _levels(snap), location)
            state.save_stock_read(
                scope,
                source.merchant_id,
                record,
                merchant=source.title,
                location_id=source.location_id,
            )
        limit = settings.stale_after_minutes * MINUTE_MS
        stale = snap is None and limit > 0 and (last is None or now - last.read_ms >= limit)
        reads.append(
            MerchantRead(
                source.merchant_id,
                source.title,
                source.location_id,
                location,
                snap,
                error,
                last,
                stale,
            )
        )
    onhand = stock.onhand_at(m.location_id for m in merchants)
    first = merchants[0]
    reserved, orders = _reserved(bc, state, scope, settings, started)
    return replace(
        main,
        extras={
            **main.extras,
            STOCK_READING: StockReading(
                tuple(reads), onhand, reserved, orders, first.location_id, settings, now
            ),
        },
    )


def _location_names(bc: Any) -> dict[int, str]:
    names: dict[int, str] = {}
    for doc in bc.iter_locations():
        if isinstance(doc.get("id"), int):
            names[int(doc["id"])] = str(doc.get("label") or "")
    return names


def _levels(snapshot: Snapshot) -> dict[str, tuple[str, Decimal]]:
    levels: dict[str, tuple[str, Decimal]] = {}
    for item in snapshot.clover_items:
        key = item.sku_key
        if key is not None and item.stock is not None and item.bad is None and item.active:
            levels[key] = (item.clean_sku or key, item.stock)
    return levels


def _reserved(
    bc: Any, state: StockState, scope: str, settings: StockSettings, now_ms: int
) -> tuple[dict[str, int], dict[str, tuple[int, ...]]]:
    """Units of the web orders placed within reserve_hours that Clover's stock does not count
    yet: not pushed by push-orders, or pushed after this plan's stock read began (`now_ms`)."""
    if settings.reserve_hours <= 0:
        return {}, {}
    since = datetime.fromtimestamp(now_ms / 1000, UTC) - timedelta(hours=settings.reserve_hours)
    placed = {STATUS_IDS[s] for s in DEFAULT_STATUSES if s in STATUS_IDS}
    units: dict[str, int] = {}
    orders: dict[str, list[int]] = {}
    for doc in bc.iter_orders(min_date_created=since):
        if int(doc.get("status_id") or 0) not in placed:
            continue
        oid = int(doc["id"])
        pushed = state.journal_confirmed_at(journal_key(scope, ORDER, oid))
        if pushed is not None and pushed.timestamp() * 1000 < now_ms:
            continue
        for line in bc.iter_order_products(oid):
            key = sku_key(line.get("sku"))
            quantity = line.get("quantity")
            if key is None or isinstance(quantity, bool) or not isinstance(quantity, int):
                continue
            units[key] = units.get(key, 0) + max(quantity, 0)
            orders.setdefault(key, []).append(oid)
    return units, {k: tuple(v) for k, v in orders.items()}
