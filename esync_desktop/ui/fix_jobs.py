"""The fix-it panel's engine work, on the controller's engine lane (one job at a time with
previews and syncs): planning a fix, running it, and planning again the items it touched."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from esync_desktop.domain.plan import TaskPlan
from esync_desktop.storage.settings import TaskConfig
from esync_desktop.sync.category_create import CATEGORY_TASK
from esync_desktop.sync.replan import Fixed
from esync_desktop.ui.controller import RUN, AppController
from esync_desktop.ui.controller import _engine_progress as engine_progress
from esync_desktop.ui.workers import Job, ProgressFn

REPLAN, FIX_PLAN = "replan", "fix-plan"
# The trigger of a fix's run: recorded in History; the preview keeps its plan.
FIX = "fix"


class FixJobs(QObject):
    replanned = Signal(object)  # the plan with the touched items planned again
    fix_planned = Signal(object)  # a fix's own plan, to confirm (e.g. the categories)
    failed = Signal(str, object)  # kind, exception

    def __init__(self, controller: AppController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        controller.engine.finished.connect(self._on_finished)
        controller.engine.failed.connect(self._on_failed)

    def replan(
        self, plan: TaskPlan, task: TaskConfig, skus: Iterable[str], fixed: Fixed = Fixed.RULE
    ) -> bool:
        """Plan these items again from the preview's snapshot, reading only what `fixed` says
        the fix changed in the stores."""
        wanted = sorted(set(skus))
        services = self.controller.services

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            report = engine_progress(progress)
            return services.replan_items(plan, task, wanted, report, cancel, fixed)

        return self.controller.engine.submit(
            Job(REPLAN, job, "Planning the fixed items again", task=task.name), wait=True
        )

    def plan_categories(self, names: Iterable[str]) -> bool:
        wanted = list(names)
        services = self.controller.services

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return services.plan_category_creates(wanted)

        return self.controller.engine.submit(
            Job(FIX_PLAN, job, "Reading the store's categories"), wait=False
        )

    def run(self, plan: TaskPlan) -> bool:
        """Run a confirmed fix like any sync (History, journal, integration log)."""
        services = self.controller.services

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            report = engine_progress(progress, self.controller.quota_changed.emit)
            return services.run_plan(plan, report, cancel, FIX)

        return self.controller.engine.submit(
            Job(RUN, job, "Fix", task=CATEGORY_TASK, trigger=FIX), wait=False
        )

    @Slot(object, object)
    def _on_finished(self, job: Job, result: object) -> None:
        if job.kind == REPLAN:
            self.replanned.emit(result)
        elif job.kind == FIX_PLAN:
            self.fix_planned.emit(result)

    @Slot(object, object)
    def _on_failed(self, job: Job, error: object) -> None:
        if job.kind in (REPLAN, FIX_PLAN) or job.info.get("trigger") == FIX:
            self.failed.emit(job.kind, error)
