"""The Fields page's tables: who owns each product field, and which BigCommerce tax class each
Clover tax rate maps to. Both edit their value column through a ComboDelegate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.domain.ownership import (
    BIGCOMMERCE,
    CLOVER,
    CLOVER_UNLESS_BLANK,
    CREATE_REQUIRED,
    DEFAULT_OWNERS,
    FIELDS,
    NOBODY,
    OWNERS,
)
from esync_desktop.domain.sku import name_key
from esync_desktop.ui.models.base import Index

FIELD, OWNER, MEANING = 0, 1, 2
RATE, TAX_CLASS = 0, 1
NOT_MAPPED = -1

_MEANING = {
    CLOVER: "Clover's value is sent",
    CLOVER_UNLESS_BLANK: "Clover's value, never a blank one",
    BIGCOMMERCE: "Kept as edited in BigCommerce",
    NOBODY: "Never written by a sync",
}


def owner_meaning(name: str, owner: str) -> str:
    if name in CREATE_REQUIRED and owner not in (CLOVER, CLOVER_UNLESS_BLANK):
        # BigCommerce requires one on a create: a new product starts with Clover's.
        return "Sent only when a product is created"
    return _MEANING.get(owner, "")


class OwnershipModel(QAbstractTableModel):
    """One row per field: its name, its owner (editable) and what that means."""

    edited = Signal()
    HEADERS = ("Field", "Owner", "What happens")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._owners = dict(DEFAULT_OWNERS)

    def load(self, owners: Mapping[str, str]) -> None:
        self.beginResetModel()
        self._owners = {**DEFAULT_OWNERS, **{k: v for k, v in owners.items() if k in FIELDS}}
        self.endResetModel()

    def owners(self) -> dict[str, str]:
        return dict(self._owners)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(FIELDS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(FIELDS):
            return None
        name = FIELDS[index.row()]
        owner = self._owners[name]
        if role == Qt.ItemDataRole.EditRole and index.column() == OWNER:
            return owner
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (
                wording.owned_field_label(name),
                wording.owner_label(owner),
                owner_meaning(name, owner),
            )[index.column()]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == OWNER:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != OWNER or value not in OWNERS:
            return False
        name = FIELDS[index.row()]
        if self._owners[name] == value:
            return False
        self._owners[name] = value
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), MEANING))
        self.edited.emit()
        return True


class TaxMapModel(QAbstractTableModel):
    """One row per Clover tax rate (the store's list, and any mapped rate it lacks); the
    BigCommerce tax class column is editable (NOT_MAPPED: none)."""

    edited = Signal()
    HEADERS = ("Clover tax rate", "BigCommerce tax class")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # (name, what to say beside it) per row, and the map by Clover name.
        self._rates: list[tuple[str, str]] = []
        self._map: dict[str, int] = {}
        self._classes: dict[int, str] = {}

    def load(
        self,
        mapping: Mapping[str, int],
        rates: Sequence[tuple[str, str]] | None = None,
        classes: Mapping[int, str] | None = None,
    ) -> None:
        """The map from the settings, with the stores' lists when they were read."""
        self.beginResetModel()
        self._map = dict(mapping)
        if classes is not None:
            self._classes = dict(classes)
        listed = list(rates) if rates is not None else [(n, note) for n, note in self._rates]
        known = {name_key(n) for n, _ in listed}
        listed += [(n, "not in Clover") for n in self._map if name_key(n) not in known]
        self._rates = listed
        self.endResetModel()

    def mapping(self) -> dict[str, int]:
        return dict(self._map)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rates)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _mapped(self, rate: str) -> int:
        return next((v for k, v in self._map.items() if name_key(k) == name_key(rate)), NOT_MAPPED)

    def class_label(self, class_id: int) -> str:
        if class_id == NOT_MAPPED:
            return "(not mapped)"
        return f"{class_id}: {self._classes.get(class_id, 'tax class ' + str(class_id))}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rates):
            return None
        name, note = self._rates[index.row()]
        mapped = self._mapped(name)
        if role == Qt.ItemDataRole.EditRole and index.column() == TAX_CLASS:
            return mapped
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == RATE:
                return f"{name} ({note})" if note else name
            return self.class_label(mapped)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == TAX_CLASS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != TAX_CLASS or not isinstance(value, int):
            return False
        name = self._rates[index.row()][0]
        kept = {k: v for k, v in self._map.items() if name_key(k) != name_key(name)}
        if value != NOT_MAPPED:
            kept[name] = value
        if kept == self._map:
            return False
        self._map = kept
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True


class ComboDelegate(QStyledItemDelegate):
    """Edits a cell with a drop-down of (label, value) choices; a pick is the whole edit."""

    def __init__(self, choices: Sequence[tuple[str, Any]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = list(choices)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        box = QComboBox(parent)
        for label, value in self.choices:
            box.addItem(label, value)
        box.activated.connect(lambda _row, box=box: self._picked(box))
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox) and editor.currentIndex() >= 0:
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The drop-downs stay open on every row: Tab moves on to the next control (the next
        # row's drop-down, then out of the table) instead of the delegate's "edit the next
        # cell", which never lets the focus leave the table.
        tab = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            return False if event.key() in tab else super().eventFilter(watched, event)
        return super().eventFilter(watched, event)

    def _picked(self, box: QComboBox) -> None:
        self.commitData.emit(box)
