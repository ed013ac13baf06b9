"""An editable two-column table (SKU -> weight, category -> weight, category -> category)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal

from esync_desktop.ui.models.base import ROW_ROLE, SORT_ROLE, Index


class KeyValueTableModel(QAbstractTableModel):
    """Rows are [key, value] strings; `edited` fires after the user changes a cell."""

    edited = Signal()

    def __init__(self, key_title: str, value_title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._titles = (key_title, value_title)
        self._rows: list[list[str]] = []

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
        return None

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
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
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
