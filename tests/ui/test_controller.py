"""The window's rules around the engine: scheduled runs never overlap manual ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from esync_desktop.ui.controller import AppController
from esync_desktop.ui.scheduler import Scheduler
from tests.ui.fakes import FakeServices


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_scheduled_run_fires_with_a_fake_clock_and_waits_for_a_manual_run(qtbot) -> None:
    clock = Clock()
    services = FakeServices(run_seconds=0.3)
    services.clock = clock
    controller = AppController(services, Scheduler(clock=clock, check_interval_ms=60_000))
    task = services.settings.tasks[0]
    # A manual run starts first; the schedule says the task is due now (never ran).
    plan = services.plan_task(task)
    assert controller.sync(plan)
    with qtbot.waitSignal(controller.scheduler.due, timeout=3000):
        controller.scheduler.start()
    assert [j.kind for j in controller.engine.pending] == ["scheduled"]
    # A second "due" (the one-minute re-check) does not queue the task twice.
    controller.run_scheduled(task.name)
    assert len(controller.engine.pending) == 1
    with qtbot.waitSignal(controller.scheduled_run_done, timeout=5000) as done:
        pass
    assert done.args[0] == "Stock"
    assert [r[1] for r in services.runs] == ["manual", "scheduled"]
    manual, scheduled = services.runs
    assert scheduled[2] >= manual[3], "the scheduled run started before the manual one ended"
    assert services.overlaps == 0
    # After the run the next one is armed an interval later, not now.
    qtbot.waitUntil(lambda: controller.scheduler.next_run() is not None, timeout=3000)
    qtbot.waitUntil(
        lambda: controller.scheduler.next_run()[1] == clock.now + timedelta(minutes=30),
        timeout=3000,
    )
    # Half an hour later (fake clock) the timer's re-check finds it due again.
    clock.now += timedelta(minutes=31)
    with qtbot.waitSignal(controller.scheduler.due, timeout=3000):
        controller.scheduler.check()
    qtbot.waitUntil(lambda: len(services.runs) == 3, timeout=5000)
    assert controller.shutdown(5000)


def test_manual_sync_is_refused_while_another_runs(qtbot) -> None:
    services = FakeServices(run_seconds=0.5)
    controller = AppController(services, Scheduler())
    plan = services.plan_task(services.settings.tasks[0])
    assert controller.sync(plan)
    assert controller.busy
    assert not controller.sync(plan)
    assert not controller.preview(services.settings.tasks[0])
    with qtbot.waitSignal(controller.busy_changed, timeout=5000) as idle:
        pass
    assert idle.args == [False]
    assert len(services.runs) == 1
    assert controller.shutdown(5000)


def test_cancel_stops_a_run(qtbot) -> None:
    services = FakeServices(run_seconds=30)
    controller = AppController(services, Scheduler())
    plan = services.plan_task(services.settings.tasks[0])
    with qtbot.waitSignal(controller.job_started, timeout=3000):
        controller.sync(plan)
    with qtbot.waitSignal(controller.run_finished, timeout=5000):
        controller.cancel()
    assert services.runs[0][3] - services.runs[0][2] < 10
    assert controller.shutdown(5000)
