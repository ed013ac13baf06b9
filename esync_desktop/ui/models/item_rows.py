"""What the preview's and History's item tables share: they are given steps (plan rows or a
run's item records) and show them grouped as items (sync.items)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from esync_desktop import wording
from esync_desktop.sync.items import STATE_RANK, WAITS, Grouped, ItemRow
from esync_desktop.sync.items import grouped as group_steps
from esync_desktop.ui import order_words
from esync_desktop.ui.models.base import Column

NOTHING = group_steps(())


def reference(item: ItemRow) -> str:
    """The SKU column: the SKU, else what names an order step's item ("Order #101")."""
    return item.sku or order_words.short_reference(item.result) or ""


def result_text(item: ItemRow) -> str:
    """The item's result in the words of its result step (a web order is not "New product")."""
    if item.state == WAITS:
        return wording.WAITS_RESULT
    return order_words.outcome_label(item.result)


# The columns both item tables have: SKU, the steps in one line, the item's result.
SKU_COLUMN: Column[ItemRow] = Column(
    "SKU", lambda r: reference(r) or "(no SKU)", lambda r: reference(r).casefold()
)
STEPS_COLUMN: Column[ItemRow] = Column(
    "Steps",
    wording.steps_text,
    lambda r: tuple(s.action for s in r.steps),
    tooltip=wording.steps_words,
)
RESULT_COLUMN: Column[ItemRow] = Column("Result", result_text, lambda r: STATE_RANK.get(r.state, 0))


class StepsAsItems:
    """A mixin for a RowTableModel of ItemRow: `set_grouped` / `set_steps` show steps as
    items, `rows()` are the items, `step_rows()` the steps, and `creating` / `create_skips`
    say what the steps' create steps make or skip (for wording.fix_for)."""

    # Replaced whole by set_grouped, never changed in place: safe as a shared default.
    grouped: Grouped = NOTHING

    if TYPE_CHECKING:  # RowTableModel's, which the class using this mixin also is

        def set_rows(self, rows: Any) -> None: ...
        def shown_rows(self) -> list[ItemRow]: ...

    @property
    def creating(self) -> frozenset[str]:
        return self.grouped.creating

    @property
    def create_skips(self) -> dict[str, Any]:
        return self.grouped.create_skips

    def set_grouped(self, found: Grouped) -> None:
        """Shows these items (grouped in a worker thread: see sync.items.Grouped)."""
        self.grouped = found
        self.set_rows(found.items)

    def set_steps(self, steps: Iterable[Any]) -> None:
        """Groups these steps and shows them as items, each item's steps in the given order."""
        self.set_grouped(group_steps(steps))

    def step_rows(self) -> list[Any]:
        """Every step (a row per item and step), in the order given."""
        return list(self.grouped.steps)

    def shown_steps(self) -> list[Any]:
        """The steps of the items the filters let through, item after item in view order."""
        return [s for item in self.shown_rows() for s in item.steps]
