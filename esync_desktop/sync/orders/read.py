"""What push-orders reads before planning: the web orders modified since its cursor (lines only
for the orders it may push), Clover's tenders and stock switches, and what the journal says
was already pushed. Open intents are settled first, by looking in Clover."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from esync_desktop.connectors.clover_orders import CloverOrders
from esync_desktop.domain.orders import BcOrder, date_ms, from_clover_sale, parse_order
from esync_desktop.sync.cursors import Cursor, content_hash
from esync_desktop.sync.journal import Journal
from esync_desktop.sync.orders.options import ORDER, PAYMENT, TENDER, OrderOptions, journal_key
from esync_desktop.sync.orders.settle import DAY_MS, now_ms, settle
from esync_desktop.sync.reading import Cancelled


@dataclass(frozen=True)
class Pushed:
    clover_order_id: str
    paid: bool


@dataclass(frozen=True)
class OrdersRead:
    orders: tuple[BcOrder, ...] = ()
    tenders: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded label -> (id, label)
    pushed: dict[int, Pushed] = field(default_factory=dict)  # BigCommerce order id ->
    undecided: dict[int, str] = field(default_factory=dict)  # order id -> why
    tenders_undecided: dict[str, str] = field(default_factory=dict)  # folded label -> why
    decrements_stock: bool | None = None  # Clover's trackStock and updateStock
    since_ms: int = 0


def order_hash(doc: Mapping[str, Any]) -> str:
    return content_hash(doc.get("status_id"), date_ms(doc.get("date_modified")))


def read_orders(
    clover: Any,
    bc: Any,
    journal: Journal,
    scope: str,
    cursor: Cursor,
    options: Mapping[str, Any],
    cancel: threading.Event | None = None,
) -> OrdersRead:
    opts = OrderOptions.parse(options)
    api = CloverOrders(clover)
    left_open = settle(journal, api, scope)
    start = cursor.window_start_ms
    if start is None:
        start = now_ms() - opts.first_run_days * DAY_MS
    since = datetime.fromtimestamp(start / 1000, UTC)
    tenders = {
        str(t.get("label") or "").strip().casefold(): (str(t["id"]), str(t.get("label") or ""))
        for t in api.iter_tenders()
    }
    props = api.properties()
    orders: list[BcOrder] = []
    pushed: dict[int, Pushed] = {}
    undecided: dict[int, str] = {}
    for doc in bc.iter_orders(min_date_modified=since, sort="date_modified:asc"):
        if cancel is not None and cancel.is_set():
            raise Cancelled
        oid = int(doc["id"])
        order_key, pay_key = journal_key(scope, ORDER, oid), journal_key(scope, PAYMENT, oid)
        for key in (order_key, pay_key):
            if key in left_open:
                undecided[oid] = left_open[key]
        done = journal.journal_confirmed(order_key)
        if done is not None:
            pushed[oid] = Pushed(
                str(done.get("id")), journal.journal_confirmed(pay_key) is not None
            )
        wanted = (
            int(doc.get("status_id") or 0) in opts.statuses
            and cursor.is_candidate(
                f"order:{oid}", date_ms(doc.get("date_modified")), order_hash(doc)
            )
            and oid not in undecided
            and not (oid in pushed and pushed[oid].paid)
            and not from_clover_sale(doc)
        )
        lines = list(bc.iter_order_products(oid)) if wanted else []
        orders.append(parse_order(doc, lines))
    marker = journal_key(scope, TENDER, "")
    tenders_undecided = {
        key[len(marker) :]: why for key, why in left_open.items() if key.startswith(marker)
    }
    track, update = props.get("trackStock"), props.get("updateStock")
    return OrdersRead(
        orders=tuple(orders),
        tenders=tenders,
        pushed=pushed,
        undecided=undecided,
        tenders_undecided=tenders_undecided,
        decrements_stock=None if track is None or update is None else bool(track and update),
        since_ms=start,
    )
