"""Background workers: results, failures, progress throttling, cancel, one job at a time."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from esync_desktop.ui.workers import Job, JobLane, Worker, WorkerThreads


def test_worker_runs_off_the_gui_thread_and_returns(qtbot) -> None:
    threads = WorkerThreads()
    seen: list[object] = []

    def fn(progress, cancel):
        seen.append(QThread.currentThread())
        progress(1, 1, "done")
        return 42

    worker = Worker(fn, "answer")
    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        threads.start(worker)
    assert blocker.args == [42]
    assert seen[0] is not QThread.currentThread()
    qtbot.waitUntil(lambda: threads.active == 0)
    assert threads.shutdown(5000)


def test_worker_failure_is_logged_and_emitted(qtbot, caplog) -> None:
    threads = WorkerThreads()

    def fn(progress, cancel):
        raise ValueError("boom")

    worker = Worker(fn, "broken")
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        threads.start(worker)
    assert isinstance(blocker.args[0], ValueError)
    assert "background job broken failed" in caplog.text
    assert threads.shutdown(5000)


def test_shutdown_cancels_and_waits(qtbot) -> None:
    threads = WorkerThreads()
    started = threading.Event()
    stopped = threading.Event()

    def fn(progress, cancel):
        started.set()
        cancel.wait(10)
        stopped.set()
        return "cancelled" if cancel.is_set() else "timeout"

    worker = Worker(fn, "long")
    threads.start(worker)
    assert started.wait(5)
    assert threads.shutdown(5000)
    assert stopped.is_set()


def test_lane_runs_one_job_at_a_time_in_order(qtbot) -> None:
    lane = JobLane("test")
    gate = threading.Event()
    running = []
    overlap = []
    order = []

    def make(name):
        def fn(progress, cancel):
            if running:
                overlap.append(name)
            running.append(name)
            if name == "first":
                gate.wait(5)
            order.append(name)
            running.remove(name)
            return name

        return fn

    busy = []
    lane.busy_changed.connect(busy.append)
    assert lane.submit(Job("a", make("first")))
    assert lane.submit(Job("b", make("second")))  # queued behind
    assert not lane.submit(Job("c", make("refused")), wait=False)
    assert [j.kind for j in lane.pending] == ["b"]
    gate.set()
    with qtbot.waitSignal(lane.busy_changed, timeout=5000):
        pass
    assert order == ["first", "second"]
    assert overlap == []
    assert busy == [True, False]
    assert lane.shutdown(5000)  # a QThread destroyed while running aborts the process


def test_progress_is_throttled_but_the_last_report_arrives(qtbot) -> None:
    lane = JobLane("progress")
    reports = []
    lane.progressed.connect(lambda job, done, total, text: reports.append(done))

    def fn(progress, cancel):
        for n in range(1, 10_001):
            progress(n, 10_000, f"SKU-{n}")
        return None

    with qtbot.waitSignal(lane.finished, timeout=10_000):
        lane.submit(Job("many", fn))
    assert reports[-1] == 10_000
    assert len(reports) < 1000
    assert lane.shutdown(5000)
