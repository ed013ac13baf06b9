"""The pull-sales planner: one row per Clover sale modified since the cursor, with its lines
mapped by SKU to the BigCommerce product or variant whose stock they take (pure: a function of
the snapshot, what was read for the action, its options, cursor and the store pair's rules)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.sales.options import PULL_SALES, SALE, SalesOptions
from esync_desktop.sync.sales.read import Sale, SalesRead
from esync_desktop.sync.snapshot import Snapshot


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M") if ms else ""


def _units(quantity: Decimal) -> str:
    return str(quantity.normalize()) if quantity != quantity.to_integral() else str(int(quantity))


class _Mapped:
    """A sale's lines as BigCommerce stock items: {target -> item}, and the lines that are
    not (with why)."""

    def __init__(self, sale: Sale, snapshot: Snapshot, read: SalesRead, location: int) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.unmatched: list[str] = []
        self.unmatched_facts: list[dict[str, str]] = []
        for line in sale.lines:
            why, sku = self._why_not(line.item_id, line.quantity, snapshot, read)
            if why:
                self.unmatched.append(f"{line.name or 'a line'}: {why}")
                self.unmatched_facts.append({"line": line.name, "sku": sku or "", "why": why})
                continue
            stock = read.stock[str(sku).casefold()]
            entry = self.items.setdefault(
                stock.target,
                {
                    "target": stock.target,
                    "sku": stock.sku,
                    "location_id": location,
                    "quantity": 0,
                    "before": stock.onhand.get(location),
                    **(
                        {"variant_id": stock.variant_id}
                        if stock.variant_id is not None
                        else {"product_id": stock.product_id}
                    ),
                },
            )
            entry["quantity"] -= int(line.quantity)

    @staticmethod
    def _why_not(
        item_id: str | None, quantity: Decimal, snapshot: Snapshot, read: SalesRead
    ) -> tuple[str, str | None]:
        if item_id is None:
            return "a custom line with no Clover item", None
        item = snapshot.items_by_id.get(item_id)
        if item is None:
            return f"Clover item {item_id} is no longer in the catalogue", None
        sku = item.clean_sku
        if sku is None or item.sku_key is None:
            return f"Clover item {item.name or item_id!r} has no SKU", None
        if item.sku_key in snapshot.clover_duplicates:
            return f"SKU {sku!r} is used by more than one Clover item", sku
        if item.sku_key not in read.stock:
            return f"no BigCommerce product or variant has SKU {sku!r}", sku
        if quantity != quantity.to_integral() or quantity <= 0:
            return f"sold by weight or measure ({_units(quantity)}): not whole units", sku
        return "", sku


def _row(sale: Sale, outcome: Outcome, reason: Reason | None, detail: str, **kw: Any) -> PlanRow:
    day = _day(sale.created_ms)
    changes = {
        "sale": (sale.id, sale.id),
        "date": (day, day),
        "total": (str(cents_to_decimal(sale.total_cents)), None),
        **kw.pop("changes", {}),
    }
    return PlanRow(
        action=PULL_SALES,
        sku=kw.pop("sku", None),
        outcome=outcome,
        reason=reason,
        clover_id=sale.id,
        clover_name=sale.title or f"In-store sale {sale.id}",
        bc_name=kw.pop("bc_name", None),
        changes=changes,
        detail=detail,
        source_ms=sale.modified_ms,
        content_hash=sale.digest,
        cursor_key=f"sale:{sale.id}",
        **kw,
    )


def plan_pull_sales(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    opts = SalesOptions.parse(options)
    location = opts.location(rules.location_id)
    read = snapshot.extras.get(PULL_SALES)
    if not isinstance(read, SalesRead):
        read = SalesRead()
    rows: list[PlanRow] = []
    running: dict[str, int | None] = {}
    for sale in read.sales:
        if not cursor.is_candidate(f"sale:{sale.id}", sale.modified_ms, sale.digest):
            continue
        if sale.from_bigcommerce:
            detail = (
                "a web order pushed into Clover: BigCommerce took its units off its stock "
                "at checkout"
            )
            rows.append(_row(sale, Outcome.SKIP, Reason.FROM_BIGCOMMERCE, detail))
            continue
        if sale.id in read.counted:
            detail = "its units were taken off BigCommerce's stock by an earlier run"
            rows.append(_row(sale, Outcome.UNCHANGED, Reason.ALREADY_COUNTED, detail))
            continue
        if sale.id in read.undecided:
            detail = (
                "an earlier run sent its stock decrement and BigCommerce's levels cannot say "
                f"whether it arrived ({read.undecided[sale.id]}); not sent again"
            )
            rows.append(_row(sale, Outcome.FAIL, Reason.UNCONFIRMED, detail))
            continue
        if not sale.sold:
            detail = f"not paid yet (Clover payment state {sale.payment_state}): counted once paid"
            rows.append(_row(sale, Outcome.SKIP, Reason.NOT_PAID, detail))
            continue
        mapped = _Mapped(sale, snapshot, read, location)
        facts: dict[str, Any] = {
            "location_id": location,
            "sale_id": sale.id,
            "created_ms": sale.created_ms,
            "total_cents": sale.total_cents,
            "lines": [{"name": ln.name, "quantity": str(ln.quantity)} for ln in sale.lines],
        }
        if mapped.unmatched_facts:
            facts["unmatched"] = mapped.unmatched_facts
        if not mapped.items:
            detail = "no line maps to BigCommerce stock: " + "; ".join(mapped.unmatched)
            if not sale.lines:
                detail = "the sale has no lines"
            rows.append(_row(sale, Outcome.SKIP, Reason.UNMATCHED_LINE, detail, facts=facts))
            continue
        items = sorted(mapped.items.values(), key=lambda i: str(i["sku"]).casefold())
        changes: dict[str, tuple[Any, Any]] = {}
        for entry in items:
            # Levels as they will be when this sale's turn comes (earlier rows sold some).
            before = running.get(entry["target"], entry["before"])
            after = None if before is None else before + entry["quantity"]
            running[entry["target"]] = after
            changes[f"stock {entry['sku']}"] = (before, after)
        units = -sum(int(e["quantity"]) for e in items)
        parts = [
            f"{units} unit(s) of {len(items)} product(s) off BigCommerce location {location}: "
            + ", ".join(f"{e['sku']} x{-e['quantity']}" for e in items)
        ]
        if mapped.unmatched:
            parts.append("not taken off: " + "; ".join(mapped.unmatched))
        payload = {
            "order_id": sale.id,
            "location_id": location,
            "items": [{k: v for k, v in e.items() if k != "before"} for e in items],
        }
        rows.append(
            _row(
                sale,
                Outcome.UPDATE,
                Reason.UNMATCHED_LINE if mapped.unmatched else None,
                "; ".join(parts),
                sku=items[0]["sku"] if len(items) == 1 else None,
                bc_name=", ".join(
                    f"{e['sku']} ({'variant' if 'variant_id' in e else 'product'} "
                    f"{e.get('variant_id') or e.get('product_id')})"
                    for e in items
                ),
                changes=changes,
                facts=facts,
                payload=payload,
                key=f"{SALE}/{sale.id}",
            )
        )
    note = (
        f"in-store sales since {_day(read.since_ms)} UTC come off BigCommerce location "
        f"{location} as relative adjustments; web orders pushed into Clover are not counted"
    )
    return ActionPlan(
        PULL_SALES,
        tuple(rows),
        cursor_after={"previous": cursor.to_json()},
        note="; ".join([note, *opts.notes]),
    )
