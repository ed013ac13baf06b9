"""Applying pull-sales with `as_orders`: per Clover sale, one BigCommerce order (POST
/v2/orders), journalled under the store pair and the Clover order id before it is sent, then
read back: its total must equal the Clover sale's to the cent."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from esync_desktop.connectors.bigcommerce_order_writes import BcOrderWrites
from esync_desktop.connectors.errors import (
    ApiError,
    ConflictError,
    NotFoundError,
    ServerError,
    TransportError,
    ValidationError,
)
from esync_desktop.domain.money import cents_to_decimal, decimal_to_cents
from esync_desktop.sync.action_hooks import ApplyContext, apply_rows, never_sent
from esync_desktop.sync.apply import RowResult, describe_error
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.sales.apply import apply_pull_sales
from esync_desktop.sync.sales_orders.keys import ACTION, BC_ORDER, order_key
from esync_desktop.sync.sales_orders.settle import Found, look_up, settle

log = logging.getLogger(__name__)

REFUSED = (ValidationError, ConflictError, NotFoundError)


class OrderWriter:
    def __init__(self, ctx: ApplyContext) -> None:
        self.ctx = ctx
        self.orders = BcOrderWrites(ctx.bc)
        self.undecided: dict[str, str] = {}

    def _fail(self, row: PlanRow, reason: Reason, detail: str, **kw: Any) -> RowResult:
        self.ctx.on_item_error(row, detail)
        return RowResult(row, Outcome.FAIL, reason, kw.get("bc_id"), detail)

    def sale(self, row: PlanRow) -> RowResult:
        p = row.payload
        sale_id = str(p["order_id"])
        key = order_key(self.ctx.scope, sale_id)
        journal = self.ctx.journal
        done = journal.journal_confirmed(key)
        if done is not None:
            made = int(done.get("id") or 0) or None
            return RowResult(row, row.outcome, row.reason, made, "recorded earlier", True)
        if sale_id in self.undecided:
            detail = f"an earlier order of it cannot be settled yet: {self.undecided[sale_id]}"
            return self._fail(row, Reason.UNCONFIRMED, detail)
        journal.journal_intent(key, ACTION, None, p, self.ctx.run_id)
        try:
            order = self.orders.create(dict(p["body"]))
        except REFUSED as exc:
            journal.journal_fail(key, describe_error(exc))
            detail = f"BigCommerce refused the order: {describe_error(exc)}"
            return self._fail(row, Reason.REJECTED, detail)
        except (TransportError, ServerError) as exc:
            if never_sent(exc):
                journal.journal_fail(key, describe_error(exc))
                raise
            found, bc_id, why = look_up(self.orders, sale_id)
            if found is Found.NO:
                journal.journal_resolve(key, False, {"settled": why})
                detail = f"BigCommerce did not answer ({exc.title}) and {why}: sent next run"
                return self._fail(row, Reason.STORE_ERROR, detail)
            if found is Found.UNKNOWN or bc_id is None:
                self.undecided[sale_id] = why
                detail = (
                    f"no answer from BigCommerce and {why}: not sent again until it can say "
                    "whether the order was made"
                )
                return self._fail(row, Reason.UNCONFIRMED, detail)
            log.info("sale %s: answer lost; %s", sale_id, why)
            journal.journal_resolve(key, True, {"id": bc_id, "settled": why})
            return self._check(row, bc_id, "answer lost; found by its reference")
        bc_id = int(order["id"])
        journal.journal_confirm(key, {"id": bc_id})
        return self._check(row, bc_id, "")

    def _check(self, row: PlanRow, bc_id: int, note: str) -> RowResult:
        """Read the order back: its total must be the Clover sale's to the cent."""
        want = int(row.payload["total"])
        try:
            got = decimal_to_cents(Decimal(str(self.orders.get(bc_id).get("total_inc_tax"))))
        except ApiError as exc:
            detail = (
                f"BigCommerce order #{bc_id} was made but could not be read back "
                f"({exc.title}): compare its total with the Clover sale's"
            )
            return self._fail(row, Reason.STORE_ERROR, detail, bc_id=bc_id)
        if got != want:
            detail = (
                f"BigCommerce order #{bc_id} totals {cents_to_decimal(got)}, the Clover sale "
                f"{cents_to_decimal(want)}: correct the order in BigCommerce"
            )
            return self._fail(row, Reason.TOTALS_DIFFER, detail, bc_id=bc_id)
        detail = f"BigCommerce order #{bc_id}; " + row.detail + (f" ({note})" if note else "")
        return RowResult(row, row.outcome, row.reason, bc_id, detail, written=True)


def apply_sales_as_orders(plan: ActionPlan, ctx: ApplyContext) -> list[RowResult]:
    """Results for every row, in order; raises Cancelled between sales (results so far in
    ctx.partial) and ApiError when BigCommerce cannot be reached."""
    writer = OrderWriter(ctx)
    writer.undecided = settle(ctx.journal, writer.orders, ctx.scope)
    return apply_rows(plan, ctx, writer.sale)


def apply_pull_sales_any(plan: ActionPlan, ctx: ApplyContext) -> list[RowResult]:
    """pull-sales' apply hook: orders when the plan records sales as orders, else adjustments."""
    if any(r.key.startswith(f"{BC_ORDER}/") for r in plan.rows):
        return apply_sales_as_orders(plan, ctx)
    return apply_pull_sales(plan, ctx)
