"""One name, one product, across the create actions of a task: send-standard and send-matrix
are planned on their own, so a simple item and an item group of the same name would both be
created, and BigCommerce would refuse the second. The action that comes first in the task keeps
the name; the other's create becomes `name_in_use`, naming the item or group that has it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from esync_desktop.domain.bigcommerce_limits import product_name_key
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.plan_create import SEND_MATRIX, SEND_STANDARD, Refusal, skip_row
from esync_desktop.sync.snapshot import Snapshot

CREATE_ACTIONS = (SEND_STANDARD, SEND_MATRIX)


def settle_names(plans: Sequence[ActionPlan], snapshot: Snapshot) -> list[ActionPlan]:
    """`plans` with every create whose name an earlier create action of the task takes
    turned into skip rows (one per Clover item, with the create's cursor marks)."""
    if sum(p.action in CREATE_ACTIONS for p in plans) < 2:
        return list(plans)
    owners: dict[str, tuple[str, str, str]] = {}  # name key -> (action, Clover id, label)
    clashes = False
    for plan in plans:
        if plan.action not in CREATE_ACTIONS:
            continue
        for row in plan.rows:
            if row.outcome is Outcome.CREATE:
                owner = (plan.action, row.clover_id or "", "")
                clashes = owners.setdefault(_key(row), owner)[0] != plan.action or clashes
    if not clashes:
        return list(plans)
    return [_settled(plan, owners, snapshot) for plan in plans]


def _key(row: PlanRow) -> str:
    return product_name_key(str(row.payload.get("name", "")))


def _label(action: str, clover_id: str, snapshot: Snapshot) -> str:
    if action == SEND_MATRIX:
        return f"Clover item group {clover_id}"
    return f"Clover item {snapshot.items_by_id[clover_id].clean_sku}"


def _settled(
    plan: ActionPlan, owners: dict[str, tuple[str, str, str]], snapshot: Snapshot
) -> ActionPlan:
    if plan.action not in CREATE_ACTIONS:
        return plan
    rows: list[PlanRow] = []
    changed = False
    for row in plan.rows:
        owner = owners.get(_key(row)) if row.outcome is Outcome.CREATE else None
        if owner is None or owner[0] == plan.action:
            rows.append(row)
            continue
        changed = True
        detail = f"{_label(owner[0], owner[1], snapshot)} gets this name first in this sync"
        refusal = Refusal(Reason.NAME_IN_USE, detail, {"clover_id": owner[1]})
        mark: dict[str, Any] = {
            "source_ms": row.source_ms,
            "content_hash": row.content_hash,
            "cursor_key": row.cursor_key,
        }
        if plan.action == SEND_MATRIX:
            items = snapshot.items_by_group.get(row.clover_id or "", ())
        else:
            items = (snapshot.items_by_id[row.clover_id or ""],)
        rows.extend(skip_row(plan.action, item, refusal, **mark) for item in items)
    return replace(plan, rows=tuple(rows)) if changed else plan
