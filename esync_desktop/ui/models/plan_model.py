"""The preview table: one row per item (its steps in one cell), with why it needs the owner
and what to do; the selected item's steps are shown in full below the table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from esync_desktop import wording
from esync_desktop.domain.plan import Outcome, PlanRow, TaskPlan
from esync_desktop.sync import analysis
from esync_desktop.sync.items import WAITS, ItemRow, plan_grouped
from esync_desktop.ui.models.base import Column, RowFilterProxyModel, RowTableModel
from esync_desktop.ui.models.item_rows import (
    NOTHING,
    RESULT_COLUMN,
    SKU_COLUMN,
    STEPS_COLUMN,
    StepsAsItems,
)

OUTCOME_COLOURS = {
    Outcome.CREATE: QColor("#1b7f3b"),
    Outcome.UPDATE: QColor("#1f5fa8"),
    Outcome.UNCHANGED: QColor("#6b6b6b"),
    Outcome.SKIP: QColor("#a15c00"),
    Outcome.FAIL: QColor("#b3261e"),
}
WAITS_COLOUR = QColor("#1b7f3b")


def why_step(item: ItemRow) -> Any:
    """The step whose reason the Why column gives: the first that needs the owner, else the
    result's when it is a skip (nothing to say about a create or an update)."""
    if item.attention is not None:
        return item.attention
    return item.result if item.outcome == Outcome.SKIP else None


def why_text(item: ItemRow) -> str:
    step = why_step(item)
    return wording.reason_text(step) if step is not None else ""


def why_detail(item: ItemRow) -> str:
    step = why_step(item)
    return str(getattr(step, "detail", "") or "") if step is not None else ""


def item_changes(item: ItemRow) -> str:
    """What the item's writing steps change, step after step."""
    return "; ".join(wording.changes_text(s.changes) for s in item.steps if s.changes and s.writes)


COLUMNS: list[Column[ItemRow]] = [
    SKU_COLUMN,
    Column(
        "Clover name", lambda r: r.clover_name or "", lambda r: (r.clover_name or "").casefold()
    ),
    STEPS_COLUMN,
    RESULT_COLUMN,
    Column("Why", why_text, tooltip=why_detail),
    Column("What to do", lambda r: "", tooltip=lambda r: ""),  # per model: see PlanTableModel
    Column("Changes", item_changes, tooltip=item_changes),
    Column("BigCommerce name", lambda r: r.bc_name or "", lambda r: (r.bc_name or "").casefold()),
]
SKU, CLOVER_NAME, STEPS, OUTCOME, WHY, FIX, CHANGES, BC_NAME = range(len(COLUMNS))


class PlanTableModel(StepsAsItems, RowTableModel[ItemRow]):
    """The preview's items (sync.items.group_items of the plan's rows), filtered by result,
    by step, to those needing attention, to a fix-it group's, and by a search of SKU and both
    names. `rows()` are items; `step_rows()` the plan's rows (a row per item and step)."""

    def __init__(self, parent: QObject | None = None) -> None:
        columns = list(COLUMNS)
        # The fix depends on the rest of the plan (a SKU this plan creates needs nothing).
        columns[FIX] = Column("What to do", self.item_fix, tooltip=self.item_fix)
        super().__init__(columns, parent)
        self._outcomes: frozenset[str] | None = None
        self._attention = False
        self._action: str | None = None
        self._keys: frozenset[str] | None = None

    def set_plan(self, plan: TaskPlan | None) -> None:
        self.set_grouped(NOTHING if plan is None else plan_grouped(plan))

    def extra_data(self, row: ItemRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == OUTCOME:
            if row.state == WAITS:
                return QBrush(WAITS_COLOUR)
            return QBrush(OUTCOME_COLOURS.get(Outcome(row.outcome), WAITS_COLOUR))
        return None

    def search_text(self, row: ItemRow) -> str:
        return f"{row.sku or ''}\t{row.clover_name or ''}\t{row.bc_name or ''}"

    def fix_for(self, row: PlanRow) -> str:
        """What to do about one step (a plan row)."""
        return wording.fix_for(row, self.creating, self.create_skips)

    def item_fix(self, item: ItemRow) -> str:
        """What to do about the item: its first step that needs the owner says."""
        return self.fix_for(item.attention) if item.attention is not None else ""

    def needs_attention(self, row: PlanRow) -> bool:
        return analysis.needs_attention(row, self.creating)

    # -- filters ---------------------------------------------------------------------------------

    def set_outcomes(self, outcomes: Iterable[str] | None) -> None:
        """Only items whose result (ItemRow.outcome) is one of these outcome values."""
        self._outcomes = None if outcomes is None else frozenset(str(o) for o in outcomes)
        self.refilter()

    def set_attention_only(self, on: bool) -> None:
        """Only items with a step the owner can do something about (analysis.needs_attention)."""
        self._attention = on
        self.refilter()

    def set_action(self, action: str | None) -> None:
        """Only items that have this step."""
        self._action = action or None
        self.refilter()

    def set_item_keys(self, keys: frozenset[str] | None) -> None:
        """Only these items (analysis.item_key): a fix-it group's; None for all."""
        self._keys = keys
        self.refilter()

    def row_filter(self) -> Callable[[ItemRow], bool] | None:
        outcomes, action, attention = self._outcomes, self._action, self._attention
        keys = self._keys
        if outcomes is None and action is None and not attention and keys is None:
            return None

        def passes(item: ItemRow) -> bool:
            return (
                (outcomes is None or item.outcome in outcomes)
                and (not attention or item.attention is not None)
                and (keys is None or item.key in keys)
                and (action is None or any(s.action == action for s in item.steps))
            )

        return passes


class PlanFilterProxyModel(RowFilterProxyModel):
    """The preview table's view adapter: the filters are PlanTableModel's (see RowTableModel)."""

    def plan_rows(self) -> PlanTableModel:
        model = self.source_rows()
        assert isinstance(model, PlanTableModel)
        return model

    def set_outcomes(self, outcomes: Iterable[str] | None) -> None:
        self.plan_rows().set_outcomes(outcomes)

    def set_attention_only(self, on: bool) -> None:
        self.plan_rows().set_attention_only(on)

    def set_action(self, action: str | None) -> None:
        self.plan_rows().set_action(action)

    def set_item_keys(self, keys: frozenset[str] | None) -> None:
        self.plan_rows().set_item_keys(keys)

    def visible_steps(self) -> list[PlanRow]:
        """The steps of the shown items, in view order (the CSV export: a row per step)."""
        return self.plan_rows().shown_steps()
