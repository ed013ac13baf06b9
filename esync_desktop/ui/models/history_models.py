"""Tables of the History & Logs page: past runs, the items of one run, the integration log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from esync_desktop import wording
from esync_desktop.sync.items import ItemRow
from esync_desktop.ui import log_text, order_words
from esync_desktop.ui.models.base import Column, RowFilterProxyModel, RowTableModel
from esync_desktop.ui.models.item_rows import (
    RESULT_COLUMN,
    SKU_COLUMN,
    STEPS_COLUMN,
    StepsAsItems,
)

RESULT_LABELS = {
    "ok": "Finished",
    "failed_items": "Finished, some items failed",
    "cancelled": "Cancelled",
    "error": "Stopped by an error",
    "running": "Running",
    None: "Running",
}
ITEM_OUTCOME_LABELS = {**wording.OUTCOME_LABELS, "not_done": "Not done (cancelled)"}
REASON_LABELS: dict[str, str] = {str(k): v for k, v in wording.REASON_TEXT.items()}
BAD = QColor("#b3261e")


def _when(value: Any) -> str:
    return log_text.log_when(value)


def _when_key(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value or 0)


def _count(run: Any, outcome: str) -> int:
    return int((getattr(run, "counts", None) or {}).get(outcome, 0))


def _duration(run: Any) -> str:
    seconds = getattr(run, "duration_s", None)
    if seconds is None:
        return ""
    return f"{seconds:.1f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def _count_column(title: str, outcome: str) -> Column[Any]:
    return Column(title, lambda r: str(_count(r, outcome)), lambda r: _count(r, outcome),
                  align_right=True)  # fmt: skip


class FieldFilterTableModel(RowTableModel[Any]):
    """Rows filtered by one attribute (`outcome`, `result`, `kind`) being in a set of values."""

    def __init__(
        self, columns: list[Column[Any]], field: str, parent: QObject | None = None
    ) -> None:
        super().__init__(columns, parent)
        self._field = field
        self._values: frozenset[str] | None = None

    def set_values(self, values: Iterable[str] | None) -> None:
        self._values = None if values is None else frozenset(values)
        self.refilter()

    def row_filter(self) -> Callable[[Any], bool] | None:
        values, field = self._values, self._field
        if values is None:
            return None
        return lambda row: str(getattr(row, field, "")) in values


RUN_COLUMNS: list[Column[Any]] = [
    Column("When", lambda r: _when(r.started_at), lambda r: _when_key(r.started_at)),
    Column("Task", lambda r: str(r.task)),
    Column("Started", lambda r: wording.TRIGGER_LABELS.get(r.trigger, str(r.trigger))),
    _count_column("Created", "create"),
    _count_column("Updated", "update"),
    _count_column("Unchanged", "unchanged"),
    _count_column("Skipped", "skip"),
    _count_column("Failed", "fail"),
    Column("Took", _duration, lambda r: getattr(r, "duration_s", 0) or 0, align_right=True),
    Column(
        "Result",
        lambda r: RESULT_LABELS.get(r.result, str(r.result)),
        tooltip=lambda r: str(getattr(r, "error", "") or ""),
    ),
]
RUN_RESULT = len(RUN_COLUMNS) - 1


class RunsTableModel(FieldFilterTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(RUN_COLUMNS, "result", parent)

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        bad = row.result in ("error", "failed_items")
        if role == Qt.ItemDataRole.ForegroundRole and column == RUN_RESULT and bad:
            return QBrush(BAD)
        return None


def step_why(step: Any) -> str:
    """A run's step record's reason in words ("" when written or unchanged)."""
    reason = getattr(step, "reason", None)
    if not reason or reason == "unchanged":
        return ""
    return REASON_LABELS.get(reason, str(reason).replace("_", " "))


def item_name(item: ItemRow, *, short: bool = True) -> str:
    """An order step's item is named by both stores' references (BigCommerce #, Clover id);
    another by its name in the run."""
    step = item.focus
    return (
        order_words.reference(step, short=short)
        or next((s.name for s in item.steps if getattr(s, "name", None)), None)
        or item.clover_name
        or item.bc_name
        or ""
    )


def _item_details(item: ItemRow) -> str:
    return str(getattr(item.focus, "detail", "") or "")


ITEM_COLUMNS: list[Column[ItemRow]] = [
    SKU_COLUMN,
    Column(
        "Name / order",
        item_name,
        lambda r: item_name(r).casefold(),
        tooltip=lambda r: item_name(r, short=False),
    ),
    STEPS_COLUMN,
    RESULT_COLUMN,
    Column("Why", lambda r: step_why(r.focus)),
    Column("What to do", lambda r: ""),  # per model: see RunItemsTableModel
    Column("Details", _item_details, tooltip=_item_details),
]
ITEM_RESULT, ITEM_FIX = 3, 5


class RunItemsTableModel(StepsAsItems, FieldFilterTableModel):
    """A run's items (its step records grouped by sync.items.group_items), filtered by their
    result (ItemRow.outcome: "Skipped" lists items whose result is a skip), to those with a step
    that needs the owner, and by a search of SKU, name, steps, result, why and details."""

    def __init__(self, parent: QObject | None = None) -> None:
        columns = list(ITEM_COLUMNS)
        # The fix depends on the rest of the run (what its create steps made or skipped).
        columns[ITEM_FIX] = Column("What to do", self.item_fix, tooltip=self.item_fix)
        super().__init__(columns, "outcome", parent)
        self._attention = False

    def fix_for(self, step: Any) -> str:
        """What to do about one step of the run."""
        return wording.item_fix(step, self.creating, self.create_skips)

    def item_fix(self, item: ItemRow) -> str:
        """What to do about the item: its first step that needs the owner says; a cancelled
        sync's item, that the next sync sends it."""
        step = item.attention if item.attention is not None else item.result
        return self.fix_for(step)

    def set_attention_only(self, on: bool) -> None:
        """Only items the owner can do something about (see analysis.needs_attention)."""
        self._attention = on
        self.refilter()

    def row_filter(self) -> Callable[[Any], bool] | None:
        by_value = super().row_filter()
        if not self._attention:
            return by_value

        def passes(item: ItemRow) -> bool:
            return (by_value is None or by_value(item)) and item.attention is not None

        return passes

    def search_text(self, row: ItemRow) -> str:
        # What the owner looks for: SKU, names (an order's references) and each step's
        # details; not the advice. Made for 100k items at the first search: nothing slower.
        details = [str(getattr(s, "detail", "") or "") for s in row.steps]
        names = [row.sku or "", item_name(row, short=False), row.clover_name or ""]
        return "\t".join([*names, row.bc_name or "", *details])

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        bad = row.outcome == "fail"
        if role == Qt.ItemDataRole.ForegroundRole and column == ITEM_RESULT and bad:
            return QBrush(BAD)
        return None


class OutcomeSearchProxyModel(RowFilterProxyModel):
    """The view adapter of the history tables: filter and search happen in the source."""

    def set_values(self, values: Iterable[str] | None) -> None:
        model = self.source_rows()
        assert isinstance(model, FieldFilterTableModel)
        model.set_values(values)

    def set_attention_only(self, on: bool) -> None:
        model = self.source_rows()
        assert isinstance(model, RunItemsTableModel)
        model.set_attention_only(on)


STORE_LABELS = {"clover": "Clover", "bigcommerce": "BigCommerce"}
LOG_KIND_LABELS = {"exchange": "Request", "mapping_error": "Refused item", "error": "Error"}

LOG_COLUMNS: list[Column[Any]] = [
    Column(
        "When",
        lambda e: _when(getattr(e, "at", None) or getattr(e, "created_at", None)),
        lambda e: _when_key(getattr(e, "at", None) or getattr(e, "created_at", None)),
    ),
    Column("Kind", lambda e: LOG_KIND_LABELS.get(e.kind, str(e.kind))),
    Column("Store", lambda e: STORE_LABELS.get(getattr(e, "api", "") or "", "")),
    Column(
        "Status",
        lambda e: "" if getattr(e, "status", None) is None else str(e.status),
        lambda e: getattr(e, "status", None) or 0,
        align_right=True,
    ),
    Column("Item", log_text.log_item),
    Column("What", log_text.log_what, tooltip=log_text.log_details),
]


class LogTableModel(FieldFilterTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(LOG_COLUMNS, "kind", parent)

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            status = getattr(row, "status", None)
            if row.kind != "exchange" or (isinstance(status, int) and status >= 400):
                return QBrush(BAD)
        return None
