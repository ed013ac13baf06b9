"""The status bar's BigCommerce quota while a sync runs: "BigCommerce quota 62 % · waiting
3 s (rate limit)". Hidden when nothing runs; a wait counts down."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QWidget

from esync_desktop import wording
from esync_desktop.ui.controller import AppController


class QuotaLabel(QLabel):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quotaLabel")
        self.setAccessibleName("BigCommerce quota")
        self.controller = controller
        self.state: Any = None
        self._until = 0.0  # monotonic end of the current wait
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._redraw)
        controller.quota_changed.connect(self.show_state)
        controller.busy_changed.connect(self._on_busy)
        self.hide()

    @Slot(object)
    def show_state(self, state: Any) -> None:
        self.state = state
        self._until = time.monotonic() + state.waiting_s if state.waiting_s > 0 else 0.0
        if self._until:
            self._tick.start()
        self._redraw()

    @Slot()
    def _redraw(self) -> None:
        if self.state is None:
            return
        left = max(0.0, self._until - time.monotonic())
        if not left:
            self._tick.stop()
        state = replace(self.state, waiting_s=left, reason=self.state.reason if left else "")
        text = wording.quota_text(state)
        self.setText(text)
        self.setVisible(bool(text) and self.controller.busy)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self.state = None
            self._tick.stop()
            self.clear()
            self.hide()
