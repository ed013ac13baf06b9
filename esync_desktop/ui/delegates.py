"""Table cell editors: a pick list of the names a store has, free text while they are unknown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

Index = QModelIndex | QPersistentModelIndex
# (name, note): the name goes into the cell; the note (where the category sits) is shown
# beside it in the list.
Choice = tuple[str, str]


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a drop-down of `choices`; with no choices (the store could not be
    read), with a plain text field. A name already in the cell that the store lacks stays
    listed first, so opening the editor never changes a rule by itself."""

    def __init__(self, placeholder: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self._choices: list[Choice] | None = None

    @property
    def choices(self) -> list[Choice] | None:
        return None if self._choices is None else list(self._choices)

    def set_choices(self, choices: Sequence[Choice] | None) -> None:
        self._choices = None if choices is None else list(choices)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if self._choices is None:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.setPlaceholderText(self.placeholder)
        for name, note in self._choices:
            box.addItem(f"{name}  ({note})" if note else name, name)
            if note:
                box.setItemData(box.count() - 1, note, Qt.ItemDataRole.ToolTipRole)
        box.activated.connect(self._on_activated)
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if not isinstance(editor, QComboBox):
            super().setEditorData(editor, index)
            return
        value = str(index.data(Qt.ItemDataRole.EditRole) or "")
        found = _find(editor, value)
        if found < 0 and value:
            editor.insertItem(0, f"{value}  (not in this store)", value)
            found = 0
        editor.setCurrentIndex(found)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if not isinstance(editor, QComboBox):
            super().setModelData(editor, model, index)
            return
        if editor.currentIndex() >= 0:
            value: Any = editor.currentData()
            if value != index.data(Qt.ItemDataRole.EditRole):
                model.setData(index, value, Qt.ItemDataRole.EditRole)

    @Slot(int)
    def _on_activated(self, row: int) -> None:
        # A pick is the whole edit: write it and close, with no extra Enter or click away.
        editor = self.sender()
        if isinstance(editor, QComboBox):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)


def _find(box: QComboBox, value: str) -> int:
    """The row whose name matches `value` as the rules do: trimmed, in any case."""
    wanted = value.strip().casefold()
    for row in range(box.count()):
        if str(box.itemData(row) or "").strip().casefold() == wanted:
            return row
    return -1
