"""A plan's or a run's rows as the owner counts them: one entry per item, its steps in plan
order, what becomes of it, and the first step that needs the owner.

A plan has a row per item and step (create, stock per location, price...). The owner thinks in
items: "Mug: new product; its stock and price follow once it exists". `group_items` makes one
pass over the rows (no Qt), so the preview and History show 100k items without a pause.
Works on PlanRow and on a past run's item records (outcome and reason as plain strings).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True, slots=True, eq=False)
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


def step_state(row: Any, creating: frozenset[str]) -> str:
    """What the step does for its item: its outcome value, ATTENTION or WAITS."""
    outcome = str(row.outcome)
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


def _first(steps: Iterable[Any], field: str) -> str | None:
    return next((v for v in (getattr(s, field, None) for s in steps) if v), None)


def _item(key: str, steps: list[Any], states: list[str]) -> ItemRow:
    best = max(range(len(steps)), key=lambda n: (STATE_RANK.get(states[n], 0), -n))
    attention = next(
        (s for s, state in zip(steps, states, strict=True) if state in (ATTENTION, "fail")), None
    )
    return ItemRow(
        key=key,
        steps=tuple(steps),
        states=tuple(states),
        result=steps[best],
        state=states[best],
        attention=attention,
        sku=_first(steps, "sku"),
        clover_name=_first(steps, "clover_name"),
        bc_name=_first(steps, "bc_name"),
    )


def group_items(rows: Sequence[Any], creating: frozenset[str] | None = None) -> list[ItemRow]:
    """The rows as items (see analysis.item_key), in the order items first appear, each with
    its steps in row order. `creating`: the SKUs the rows create (computed when None)."""
    if creating is None:
        creating = created_skus(rows)
    steps: dict[str, list[Any]] = {}
    states: dict[str, list[str]] = {}
    for row in rows:
        key = item_key(row)
        found = steps.get(key)
        if found is None:
            steps[key] = [row]
            states[key] = [step_state(row, creating)]
        else:
            found.append(row)
            states[key].append(step_state(row, creating))
    return [_item(key, found, states[key]) for key, found in steps.items()]
