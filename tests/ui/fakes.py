"""A stand-in for the Services facade where a test is about the window's own rules (one run at
a time, scheduling), and a recorder that replaces the message dialogs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from keyring.backend import KeyringBackend

from esync_desktop.app import RunResult
from esync_desktop.storage.settings import ActionConfig, Schedule, Settings, TaskConfig
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, TaskPlan


@dataclass
class Notices:
    """Replaces error_dialog.notifier: what would have been shown in a dialog."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)

    def info(self, title: str, text: str) -> None:
        self.shown.append(("info", title, text))

    def error(self, title: str, text: str, details: str = "") -> None:
        self.shown.append(("error", title, text + "\n" + details))


class FakeServices:
    """Plans one row and runs it; each run takes `run_seconds` and records when it ran. The
    last run per task is what next_due() schedules from, as the real facade does."""

    def __init__(self, *, run_seconds: float = 0.2) -> None:
        self.settings = Settings()
        self.settings.tasks.append(
            TaskConfig(
                "Stock",
                [ActionConfig("send-inventory-standard", {})],
                schedule=Schedule(mode="interval", every_minutes=30),
            )
        )
        self.run_seconds = run_seconds
        self.runs: list[tuple[str, str, float, float]] = []  # task, trigger, start, end
        self.last_run: dict[str, datetime] = {}
        self.clock: Any = None
        self._active = 0
        self.overlaps = 0
        self._guard = threading.Lock()
        self.saved = 0
        self.demo_running = True

    def save_settings(self) -> None:
        self.saved += 1

    def demo_ids(self) -> tuple[str, str]:
        return "DEMOMERCHANT", "demohash"

    def task_problems(self, task: TaskConfig) -> list[Any]:
        from esync_desktop.sync.task_check import task_problems

        actions = [(a.action, dict(a.options)) for a in task.actions]
        return task_problems(actions, self.settings.location_id or 1)

    def plan_task(self, task: TaskConfig, progress=None, cancel=None) -> TaskPlan:
        row = PlanRow(task.actions[0].action, "SKU-1", Outcome.UPDATE, changes={"price": (1, 2)})
        return TaskPlan(task.name, (ActionPlan(row.action, (row,)),), plan_id="p")

    def run_plan(self, plan: TaskPlan, progress=None, cancel=None, trigger="manual") -> RunResult:
        with self._guard:
            self._active += 1
            if self._active > 1:
                self.overlaps += 1
        start = time.monotonic()
        try:
            deadline = start + self.run_seconds
            while time.monotonic() < deadline:
                if cancel is not None and cancel.wait(0.01):
                    break
            if self.clock is not None:
                self.last_run[plan.task] = self.clock()
        finally:
            with self._guard:
                self._active -= 1
        self.runs.append((plan.task, trigger, start, time.monotonic()))
        counts = {o.value: 0 for o in Outcome}
        counts["update"] = 1
        return RunResult(len(self.runs), counts, False, {}, time.monotonic() - start, [])

    def next_due(self, task: TaskConfig, now: datetime) -> datetime | None:
        if task.schedule.mode == "off":
            return None
        last = self.last_run.get(task.name)
        return now if last is None else last + timedelta(minutes=task.schedule.every_minutes)

    def history(self, limit: int = 200) -> list[Any]:
        return []

    def run_items(self, run_id: int) -> list[Any]:
        return []

    def log_entries(self, **kwargs: Any) -> list[Any]:
        return []


class MemoryKeyring(KeyringBackend):
    """A keyring held in memory: the window's tests that are not about the OS keyring itself."""

    # Below every real backend (and `fail`), so keyring never picks it as the default.
    priority = -10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)
