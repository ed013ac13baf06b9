"""What pull-sales reads before planning: the Clover orders modified since its cursor (with
their lines), the BigCommerce stock items their SKUs name (levels at every location), and what
the journal says was already counted. Open intents are settled first."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from esync_desktop.connectors.bigcommerce_stock import BcStock, StockItem
from esync_desktop.connectors.clover_sales import CloverSales
from esync_desktop.domain.sku import sku_key
from esync_desktop.sync.action_hooks import ReadContext
from esync_desktop.sync.cursors import content_hash
from esync_desktop.sync.reading import Cancelled
from esync_desktop.sync.sales.options import (
    SalesOptions,
    journal_key,
    pushed_from_bigcommerce,
)
from esync_desktop.sync.sales.settle import settle

DAY_MS = 24 * 3600 * 1000
# Clover's payment states of an order whose sale happened (a refund is sync-refunds' concern).
SOLD = frozenset({"PAID", "PARTIALLY_REFUNDED", "REFUNDED"})


@dataclass(frozen=True)
class SaleLine:
    line_id: str
    name: str
    item_id: str | None
    # Units sold: 1 per line (Clover repeats a line per unit); unitQty / 1000 for goods sold
    # by weight or measure.
    quantity: Decimal


@dataclass(frozen=True)
class Sale:
    id: str
    title: str
    created_ms: int
    modified_ms: int
    payment_state: str
    from_bigcommerce: bool
    lines: tuple[SaleLine, ...]
    total_cents: int = 0

    @property
    def sold(self) -> bool:
        return self.payment_state in SOLD

    @property
    def digest(self) -> str:
        return content_hash(self.payment_state, self.modified_ms, len(self.lines))


@dataclass(frozen=True)
class SalesRead:
    sales: tuple[Sale, ...] = ()
    stock: dict[str, StockItem] = field(default_factory=dict)  # SKU key -> BigCommerce item
    counted: dict[str, str] = field(default_factory=dict)  # Clover order id -> how it was
    undecided: dict[str, str] = field(default_factory=dict)  # Clover order id -> why
    since_ms: int = 0


def parse_sale(doc: Mapping[str, Any]) -> Sale:
    lines = []
    raw = doc.get("lineItems")
    for line in (raw.get("elements") if isinstance(raw, dict) else None) or []:
        if not isinstance(line, dict):
            continue
        item = line.get("item")
        unit_qty = line.get("unitQty")
        quantity = Decimal(int(unit_qty)) / 1000 if unit_qty is not None else Decimal(1)
        lines.append(
            SaleLine(
                line_id=str(line.get("id") or ""),
                name=str(line.get("name") or ""),
                item_id=str(item["id"]) if isinstance(item, dict) and item.get("id") else None,
                quantity=quantity,
            )
        )
    return Sale(
        id=str(doc["id"]),
        title=str(doc.get("title") or ""),
        created_ms=int(doc.get("createdTime") or 0),
        modified_ms=int(doc.get("modifiedTime") or 0),
        payment_state=str(doc.get("paymentState") or "OPEN"),
        from_bigcommerce=pushed_from_bigcommerce(doc),
        lines=tuple(lines),
        total_cents=int(doc.get("total") or 0),
    )


def read_sales(ctx: ReadContext) -> SalesRead:
    opts = SalesOptions.parse(ctx.options)
    stock_api = BcStock(ctx.bc)
    undecided = settle(ctx.journal, stock_api, ctx.scope)
    start = ctx.cursor.window_start_ms
    if start is None:
        start = int(time.time() * 1000) - opts.first_run_days * DAY_MS
    sales: list[Sale] = []
    counted: dict[str, str] = {}
    for doc in CloverSales(ctx.clover).iter_orders_since(start):
        if ctx.cancel is not None and ctx.cancel.is_set():
            raise Cancelled
        sale = parse_sale(doc)
        done = ctx.journal.journal_confirmed(journal_key(ctx.scope, sale.id))
        if done is not None:
            counted[sale.id] = str(done.get("transaction_id") or done.get("settled") or "")
        sales.append(sale)
    items = ctx.snapshot.items_by_id if ctx.snapshot is not None else {}
    skus = {
        items[line.item_id].clean_sku
        for sale in sales
        if sale.sold and not sale.from_bigcommerce and sale.id not in counted
        for line in sale.lines
        if line.item_id in items
    } - {None}
    stock = stock_api.levels(sorted(str(s) for s in skus)) if skus else {}
    return SalesRead(
        sales=tuple(sales),
        stock={k: v for k, v in stock.items() if sku_key(v.sku) == k},
        counted=counted,
        undecided=undecided,
        since_ms=start,
    )
