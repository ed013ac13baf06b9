"""When a task's schedule makes it due: interval after the last run, or daily at a time."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any


def _parse_at(text: str) -> time:
    hours, _, minutes = (text or "").partition(":")
    return time(int(hours), int(minutes or 0))


def next_due(schedule: Any, last_run: datetime | None, now: datetime) -> datetime | None:
    """The moment the task is next due; a moment at or before `now` means due now (a run
    missed while the computer slept still happens). None when the schedule is off."""
    mode = getattr(schedule, "mode", "off")
    if mode == "interval":
        every = timedelta(minutes=max(1, int(getattr(schedule, "every_minutes", 0) or 0)))
        return now if last_run is None else last_run + every
    if mode == "daily":
        at = _parse_at(str(getattr(schedule, "at", "") or "00:00"))
        base = last_run if last_run is not None else now
        candidate = datetime.combine(base.date(), at, tzinfo=base.tzinfo)
        if last_run is None:
            return candidate if candidate >= now else candidate + timedelta(days=1)
        return candidate if candidate > last_run else candidate + timedelta(days=1)
    return None
