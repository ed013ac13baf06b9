"""Applying a sync-refunds plan: a BigCommerce refund or cancellation becomes a line in the
Clover order's note (the only record Clover /v3 allows on a paid order); an in-store refund's
chosen lines go back on BigCommerce's stock (one relative adjustment). Every write is journalled
under the refund's key before it is sent and confirmed after; a lost answer is settled by
looking in the store, and a write nobody can look up stays `unconfirmed`, never re-sent."""

from __future__ import annotations

import logging
from collections.abc import Callable

from esync_desktop.connectors.clover_orders import CloverOrders
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
from esync_desktop.sync.orders.settle import now_ms
from esync_desktop.sync.refunds.options import RESTOCK, SYNC_REFUNDS, journal_key
from esync_desktop.sync.refunds.settle import Undecided, lookup, settle

log = logging.getLogger(__name__)


def _said(exc: ApiError) -> str:
    return "; ".join(x for x in (exc.title, exc.message) if x)


class RefundWriter:
    def __init__(self, ctx: ApplyContext) -> None:
        self.ctx = ctx
        self.api = CloverOrders(ctx.clover)
        self.undecided: dict[str, str] = {}

    def _result(self, row: PlanRow, reason: Reason, detail: str) -> RowResult:
        self.ctx.on_item_error(row, detail)
        return RowResult(row, Outcome.FAIL, reason, row.bc_id, detail)

    def send_once(
        self, row: PlanRow, kind: str, ident: object, send: Callable[[], str]
    ) -> RowResult:
        journal = self.ctx.journal
        key = journal_key(self.ctx.scope, kind, ident)
        if journal.journal_confirmed(key) is not None:
            return RowResult(
                row, Outcome.UNCHANGED, Reason.ALREADY_RECORDED, row.bc_id, "already recorded"
            )
        if key in self.undecided:
            return self._result(row, Reason.UNCONFIRMED, self.undecided[key])
        body = {**row.payload, "sent_ms": now_ms()}
        journal.journal_intent(key, f"{SYNC_REFUNDS}:{kind}", row.sku, body, self.ctx.run_id)
        try:
            done = send()
        except REFUSED as exc:
            journal.journal_fail(key, _said(exc))
            return self._result(row, Reason.REJECTED, f"refused: {_said(exc)}")
        except UNANSWERED as exc:
            if never_sent(exc):
                journal.journal_fail(key, _said(exc))
                raise
            try:
                found = lookup(self.api, kind, body)
            except Undecided as why:
                self.undecided[key] = str(why)
                return self._result(
                    row,
                    Reason.UNCONFIRMED,
                    f"no answer ({_said(exc)}) and it cannot be looked up ({why}): never sent "
                    "again blind",
                )
            journal.journal_resolve(key, found is not None, {"id": found} if found else {})
            if found is None:
                return self._result(
                    row,
                    Reason.REJECTED,
                    f"no answer ({_said(exc)}) and not recorded: sent next run",
                )
            log.info("%s %s: answer lost, found it recorded", kind, ident)
            done = found
        journal.journal_confirm(key, {"id": done})
        return RowResult(row, row.outcome, row.reason, row.bc_id, row.detail, written=True)

    def note(self, row: PlanRow) -> RowResult:
        p = row.payload
        order_id, mark, line = str(p["clover_order_id"]), str(p["marker"]), str(p["note"])

        def send() -> str:
            # Read the note just before writing: another refund of the same order may have
            # been added since the plan, and a note that already carries the marker is done.
            note = str(self.api.get_order(order_id).get("note") or "")
            if mark not in note:
                self.api.set_order_note(order_id, f"{note}\n{line}" if note else line)
            return order_id

        return self.send_once(row, str(p["kind"]), p["ident"], send)

    def restock(self, row: PlanRow) -> RowResult:
        p = row.payload
        reason = f"Clover refund {p['refund_id']} (in-store return)"

        def send() -> str:
            return self.ctx.bc.adjust_inventory_relative(p["items"], reason) or str(p["refund_id"])

        return self.send_once(row, RESTOCK, p["refund_id"], send)


def apply_sync_refunds(plan: ActionPlan, ctx: ApplyContext) -> list[RowResult]:
    """Results for every row, in order; raises Cancelled between rows (results so far in
    ctx.partial) and ApiError when a store cannot be reached."""
    writer = RefundWriter(ctx)
    writer.undecided = settle(ctx.journal, writer.api, ctx.scope)

    def write(row: PlanRow) -> RowResult:
        return writer.restock(row) if row.key.startswith(RESTOCK) else writer.note(row)

    return apply_rows(plan, ctx, write)
