"""An editable two-column table (SKU -> weight, category -> weight, category -> category)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from esync_desktop.domain.sku import name_key
from esync_desktop.ui.models.base import ROW_ROLE, SORT_ROLE, Index

# A name the store does not have (a typo, a renamed category): the rule cannot apply.
UNKNOWN_COLOUR = QColor("#b3261e")


class KeyValueTableModel(QAbstractTableModel):
    """Rows are [key, value] strings; `edited` fires after the user changes a cell. A column
    can be told which names its store has (`set_known`): a name it lacks is shown in red, with
    a tooltip saying why the rule will not apply."""

    edited = Signal()

    def __init__(self, key_title: str, value_title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._titles = (key_title, value_title)
        self._rows: list[list[str]] = []
        # column -> (the store's name keys, what to say about a name not among them)
        self._known: dict[int, tuple[frozenset[str], str]] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < 2:
            return None
        value = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, SORT_ROLE):
            return value
        if role == ROW_ROLE:
            return tuple(self._rows[index.row()])
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole):
            if not self.is_unknown(index.row(), index.column()):
                return None
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(UNKNOWN_COLOUR)
            return self._known[index.column()][1]
        return None

    def set_known(self, column: int, names: Iterable[str] | None, note: str = "") -> None:
        """The names the store has for `column` (None: not known, nothing is flagged)."""
        if names is None:
            self._known.pop(column, None)
        else:
            keys = frozenset(k for n in names if (k := name_key(n)) is not None)
            self._known[column] = (keys, note)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, column),
                self.index(len(self._rows) - 1, column),
                [Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole],
            )

    def is_unknown(self, row: int, column: int) -> bool:
        """True when the cell names something its store does not have (matched trim + any case)."""
        known = self._known.get(column)
        if known is None or not 0 <= row < len(self._rows):
            return False
        key = name_key(self._rows[row][column])
        return key is not None and key not in known[0]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < 2
        ):
            return self._titles[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self._rows[index.row()][index.column()] = str(value).strip()
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole]
        if index.column() in self._known:
            roles += [Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole]
        self.dataChanged.emit(index, index, roles)
        self.edited.emit()
        return True

    def set_pairs(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        self.beginResetModel()
        self._rows = [[str(k), "" if v is None else str(v)] for k, v in pairs]
        self.endResetModel()

    def pairs(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self._rows]

    def add_row(self, key: str = "", value: str = "") -> QModelIndex:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append([key, value])
        self.endInsertRows()
        return self.index(row, 0)

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self.edited.emit()
