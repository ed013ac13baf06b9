"""The preview table: one row per planned item, with why it is skipped and how to fix it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from esync_desktop import wording
from esync_desktop.domain.plan import Outcome, PlanRow, TaskPlan
from esync_desktop.sync import analysis
from esync_desktop.ui import order_words
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
    return wording.reason_text(row) if row.outcome is not Outcome.UNCHANGED else ""


def _tooltip(row: PlanRow) -> str:
    return row.detail


def _step(row: PlanRow) -> str:
    """The step, with the location for the stock rows (one row per SKU and location)."""
    step = wording.action_short_label(row.action)
    location = row.facts.get("location")
    return f"{step} · {location}" if location else step


COLUMNS: list[Column[PlanRow]] = [
    Column(
        "SKU",
        lambda r: r.sku or order_words.short_reference(r) or "(no SKU)",
        lambda r: (r.sku or order_words.short_reference(r)).casefold(),
    ),
    Column(
        "Clover name", lambda r: r.clover_name or "", lambda r: (r.clover_name or "").casefold()
    ),
    Column(
        "Step",
        _step,
        lambda r: (r.action, str(r.facts.get("location", ""))),
        tooltip=lambda r: wording.action_label(r.action),
    ),
    Column(
        "Result",
        order_words.outcome_label,
        lambda r: OUTCOME_ORDER[r.outcome.value],
    ),
    Column("Why", _why, tooltip=_tooltip),
    Column("What to do", lambda r: "", tooltip=lambda r: ""),  # per model: see PlanTableModel
    Column(
        "Changes",
        lambda r: wording.changes_text(r.changes),
        tooltip=lambda r: wording.changes_text(r.changes),
    ),
    Column("BigCommerce name", lambda r: r.bc_name or "", lambda r: (r.bc_name or "").casefold()),
]
SKU, CLOVER_NAME, ACTION, OUTCOME, WHY, FIX, CHANGES, BC_NAME = range(len(COLUMNS))


class PlanTableModel(RowTableModel[PlanRow]):
    """The preview's rows, filtered by outcome, by action, to those needing attention, and by
    a search of SKU and both names."""

    def __init__(self, parent: QObject | None = None) -> None:
        columns = list(COLUMNS)
        # The fix depends on the rest of the plan (a SKU this plan creates needs nothing).
        columns[FIX] = Column("What to do", self.fix_for, tooltip=self.fix_for)
        super().__init__(columns, parent)
        self.creating: frozenset[str] = frozenset()
        # SKUs the plan's create steps skip: a later "Not found in BigCommerce" points there.
        self.create_skips: dict[str, PlanRow] = {}
        self._outcomes: frozenset[Outcome] | None = None
        self._attention = False
        self._action: str | None = None
        self._keys: frozenset[str] | None = None

    def set_plan(self, plan: TaskPlan | None) -> None:
        self.set_rows([] if plan is None else [r for a in plan.actions for r in a.rows])

    def extra_data(self, row: PlanRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == OUTCOME:
            return QBrush(OUTCOME_COLOURS[row.outcome])
        return None

    def search_text(self, row: PlanRow) -> str:
        return f"{row.sku or ''}\t{row.clover_name or ''}\t{row.bc_name or ''}"

    def fix_for(self, row: PlanRow) -> str:
        return wording.fix_for(row, self.creating, self.create_skips)

    def needs_attention(self, row: PlanRow) -> bool:
        return analysis.needs_attention(row, self.creating)

    def on_rows_set(self) -> None:
        self.creating = analysis.created_skus(self._all)
        self.create_skips = analysis.create_skips(self._all)

    def on_rows_appended(self, first: int) -> None:
        self.creating = self.creating | analysis.created_skus(self._all[first:])
        self.create_skips = {**analysis.create_skips(self._all[first:]), **self.create_skips}

    # -- filters ---------------------------------------------------------------------------------

    def set_outcomes(self, outcomes: Iterable[str] | None) -> None:
        self._outcomes = None if outcomes is None else frozenset(Outcome(o) for o in outcomes)
        self.refilter()

    def set_attention_only(self, on: bool) -> None:
        """Only rows the owner can do something about (see analysis.needs_attention)."""
        self._attention = on
        self.refilter()

    def set_action(self, action: str | None) -> None:
        self._action = action or None
        self.refilter()

    def set_item_keys(self, keys: frozenset[str] | None) -> None:
        """Only the rows of these items (analysis.item_key): a fix-it group's; None for all."""
        self._keys = keys
        self.refilter()

    def row_filter(self) -> Callable[[PlanRow], bool] | None:
        outcomes, action, attention = self._outcomes, self._action, self._attention
        keys = self._keys
        if outcomes is None and action is None and not attention and keys is None:
            return None
        needs_attention, item_key = self.needs_attention, analysis.item_key

        def passes(row: PlanRow) -> bool:
            return (
                (outcomes is None or row.outcome in outcomes)
                and (action is None or row.action == action)
                and (not attention or needs_attention(row))
                and (keys is None or item_key(row) in keys)
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
