"""Runs scheduled tasks: arms one single-shot timer for the next due task, re-checks every minute,
and treats a jump of the wall clock (sleep, resume, a clock change) as a reason to re-check."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

log = logging.getLogger(__name__)

# QTimer takes a signed 32-bit interval in ms (~24.8 days); a later run is re-armed on a check.
MAX_TIMER_MS = 2**31 - 1_000
CHECK_INTERVAL_MS = 60_000
# Wall time and monotonic time drifting apart by more than this between two checks means the
# machine slept or the clock was set: the armed timer is stale.
JUMP_TOLERANCE_S = 5.0

Clock = Callable[[], datetime]
Monotonic = Callable[[], float]
# Computes each scheduled task's next due moment for `now` (it reads the last runs, so it runs
# off the GUI thread: see controller.AppController.compute_due).
DueTimes = Mapping[str, datetime]


def local_now() -> datetime:
    return datetime.now().astimezone()


def describe_when(when: datetime, now: datetime) -> str:
    """A due moment as the owner reads it: "now", "today 14:30", "tomorrow 02:00", "Friday
    09:00" within the week, else "12 May 14:30" (with the year when it is another one)."""
    when, now = when.astimezone(), now.astimezone()
    if when <= now:
        return "now"
    clock = when.strftime("%H:%M")
    days = (when.date() - now.date()).days
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    if days < 7:
        return f"{when.strftime('%A')} {clock}"
    year = f" {when.year}" if when.year != now.year else ""
    return f"{when.day} {when.strftime('%B')}{year} {clock}"


class Scheduler(QObject):
    """Asks for due times (`check_requested`), takes them back in `set_due_times`, and emits
    `due(task_name)` when a task's time has come. It never starts a run itself: the controller
    does, under the same one-run-at-a-time rule as a manual sync."""

    check_requested = Signal(object)  # the `now` to compute due times for
    due = Signal(str)
    changed = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Clock = local_now,
        monotonic: Monotonic = time.monotonic,
        check_interval_ms: int = CHECK_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._monotonic = monotonic
        self._due: dict[str, datetime] = {}
        self._paused = False
        self._stopped = False
        self._last_wall = clock()
        self._last_mono = monotonic()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # A coarse timer may be up to 5% late: over a day, more than an hour.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)
        self._periodic = QTimer(self)
        self._periodic.setInterval(check_interval_ms)
        self._periodic.timeout.connect(self._on_periodic)

    # -- state -----------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    def next_run(self) -> tuple[str, datetime] | None:
        if not self._due:
            return None
        name = min(self._due, key=lambda n: self._due[n])
        return name, self._due[name]

    def now(self) -> datetime:
        return self._clock()

    def due_times(self) -> dict[str, datetime]:
        return dict(self._due)

    def armed_ms(self) -> int | None:
        return self._timer.remainingTime() if self._timer.isActive() else None

    # -- control ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._stopped = False
        self._periodic.start()
        self.check()

    def stop(self) -> None:
        self._stopped = True
        self._periodic.stop()
        self._timer.stop()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        log.info("schedule %s", "paused" if paused else "resumed")
        if paused:
            self._timer.stop()
        else:
            self.check()
        self.changed.emit()

    @Slot()
    def check(self) -> None:
        """Ask for fresh due times (after a run, a settings change, a wake-up)."""
        self.check_requested.emit(self._clock())

    def set_due_times(self, due: DueTimes) -> None:
        """Arm the timer for the earliest due task; a task already due fires now."""
        self._due = dict(due)
        self._arm()
        self.changed.emit()

    # -- timers ----------------------------------------------------------------------------------

    def _arm(self) -> None:
        self._timer.stop()
        if self._paused or self._stopped or not self._due:
            return
        now = self._clock()
        for name, when in sorted(self._due.items(), key=lambda kv: kv[1]):
            if when <= now:
                log.info("scheduled task %r is due (was due at %s)", name, when.isoformat())
                self.due.emit(name)
        upcoming = [w for w in self._due.values() if w > now]
        if upcoming:
            delay_ms = int((min(upcoming) - now).total_seconds() * 1000) + 1
            self._timer.start(max(0, min(delay_ms, MAX_TIMER_MS)))

    @Slot()
    def _on_timer(self) -> None:
        # Due times are recomputed first: a manual run since arming moves the interval on.
        self.check()

    @Slot()
    def _on_periodic(self) -> None:
        wall, mono = self._clock(), self._monotonic()
        drift = (wall - self._last_wall).total_seconds() - (mono - self._last_mono)
        self._last_wall, self._last_mono = wall, mono
        if abs(drift) > JUMP_TOLERANCE_S:
            log.info("wall clock jumped by %.0f s (sleep or clock change): re-checking", drift)
        self.check()
