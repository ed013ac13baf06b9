"""Planning again only the items a fix touched, and putting their new rows into the plan the
owner is looking at (the rest of the plan stays as previewed)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from esync_desktop.domain.sku import name_key, sku_key
from esync_desktop.sync.analysis import item_key
from esync_desktop.sync.model import ActionPlan, TaskPlan
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.runner import StalePlan
from esync_desktop.sync.snapshot import Snapshot


class Fixed(StrEnum):
    """What a fix changed, so that only that is read again before its items are planned."""

    # A weight, a category map or a task option: the stores are as previewed.
    RULE = "rule"
    # A BigCommerce category was created: the store's categories are read again.
    BC_CATEGORIES = "bc-categories"


@dataclass(frozen=True)
class Held:
    """The snapshot a plan was made from, kept so a fix plans its items again from what the
    preview read instead of reading both stores again."""

    plan_id: str
    scope: str
    # The steps planned from it: a step added since may need a part it lacks.
    actions: frozenset[str]
    snapshot: Snapshot

    def serves(self, plan: TaskPlan, scope: str, actions: Iterable[str]) -> bool:
        return plan.plan_id == self.plan_id and scope == self.scope and self.actions >= {*actions}


def categories_stale(snapshot: Snapshot, rules: Rules, fixed: Fixed) -> bool:
    """Whether the store's categories must be read again before planning the focused items:
    after a category was created, or when the category map sends one of them to a category the
    snapshot does not hold (one made in BigCommerce after the preview)."""
    if fixed is Fixed.BC_CATEGORIES:
        return True
    for item in snapshot.planned_items:
        for name in item.categories:
            key = name_key(name)
            if key in rules.category_map and not snapshot.categories.match([name], rules):
                return True
    return False


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
