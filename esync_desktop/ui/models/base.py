"""A table model over a list of dataclass rows, its roles, and a proxy that filters fast."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

# Raw value to sort on (numbers, datetimes), and the row's dataclass itself.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    # A sort key; None sorts by the text. Keys of one column must compare with each other.
    key: Callable[[R], Any] | None = None
    tooltip: Callable[[R], str] | None = None
    align_right: bool = False


def _safe_key(value: Any) -> tuple[int, Any]:
    # None sorts first and never meets a str or a number in a comparison.
    return (0, 0) if value is None else (1, value)


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of one dataclass type, sorted and filtered here in Python in one pass each.

    At 100k rows a QSortFilterProxyModel that asks Python `filterAcceptsRow` row by row, or
    `lessThan` pair by pair, stalls the window for seconds; one sorted() or one comprehension
    over the row list takes tens of milliseconds. `rowCount` and `data` see the shown rows only;
    `rows()` and `total_count()` are all of them. `set_rows` resets; `append_rows` inserts.
    """

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._all: list[R] = []
        # The rows the filters let through, in sort order: what the view sees.
        self._rows: list[R] = []
        # The view's last sort, applied again to rows that arrive later (set_rows).
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._search = ""
        # Casefolded search text per row of _all, built on the first search.
        self._search_keys: list[str] | None = None

    # -- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return column.key(row) if column.key else column.text(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.extra_data(row, index.column(), role)

    def extra_data(self, row: R, column: int, role: int) -> Any:
        """Colours and such, for subclasses."""
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        if not self._all:
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_shown = [self._rows[i.row()] for i in old_persistent]
        order_ids = self._sorted_ids(column, order)
        self._all = [self._all[i] for i in order_ids]
        if self._search_keys is not None:
            self._search_keys = [self._search_keys[i] for i in order_ids]
        self.on_reordered(order_ids)
        # The same rows stay shown; only their order changes.
        if len(self._rows) == len(self._all):
            self._rows = list(self._all)
        else:
            shown = {id(r) for r in self._rows}
            self._rows = [r for r in self._all if id(r) in shown]
        if old_persistent:
            new_pos = {id(r): n for n, r in enumerate(self._rows)}
            moved = zip(old_shown, old_persistent, strict=True)
            self.changePersistentIndexList(
                old_persistent, [self.index(new_pos[id(r)], i.column()) for r, i in moved]
            )
        self.layoutChanged.emit()

    def _sorted_ids(self, column: int, order: Qt.SortOrder) -> list[int]:
        spec = self.columns[column]
        key = spec.key or spec.text
        keys = [key(r) for r in self._all]
        if None in keys:
            keys = [_safe_key(k) for k in keys]
        # sorted() is stable both ways, so an item's steps stay in plan order under a sort.
        return sorted(
            range(len(keys)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder
        )

    # -- filtering -------------------------------------------------------------------------------

    def set_search(self, text: str) -> None:
        """Shows only rows whose search text (see `search_text`) contains `text`."""
        text = text.strip().casefold()
        if text != self._search:
            self._search = text
            self.refilter()

    def search_text(self, row: R) -> str:
        """What search looks in: every column's text, for subclasses to narrow."""
        return "\t".join(c.text(row) for c in self.columns)

    def row_filter(self) -> Callable[[R], bool] | None:
        """The test a row must pass besides the search, or None to show every row."""
        return None

    def refilter(self) -> None:
        """Apply the filter settings again (subclasses call it when theirs change)."""
        self.beginResetModel()
        self._rows = self._filtered()
        self.endResetModel()

    def _filtered(self, first: int = 0) -> list[R]:
        """The rows of _all from `first` on that pass the filters (a new list)."""
        test = self.row_filter()
        text = self._search
        rows = self._all
        if test is None and not text:
            return rows[first:]
        if not text:
            assert test is not None
            return [r for r in rows[first:] if test(r)]
        if self._search_keys is None:
            self._search_keys = [self.search_text(r).casefold() for r in rows]
        keys = self._search_keys
        found = range(first, len(rows))
        if test is None:
            return [rows[i] for i in found if text in keys[i]]
        return [rows[i] for i in found if text in keys[i] and test(rows[i])]

    # -- rows ------------------------------------------------------------------------------------

    def on_reordered(self, order: list[int]) -> None:
        """Reorder per-row caches of subclasses the same way (row i is the old row order[i])."""

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        if self._sort is not None:
            self._all = [self._all[i] for i in self._sorted_ids(*self._sort)]
        self._search_keys = None
        self.on_rows_set()
        self._rows = self._filtered()
        self.endResetModel()

    def on_rows_set(self) -> None:
        """Rebuild per-row caches of subclasses after set_rows."""

    def append_rows(self, rows: Sequence[R]) -> None:
        if not rows:
            return
        first = len(self._all)
        self._all.extend(rows)
        if self._search_keys is not None:
            self._search_keys.extend(self.search_text(r).casefold() for r in rows)
        self.on_rows_appended(first)
        shown = self._filtered(first)
        if not shown:
            return
        start = len(self._rows)
        # The last index is inclusive.
        self.beginInsertRows(QModelIndex(), start, start + len(shown) - 1)
        self._rows.extend(shown)
        self.endInsertRows()

    def on_rows_appended(self, first: int) -> None:
        """Extend per-row caches of subclasses with the rows from `first` on."""

    def rows(self) -> list[R]:
        """All rows, shown or not, in sort order."""
        return list(self._all)

    def shown_rows(self) -> list[R]:
        """The rows the filters let through, in view order."""
        return list(self._rows)

    def total_count(self) -> int:
        return len(self._all)

    def row_at(self, row: int) -> R:
        """The shown row at `row`."""
        return self._rows[row]


class RowFilterProxyModel(QSortFilterProxyModel):
    """The view's adapter over a RowTableModel: sorting and the filter settings go to the
    source, which does both in one pass; this proxy never calls back into Python per row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def source_rows(self) -> RowTableModel[Any]:
        model = self.sourceModel()
        assert isinstance(model, RowTableModel)
        return model

    def set_search(self, text: str) -> None:
        self.source_rows().set_search(text)

    def visible_rows(self) -> list[Any]:
        """The rows that pass the filter, in view order (the CSV export)."""
        return self.source_rows().shown_rows()
