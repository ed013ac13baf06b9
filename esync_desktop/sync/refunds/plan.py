"""The sync-refunds planner: one row per BigCommerce refund or cancellation and per Clover
refund of an in-store sale since the cursor (pure: a function of the snapshot, what was read
for the action, its options and cursor)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.domain.sku import sku_key
from esync_desktop.sync.cursors import Cursor, content_hash
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.refunds.options import (
    BC_REFUND,
    RESTOCK,
    SYNC_REFUNDS,
    RefundOptions,
    marker,
)
from esync_desktop.sync.refunds.read import RefundsRead, StoreRefund, WebEvent
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot


def _money(cents: int) -> str:
    return str(cents_to_decimal(cents))


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M") if ms else ""


def note_line(event: WebEvent) -> str:
    """What is appended to the Clover order's note (Clover /v3 cannot record a refund)."""
    lines = "; ".join(
        f"{ln.quantity} x {ln.name}" + (f" ({ln.sku})" if ln.sku else "") for ln in event.lines
    )
    parts = [lines] if lines else []
    parts += [f"{kind} {_money(cents)}" for kind, cents in event.other]
    what = f" - {', '.join(parts)}" if parts else ""
    why = f" - reason: {event.reason}" if event.reason else ""
    if event.kind == BC_REFUND:
        return (
            f"{marker(event.kind, event.ident)} BigCommerce refund #{event.ident} of order "
            f"#{event.order_id}, {_day(event.created_ms)}: {_money(event.amount)} incl. tax "
            f"{_money(event.tax)}{what}{why}"
        )
    return (
        f"{marker(event.kind, event.ident)} BigCommerce order #{event.order_id} cancelled "
        f"{_day(event.created_ms)}: {_money(event.amount)} not to be collected or fulfilled"
    )


def _web_row(event: WebEvent, read: RefundsRead, scope_key: str) -> PlanRow:
    label = "refund" if event.kind == BC_REFUND else "cancellation"
    lines = ", ".join(f"{ln.quantity} x {ln.sku or ln.name}" for ln in event.lines)
    facts: dict[str, Any] = {
        "kind": event.kind,
        "refund_id": event.ident if event.kind == BC_REFUND else None,
        "order_id": event.order_id,
        "customer": event.customer,
        "created_ms": event.created_ms,
        "clover_order_id": event.clover_order_id,
        "amount_cents": event.amount,
        "tax_cents": event.tax,
        "lines": [[ln.name, ln.sku, ln.quantity] for ln in event.lines],
        "other": [list(x) for x in event.other],
    }
    base: dict[str, Any] = {
        "action": SYNC_REFUNDS,
        "sku": None,
        "bc_id": event.order_id,
        "bc_name": f"#{event.order_id} {event.customer}".strip(),
        "clover_id": event.clover_order_id,
        "clover_name": f"BigCommerce #{event.order_id}" if event.clover_order_id else None,
        "source_ms": event.created_ms,
        "content_hash": content_hash(event.kind, event.ident),
        "cursor_key": f"{event.kind}:{event.ident}",
        "facts": facts,
    }
    changes: dict[str, tuple[object, object]] = {
        label: (f"#{event.ident}" if event.kind == BC_REFUND else f"#{event.order_id}", None),
        "order": (f"#{event.order_id}", event.clover_order_id or "not in Clover"),
        "amount": (_money(event.amount), None),
        "lines": (lines, None),
        "date": (_day(event.created_ms), None),
    }
    if scope_key in read.done:
        changes["amount"] = (_money(event.amount), _money(event.amount))
        return PlanRow(
            outcome=Outcome.UNCHANGED,
            reason=Reason.ALREADY_RECORDED,
            changes=changes,
            detail=f"the {label} is already noted on Clover order {event.clover_order_id}",
            **base,
        )
    if scope_key in read.undecided:
        why = read.undecided[scope_key]
        return PlanRow(
            outcome=Outcome.FAIL,
            reason=Reason.UNCONFIRMED,
            changes=changes,
            detail=f"an earlier run sent the {label} and Clover cannot say yet: {why}",
            **base,
        )
    if event.lookup_error:
        return PlanRow(
            outcome=Outcome.FAIL,
            reason=Reason.STORE_ERROR,
            changes=changes,
            detail=f"Clover could not be asked for order #{event.order_id}: {event.lookup_error}",
            **base,
        )
    if event.clover_order_id is None:
        return PlanRow(
            outcome=Outcome.SKIP,
            reason=Reason.NOT_IN_CLOVER,
            changes=changes,
            detail=f"web order #{event.order_id} was never pushed to Clover: nothing to record",
            **base,
        )
    note = note_line(event)
    changes["amount"] = (_money(event.amount), _money(event.amount))
    changes["note"] = (None, note)
    return PlanRow(
        outcome=Outcome.UPDATE,
        changes=changes,
        detail=(
            f"{label} noted on Clover order {event.clover_order_id} (Clover /v3 records no "
            "refund or negative payment; its payment stays as it was)"
        ),
        payload={
            "kind": event.kind,
            "ident": event.ident,
            "clover_order_id": event.clover_order_id,
            "marker": marker(event.kind, event.ident),
            "note": note,
        },
        key=f"{event.kind}/{event.ident}",
        **base,
    )


def _restock_lines(
    refund: StoreRefund, snapshot: Snapshot, opts: RefundOptions, bc_skus: set[str]
) -> list[dict[str, Any]]:
    items = snapshot.items_by_id
    out = []
    for line in refund.lines:
        key = f"{refund.refund_id}/{line.line_id}"
        item = items.get(line.item_id or "")
        sku = item.sku if item is not None else None
        choice = opts.restocks(key)
        why = ""
        # Whether the owner's choice can restock the line at all (the preview's checkbox).
        possible = bool(sku) and sku_key(sku) in bc_skus
        if not sku:
            why, choice = "no Clover item with a SKU", False
        elif not possible:
            why, choice = "SKU not in BigCommerce", False
        elif not choice:
            said = key in opts.restock_lines
            why = "restock_lines says no" if said else "the option restock is off"
        out.append(
            {
                "key": key,
                "name": line.name,
                "sku": sku,
                "restock": choice,
                "why": why,
                "possible": possible,
            }
        )
    return out


def _store_row(
    refund: StoreRefund,
    read: RefundsRead,
    scope_key: str,
    snapshot: Snapshot,
    opts: RefundOptions,
    bc_skus: set[str],
    location_id: int,
) -> PlanRow:
    lines = _restock_lines(refund, snapshot, opts, bc_skus)
    chosen = [ln for ln in lines if ln["restock"]]
    base: dict[str, Any] = {
        "action": SYNC_REFUNDS,
        "sku": chosen[0]["sku"] if len(chosen) == 1 else None,
        "clover_id": refund.order_id,
        "clover_name": refund.order_title,
        "source_ms": refund.created_ms,
        "content_hash": content_hash(RESTOCK, refund.refund_id, *(ln["restock"] for ln in lines)),
        "cursor_key": f"clover-refund:{refund.refund_id}",
        "facts": {
            "kind": RESTOCK,
            "refund_id": refund.refund_id,
            "clover_order_id": refund.order_id,
            "order_title": refund.order_title,
            "created_ms": refund.created_ms,
            "amount_cents": refund.amount,
            "restock_lines": lines,
        },
    }
    summary = ", ".join(
        f"{ln['sku'] or ln['name']}: {'restock' if ln['restock'] else 'no'}" for ln in lines
    )
    changes = {
        "refund": (None, refund.refund_id),
        "order": (None, refund.order_title),
        "amount": (None, _money(refund.amount)),
        "lines": (None, ", ".join(ln["sku"] or ln["name"] for ln in lines)),
        "restock": (None, summary or "no lines"),
        "date": (_day(refund.created_ms), _day(refund.created_ms)),
    }
    if refund.web_order:
        return PlanRow(
            outcome=Outcome.SKIP,
            reason=Reason.WEB_ORDER_REFUND,
            changes=changes,
            detail="a refund on a web order pushed from BigCommerce: refund it in BigCommerce",
            **base,
        )
    if scope_key in read.done:
        return PlanRow(
            outcome=Outcome.UNCHANGED,
            reason=Reason.ALREADY_RECORDED,
            changes=changes,
            detail="its units were already put back on BigCommerce's stock",
            **base,
        )
    if scope_key in read.undecided:
        return PlanRow(
            outcome=Outcome.FAIL,
            reason=Reason.UNCONFIRMED,
            changes=changes,
            detail=f"an earlier run sent the restock and cannot tell whether it arrived: "
            f"{read.undecided[scope_key]}",
            **base,
        )
    if not chosen:
        return PlanRow(
            outcome=Outcome.SKIP,
            reason=Reason.NOT_RESTOCKED,
            changes=changes,
            detail="no line of this refund is restocked"
            + (
                f" ({'; '.join(sorted({ln['why'] for ln in lines if ln['why']}))})"
                if lines
                else " (a refund of an amount, no lines)"
            ),
            **base,
        )
    counts: dict[str, int] = {}
    for ln in chosen:
        counts[ln["sku"]] = counts.get(ln["sku"], 0) + 1
    items = [
        {"location_id": location_id, "sku": sku, "quantity": n} for sku, n in sorted(counts.items())
    ]
    return PlanRow(
        outcome=Outcome.UPDATE,
        changes=changes,
        detail=f"{sum(counts.values())} unit(s) back on BigCommerce's stock at location "
        f"{location_id}",
        payload={"refund_id": refund.refund_id, "items": items},
        key=f"{RESTOCK}/{refund.refund_id}",
        **base,
    )


def plan_sync_refunds(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    opts = RefundOptions.parse(options)
    read = snapshot.extras.get(SYNC_REFUNDS)
    if not isinstance(read, RefundsRead):
        read = RefundsRead()
    skus = [p.sku for p in snapshot.bc_products]
    skus += [v.sku for p in snapshot.bc_products for v in p.variants]
    bc_skus = {key for key in map(sku_key, skus) if key is not None}
    rows: list[PlanRow] = []
    for event in read.web:
        row = _web_row(event, read, f"{event.kind}/{event.ident}")
        if cursor.is_candidate(row.cursor_key, event.created_ms, row.content_hash):
            rows.append(row)
    for refund in read.store:
        key = f"{RESTOCK}/{refund.refund_id}"
        row = _store_row(refund, read, key, snapshot, opts, bc_skus, rules.location_id)
        if cursor.is_candidate(row.cursor_key, refund.created_ms, row.content_hash):
            rows.append(row)
    notes = [
        "Clover /v3 cannot create refunds or negative payments: BigCommerce refunds and "
        "cancellations are noted on the Clover order",
        "in-store refunds restock BigCommerce only where restock (or restock_lines) says so",
        *opts.notes,
    ]
    return ActionPlan(
        SYNC_REFUNDS,
        tuple(rows),
        cursor_after={"previous": cursor.to_json()},
        note="; ".join(notes),
    )
