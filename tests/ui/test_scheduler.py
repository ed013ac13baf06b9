"""The scheduler with a fake clock: arming, firing when due, pause, clock jumps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from esync_desktop.ui.scheduler import MAX_TIMER_MS, Scheduler


class FakeClock:
    def __init__(self) -> None:
        self.wall = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float, *, sleeping: bool = False) -> None:
        self.wall += timedelta(seconds=seconds)
        if not sleeping:  # the monotonic clock stands still while the machine sleeps
            self.mono += seconds


def make(clock: FakeClock) -> Scheduler:
    return Scheduler(clock=clock.now, monotonic=clock.monotonic, check_interval_ms=50)


def test_due_task_fires_and_future_one_is_armed(qtbot) -> None:
    clock = FakeClock()
    scheduler = make(clock)
    with qtbot.waitSignal(scheduler.due, timeout=1000) as blocker:
        scheduler.set_due_times(
            {
                "Stock": clock.now() - timedelta(minutes=1),
                "Prices": clock.now() + timedelta(hours=1),
            }
        )
    assert blocker.args == ["Stock"]
    armed = scheduler.armed_ms()
    assert armed is not None and 3_590_000 < armed <= 3_600_001
    assert scheduler.next_run() == ("Stock", clock.now() - timedelta(minutes=1))


def test_timer_is_clamped_below_2_to_the_31_ms(qtbot) -> None:
    clock = FakeClock()
    scheduler = make(clock)
    scheduler.set_due_times({"Yearly": clock.now() + timedelta(days=365)})
    armed = scheduler.armed_ms()
    assert armed is not None and armed <= MAX_TIMER_MS


def test_paused_scheduler_does_not_fire(qtbot) -> None:
    clock = FakeClock()
    scheduler = make(clock)
    scheduler.set_paused(True)
    fired = []
    scheduler.due.connect(fired.append)
    scheduler.set_due_times({"Stock": clock.now() - timedelta(minutes=1)})
    assert fired == [] and scheduler.armed_ms() is None
    with qtbot.waitSignal(scheduler.check_requested, timeout=1000):
        scheduler.set_paused(False)


def test_clock_jump_triggers_a_check_that_runs_the_missed_task(qtbot, caplog) -> None:
    """Sleep: wall time moves, monotonic time does not; the periodic check notices, asks for
    due times, and a task due during the sleep fires at once."""
    clock = FakeClock()
    scheduler = make(clock)
    due_at = clock.now() + timedelta(hours=2)

    def answer(now: datetime) -> None:
        scheduler.set_due_times({"Nightly": due_at})

    scheduler.check_requested.connect(answer)
    scheduler.start()
    assert scheduler.armed_ms() is not None
    clock.advance(3 * 3600, sleeping=True)
    caplog.set_level("INFO")
    with qtbot.waitSignal(scheduler.due, timeout=2000) as blocker:
        pass
    assert blocker.args == ["Nightly"]
    assert "wall clock jumped" in caplog.text
    scheduler.stop()
