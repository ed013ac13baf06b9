"""What sync-refunds reads before planning: BigCommerce refunds (v3) and cancelled orders (v2)
since its cursor with the Clover order push-orders made for each, and Clover refunds of
in-store sales with their lines. Open intents are settled first (settle.py)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from esync_desktop.connectors.clover_orders import CloverOrders
from esync_desktop.connectors.errors import ApiError
from esync_desktop.domain.money import decimal_to_cents
from esync_desktop.domain.orders import date_ms
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.journal import Journal
from esync_desktop.sync.orders.cart import reference
from esync_desktop.sync.orders.options import ORDER
from esync_desktop.sync.orders.options import journal_key as order_key
from esync_desktop.sync.orders.settle import DAY_MS, now_ms
from esync_desktop.sync.reading import Cancelled
from esync_desktop.sync.refunds.options import (
    BC_CANCEL,
    BC_REFUND,
    RESTOCK,
    RefundOptions,
    journal_key,
)
from esync_desktop.sync.refunds.settle import settle

CANCELLED = 5


@dataclass(frozen=True)
class WebLine:
    name: str
    sku: str | None
    quantity: int


@dataclass(frozen=True)
class WebEvent:
    """A BigCommerce refund (kind bc-refund, ident = refund id) or cancellation (bc-cancel,
    ident = order id) and where its order is in Clover."""

    kind: str
    ident: int
    order_id: int
    customer: str
    created_ms: int
    amount: int  # cents, tax included
    tax: int
    lines: tuple[WebLine, ...] = ()
    other: tuple[tuple[str, int], ...] = ()  # ("shipping", cents), ...
    reason: str = ""
    clover_order_id: str | None = None
    lookup_error: str | None = None  # Clover could not be asked where the order is


@dataclass(frozen=True)
class StoreLine:
    line_id: str
    item_id: str | None
    name: str


@dataclass(frozen=True)
class StoreRefund:
    """A Clover refund (made on a device) of an in-store sale."""

    refund_id: str
    order_id: str
    order_title: str
    created_ms: int
    amount: int
    lines: tuple[StoreLine, ...] = ()
    web_order: bool = False  # the order came from BigCommerce (push-orders)


@dataclass(frozen=True)
class RefundsRead:
    web: tuple[WebEvent, ...] = ()
    store: tuple[StoreRefund, ...] = ()
    # Keyed "<kind>/<ident>" (the journal key without the store pair).
    done: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # -> confirmed result
    undecided: dict[str, str] = field(default_factory=dict)  # -> why
    since_ms: int = 0


def _cents(value: object) -> int:
    return decimal_to_cents(Decimal(str(value or 0)))


def _iso_ms(text: object) -> int:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return date_ms(text)
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000)


class _Reader:
    def __init__(self, clover: Any, bc: Any, journal: Journal, scope: str) -> None:
        self.api = CloverOrders(clover)
        self.bc = bc
        self.journal = journal
        self.scope = scope
        self.orders: dict[int, dict[str, Any]] = {}
        self.lines: dict[int, dict[int, dict[str, Any]]] = {}
        self.clover: dict[int, tuple[str | None, str | None]] = {}

    def order(self, oid: int) -> dict[str, Any]:
        if oid not in self.orders:
            found = next(iter(self.bc.iter_orders(min_id=oid, max_id=oid)), None)
            self.orders[oid] = found or {"id": oid}
        return self.orders[oid]

    def order_lines(self, oid: int) -> dict[int, dict[str, Any]]:
        if oid not in self.lines:
            self.lines[oid] = {int(x["id"]): x for x in self.bc.iter_order_products(oid)}
        return self.lines[oid]

    def clover_order(self, oid: int) -> tuple[str | None, str | None]:
        """(Clover order id, why it could not be looked up): the journal of push-orders first,
        then Clover by the reference push-orders writes (an order pushed from elsewhere)."""
        if oid not in self.clover:
            done = self.journal.journal_confirmed(order_key(self.scope, ORDER, oid))
            if done is not None and done.get("id"):
                self.clover[oid] = (str(done["id"]), None)
            else:
                try:
                    found = self.api.orders_by_reference(reference(oid))
                    self.clover[oid] = (str(found[0]["id"]) if found else None, None)
                except ApiError as exc:
                    self.clover[oid] = (None, f"{exc.title}: {exc.message}")
        return self.clover[oid]

    def customer(self, oid: int) -> str:
        bill = self.order(oid).get("billing_address") or {}
        return " ".join(str(bill.get(k) or "") for k in ("first_name", "last_name")).strip()

    def refund(self, doc: Mapping[str, Any]) -> WebEvent:
        oid = int(doc["order_id"])
        lines: list[WebLine] = []
        other: list[tuple[str, int]] = []
        for item in doc.get("items") or []:
            kind = str(item.get("item_type") or "")
            if kind in ("PRODUCT", "GIFT_WRAPPING"):
                line = self.order_lines(oid).get(int(item.get("item_id") or 0), {})
                name = str(line.get("name") or f"order product {item.get('item_id')}")
                sku = str(line.get("sku") or "") or None
                lines.append(WebLine(name, sku, int(item.get("quantity") or 0)))
            else:
                other.append((kind.lower(), _cents(item.get("requested_amount"))))
        clover_id, why = self.clover_order(oid)
        return WebEvent(
            BC_REFUND,
            int(doc["id"]),
            oid,
            self.customer(oid),
            _iso_ms(doc.get("created")),
            _cents(doc.get("total_amount")),
            _cents(doc.get("total_tax")),
            tuple(lines),
            tuple(other),
            str(doc.get("reason") or ""),
            clover_id,
            why,
        )

    def cancellation(self, doc: Mapping[str, Any]) -> WebEvent:
        oid = int(doc["id"])
        self.orders[oid] = dict(doc)
        lines = tuple(
            WebLine(str(x.get("name") or ""), str(x.get("sku") or "") or None, int(x["quantity"]))
            for x in self.order_lines(oid).values()
        )
        clover_id, why = self.clover_order(oid)
        return WebEvent(
            BC_CANCEL,
            oid,
            oid,
            self.customer(oid),
            date_ms(doc.get("date_modified")),
            _cents(doc.get("total_inc_tax")),
            _cents(doc.get("total_tax")),
            lines,
            clover_order_id=clover_id,
            lookup_error=why,
        )

    def store_refund(self, doc: Mapping[str, Any], orders: dict[str, Any]) -> StoreRefund:
        oid = str((doc.get("orderRef") or {}).get("id") or "")
        if oid not in orders:
            orders[oid] = self.api.get_order_lines(oid)
        order = orders[oid]
        by_id = {
            str(ln.get("id")): ln for ln in (order.get("lineItems") or {}).get("elements") or []
        }
        lines = []
        for ref in doc.get("lineItems") or []:
            line = by_id.get(str(ref.get("id")), {})
            item = (line.get("item") or {}).get("id")
            lines.append(StoreLine(str(ref.get("id")), item, str(line.get("name") or "")))
        return StoreRefund(
            str(doc["id"]),
            oid,
            str(order.get("title") or oid),
            int(doc.get("createdTime") or 0),
            int(doc.get("amount") or 0),
            tuple(lines),
            web_order=str(order.get("externalReferenceId") or "").startswith("BC"),
        )


def read_refunds(
    clover: Any,
    bc: Any,
    journal: Journal,
    scope: str,
    cursor: Cursor,
    options: Mapping[str, Any],
    cancel: threading.Event | None = None,
) -> RefundsRead:
    opts = RefundOptions.parse(options)
    reader = _Reader(clover, bc, journal, scope)
    undecided = settle(journal, reader.api, scope)
    start = cursor.window_start_ms
    if start is None:
        start = now_ms() - opts.first_run_days * DAY_MS
    since = datetime.fromtimestamp(start / 1000, UTC)
    web: list[WebEvent] = []
    for doc in bc.iter_refunds(**{"created:min": since}):
        if cancel is not None and cancel.is_set():
            raise Cancelled
        web.append(reader.refund(doc))
    for doc in bc.iter_orders(
        status_id=CANCELLED, min_date_modified=since, sort="date_modified:asc"
    ):
        web.append(reader.cancellation(doc))
    store: list[StoreRefund] = []
    orders: dict[str, Any] = {}
    for doc in reader.api.refunds_since(start):
        if cancel is not None and cancel.is_set():
            raise Cancelled
        if doc.get("voided") or str(doc.get("status") or "SUCCESS") != "SUCCESS":
            continue
        store.append(reader.store_refund(doc, orders))
    short = [f"{e.kind}/{e.ident}" for e in web] + [f"{RESTOCK}/{r.refund_id}" for r in store]
    prefix = len(journal_key(scope, "", "")) - 1
    done = {
        k: v
        for k in short
        if (v := journal.journal_confirmed(journal_key(scope, *k.split("/", 1)))) is not None
    }
    left = {key[prefix:]: why for key, why in undecided.items()}
    return RefundsRead(tuple(web), tuple(store), done, left, start)


__all__ = ["BC_CANCEL", "BC_REFUND", "RefundsRead", "read_refunds"]
