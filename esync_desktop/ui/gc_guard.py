"""Garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a generation fills
up. When that is a worker thread (a sync, a store read) and the garbage holds Qt wrappers, their
C++ objects are destroyed outside the GUI thread, which crashes the process (a segmentation fault
while "Garbage-collecting"). So automatic collection is switched off
and a timer on the GUI thread collects whenever the collector would have, generation by
generation, with the collector's own thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

# Often enough that memory stays where automatic collection would keep it; a check with nothing
# to collect costs a few microseconds.
INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Owns the collector while it lives; `stop()` gives it back to Python."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold, as gc itself does."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


_installed: GuiThreadCollector | None = None


def install(parent: QObject | None = None) -> GuiThreadCollector:
    """The one collector of this process (made on first call, from the GUI thread)."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(parent)
    return _installed


def uninstall() -> None:
    global _installed
    if _installed is not None:
        _installed.stop()
        _installed = None
