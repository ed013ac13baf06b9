"""Keeps every column of a table in view at any window width."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QTableView

# A narrow column never takes more than this; longer words are cut (whole in the tooltip).
NARROW_MAX = 150
PADDING = 24
# Below this the long columns would be unreadable: a horizontal scrollbar appears instead.
SHARED_MIN = 420


class ColumnFitter(QObject):
    """Narrow columns get what their longest words (`samples`) and title need; the long-text
    columns share what is left by `shares`. Widths follow the table as it resizes."""

    def __init__(
        self,
        table: QTableView,
        samples: Mapping[int, Sequence[str]],
        shares: Mapping[int, float],
    ) -> None:
        # A child of the viewport it watches, so it goes with it and never sees a dead table.
        self.viewport = table.viewport()
        super().__init__(self.viewport)
        self.table = table
        self.samples = dict(samples)
        self.shares = dict(shares)
        table.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.viewport.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.viewport:
            self.fit()
        return False

    def fit(self) -> None:
        model = self.table.model()
        cell = self.table.fontMetrics()
        title = self.table.horizontalHeader().fontMetrics()
        widths: dict[int, int] = {}
        for column, texts in self.samples.items():
            heading = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            needed = max([cell.horizontalAdvance(t) for t in texts] + [0])
            needed = max(needed, title.horizontalAdvance(heading))
            widths[column] = min(needed + PADDING, NARROW_MAX)
        left = max(self.viewport.width() - sum(widths.values()), SHARED_MIN)
        for column, share in self.shares.items():
            widths[column] = int(left * share)
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
