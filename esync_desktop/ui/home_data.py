"""What the Home page shows for each task, gathered off the GUI thread (no Qt here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from esync_desktop.storage.state import RunRecord
from esync_desktop.sync import analysis
from esync_desktop.sync.model import Outcome
from esync_desktop.sync.true_up import DriftCheck
from esync_desktop.ui.window_services import WindowServices
from esync_desktop.wording import plural

# Runs read to find each task's latest one: tasks run at most every few minutes, so the latest
# run of every task is well within this many.
RUNS_READ = 200


@dataclass(frozen=True)
class TaskHome:
    """One task on Home: its latest run (None when it never ran) and the items that need the
    owner in it, counted once per item."""

    task: str
    last_run: RunRecord | None = None
    attention: int = 0

    @property
    def changes(self) -> int:
        counts = self.last_run.counts if self.last_run is not None else {}
        return int(counts.get(Outcome.CREATE, 0)) + int(counts.get(Outcome.UPDATE, 0))

    @property
    def failed(self) -> bool:
        """The latest run did not finish as planned: Retry is offered."""
        run = self.last_run
        return run is not None and (run.cancelled or run.result != "ok")


def task_homes(services: WindowServices, tasks: Sequence[str]) -> list[TaskHome]:
    latest: dict[str, RunRecord] = {}
    for run in services.history(RUNS_READ):  # newest first
        if run.task in tasks and run.task not in latest and run.result != "running":
            latest[run.task] = run
    homes = []
    for name in tasks:
        found = latest.get(name)
        attention = analysis.attention_items(services.run_items(found.run_id)) if found else 0
        homes.append(TaskHome(name, found, attention))
    return homes


@dataclass(frozen=True)
class HomeData:
    """Everything Home shows that is read from the state: the tasks, and the last drift check
    (app.DriftCheck; None when none ran)."""

    tasks: list[TaskHome]
    drift: DriftCheck | None = None


def load_home(services: WindowServices, tasks: Sequence[str]) -> HomeData:
    return HomeData(task_homes(services, tasks), services.drift_check())


def drift_text(check: DriftCheck) -> str:
    """The last drift check in words: when, and what it found."""
    when = check.at.astimezone().strftime("%d %b %Y %H:%M")
    found = [
        plural(check.fixed, "value") + " put back" if check.fixed else "",
        plural(check.relinked, "SKU") + " relinked" if check.relinked else "",
        plural(check.listed, "difference") + " to look at" if check.listed else "",
        plural(check.failed, "fix", "fixes") + " refused" if check.failed else "",
    ]
    said = ", ".join(f for f in found if f) or "the stores agree: nothing to fix"
    return f"Last drift check {when}: {said}."
