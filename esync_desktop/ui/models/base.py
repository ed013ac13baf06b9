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
    """Rows of one dataclass type. `set_rows` resets; `append_rows` inserts one batch."""

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[R] = []
        # The view's last sort, applied again to rows that arrive later (set_rows).
        self._sort: tuple[int, Qt.SortOrder] | None = None

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
        """Sorts the rows in Python in one go: at 100k rows that is ~0.1 s, where a proxy's
        lessThan calling data() twice per comparison takes many seconds."""
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        if not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        order_ids = self._sorted_ids(column, order)
        new_pos = {old: new for new, old in enumerate(order_ids)}
        self._rows = [self._rows[i] for i in order_ids]
        self.on_reordered(order_ids)
        self.changePersistentIndexList(
            old_persistent,
            [self.index(new_pos[i.row()], i.column()) for i in old_persistent],
        )
        self.layoutChanged.emit()

    def _sorted_ids(self, column: int, order: Qt.SortOrder) -> list[int]:
        spec = self.columns[column]
        key = spec.key or spec.text
        return sorted(
            range(len(self._rows)),
            key=lambda i: _safe_key(key(self._rows[i])),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    # -- rows ------------------------------------------------------------------------------------

    def on_reordered(self, order: list[int]) -> None:
        """Reorder per-row caches of subclasses the same way (row i is the old row order[i])."""

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            self._rows = [self._rows[i] for i in self._sorted_ids(*self._sort)]
        self.on_rows_set()
        self.endResetModel()

    def on_rows_set(self) -> None:
        """Rebuild per-row caches of subclasses after set_rows."""

    def append_rows(self, rows: Sequence[R]) -> None:
        if not rows:
            return
        first = len(self._rows)
        # The last index is inclusive.
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.on_rows_appended(first)
        self.endInsertRows()

    def on_rows_appended(self, first: int) -> None:
        """Extend per-row caches of subclasses with the rows from `first` on."""

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]


class RowFilterProxyModel(QSortFilterProxyModel):
    """Sorting goes to the source model (see RowTableModel.sort); filtering asks `accepts`,
    which subclasses implement on the row dataclass directly instead of through data()."""

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

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return self.accepts(source_row)

    def accepts(self, source_row: int) -> bool:
        return True

    def refilter(self, change: Callable[[], None]) -> None:
        """Apply a change of the filter settings and filter again."""
        self.beginFilterChange()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def visible_rows(self) -> list[Any]:
        """The rows that pass the filter, in view order (the CSV export)."""
        return [self.data(self.index(r, 0), ROW_ROLE) for r in range(self.rowCount())]
