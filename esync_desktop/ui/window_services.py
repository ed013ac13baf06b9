"""What the window asks of the facade (app.Services), as a type: the window's tests stand a
smaller facade in for it where a test is about the window's own rules."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Protocol

from esync_desktop.app import (
    ConnectionCandidate,
    ConnectionReport,
    ProgressCallback,
    RunResult,
    StockLocation,
    StoreCategories,
    TaxChoices,
    TenderChoices,
)
from esync_desktop.domain.plan import PlanRow, TaskPlan
from esync_desktop.paths import AppPaths
from esync_desktop.storage.notices import Notice
from esync_desktop.storage.secrets import SecretStore
from esync_desktop.storage.settings import Settings, TaskConfig
from esync_desktop.storage.state import ItemResult, LogEntry, RunRecord, StateDb
from esync_desktop.storage.weights_csv import WeightImport
from esync_desktop.sync.replan import Fixed
from esync_desktop.sync.task_check import TaskProblem
from esync_desktop.sync.true_up import DriftCheck


class WindowServices(Protocol):
    """The part of app.Services the window uses; every call but the settings' runs in a job."""

    settings: Settings
    secrets: SecretStore
    paths: AppPaths
    # Read by the support zip (diagnostics.export_diagnostics) and at start.
    settings_problems: list[str]
    startup_notices: list[Notice]
    state: StateDb
    environ: Mapping[str, str]

    @property
    def demo_running(self) -> bool: ...
    def save_settings(self) -> None: ...
    def start_demo(self) -> None: ...
    def stop_demo(self) -> None: ...
    def stop(self) -> None: ...
    def demo_ids(self) -> tuple[str, str]: ...
    def test_connections(
        self, candidate: ConnectionCandidate | None = None
    ) -> ConnectionReport: ...
    def plan_task(
        self,
        task: TaskConfig,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        skus: Iterable[str] | None = None,
    ) -> TaskPlan: ...
    def replan_items(
        self,
        plan: TaskPlan,
        task: TaskConfig,
        skus: Iterable[str],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        fixed: Fixed = Fixed.RULE,
    ) -> TaskPlan: ...
    def plan_category_creates(self, names: Iterable[str]) -> TaskPlan: ...
    def admin_url(
        self,
        store: str,
        *,
        clover_id: str | None = None,
        bc_id: int | None = None,
        sku: str | None = None,
    ) -> str: ...
    def run_plan(
        self,
        plan: TaskPlan,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        trigger: str = "manual",
    ) -> RunResult: ...
    def history(self, limit: int = 200) -> list[RunRecord]: ...
    def run_items(self, run_id: int) -> list[ItemResult]: ...
    def log_entries(
        self,
        *,
        run_id: int | None = None,
        text: str = "",
        kind: str | None = None,
        limit: int = 5000,
    ) -> list[LogEntry]: ...
    def next_due(self, task: TaskConfig, now: datetime) -> datetime | None: ...
    def stock_locations(self) -> list[StockLocation]: ...
    def store_categories(self) -> StoreCategories: ...
    def store_weight_unit(self) -> tuple[str | None, str]: ...
    def import_weights(self, path: Path) -> WeightImport: ...
    def tender_choices(self) -> TenderChoices: ...
    def drift_check(self) -> DriftCheck | None: ...
    def tax_choices(self) -> TaxChoices: ...
    def choose_conflicts(self, rows: list[PlanRow], side: str) -> int: ...
    def task_problems(self, task: TaskConfig) -> list[TaskProblem]: ...
