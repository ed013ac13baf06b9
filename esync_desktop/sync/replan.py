"""Planning again only the items a fix touched, and putting their new rows into the plan the
owner is looking at (the rest of the plan stays as previewed)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace

from esync_desktop.domain.sku import sku_key
from esync_desktop.sync.analysis import item_key
from esync_desktop.sync.model import ActionPlan, TaskPlan
from esync_desktop.sync.runner import StalePlan


def focus_keys(skus: Iterable[str]) -> frozenset[str]:
    """The SKU keys (domain/sku.py) of these SKUs, for Snapshot.focus."""
    return frozenset(k for k in (sku_key(s) for s in skus) if k is not None)


def merge_plans(old: TaskPlan, new: TaskPlan) -> TaskPlan:
    """`old` with the rows of every item `new` planned replaced by `new`'s rows, per step.
    Steps `new` did not plan are kept as they were. A step whose cursor moved in between
    (another sync ran) makes the whole plan stale: preview again."""
    fresh = {a.action: a for a in new.actions}
    actions: list[ActionPlan] = []
    for action in old.actions:
        again = fresh.get(action.action)
        if again is None:
            actions.append(action)
            continue
        if again.cursor_after.get("previous") != action.cursor_after.get("previous"):
            raise StalePlan(action.action)
        # By item, and by what the cursor tracks: a group's one create row replaces the rows
        # its variants had when it was held back.
        keys = {item_key(r) for r in again.rows}
        tracked = {r.cursor_key for r in again.rows if r.cursor_key}
        kept = [r for r in action.rows if item_key(r) not in keys and r.cursor_key not in tracked]
        actions.append(replace(action, rows=(*kept, *again.rows)))
    calls = {
        k: old.api_calls.get(k, 0) + new.api_calls.get(k, 0)
        for k in {*old.api_calls, *new.api_calls}
    }
    # Another plan now: the journal tells plans apart by this id.
    return replace(old, actions=tuple(actions), api_calls=calls, plan_id=uuid.uuid4().hex)
