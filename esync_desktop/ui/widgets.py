"""Small shared widgets: page headers, message banners, primary buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QPushButton, QVBoxLayout, QWidget

# How a panel of a page saves the settings it edited (the page keeps itself from reloading).
SaveFn = Callable[[], None]


def restyle(widget: QWidget) -> None:
    # A dynamic property only takes effect in the style sheet after a re-polish.
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def title(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "title")
    return label


def subtitle(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "subtitle")
    label.setWordWrap(True)
    return label


def section(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label


def primary_button(text: str, *, big: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setProperty("primary", True)
    if big:
        button.setProperty("big", True)
    return button


class Banner(QLabel):
    """A coloured one-paragraph message (info, ok, warning, error); hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(False)
        self.hide()

    def show_message(self, kind: str, text: str) -> None:
        self.setProperty("banner", kind)
        restyle(self)
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    @property
    def kind(self) -> str:
        return str(self.property("banner") or "")


class Page(QWidget):
    """A page: title, subtitle, then the page's own layout (`self.body`)."""

    def __init__(self, heading: str, intro: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 18)
        outer.setSpacing(10)
        outer.addWidget(title(heading))
        if intro:
            outer.addWidget(subtitle(intro))
        self.body = outer


def tab_leaves_views(root: QWidget) -> None:
    """Tab and Backtab move on to the next control from every table and list under `root`
    (a table's default walks cell by cell and never lets go); arrows still move inside."""
    for view in root.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)
