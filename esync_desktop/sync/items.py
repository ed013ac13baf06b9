"""A plan's or a run's rows as the owner counts them: one entry per item, its steps in plan
order, what becomes of it, and the first step that needs the owner.

A plan has a row per item and step (create, stock per location, price...). The owner thinks in
items: "Mug: new product; its stock and price follow once it exists". `group_items` makes one
pass over the rows (no Qt), so the preview and History show 100k items without a pause.
Works on PlanRow and on a past run's item records (outcome and reason as plain strings).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from esync_desktop.sync import analysis
from esync_desktop.sync.analysis import created_skus, item_key, needs_attention
from esync_desktop.sync.model import Outcome, Reason

# What a step does for its item, beyond its outcome: needs the owner (a skip they can fix),
# or waits for the product this same plan creates (its SKU is not in BigCommerce yet).
ATTENTION = "attention"
WAITS = "waits"
NOT_DONE = "not_done"  # a run's step that a cancelled sync never reached
# Which step's outcome is the item's result: the one that matters most to the owner. An item
# whose other steps only wait for its create is a create; one step that needs the owner makes
# the whole item need them (as analysis.tally_items counts).
STATE_RANK = {
    Outcome.FAIL.value: 7,
    ATTENTION: 6,
    NOT_DONE: 5,
    Outcome.CREATE.value: 4,
    Outcome.UPDATE.value: 3,
    Outcome.UNCHANGED.value: 2,
    WAITS: 1,
    Outcome.SKIP.value: 0,
}


@dataclass(slots=True, eq=False)
class ItemRow:
    """One item: its steps (plan rows or run records) in plan order with a state each
    (an outcome value, ATTENTION or WAITS), the step giving its result and that step's state,
    and the first step that needs the owner (None when none does)."""

    key: str
    steps: tuple[Any, ...]
    states: tuple[str, ...]
    result: Any
    state: str
    attention: Any | None
    sku: str | None
    clover_name: str | None
    bc_name: str | None

    @property
    def outcome(self) -> str:
        """The item's result as an outcome value (create, update, unchanged, skip, fail,
        not_done): the outcome of its result step."""
        return str(getattr(self.result, "outcome", ""))

    @property
    def needs_attention(self) -> bool:
        return self.attention is not None

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(s.action for s in self.steps)

    @property
    def focus(self) -> Any:
        """The step to show first: the one that needs the owner, else the result's."""
        return self.attention if self.attention is not None else self.result


# A step's state by its outcome when it can neither need the owner nor wait (see step_state).
_PLAIN_STATES = {o: o.value for o in Outcome if o not in (Outcome.SKIP, Outcome.FAIL)}


def step_state(row: Any, creating: frozenset[str]) -> str:
    """What the step does for its item: its outcome value, ATTENTION or WAITS."""
    outcome = row.outcome
    plain = _PLAIN_STATES.get(outcome)
    # Writes and unchanged rows never need the owner, but for a return waiting to be restocked
    # (analysis.needs_attention): the quick answer for most of 400k rows.
    if plain is not None and row.reason != Reason.NOT_RESTOCKED:
        return plain
    outcome = str(outcome)
    if outcome == Outcome.FAIL:
        return outcome
    if needs_attention(row, creating):
        return ATTENTION
    if (
        outcome == Outcome.SKIP
        and row.reason == Reason.NOT_IN_BIGCOMMERCE
        and row.sku
        and row.sku.casefold() in creating
    ):
        return WAITS
    return outcome


def _item(key: str, steps: list[Any], states: list[str]) -> ItemRow:
    """One pass over the item's steps: its result (the first of the highest rank), the first
    step needing the owner, and the first name each store gives."""
    best = attention = None
    best_rank = -1
    sku = clover_name = bc_name = None
    for n, state in enumerate(states):
        step = steps[n]
        rank = STATE_RANK.get(state, 0)
        if rank > best_rank:
            best, best_rank = n, rank
        if attention is None and (state == ATTENTION or state == "fail"):
            attention = step
        sku = sku or step.sku
        clover_name = clover_name or step.clover_name
        bc_name = bc_name or getattr(step, "bc_name", None)
    assert best is not None
    return ItemRow(
        key=key,
        steps=tuple(steps),
        states=tuple(states),
        result=steps[best],
        state=states[best],
        attention=attention,
        sku=sku,
        clover_name=clover_name,
        bc_name=bc_name,
    )


def group_items(rows: Sequence[Any], creating: frozenset[str] | None = None) -> list[ItemRow]:
    """The rows as items (see analysis.item_key), in the order items first appear, each with
    its steps in row order. `creating`: the SKUs the rows create (computed when None)."""
    if creating is None:
        creating = created_skus(rows)
    steps: dict[str, list[Any]] = {}
    states: dict[str, list[str]] = {}
    key_of, state_of = item_key, step_state
    for row in rows:
        key = key_of(row)
        state = state_of(row, creating)
        found = steps.get(key)
        if found is None:
            steps[key] = [row]
            states[key] = [state]
        else:
            found.append(row)
            states[key].append(state)
    return [_item(key, found, states[key]) for key, found in steps.items()]


@dataclass(frozen=True)
class Grouped:
    """Steps (plan rows or a run's records) with their items and what the preview shows
    beside them, computed once: the worker thread that planned or loaded the steps makes
    this, so the window only shows it (400k steps take a second to group)."""

    steps: tuple[Any, ...]
    creating: frozenset[str]
    # SKUs whose create step is skipped for something to fix (analysis.create_skips).
    create_skips: dict[str, Any]
    items: tuple[ItemRow, ...]

    @cached_property
    def tally(self) -> analysis.ItemTally:
        """analysis.tally_items of the steps, from the items: each counted once, needing the
        owner first, then new, then updated."""
        states = [ATTENTION if i.attention is not None else i.state for i in self.items]
        new, updated = states.count(Outcome.CREATE.value), states.count(Outcome.UPDATE.value)
        attention = states.count(ATTENTION)
        return analysis.ItemTally(new, updated, attention, len(states) - new - updated - attention)

    @cached_property
    def fix_groups(self) -> list[analysis.FixGroup]:
        return analysis.fix_groups(self.steps)


def grouped(steps: Iterable[Any]) -> Grouped:
    rows = tuple(steps)
    creating = created_skus(rows)
    return Grouped(rows, creating, analysis.create_skips(rows), tuple(group_items(rows, creating)))


# The last plan grouped, and its Grouped: the preview's worker groups the plan it made, and
# the window, given that same plan, finds it here (plan objects are never changed).
_last_plan: tuple[weakref.ref[Any], Grouped] | None = None


def plan_grouped(plan: Any, *, ready: bool = False) -> Grouped:
    """The plan's rows grouped (a TaskPlan's, action after action). `ready`: also work out
    the headline tally and the fix-it groups now (in the worker, not in the window)."""
    global _last_plan
    last = _last_plan
    if last is not None and last[0]() is plan:
        found = last[1]
    else:
        found = grouped(r for a in plan.actions for r in a.rows)
        _last_plan = (weakref.ref(plan), found)
    if ready:
        _ = found.tally, found.fix_groups
    return found
