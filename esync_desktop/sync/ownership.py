"""Field ownership applied to every action's plan, after its planner and before anything is
shown or written: a field the owner gave to BigCommerce or to nobody leaves the row's payload
and changes, and a row left with nothing to write is `not_owned`. plan_actions calls
`enforce` for every action, so no action can write such a field, whatever its planner does.

What each action writes: creates (send-standard, send-matrix) the product body and its
variants; the stock actions, pull-sales and sync-refunds' restocks the stock; send-prices the
price (and sale price); update-products its fields; true-up prices, stock and products made
again. push-orders and sync-refunds' notes write
to Clover only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from esync_desktop.domain.ownership import (
    CREATE_REQUIRED,
    STOCK,
    Ownership,
    field_of_key,
)
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason

CREATES = ("send-standard", "send-matrix")
STOCK_ACTIONS = ("send-inventory-standard", "send-inventory-matrix", "pull-sales")
FIELD_ACTIONS = ("send-prices", "update-products")
# The drift check puts back prices and stock and makes deleted products again.
TRUE_UP = "true-up"
# sync-refunds' rows with this key prefix put units back on BigCommerce's stock.
RESTOCK_KEY = "restock/"


def enforce(plan: ActionPlan, ownership: Ownership) -> ActionPlan:
    """The plan with every write the owner did not give to Clover taken out."""
    if plan.action in CREATES:
        rows = tuple(_create(r, ownership) if r.writes else r for r in plan.rows)
    elif plan.action in STOCK_ACTIONS or plan.action == "sync-refunds":
        rows = tuple(_stock(r, ownership) if r.writes else r for r in plan.rows)
    elif plan.action in FIELD_ACTIONS:
        rows = tuple(_fields(r, ownership) if r.writes else r for r in plan.rows)
    elif plan.action == TRUE_UP:
        rows = tuple(_true_up(r, ownership) if r.writes else r for r in plan.rows)
    else:
        return plan
    return plan if rows == plan.rows else replace(plan, rows=rows)


def _allowed(key: str, ownership: Ownership, *, creating: bool) -> bool:
    name = field_of_key(key)
    if name is None:
        return True
    if creating and name in CREATE_REQUIRED:
        return True
    return ownership.clover_writes(name)


def _create(row: PlanRow, ownership: Ownership) -> PlanRow:
    payload = _strip(row.payload, ownership, creating=True)
    if "variants" in payload:
        payload["variants"] = [
            _strip(v, ownership, creating=False) for v in row.payload["variants"]
        ]
    changes = {k: v for k, v in row.changes.items() if _allowed(k, ownership, creating=True)}
    if payload == row.payload and changes == row.changes:
        return row
    return replace(row, payload=payload, changes=changes)


def _strip(body: dict[str, Any], ownership: Ownership, *, creating: bool) -> dict[str, Any]:
    return {k: v for k, v in body.items() if _allowed(k, ownership, creating=creating)}


def _stock(row: PlanRow, ownership: Ownership) -> PlanRow:
    if row.action == "sync-refunds" and not row.key.startswith(RESTOCK_KEY):
        return row  # a note on a Clover order: nothing written to BigCommerce
    if ownership.clover_writes(STOCK):
        return row
    return _not_owned(row, STOCK, ownership)


def _fields(row: PlanRow, ownership: Ownership) -> PlanRow:
    payload = _strip(row.payload, ownership, creating=False)
    changes = {k: v for k, v in row.changes.items() if _allowed(k, ownership, creating=False)}
    if payload == row.payload and changes == row.changes:
        return row
    if not changes:
        names = [n for k in row.changes if (n := field_of_key(k)) is not None]
        return _not_owned(row, names[0] if names else "", ownership)
    return replace(row, payload=payload, changes=changes)


def _true_up(row: PlanRow, ownership: Ownership) -> PlanRow:
    if row.outcome is Outcome.CREATE:
        return _create(row, ownership)
    if "quantity" in row.payload or "inventory_level" in row.payload:
        return _stock(row, ownership)
    return _fields(row, ownership)


def _not_owned(row: PlanRow, name: str, ownership: Ownership) -> PlanRow:
    owner = ownership.owner(name) if name else ""
    return replace(
        row,
        outcome=Outcome.SKIP,
        reason=Reason.NOT_OWNED,
        payload={},
        changes={},
        key="",
        detail=f"{name.replace('_', ' ')} is owned by {owner}: not written",
        facts={**row.facts, "field": name, "owner": owner},
    )
