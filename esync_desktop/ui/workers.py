"""Runs engine calls off the GUI thread: a QObject worker in a QThread, with progress and cancel."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

log = logging.getLogger(__name__)

# progress(done, total, text): what a job reports; cheap to call for every unit of work.
ProgressFn = Callable[[int, int, str], None]
JobFn = Callable[[ProgressFn, threading.Event], Any]

# Progress is forwarded to the GUI at most this often: a 100k-row sync reports every write, and a
# queued signal per write would keep the GUI thread busy drawing a bar nobody can read that fast.
PROGRESS_INTERVAL_S = 0.05


class Worker(QObject):
    """Runs `fn(progress, cancel)` once in the thread it is moved to."""

    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: JobFn, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._fn = fn
        self.cancel_event = threading.Event()
        self._last_emit = 0.0

    def _report(self, done: int, total: int, text: str) -> None:
        now = time.monotonic()
        if done < total and now - self._last_emit < PROGRESS_INTERVAL_S:
            return
        self._last_emit = now
        self.progressed.emit(done, total, text)

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(self._report, self.cancel_event)
        except BaseException as exc:  # every failure reaches the GUI, none is swallowed
            log.error("background job %s failed", self.objectName(), exc_info=exc)
            self._hand_back()
            self.failed.emit(exc)
        else:
            self._hand_back()
            self.finished.emit(result)

    def _hand_back(self) -> None:
        # Back to the GUI thread before the thread ends: the worker is then freed there when the
        # last Python reference goes, instead of by a deleteLater that the ending thread runs
        # while the GUI thread may still hold the Python wrapper (a crash seen in the tests).
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())


class WorkerThreads(QObject):
    """Owns the threads of running workers: starts them, cancels them, waits for them on quit."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[QThread, Worker] = {}

    def start(self, worker: Worker) -> Worker:
        # Parented, so that deleteLater (not Python's refcount) decides when it goes.
        thread = QThread(self)
        thread.setObjectName(f"{worker.objectName()}-thread")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # Direct: quit() is thread-safe, and a queued call would wait for the GUI event loop,
        # which shutdown() blocks while it waits for this very thread.
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_finished)
        self._running[thread] = worker
        thread.start()
        return worker

    @Slot()
    def _on_thread_finished(self) -> None:
        for thread in [t for t in self._running if t.isFinished()]:
            # finished() is emitted just before the thread ends: wait out those last steps.
            thread.wait()
            del self._running[thread]
            thread.deleteLater()

    @property
    def active(self) -> int:
        return len(self._running)

    def cancel_all(self) -> None:
        for worker in self._running.values():
            worker.cancel_event.set()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every worker and wait for its thread; False when one outlived the timeout."""
        self.cancel_all()
        deadline = time.monotonic() + timeout_ms / 1000
        clean = True
        for thread in list(self._running):
            left = max(0, int((deadline - time.monotonic()) * 1000))
            if not thread.wait(left):
                log.warning("%s did not stop within %d ms", thread.objectName(), timeout_ms)
                clean = False
        self._on_thread_finished()
        return clean


class Job:
    """One piece of background work: `fn(progress, cancel)` plus what the GUI needs to route its
    result (`kind`, and free-form `info` such as the task name and the trigger)."""

    def __init__(self, kind: str, fn: JobFn, label: str = "", **info: Any) -> None:
        self.kind = kind
        self.fn = fn
        self.label = label or kind
        self.info = info
        self.worker: Worker | None = None

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel_event.set()

    def __repr__(self) -> str:
        return f"Job({self.kind!r}, {self.label!r}, {self.info!r})"


class JobLane(QObject):
    """Runs jobs one at a time, in order. The engine lane is how "one sync at a time" holds for
    the Sync now button, the tray and the scheduler alike: they all submit here."""

    started = Signal(object)
    progressed = Signal(object, int, int, str)
    finished = Signal(object, object)
    failed = Signal(object, object)
    busy_changed = Signal(bool)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._threads = WorkerThreads(self)
        self._current: Job | None = None
        self._queue: list[Job] = []
        # busy_changed fires on idle <-> busy only, not between two queued jobs.
        self._announced_busy = False
        self._closed = False

    @property
    def current(self) -> Job | None:
        return self._current

    @property
    def pending(self) -> list[Job]:
        return list(self._queue)

    @property
    def busy(self) -> bool:
        return self._current is not None

    def submit(self, job: Job, *, wait: bool = True) -> bool:
        """Start the job, or queue it behind the running one (`wait`), or refuse it."""
        if self._closed:
            return False
        if self._current is not None:
            if not wait:
                return False
            self._queue.append(job)
            return True
        self._start(job)
        return True

    def drop_pending(self, kind: str | None = None) -> None:
        self._queue = [j for j in self._queue if kind is not None and j.kind != kind]

    def cancel_current(self) -> None:
        if self._current is not None:
            self._current.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Refuse new jobs, drop the queued ones, cancel the running one and wait for it."""
        self._closed = True
        self._queue.clear()
        return self._threads.shutdown(timeout_ms)

    def _start(self, job: Job) -> None:
        self._current = job
        worker = Worker(job.fn, f"{self.objectName()}:{job.kind}")
        job.worker = worker
        worker.progressed.connect(self._on_progressed)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self.started.emit(job)
        if not self._announced_busy:
            self._announced_busy = True
            self.busy_changed.emit(True)
        self._threads.start(worker)

    @Slot(int, int, str)
    def _on_progressed(self, done: int, total: int, text: str) -> None:
        if self._current is not None:
            self.progressed.emit(self._current, done, total, text)

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        job = self._done()
        self.finished.emit(job, result)
        self._next()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        job = self._done()
        self.failed.emit(job, error)
        self._next()

    def _done(self) -> Job:
        job = self._current
        assert job is not None, "a worker reported after its job was cleared"
        self._current = None
        job.worker = None
        return job

    def _next(self) -> None:
        if self._current is not None:
            return  # a handler of finished/failed already submitted the next job
        if self._queue and not self._closed:
            self._start(self._queue.pop(0))
        elif self._announced_busy:
            self._announced_busy = False
            self.busy_changed.emit(False)
