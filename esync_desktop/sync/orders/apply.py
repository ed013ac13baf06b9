"""Applying a push-orders plan: for each web order, the Clover order (one atomic call), its
total read back and compared with BigCommerce's to the cent, then its payment under the mapped
tender. Every write is journalled under a key of the store pair and the BigCommerce order id
before it is sent and confirmed after; a lost answer is settled by looking in Clover."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from esync_desktop.connectors.clover_orders import CloverOrders
from esync_desktop.connectors.errors import ApiError
from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.sync.action_hooks import (
    REFUSED,
    UNANSWERED,
    ApplyContext,
    apply_rows,
    never_sent,
)
from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.orders.options import ORDER, PAYMENT, PUSH_ORDERS, TENDER, journal_key
from esync_desktop.sync.orders.settle import Undecided, lookup, now_ms, settle

log = logging.getLogger(__name__)


def _money(cents: int) -> str:
    return str(cents_to_decimal(cents))


def _error(exc: ApiError) -> str:
    """The store's own words: its message (and details) from the error body, else the title."""
    body = exc.details if isinstance(exc.details, dict) else {}
    said = str(body.get("message") or "")
    if body.get("details"):
        said += f" ({body['details']})"
    fields = "; ".join(f"{k}: {v}" for k, v in exc.field_errors.items())
    return "; ".join(x for x in (exc.title, said, fields) if x)


class Failed(Exception):
    """One order cannot go on; carries its row's result."""

    def __init__(self, result: RowResult) -> None:
        super().__init__(result.detail)
        self.result = result


class OrderWriter:
    def __init__(self, ctx: ApplyContext) -> None:
        self.ctx = ctx
        self.api = CloverOrders(ctx.clover)
        self.tender_ids: dict[str, str] = {}
        self.undecided: dict[str, str] = {}

    def _fail(self, row: PlanRow, reason: Reason, detail: str, **changes: Any) -> Failed:
        if changes:
            row = replace(row, changes={**row.changes, **changes})
        self.ctx.on_item_error(row, detail)
        return Failed(RowResult(row, Outcome.FAIL, reason, row.bc_id, detail))

    def send_once(
        self,
        row: PlanRow,
        kind: str,
        ident: object,
        payload: Mapping[str, Any],
        send: Callable[[], dict[str, Any]],
    ) -> str:
        """The id of the object this key stands for: sent now, applied earlier, or found in
        Clover after a lost answer. Raises Failed when it does not exist (or cannot be known)."""
        journal = self.ctx.journal
        key = journal_key(self.ctx.scope, kind, ident)
        done = journal.journal_confirmed(key)
        if done is not None and done.get("id"):
            return str(done["id"])
        if key in self.undecided:
            raise self._fail(
                row, Reason.UNCONFIRMED, f"Clover cannot say yet whether the {kind} arrived"
            )
        body = {**payload, "sent_ms": now_ms()}
        journal.journal_intent(key, f"{PUSH_ORDERS}:{kind}", None, body, self.ctx.run_id)
        try:
            created = send()
        except REFUSED as exc:
            journal.journal_fail(key, _error(exc))
            detail = f"Clover refused the {kind}: {_error(exc)}"
            raise self._fail(row, Reason.REJECTED, detail) from exc
        except UNANSWERED as exc:
            if never_sent(exc):
                journal.journal_fail(key, _error(exc))
                raise
            try:
                found = lookup(self.api, kind, body)
            except Undecided as why:
                self.undecided[key] = str(why)
                raise self._fail(
                    row,
                    Reason.UNCONFIRMED,
                    f"no answer from Clover for the {kind} and the lookup failed ({why}): "
                    "looked up again next run before anything is sent",
                ) from exc
            if found is None:
                journal.journal_resolve(key, False, {})
                raise self._fail(
                    row,
                    Reason.REJECTED,
                    f"Clover did not answer ({_error(exc)}) and has no such {kind}: "
                    "it is sent next run",
                ) from exc
            log.info("%s %s: answer lost, found %s in Clover", kind, ident, found)
            journal.journal_resolve(key, True, {"id": found})
            return found
        object_id = str(created.get("id") or "")
        if not object_id:
            # An answer without the new id: settle it the way a lost answer is.
            try:
                found = lookup(self.api, kind, body)
            except Undecided as why:
                self.undecided[key] = str(why)
                detail = f"no id in Clover's answer: {why}"
                raise self._fail(row, Reason.UNCONFIRMED, detail) from why
            if found is None:
                journal.journal_resolve(key, False, {})
                raise self._fail(row, Reason.REJECTED, f"Clover's answer had no {kind} id")
            object_id = found
        journal.journal_confirm(key, {"id": object_id})
        return object_id

    # -- rows ------------------------------------------------------------------------------

    def tender(self, row: PlanRow) -> RowResult:
        label = str(row.payload["label"])
        body = {
            "label": label,
            "labelKey": "com.esync.bigcommerce",
            "enabled": True,
            "visible": True,
            "opensCashDrawer": False,
            "supportsTipping": False,
        }
        tender_id = self.send_once(
            row, TENDER, label.casefold(), {"label": label}, lambda: self.api.create_tender(body)
        )
        self.tender_ids[label.casefold()] = tender_id
        return RowResult(row, Outcome.CREATE, None, None, f"tender {tender_id}", written=True)

    def _tender_id(self, row: PlanRow) -> str:
        label = str(row.payload.get("tender") or "")
        found = row.payload.get("tender_id") or self.tender_ids.get(label.casefold())
        if not found:
            done = self.ctx.journal.journal_confirmed(
                journal_key(self.ctx.scope, TENDER, label.casefold())
            )
            found = (done or {}).get("id")
        if not found:
            raise self._fail(row, Reason.NO_TENDER, f"no Clover tender {label!r} to record it")
        return str(found)

    def _already_there(self, row: PlanRow, oid: int, ref: str) -> str | None:
        """Before a first send, look for the reference in Clover: an order pushed from another
        data folder (or before its journal was lost) is never made twice."""
        key = journal_key(self.ctx.scope, ORDER, oid)
        if self.ctx.journal.journal_confirmed(key) is not None or key in self.undecided:
            return None
        try:
            found = lookup(self.api, ORDER, {"reference": ref})
        except Undecided as why:
            detail = f"cannot look it up in Clover: {why}"
            raise self._fail(row, Reason.UNCONFIRMED, detail) from why
        if found is not None:
            body = {"reference": ref, "order_id": oid, "sent_ms": now_ms()}
            self.ctx.journal.journal_intent(
                key, f"{PUSH_ORDERS}:{ORDER}", None, body, self.ctx.run_id
            )
            self.ctx.journal.journal_resolve(key, True, {"id": found})
        return found

    def _payment(self, row: PlanRow, clover_id: str, total: int) -> str:
        p = row.payload
        ref, oid = str(p["reference"]), int(p["order_id"])
        body = {
            "amount": total,
            "taxAmount": int(p.get("tax") or 0),
            "tipAmount": 0,
            "tender": {"id": self._tender_id(row)},
            "externalPaymentId": ref,
            "note": f"Paid on BigCommerce ({p.get('payment_method') or 'web store'})",
        }
        payment = self.send_once(
            row,
            PAYMENT,
            oid,
            {"clover_order_id": clover_id, "externalPaymentId": ref, "order_id": oid},
            lambda: self.api.create_payment(clover_id, body),
        )
        return f"payment {payment} under tender {p.get('tender')}"

    def order(self, row: PlanRow) -> RowResult:
        p = row.payload
        oid, ref, bc_total = int(p["order_id"]), str(p["reference"]), int(p["total"])
        clover_id = p.get("clover_order_id") or self._already_there(row, oid, ref)
        if clover_id is None:
            clover_id = self.send_once(
                row,
                ORDER,
                oid,
                {"reference": ref, "order_id": oid},
                lambda: self.api.create_order(p["cart"]),
            )
        clover_id = str(clover_id)
        row = replace(
            row,
            clover_id=clover_id,
            changes={**row.changes, "order": (f"#{oid}", clover_id)},
        )
        total = int(self.api.get_order(clover_id).get("total") or 0)
        if total != bc_total:
            raise self._fail(
                row,
                Reason.TOTALS_DIFFER,
                f"Clover order {clover_id} totals {_money(total)}, BigCommerce "
                f"{_money(bc_total)}: no payment recorded; correct the order in Clover",
                total=(_money(bc_total), _money(total)),
            )
        detail = f"Clover order {clover_id}, total {_money(total)} equal to BigCommerce's"
        if p.get("pay"):
            try:
                detail += "; " + self._payment(row, clover_id, total)
            except Failed as failed:
                # The order itself is in Clover: the next run records only its payment.
                result = failed.result
                raise Failed(
                    replace(result, detail=f"{detail}; payment: {result.detail}")
                ) from None
        if p.get("unmatched"):
            detail += "; custom line(s) for " + "; ".join(p["unmatched"])
        return RowResult(row, row.outcome, row.reason, oid, detail, written=True)


def apply_push_orders(plan: ActionPlan, ctx: ApplyContext) -> list[RowResult]:
    """Results for every row, in order; raises Cancelled between orders (results so far in
    ctx.partial) and ApiError when Clover cannot be reached."""
    writer = OrderWriter(ctx)
    writer.undecided = settle(ctx.journal, writer.api, ctx.scope)

    def write(row: PlanRow) -> RowResult:
        try:
            return writer.tender(row) if row.key.startswith(TENDER) else writer.order(row)
        except Failed as failed:
            return failed.result

    return apply_rows(plan, ctx, write)
