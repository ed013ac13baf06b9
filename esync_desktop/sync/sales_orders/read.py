"""pull-sales' read hook, for both of its ways: the sales as sales/read.py reads them, plus what
the journal says was recorded as BigCommerce orders (such a sale is never taken off again as an
adjustment, nor recorded twice). With `as_orders`, also each sale to record with its line prices
and payments (1 Clover call per sale) and the shop's address (1 call)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from esync_desktop.connectors.bigcommerce_order_writes import BcOrderWrites
from esync_desktop.connectors.clover_sales import EXPANDED_MAX, CloverSales
from esync_desktop.sync.action_hooks import ReadContext
from esync_desktop.sync.reading import Cancelled
from esync_desktop.sync.sales.options import SalesOptions
from esync_desktop.sync.sales.read import SalesRead, read_sales
from esync_desktop.sync.sales_orders.draft import PricedSale, parse_priced_sale
from esync_desktop.sync.sales_orders.keys import ACTION, order_key
from esync_desktop.sync.sales_orders.settle import settle


@dataclass(frozen=True)
class SalesOrdersRead:
    sales: SalesRead
    recorded: dict[str, int] = field(default_factory=dict)  # Clover order id -> BC order id
    undecided: dict[str, str] = field(default_factory=dict)  # Clover order id -> why
    priced: dict[str, PricedSale] = field(default_factory=dict)
    billing: dict[str, Any] = field(default_factory=dict)
    billing_problem: str = ""


def _billing(clover: Any) -> tuple[dict[str, Any], str]:
    """The shop's address as the order's billing address (an in-store sale has no customer)."""
    merchant = clover._get(clover._prefix, [("expand", "address")])
    address = merchant.get("address") if isinstance(merchant, dict) else None
    address = address if isinstance(address, dict) else {}
    zip_code = str(address.get("zip") or "").strip()
    billing = {
        "first_name": "In-store",
        "last_name": "sale",
        "company": str(merchant.get("name") or "") if isinstance(merchant, dict) else "",
        "street_1": str(address.get("address1") or ""),
        "city": str(address.get("city") or ""),
        "state": str(address.get("state") or ""),
        "zip": zip_code,
        "country_iso2": str(address.get("country") or ""),
        "email": "",
    }
    problem = "" if len(zip_code) >= 2 else "the Clover merchant has no ZIP code in its address"
    return billing, problem


def _priced(clover: Any, sale_id: str) -> PricedSale:
    path = clover._path("orders", sale_id)
    doc = clover._get(path, [("expand", "lineItems,payments")])
    lines = doc.get("lineItems")
    elements = lines.get("elements") if isinstance(lines, dict) else None
    if isinstance(elements, list) and len(elements) >= EXPANDED_MAX:
        doc = {**doc, "lineItems": {"elements": CloverSales(clover).order_lines(sale_id)}}
    return parse_priced_sale(doc)


def read_pull_sales(ctx: ReadContext) -> SalesRead | SalesOrdersRead:
    opts = SalesOptions.parse(ctx.options)
    has_intents = any(i.action == ACTION for i in ctx.journal.journal_open())
    undecided = settle(ctx.journal, BcOrderWrites(ctx.bc), ctx.scope) if has_intents else {}
    base = read_sales(ctx)
    recorded: dict[str, int] = {}
    for sale in base.sales:
        done = ctx.journal.journal_confirmed(order_key(ctx.scope, sale.id))
        if done is not None:
            recorded[sale.id] = int(done.get("id") or 0)
    if not opts.as_orders:
        # Recorded as an order earlier (the option was on): its units are already off.
        counted = {k: f"BigCommerce order #{v}" for k, v in recorded.items()}
        return replace(base, counted={**base.counted, **counted})
    priced: dict[str, PricedSale] = {}
    for sale in base.sales:
        if ctx.cancel is not None and ctx.cancel.is_set():
            raise Cancelled
        if (
            sale.sold
            and not sale.from_bigcommerce
            and sale.id not in recorded
            and sale.id not in base.counted
            and sale.id not in undecided
            and ctx.cursor.is_candidate(f"sale:{sale.id}", sale.modified_ms, sale.digest)
        ):
            priced[sale.id] = _priced(ctx.clover, sale.id)
    billing, problem = _billing(ctx.clover) if priced else ({}, "")
    return SalesOrdersRead(base, recorded, undecided, priced, billing, problem)
