"""pull-sales' planner for both of its ways: with `as_orders`, one row per Clover sale since the
cursor, a `create` of the BigCommerce order that records it (pure); without, sales/plan.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.sales.options import PULL_SALES, SalesOptions
from esync_desktop.sync.sales.plan import _day, _Mapped, _row, plan_pull_sales
from esync_desktop.sync.sales.read import Sale, SalesRead
from esync_desktop.sync.sales_orders.draft import PricedLine, Target, build_draft
from esync_desktop.sync.sales_orders.keys import row_key
from esync_desktop.sync.sales_orders.read import SalesOrdersRead
from esync_desktop.sync.snapshot import Snapshot


def _money(cents: int) -> str:
    return str(cents_to_decimal(cents))


def _matcher(snapshot: Snapshot, read: SalesRead) -> Any:
    def match(line: PricedLine) -> tuple[Target | None, str, str]:
        why, sku = _Mapped._why_not(line.item_id, Decimal(1), snapshot, read)
        if why:
            return None, sku or "", why
        stock = read.stock[str(sku).casefold()]
        return Target(stock.sku, stock.product_id, stock.variant_id), stock.sku, ""

    return match


def _order_row(sale: Sale, read: SalesOrdersRead, snapshot: Snapshot) -> PlanRow:
    priced = read.priced.get(sale.id)
    if priced is None:
        detail = "the sale could not be read from Clover: read again next run"
        return _row(sale, Outcome.FAIL, Reason.STORE_ERROR, detail)
    draft = build_draft(priced, _matcher(snapshot, read.sales), read.billing)
    totals = {"total": (_money(priced.total), _money(draft.total))}
    facts: dict[str, Any] = {"reference": draft.body["external_order_id"]}
    if draft.unmatched:
        facts["unmatched"] = draft.unmatched
    if not priced.lines:
        return _row(sale, Outcome.SKIP, Reason.UNMATCHED_LINE, "the sale has no lines")
    if draft.problem:
        detail = f"cannot be recorded to the cent: {draft.problem}"
        return _row(sale, Outcome.FAIL, Reason.TOTALS_DIFFER, detail, changes=totals, facts=facts)
    if read.billing_problem:
        detail = (
            f"BigCommerce needs a billing address with a ZIP code and {read.billing_problem}: "
            "enter the shop's address in Clover"
        )
        return _row(sale, Outcome.FAIL, Reason.REJECTED, detail, changes=totals, facts=facts)
    units = len(priced.lines)
    parts = [
        f"a Completed BigCommerce order of {units} unit(s) in {draft.lines} line(s), total "
        f"{_money(draft.total)} incl. tax {_money(draft.tax)}"
    ]
    if draft.tax_inferred:
        parts.append("tax taken as the total less the lines (no Clover payment records it)")
    if draft.unmatched:
        parts.append(
            "custom line(s) for " + "; ".join(f"{u['line']}: {u['why']}" for u in draft.unmatched)
        )
    return _row(
        sale,
        Outcome.CREATE,
        Reason.UNMATCHED_LINE if draft.unmatched else None,
        "; ".join(parts),
        bc_name="new order",
        changes={**totals, "lines": (str(units), str(draft.lines))},
        facts=facts,
        payload={"order_id": sale.id, "total": priced.total, "body": draft.body},
        key=row_key(sale.id),
    )


def plan_sales_as_orders(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    opts = SalesOptions.parse(options)
    read = snapshot.extras.get(PULL_SALES)
    if not opts.as_orders or not isinstance(read, SalesOrdersRead):
        if isinstance(read, SalesOrdersRead):  # read with the option on, planned without
            snapshot = _with(snapshot, read.sales)
        return plan_pull_sales(snapshot, options, cursor, rules)
    rows: list[PlanRow] = []
    for sale in read.sales.sales:
        if not cursor.is_candidate(f"sale:{sale.id}", sale.modified_ms, sale.digest):
            continue
        if sale.from_bigcommerce:
            detail = "a web order pushed into Clover: it is a BigCommerce order already"
            rows.append(_row(sale, Outcome.SKIP, Reason.FROM_BIGCOMMERCE, detail))
        elif sale.id in read.recorded or sale.id in read.sales.counted:
            made = read.recorded.get(sale.id)
            detail = (
                f"recorded as BigCommerce order #{made} by an earlier run"
                if made
                else "its units were taken off BigCommerce's stock by an earlier run"
            )
            rows.append(
                _row(sale, Outcome.UNCHANGED, Reason.ALREADY_COUNTED, detail, bc_id=made or None)
            )
        elif sale.id in read.undecided:
            detail = (
                "an earlier run sent its order and BigCommerce cannot say yet whether it "
                f"arrived ({read.undecided[sale.id]}); not sent again"
            )
            rows.append(_row(sale, Outcome.FAIL, Reason.UNCONFIRMED, detail))
        elif not sale.sold:
            detail = f"not paid yet (Clover payment state {sale.payment_state}): recorded once paid"
            rows.append(_row(sale, Outcome.SKIP, Reason.NOT_PAID, detail))
        else:
            rows.append(_order_row(sale, read, snapshot))
    note = (
        f"in-store sales since {_day(read.sales.since_ms)} UTC are recorded as Completed "
        "BigCommerce orders (BigCommerce takes their catalogue lines off its stock as its "
        "inventory settings say: no adjustment is sent); web orders pushed into Clover are not "
        "recorded"
    )
    return ActionPlan(
        PULL_SALES,
        tuple(rows),
        cursor_after={"previous": cursor.to_json()},
        note="; ".join([note, *opts.notes]),
    )


def _with(snapshot: Snapshot, read: SalesRead) -> Snapshot:
    return replace(snapshot, extras={**snapshot.extras, PULL_SALES: read})
