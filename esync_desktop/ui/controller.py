"""The window's one link to the engine: every Services call runs here, in a background job."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from esync_desktop import preview_csv
from esync_desktop.app import ConnectionCandidate
from esync_desktop.domain.plan import PlanRow, TaskPlan
from esync_desktop.storage.settings import Settings, TaskConfig
from esync_desktop.storage.weights_csv import WeightImport
from esync_desktop.sync import items
from esync_desktop.ui import home_data, secrets_bridge
from esync_desktop.ui.scheduler import Scheduler
from esync_desktop.ui.window_services import WindowServices
from esync_desktop.ui.workers import Job, JobLane, ProgressFn

log = logging.getLogger(__name__)

# Job kinds on the engine lane (one at a time: test, preview and sync all read the stores and
# the engine holds its run lock for plan and run).
DEMO, TEST, PLAN, RUN, SCHEDULED = "demo", "test", "plan", "run", "scheduled"
# Kinds on the read lane (history, log, keyring): never wait behind a long sync.
HISTORY, ITEMS, LOG, DUE, SECRETS_LOAD, SECRETS_SAVE, LOCATIONS, EXPORT, CATEGORIES, HOME = (
    "history",
    "items",
    "log",
    "due",
    "secrets-load",
    "secrets-save",
    "locations",
    "export",
    "categories",
    "home",
)
WEIGHT_UNIT = "weight_unit"
TENDERS = "tenders"
TAX_CHOICES = "tax_choices"
MERCHANT_TOKEN = "merchant_token"
# A scheduled run that failed before it was recorded (store unreachable) is tried again after
# this long, not on every one-minute check.
RETRY_AFTER = timedelta(minutes=5)


def _engine_progress(
    report: ProgressFn, on_quota: Callable[[Any], None] | None = None
) -> Callable[[Any], None]:
    """The engine's Progress(done, total, sku, message) as the worker's (done, total, text);
    its BigCommerce quota (Progress.quota) to `on_quota`, from the worker's thread."""

    def progress(p: Any) -> None:
        if getattr(p, "quota", None) is not None:
            if on_quota is not None:
                on_quota(p.quota)
            return
        text = p.sku or p.message or ""
        report(int(p.done), int(p.total), str(text))

    return progress


class AppController(QObject):
    """Submits jobs and turns their results into signals the pages connect to."""

    busy_changed = Signal(bool)
    job_started = Signal(str, str)  # kind, task name ("" when none)
    progressed = Signal(str, int, int, str)  # kind, done, total, text
    demo_started = Signal()
    connections_tested = Signal(object)  # ConnectionReport
    plan_ready = Signal(object)  # TaskPlan
    run_finished = Signal(object, str)  # RunResult, trigger
    job_failed = Signal(str, object)  # kind, exception
    history_loaded = Signal(object)  # list of run summaries
    items_loaded = Signal(int, object)  # run id, its item records grouped: sync.items.Grouped
    log_loaded = Signal(object)  # log entries
    secrets_loaded = Signal(object)  # secrets_bridge.SecretsState
    secrets_saved = Signal(object)  # secrets_bridge.SecretsState
    secrets_failed = Signal(object)  # exception
    settings_changed = Signal()
    locations_loaded = Signal(object)  # list of app.StockLocation
    categories_loaded = Signal(object)  # app.StoreCategories
    weight_unit_loaded = Signal(object)  # (the store's weight_units or None, why not)
    scheduled_run_done = Signal(str, object)  # task name, RunResult or exception
    exported = Signal(str, int)  # path, rows written
    home_loaded = Signal(object)  # home_data.HomeData
    tender_choices_loaded = Signal(object)  # app.TenderChoices
    # The store's quota and any wait for it, while a job reads or writes BigCommerce
    # (connectors.pacing.QuotaState); emitted from the worker's thread, delivered queued.
    quota_changed = Signal(object)
    tax_choices_loaded = Signal(object)  # app.TaxChoices
    # A further merchant's token kept or deleted: (its MerchantConfig, None or the exception).
    merchant_token_done = Signal(object, object)

    def __init__(
        self,
        services: WindowServices,
        scheduler: Scheduler | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.engine = JobLane("engine", self)
        self.reads = JobLane("reads", self)
        self.scheduler = scheduler or Scheduler(self)
        self.last_result: Any = None
        self.last_error: BaseException | None = None
        self.last_connections: Any = None  # the latest ConnectionReport, None until tested
        self._failed_attempts: dict[str, datetime] = {}
        for lane in (self.engine, self.reads):
            lane.finished.connect(self._on_finished)
            lane.failed.connect(self._on_failed)
            lane.progressed.connect(self._on_progressed)
        self.engine.started.connect(self._on_started)
        self.engine.busy_changed.connect(self.busy_changed)
        self.scheduler.check_requested.connect(self.compute_due)
        self.scheduler.due.connect(self.run_scheduled)

    # -- state -----------------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def busy(self) -> bool:
        return self.engine.busy

    @property
    def running_task(self) -> str | None:
        job = self.engine.current
        return job.info.get("task") if job is not None and job.kind in (RUN, SCHEDULED) else None

    def task(self, name: str) -> TaskConfig | None:
        return next((t for t in self.settings.tasks if t.name == name), None)

    def has_connections(self) -> bool:
        s = self.settings
        return bool(
            self.services.demo_running or (s.clover.merchant_id and s.bigcommerce.store_hash)
        )

    def leave_demo(self) -> bool:
        """Connect the owner's own stores now (no restart); False while a sync runs."""
        if self.busy:
            return False
        self.services.stop_demo()
        self.settings.demo = False
        self.save_settings()
        return True

    def save_settings(self) -> None:
        """Writes the settings file (small, atomic) and re-arms the schedule."""
        self.services.save_settings()
        self.settings_changed.emit()
        self.scheduler.check()

    def import_weights(self, path: Path) -> WeightImport:
        """Adds the SKU weights of a CSV file to the rules and saves them (a small file read
        at once, as a save is); raises WeightCsvError when the file cannot be read."""
        result = self.services.import_weights(path)
        self.settings_changed.emit()
        return result

    # -- engine lane -----------------------------------------------------------------------------

    def start_demo(self) -> bool:
        def job(progress: ProgressFn, cancel: threading.Event) -> None:
            self.services.start_demo()

        return self.engine.submit(Job(DEMO, job, "Starting the demo stores"), wait=False)

    def test_connections(self, candidate: ConnectionCandidate | None = None) -> bool:
        """Reach both stores, with the saved details or a candidate's (app.ConnectionCandidate:
        the details as typed, tested before they are saved)."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            if candidate is None:
                return self.services.test_connections()
            return self.services.test_connections(candidate)

        return self.engine.submit(Job(TEST, job, "Testing the connections"), wait=False)

    def preview(self, task: TaskConfig) -> bool:
        def job(progress: ProgressFn, cancel: threading.Event) -> TaskPlan:
            plan: TaskPlan = self.services.plan_task(task, _engine_progress(progress), cancel)
            items.plan_grouped(plan, ready=True)  # here, not in the window: see sync/items.py
            return plan

        return self.engine.submit(Job(PLAN, job, "Preview", task=task.name), wait=False)

    def sync(self, plan: TaskPlan) -> bool:
        """Run exactly this previewed plan."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            report = _engine_progress(progress, self.quota_changed.emit)
            return self.services.run_plan(plan, report, cancel, "manual")

        return self.engine.submit(
            Job(RUN, job, "Sync", task=plan.task, trigger="manual"), wait=False
        )

    def _plan_and_run(self, task: TaskConfig, trigger: str) -> Callable[..., Any]:
        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            report = _engine_progress(progress, self.quota_changed.emit)
            plan = self.services.plan_task(task, report, cancel)
            return self.services.run_plan(plan, report, cancel, trigger)

        return job

    @Slot(str)
    def sync_task(self, name: str) -> bool:
        """Plan and run a task at once (the tray's Sync now), by hand, if nothing else runs."""
        task = self.task(name)
        if task is None or not task.actions:
            return False
        job = Job(RUN, self._plan_and_run(task, "manual"), "Sync", task=name, trigger="manual")
        return self.engine.submit(job, wait=False)

    @Slot(str)
    def run_scheduled(self, name: str) -> None:
        """Plan and run a task on schedule; waits behind a running job, never beside it."""
        task = self.task(name)
        if task is None or not task.actions:
            return
        queued = [self.engine.current, *self.engine.pending]
        if any(j is not None and j.kind == SCHEDULED and j.info["task"] == name for j in queued):
            return  # already queued or running: the one-minute re-check must not stack runs
        job = self._plan_and_run(task, "scheduled")
        self.engine.submit(Job(SCHEDULED, job, "Scheduled sync", task=name, trigger="scheduled"))

    @Slot()
    def cancel(self) -> None:
        self.engine.cancel_current()

    # -- read lane -------------------------------------------------------------------------------

    def load_history(self, limit: int = 200) -> None:
        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return self.services.history(limit)

        self.reads.submit(Job(HISTORY, job))

    def load_home(self) -> None:
        """Each task's last run and how many of its items need the owner (see pages/home)."""
        names = [t.name for t in self.settings.tasks]

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return home_data.load_home(self.services, names)

        self.reads.submit(Job(HOME, job))

    def load_items(self, run_id: int) -> None:
        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            # Grouped as items here, not in the window (see sync/items.py).
            return items.grouped(self.services.run_items(run_id))

        self.reads.submit(Job(ITEMS, job, run_id=run_id))

    def load_log(
        self, *, run_id: int | None = None, text: str = "", kind: str | None = None
    ) -> None:
        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return self.services.log_entries(run_id=run_id, text=text, kind=kind)

        self.reads.submit(Job(LOG, job))

    @Slot(object)
    def compute_due(self, now: datetime) -> None:
        tasks = [t for t in self.settings.tasks if t.schedule.mode != "off"]
        retry = dict(self._failed_attempts)

        def job(progress: ProgressFn, cancel: threading.Event) -> dict[str, datetime]:
            due: dict[str, datetime] = {}
            for task in tasks:
                when = self.services.next_due(task, now)
                if when is None:
                    continue
                if task.name in retry:
                    when = max(when, retry[task.name] + RETRY_AFTER)
                due[task.name] = when
            return due

        self.reads.submit(Job(DUE, job))

    def load_locations(self) -> bool:
        """Read the BigCommerce store's inventory locations (queued behind other reads)."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return self.services.stock_locations()

        return self.reads.submit(Job(LOCATIONS, job, "Reading the store's locations"))

    def export_preview(
        self, path: Path, rows: Sequence[PlanRow], fix_for: Callable[[PlanRow], str]
    ) -> bool:
        """Write preview rows to a CSV file off the GUI thread (`exported` when done)."""
        rows = list(rows)

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return preview_csv.export_rows(path, rows, fix_for)

        return self.reads.submit(Job(EXPORT, job, "Saving the preview", path=str(path)))

    def load_categories(self) -> bool:
        """Read both stores' categories for the rules' pick lists (queued behind other reads)."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return self.services.store_categories()

        return self.reads.submit(Job(CATEGORIES, job, "Reading the stores' categories"))

    def load_weight_unit(self) -> bool:
        """The BigCommerce store's weight unit, for the Weight rules page to name."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return self.services.store_weight_unit()

        return self.reads.submit(Job(WEIGHT_UNIT, job, "Reading the store's weight unit"))

    def load_tender_choices(self) -> bool:
        """Clover's tenders and the web orders' payment methods, for push-orders' tender map."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return self.services.tender_choices()

        return self.reads.submit(Job(TENDERS, job, "Reading the stores' payment methods"))

    def load_tax_choices(self) -> bool:
        """Clover's tax rates and BigCommerce's tax classes, for the tax-class map."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return self.services.tax_choices()

        return self.reads.submit(Job(TAX_CHOICES, job, "Reading the stores' tax lists"))

    def load_secrets(self) -> None:
        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            return secrets_bridge.load_state(self.services)

        self.reads.submit(Job(SECRETS_LOAD, job))

    def save_secrets(self, clover_token: str | None, bc_token: str | None) -> None:
        """Tokens to the OS keyring (None: keep the stored one, "": delete it)."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            secrets_bridge.save(self.services, clover_token, bc_token)
            return secrets_bridge.load_state(self.services)

        self.reads.submit(Job(SECRETS_SAVE, job))

    def keep_merchant_token(self, merchant: Any, token: str) -> None:
        """A further merchant's token to the keyring ("" deletes it), off the window's thread
        (a locked keyring can block while it asks to be unlocked); merchant_token_done says
        how it went."""

        def job(progress: ProgressFn, cancel: threading.Event) -> Any:
            secrets_bridge.save_merchant_token(self.services, merchant.merchant_id, token)

        self.reads.submit(Job(MERCHANT_TOKEN, job, merchant=merchant))

    # -- results ---------------------------------------------------------------------------------

    @Slot(object)
    def _on_started(self, job: Job) -> None:
        self.job_started.emit(job.kind, job.info.get("task", ""))

    @Slot(object, int, int, str)
    def _on_progressed(self, job: Job, done: int, total: int, text: str) -> None:
        self.progressed.emit(job.kind, done, total, text)

    @Slot(object, object)
    def _on_finished(self, job: Job, result: object) -> None:
        kind = job.kind
        if kind == DEMO:
            self.settings_changed.emit()
            self.demo_started.emit()
        elif kind == TEST:
            self.last_connections = result
            self.connections_tested.emit(result)
        elif kind == PLAN:
            self.plan_ready.emit(result)
        elif kind in (RUN, SCHEDULED):
            self.last_result, self.last_error = result, None
            self._failed_attempts.pop(job.info["task"], None)
            self.run_finished.emit(result, job.info["trigger"])
            if kind == SCHEDULED:
                self.scheduled_run_done.emit(job.info["task"], result)
            self.scheduler.check()
            self.load_history()
        elif kind == HISTORY:
            self.history_loaded.emit(result)
        elif kind == HOME:
            self.home_loaded.emit(result)
        elif kind == ITEMS:
            self.items_loaded.emit(job.info["run_id"], result)
        elif kind == LOG:
            self.log_loaded.emit(result)
        elif kind == DUE:
            assert isinstance(result, dict)
            self.scheduler.set_due_times(result)
        elif kind == LOCATIONS:
            self.locations_loaded.emit(result)
        elif kind == EXPORT:
            assert isinstance(result, int)
            self.exported.emit(job.info["path"], result)
        elif kind == CATEGORIES:
            self.categories_loaded.emit(result)
        elif kind == WEIGHT_UNIT:
            self.weight_unit_loaded.emit(result)
        elif kind == TENDERS:
            self.tender_choices_loaded.emit(result)

        elif kind == TAX_CHOICES:
            self.tax_choices_loaded.emit(result)
        elif kind == SECRETS_LOAD:
            self.secrets_loaded.emit(result)
        elif kind == SECRETS_SAVE:
            self.secrets_saved.emit(result)
        elif kind == MERCHANT_TOKEN:
            self.merchant_token_done.emit(job.info["merchant"], None)

    @Slot(object, object)
    def _on_failed(self, job: Job, error: object) -> None:
        assert isinstance(error, BaseException)
        if job.kind in (RUN, SCHEDULED):
            self.last_error = error
            self.load_history()
        if job.kind == SCHEDULED:
            self._failed_attempts[job.info["task"]] = self.scheduler.now()
            self.scheduled_run_done.emit(job.info["task"], error)
            self.scheduler.check()
        if job.kind in (SECRETS_LOAD, SECRETS_SAVE):
            self.secrets_failed.emit(error)
        elif job.kind == MERCHANT_TOKEN:
            self.merchant_token_done.emit(job.info["merchant"], error)
        else:
            self.job_failed.emit(job.kind, error)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel what runs and wait for it (quit)."""
        self.scheduler.stop()
        clean = self.engine.shutdown(timeout_ms)
        return self.reads.shutdown(timeout_ms) and clean
