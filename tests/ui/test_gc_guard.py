"""Garbage is collected on the GUI thread only: a worker thread that allocates never destroys
Qt objects (that crashed the process while it collected)."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

from PySide6.QtCore import QObject

from esync_desktop.ui.gc_guard import GuiThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.qt = QObject()


def test_a_worker_thread_never_collects_and_the_gui_thread_does(qapp: Any) -> None:
    collector = GuiThreadCollector(interval_ms=60_000)
    try:
        assert not gc.isenabled()
        cycle = _Cycle()
        gone = weakref.ref(cycle)
        del cycle
        collected_in: list[str] = []

        def on_gc(phase: str, info: dict[str, Any]) -> None:
            if phase == "stop" and info["collected"]:
                collected_in.append(threading.current_thread().name)

        gc.callbacks.append(on_gc)
        try:

            def allocate() -> None:
                # Far past generation 0's threshold: with automatic collection this collects.
                junk = [[i] for i in range(50_000)]
                del junk
                for _ in range(5_000):
                    a: list[Any] = []
                    a.append(a)

            worker = threading.Thread(target=allocate, name="worker")
            worker.start()
            worker.join()
            assert gone() is not None and "worker" not in collected_in
            collector.check()
            gc.collect()  # the timer's next turn, at the latest
            assert gone() is None
            assert set(collected_in) == {threading.current_thread().name}
        finally:
            gc.callbacks.remove(on_gc)
    finally:
        collector.stop()
