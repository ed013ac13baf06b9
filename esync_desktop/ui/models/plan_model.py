"""The preview table: one row per planned item, with why it is skipped and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from esync_desktop.sync.model import Outcome, PlanRow, TaskPlan
from esync_desktop.ui import messages
from esync_desktop.ui.models.base import Column, RowFilterProxyModel, RowTableModel

OUTCOME_ORDER = {o.value: n for n, o in enumerate(Outcome)}
OUTCOME_COLOURS = {
    Outcome.CREATE: QColor("#1b7f3b"),
    Outcome.UPDATE: QColor("#1f5fa8"),
    Outcome.UNCHANGED: QColor("#6b6b6b"),
    Outcome.SKIP: QColor("#a15c00"),
    Outcome.FAIL: QColor("#b3261e"),
}


def _why(row: PlanRow) -> str:
    return messages.reason_text(row) if row.outcome is not Outcome.UNCHANGED else ""


def _tooltip(row: PlanRow) -> str:
    return row.detail


COLUMNS: list[Column[PlanRow]] = [
    Column("SKU", lambda r: r.sku or "(no SKU)", lambda r: (r.sku or "").casefold()),
    Column(
        "Clover name", lambda r: r.clover_name or "", lambda r: (r.clover_name or "").casefold()
    ),
    Column("Step", lambda r: messages.action_short_label(r.action), lambda r: r.action),
    Column(
        "Result",
        lambda r: messages.OUTCOME_LABELS[r.outcome],
        lambda r: OUTCOME_ORDER[r.outcome.value],
    ),
    Column("Why", _why, tooltip=_tooltip),
    Column("What to do", lambda r: "", tooltip=lambda r: ""),  # per model: see PlanTableModel
    Column(
        "Changes (now → after sync)",
        lambda r: messages.changes_text(r.changes),
        tooltip=lambda r: messages.changes_text(r.changes),
    ),
    Column("BigCommerce name", lambda r: r.bc_name or "", lambda r: (r.bc_name or "").casefold()),
]
SKU, CLOVER_NAME, ACTION, OUTCOME, WHY, FIX, CHANGES, BC_NAME = range(len(COLUMNS))


class PlanTableModel(RowTableModel[PlanRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        columns = list(COLUMNS)
        # The fix depends on the rest of the plan (a SKU this plan creates needs nothing).
        columns[FIX] = Column("What to do", self.fix_for, tooltip=self.fix_for)
        super().__init__(columns, parent)
        self.creating: frozenset[str] = frozenset()
        # Lower-cased "sku clover-name bc-name" per row: the search filter compares against it
        # without building strings for 100k rows on every keystroke.
        self.search_keys: list[str] = []

    def set_plan(self, plan: TaskPlan | None) -> None:
        self.set_rows([] if plan is None else [r for a in plan.actions for r in a.rows])

    def extra_data(self, row: PlanRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == OUTCOME:
            return QBrush(OUTCOME_COLOURS[row.outcome])
        return None

    @staticmethod
    def _key(row: PlanRow) -> str:
        return f"{row.sku or ''}\t{row.clover_name or ''}\t{row.bc_name or ''}".casefold()

    def fix_for(self, row: PlanRow) -> str:
        return messages.fix_for(row, self.creating)

    def needs_attention(self, row: PlanRow) -> bool:
        return messages.needs_attention(row, self.creating)

    def on_rows_set(self) -> None:
        self.search_keys = [self._key(r) for r in self._rows]
        self.creating = messages.created_skus(self._rows)

    def on_rows_appended(self, first: int) -> None:
        self.search_keys.extend(self._key(r) for r in self._rows[first:])
        self.creating = self.creating | messages.created_skus(self._rows[first:])

    def on_reordered(self, order: list[int]) -> None:
        self.search_keys = [self.search_keys[i] for i in order]


class PlanFilterProxyModel(RowFilterProxyModel):
    """Filters by outcome and action, and searches SKU and both names."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._outcomes: frozenset[str] | None = None
        self._attention = False
        self._action: str | None = None
        self._text = ""

    def set_outcomes(self, outcomes: Iterable[str] | None) -> None:
        def change() -> None:
            self._outcomes = None if outcomes is None else frozenset(outcomes)

        self.refilter(change)

    def set_attention_only(self, on: bool) -> None:
        """Only rows the owner can do something about (see messages.needs_attention)."""

        def change() -> None:
            self._attention = on

        self.refilter(change)

    def set_action(self, action: str | None) -> None:
        def change() -> None:
            self._action = action or None

        self.refilter(change)

    def set_search(self, text: str) -> None:
        def change() -> None:
            self._text = text.strip().casefold()

        self.refilter(change)

    def accepts(self, source_row: int) -> bool:
        model = self.source_rows()
        assert isinstance(model, PlanTableModel)
        row = model.row_at(source_row)
        if self._outcomes is not None and row.outcome.value not in self._outcomes:
            return False
        if self._attention and not model.needs_attention(row):
            return False
        if self._action is not None and row.action != self._action:
            return False
        return not self._text or self._text in model.search_keys[source_row]
