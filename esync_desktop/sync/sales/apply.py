"""Applying a pull-sales plan: per Clover sale, one relative stock adjustment of every
BigCommerce item it sold. Relative adjustments are not idempotent, so each is journalled under
a key of the store pair and the Clover order id with the items' levels read just before the
send; an answer that does not come back is settled by reading the levels again (settle.py)."""

from __future__ import annotations

import logging

from esync_desktop.connectors.bigcommerce_stock import BcStock
from esync_desktop.connectors.errors import ApiError
from esync_desktop.sync.action_hooks import (
    REFUSED,
    UNANSWERED,
    ApplyContext,
    apply_rows,
    never_sent,
)
from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.sales.options import PULL_SALES, SALE, adjustment_reason, journal_key
from esync_desktop.sync.sales.settle import Verdict, judge, levels_now, settle

log = logging.getLogger(__name__)


def _said(exc: ApiError) -> str:
    fields = "; ".join(f"{k}: {v}" for k, v in exc.field_errors.items())
    return "; ".join(x for x in (exc.title, exc.message, fields) if x)


class SaleWriter:
    def __init__(self, ctx: ApplyContext) -> None:
        self.ctx = ctx
        self.stock = BcStock(ctx.bc)
        self.undecided: dict[str, str] = {}

    def _fail(self, row: PlanRow, reason: Reason, detail: str) -> RowResult:
        self.ctx.on_item_error(row, detail)
        return RowResult(row, Outcome.FAIL, reason, None, detail)

    def _done(self, row: PlanRow, detail: str) -> RowResult:
        return RowResult(row, row.outcome, row.reason, None, detail, written=True)

    def sale(self, row: PlanRow) -> RowResult:
        p = row.payload
        order_id = str(p["order_id"])
        key = journal_key(self.ctx.scope, order_id)
        journal = self.ctx.journal
        if journal.journal_confirmed(key) is not None:
            return self._done(row, "already taken off BigCommerce's stock")
        if order_id in self.undecided:
            detail = f"an earlier decrement cannot be settled yet: {self.undecided[order_id]}"
            return self._fail(row, Reason.UNCONFIRMED, detail)
        items = [dict(i) for i in p["items"]]
        # The levels right before the send are what makes a lost answer decidable.
        before = levels_now(self.stock, {"location_id": p["location_id"], "items": items})
        missing = [t for t, level in before.items() if level is None]
        if missing:
            detail = (
                f"BigCommerce has no stock of {', '.join(missing)} at location "
                f"{p['location_id']} any more: nothing sent"
            )
            return self._fail(row, Reason.REJECTED, detail)
        intent = {**p, "items": items, "before": before}
        journal.journal_intent(key, f"{PULL_SALES}:{SALE}", row.sku, intent, self.ctx.run_id)
        # By SKU: BigCommerce resolves it to the product or the variant, as the item is tracked.
        body = [
            {"location_id": int(i["location_id"]), "sku": i["sku"], "quantity": int(i["quantity"])}
            for i in items
        ]
        try:
            transaction = self.stock.adjust_relative(body, adjustment_reason(order_id))
        except REFUSED as exc:
            journal.journal_fail(key, _said(exc))
            return self._fail(row, Reason.REJECTED, f"BigCommerce refused it: {_said(exc)}")
        except UNANSWERED as exc:
            if never_sent(exc):
                journal.journal_fail(key, _said(exc))
                raise
            verdict, why = judge(self.stock, intent)
            if verdict is Verdict.APPLIED:
                log.info("sale %s: answer lost; %s, so it was applied", order_id, why)
                journal.journal_resolve(key, True, {"settled": why})
                return self._done(row, f"{row.detail} (answer lost; the levels show it applied)")
            if verdict is Verdict.NOT_APPLIED:
                journal.journal_resolve(key, False, {"settled": why})
                detail = f"BigCommerce did not answer ({_said(exc)}) and {why}: sent next run"
                return self._fail(row, Reason.STORE_ERROR, detail)
            self.undecided[order_id] = why
            detail = (
                f"no answer from BigCommerce and the levels cannot tell whether it was applied "
                f"({why}): not sent again until they can; check these products' stock"
            )
            return self._fail(row, Reason.UNCONFIRMED, detail)
        journal.journal_confirm(key, {"transaction_id": transaction})
        return self._done(row, row.detail)


def apply_pull_sales(plan: ActionPlan, ctx: ApplyContext) -> list[RowResult]:
    """Results for every row, in order; raises Cancelled between sales (results so far in
    ctx.partial) and ApiError when BigCommerce cannot be reached."""
    writer = SaleWriter(ctx)
    writer.undecided = settle(ctx.journal, writer.stock, ctx.scope)
    return apply_rows(plan, ctx, writer.sale)
