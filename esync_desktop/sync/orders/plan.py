"""The push-orders planner: one row per web order modified since the cursor (pure: a function
of the snapshot, what was read for the action, its options and cursor)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from esync_desktop.domain.money import cents_to_decimal, decimal_to_cents
from esync_desktop.domain.orders import STATUS_NAMES, BcOrder
from esync_desktop.sync.cursors import Cursor, content_hash
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.orders.cart import build_cart, clover_index, reference
from esync_desktop.sync.orders.facts import order_facts
from esync_desktop.sync.orders.options import (
    ORDER,
    PAYMENT,
    PUSH_ORDERS,
    TENDER,
    OrderOptions,
)
from esync_desktop.sync.orders.read import OrdersRead
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot


def _money(cents: int) -> str:
    return str(cents_to_decimal(cents))


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")


def _row(
    order: BcOrder, outcome: Outcome, reason: Reason | None, detail: str, **kw: Any
) -> PlanRow:
    who = " ".join(x for x in (order.customer, f"<{order.email}>" if order.email else "") if x)
    # BigCommerce -> Clover. The customer goes into the Clover order's note; date and status
    # are BigCommerce's, shown on both sides so the row reads as one order.
    day = _day(order.created_ms) if order.created_ms else ""
    changes = {
        "order": (f"#{order.id}", kw.pop("clover_order", None) or "new"),
        **kw.pop("changes", {}),
        "customer": (who, who),
        "date": (day, day),
        "status": (order.status, order.status),
    }
    return PlanRow(
        action=PUSH_ORDERS,
        sku=None,
        outcome=outcome,
        reason=reason,
        bc_id=order.id,
        bc_name=f"#{order.id} {order.customer}".strip(),
        clover_name=kw.pop("clover_name", f"BigCommerce #{order.id}"),
        clover_id=kw.pop("clover_id", None),
        changes=changes,
        detail=detail,
        source_ms=order.modified_ms,
        content_hash=content_hash(order.status_id, order.modified_ms),
        cursor_key=f"order:{order.id}",
        **kw,
    )


def _stock_note(decrements: bool | None) -> str:
    if decrements is None:
        return "Clover did not say whether its sales take items off its stock"
    if decrements:
        return (
            "Clover takes the matched lines off its own stock (Track stock and Update item "
            "count after each sale are on); custom lines, shipping and tax never touch stock"
        )
    return "Clover leaves its stock as it is (Update item count after each sale is off)"


def plan_push_orders(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    opts = OrderOptions.parse(options)
    read = snapshot.extras.get(PUSH_ORDERS)
    if not isinstance(read, OrdersRead):
        read = OrdersRead()
    index = clover_index(snapshot.clover_items)
    rows: list[PlanRow] = []
    tenders_needed: dict[str, str] = {}  # folded label -> label
    for order in read.orders:
        key = f"order:{order.id}"
        digest = content_hash(order.status_id, order.modified_ms)
        if not cursor.is_candidate(key, order.modified_ms, digest):
            continue
        if order.from_clover:
            detail = "records an in-store Clover sale (pull-sales): already in Clover"
            rows.append(_row(order, Outcome.SKIP, Reason.FROM_CLOVER, detail))
            continue
        facts = order_facts(order, index)
        if order.status_id not in opts.statuses:
            name = STATUS_NAMES.get(order.status_id, order.status)
            rows.append(
                _row(
                    order,
                    Outcome.SKIP,
                    Reason.STATUS_NOT_SELECTED,
                    f"{name} is not selected",
                    facts=facts,
                )
            )
            continue
        if order.id in read.undecided:
            why = read.undecided[order.id]
            detail = f"an earlier run sent it and Clover cannot say yet whether it arrived: {why}"
            rows.append(_row(order, Outcome.FAIL, Reason.UNCONFIRMED, detail, facts=facts))
            continue
        pushed = read.pushed.get(order.id)
        # Clover records only positive payments: a free order has nothing to record.
        paid = order.paid and decimal_to_cents(order.total_inc_tax) > 0
        needs_payment = paid and not (pushed and pushed.paid)
        if pushed is not None and not needs_payment:
            rows.append(
                _row(
                    order,
                    Outcome.UNCHANGED,
                    Reason.ALREADY_IN_CLOVER,
                    f"Clover order {pushed.clover_order_id}",
                    clover_order=pushed.clover_order_id,
                    clover_id=pushed.clover_order_id,
                    facts=facts,
                )
            )
            continue
        tender = opts.tender_for(order.payment_method) if needs_payment else ""
        folded = tender.casefold()
        tender_id = read.tenders.get(folded, ("", ""))[0]
        if needs_payment and not tender_id:
            if folded in read.tenders_undecided or not opts.create_tender:
                detail = (
                    f"Clover has no tender {tender!r} for {order.payment_method or 'this'} "
                    "payments: add it in Clover, map the payment method to a tender (option "
                    "tenders), or turn on create_tender"
                )
                rows.append(_row(order, Outcome.FAIL, Reason.NO_TENDER, detail, facts=facts))
                continue
            tenders_needed[folded] = tender
        result = build_cart(order, index)
        cart = result.cart
        facts = order_facts(order, index, result, pushed.clover_order_id if pushed else None)
        totals = {"total": (_money(result.bc_total), _money(cart.total))}
        if not result.equal:
            detail = (
                f"BigCommerce total {_money(result.bc_total)}, the Clover order would total "
                f"{_money(cart.total)}: not sent"
            )
            rows.append(
                _row(
                    order,
                    Outcome.FAIL,
                    Reason.TOTALS_DIFFER,
                    detail,
                    changes=totals,
                    facts=facts,
                )
            )
            continue
        if needs_payment:
            facts["tender"] = tender  # the Clover tender the payment is recorded under
        units = sum(line.quantity for line in order.lines)
        payload: dict[str, Any] = {
            "order_id": order.id,
            "reference": reference(order.id),
            "total": result.bc_total,
            "tax": cart.tax,
            "pay": needs_payment,
            "tender": tender,
            "tender_id": tender_id,
            "payment_method": order.payment_method,
        }
        parts = [f"{units} item(s), {len(cart.lines)} Clover line(s), total {_money(cart.total)}"]
        if cart.unmatched and pushed is None:
            payload["unmatched"] = list(cart.unmatched)
        if pushed is not None:
            payload["clover_order_id"] = pushed.clover_order_id
            parts = [f"Clover order {pushed.clover_order_id} exists; its payment is recorded now"]
        else:
            payload["cart"] = cart.body()
        if result.rounding:
            parts.append(f"rounding {_money(result.rounding)}")
        if needs_payment:
            parts.append(f"paid with tender {tender}")
        elif not order.paid:
            parts.append("no payment recorded (not paid on BigCommerce)")
        else:
            parts.append("nothing to pay")
        reason = Reason.UNMATCHED_LINE if cart.unmatched and pushed is None else None
        if reason is not None:
            parts.append("custom line(s) for " + "; ".join(cart.unmatched))
        rows.append(
            _row(
                order,
                Outcome.CREATE,
                reason,
                "; ".join(parts),
                changes={**totals, "lines": (str(units), str(len(cart.lines)))},
                clover_name=cart.title,
                payload=payload,
                key=f"{ORDER}/{order.id}" if pushed is None else f"{PAYMENT}/{order.id}",
                facts=facts,
            )
        )
    tender_rows = [
        PlanRow(
            action=PUSH_ORDERS,
            sku=None,
            outcome=Outcome.CREATE,
            clover_name=label,
            detail=f"a Clover tender named {label!r} for payments taken on BigCommerce",
            changes={"tender": (None, label)},
            payload={"label": label},
            key=f"{TENDER}/{folded}",
            facts={"kind": TENDER, "label": label},
        )
        for folded, label in sorted(tenders_needed.items())
    ]
    notes = [_stock_note(read.decrements_stock), *opts.notes]
    return ActionPlan(
        PUSH_ORDERS,
        tuple(tender_rows + rows),
        cursor_after={"previous": cursor.to_json()},
        note="; ".join(notes),
    )
