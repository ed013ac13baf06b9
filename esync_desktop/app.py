"""The composition root: the one facade (Services) that the window and the CLI both use."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.errors import ApiError
from esync_desktop.demo_stores import DemoStores
from esync_desktop.domain.plan import PlanRow, TaskPlan
from esync_desktop.paths import AppPaths, app_paths
from esync_desktop.stock_locations import LocationStatus, StockByLocation
from esync_desktop.storage.secrets import BC_TOKEN, CLOVER_TOKEN, SecretStore
from esync_desktop.storage.settings import ActionConfig, Settings, SettingsStore, TaskConfig
from esync_desktop.storage.state import ItemResult, RunRecord, StateDb
from esync_desktop.store_credentials import (
    BIGCOMMERCE_API,
    ConfigurationError,
    StoreCredentials,
    configured_credentials,
)
from esync_desktop.sync import defaults, report
from esync_desktop.sync.actions import ACTIONS, plan_actions, spec_for
from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.categories import CategoryChoice, bc_category_choices, category_choices
from esync_desktop.sync.engine_state import EngineState
from esync_desktop.sync.reading import (
    ReadNeeds,
    read_bc_categories,
    read_clover_categories,
    read_snapshot,
)
from esync_desktop.sync.report import run_document
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.runner import Cancelled, Progress, StalePlan, run_task_plan
from esync_desktop.sync.schedule import next_due
from esync_desktop.sync.task_check import TaskProblem, check_task, task_problems

if TYPE_CHECKING:
    from esync_desktop.storage.notices import Notice

log = logging.getLogger(__name__)

__all__ = [
    "BIGCOMMERCE_API",
    "Cancelled",
    "CategoryChoice",
    "ConfigurationError",
    "ConnectionReport",
    "LocationStatus",
    "Progress",
    "RunResult",
    "Services",
    "StalePlan",
    "StockLocation",
    "StoreCategories",
]

ProgressCallback = Callable[[Progress], None]
T = TypeVar("T")


@dataclass(frozen=True)
class ConnectionReport:
    clover_ok: bool
    clover_name: str | None
    clover_error: str | None
    bc_ok: bool
    bc_name: str | None
    bc_error: str | None
    # The further Clover merchants (stock by location): (name, the merchant's name in Clover or
    # None, what is wrong or None). They do not decide `ok`: the catalogue is the first's.
    merchants: tuple[tuple[str, str | None, str | None], ...] = ()

    @property
    def ok(self) -> bool:
        return self.clover_ok and self.bc_ok


@dataclass(frozen=True)
class StockLocation:
    """A BigCommerce inventory location, as the owner picks one for the stock steps."""

    id: int
    label: str
    code: str = ""
    is_default: bool = False
    is_active: bool = True

    @property
    def title(self) -> str:
        name = self.label or f"Location {self.id}"
        notes = [
            n for n, on in (("default", self.is_default), ("inactive", not self.is_active)) if on
        ]
        return f"{name} ({', '.join(notes)})" if notes else name


@dataclass(frozen=True)
class StoreCategories:
    """Both stores' categories for the rules' pick lists. A side that could not be read is None,
    with the owner's message (what is wrong, what to do) in its error."""

    clover: tuple[CategoryChoice, ...] | None
    bigcommerce: tuple[CategoryChoice, ...] | None
    clover_error: str | None = None
    bc_error: str | None = None


@dataclass(frozen=True)
class RunResult:
    run_id: int
    counts: dict[str, int]
    cancelled: bool
    api_calls: dict[str, int]
    duration_s: float
    failures: list[PlanRow]
    # The run as a document: per action, the rows as they ended (the CLI's --json).
    document: dict[str, Any] = field(default_factory=dict)
    # Set when the run ended early because the store stopped answering: {"kind", "message"}
    # (kind: server_error, rate_limited, no_answer, unreachable or auth). What was done before
    # is in counts and document; the CLI exits 3.
    error: dict[str, str] | None = None


@dataclass(frozen=True)
class ConnectionCandidate:
    """Connection details as typed, tested before any of them is saved: the settings with the
    typed ids, region and addresses, and the typed tokens (None: the stored one)."""

    settings: Settings
    clover_token: str | None = None
    bc_token: str | None = None


class _TypedTokens:
    """The keyring, with the tokens typed but not yet saved in front of it."""

    def __init__(self, secrets: Any, typed: Mapping[str, str | None]) -> None:
        self._secrets, self._typed = secrets, typed

    def get(self, name: str) -> str | None:
        typed = self._typed.get(name)
        return typed if typed else self._secrets.get(name)


class Services:
    """Settings, secrets, state, the demo stores and the engine, behind one object."""

    settings: Settings

    def __init__(
        self, paths: AppPaths | None = None, environ: Mapping[str, str] = os.environ
    ) -> None:

        self.paths = (paths or app_paths()).ensure()
        self.environ = environ
        self._settings_store = SettingsStore(self.paths.settings_file)
        # Problems found while loading (a corrupt file kept as a backup, a bad value reset).
        self.settings, self.settings_problems = self._settings_store.load()
        if not self.settings.tasks:
            self.settings.tasks.append(default_task())
        self.secrets = SecretStore()
        self.state = StateDb(self.paths.state_db)
        # What the owner should be told about their files (a damaged one healed or reset), as
        # data: the window and the command line each show them.
        self.startup_notices: list[Notice] = [*self._settings_store.notices, *self.state.notices]
        self._engine_state = EngineState(self.state)
        self._demo = DemoStores(self.paths.sandbox_db)
        self._stock = StockByLocation(self)

    # -- settings and connections ----------------------------------------------------------

    def save_settings(self) -> None:
        self._settings_store.save(self.settings)

    @property
    def demo_running(self) -> bool:
        return self._demo.running

    def start_demo(self) -> None:
        """Serve the demo stores in-process on a free loopback port, their state kept under the
        data folder; the connections point at them. Their tokens stay in memory only."""
        if not self._demo.start():
            return
        rules = self.settings.weights
        if not rules.by_sku and not rules.by_category and rules.default is None:
            self.settings.weights = replace(
                rules,
                by_sku=dict(defaults.DEMO_SKU_WEIGHTS),
                by_category=dict(defaults.DEMO_CATEGORY_WEIGHTS),
            )

    def reset_demo(self) -> None:
        """Start the demo stores over, and forget what the engine knew about them."""
        self._demo.reset()
        self._engine_state.forget_scope(DemoStores.scope())

    def stop(self) -> None:
        self.stop_demo()
        self.state.close()

    def demo_ids(self) -> tuple[str, str]:
        """The demo stores' Clover merchant id and BigCommerce store hash (not secret)."""
        return DemoStores.ids()

    def _credentials(self, candidate: ConnectionCandidate | None = None) -> StoreCredentials:
        if self._demo.credentials is not None:
            return self._demo.credentials
        if candidate is None:
            return configured_credentials(self.settings, self.secrets, self.environ)
        typed = {CLOVER_TOKEN: candidate.clover_token, BC_TOKEN: candidate.bc_token}
        secrets = _TypedTokens(self.secrets, typed)
        return configured_credentials(candidate.settings, secrets, self.environ)  # type: ignore[arg-type]

    def stop_demo(self) -> None:
        """Leave the demo stores now: the next job uses the connections in the settings."""
        self._demo.stop()

    def _action_done(self, run_id: int, action: str, results: list[RowResult]) -> None:
        self._engine_state.record_items(run_id, results)
        report.log_step(run_id, action, results)

    def _scope(self, creds: StoreCredentials) -> str:
        if self._demo.credentials is not None:
            return DemoStores.scope()
        return f"{creds.clover_merchant_id}>{creds.bc_store_hash}"

    def _clients(
        self, run_id: int | None = None, candidate: ConnectionCandidate | None = None
    ) -> tuple[CloverClient, BigCommerceClient, StoreCredentials]:

        creds = self._credentials(candidate)
        hook = self._engine_state.exchange_hook(lambda: run_id)
        clover = CloverClient(
            creds.clover_base_url, creds.clover_merchant_id, creds.clover_token, on_exchange=hook
        )
        bc = BigCommerceClient(
            creds.bc_base_url, creds.bc_store_hash, creds.bc_token, on_exchange=hook
        )
        return clover, bc, creds

    def test_connections(self, candidate: ConnectionCandidate | None = None) -> ConnectionReport:
        """Reach both stores: their names, or what is wrong and what to do. With a candidate,
        the details as typed (nothing of them saved)."""
        try:
            clover, bc, _ = self._clients(candidate=candidate)
        except ConfigurationError as exc:
            return ConnectionReport(False, None, str(exc), False, None, str(exc))
        try:
            clover_name, clover_error = _probe(lambda: clover.merchant().get("name"))
            bc_name, bc_error = _probe(lambda: bc.store_info().get("name"))
        finally:
            clover.close()
            bc.close()
        merchants = () if candidate is not None else self._stock.probe(self._credentials())
        return ConnectionReport(
            clover_error is None,
            clover_name,
            clover_error,
            bc_error is None,
            bc_name,
            bc_error,
            merchants,
        )

    def stock_locations(self) -> list[StockLocation]:
        """The store's inventory locations, default first; raises ConfigurationError or an
        ApiError (the owner's message) when the store cannot be read."""
        clover, bc, _ = self._clients()
        try:
            found = [
                StockLocation(
                    id=int(doc["id"]),
                    label=str(doc.get("label") or ""),
                    code=str(doc.get("code") or ""),
                    # The location document has no default flag: the store's first one is.
                    is_default=int(doc["id"]) == 1,
                    is_active=bool(doc.get("enabled", True)),
                )
                for doc in bc.iter_locations()
                if isinstance(doc.get("id"), int)
            ]
        finally:
            clover.close()
            bc.close()
        return sorted(found, key=lambda loc: (not loc.is_default, loc.id))

    def store_weight_unit(self) -> tuple[str | None, str]:
        """The BigCommerce store's weight unit (store_info's `weight_units`, e.g. "KGS"), or
        None and why it could not be read (not set up, not reachable)."""
        try:
            clover, bc, _ = self._clients()
        except ConfigurationError:
            return None, "the store is not set up (Connections page, or the ESYNC_BC_* variables)"
        try:
            unit, error = _probe(lambda: bc.store_info().get("weight_units"))
        finally:
            clover.close()
            bc.close()
        return (unit, "") if unit else (None, error or "the store did not say")

    def store_categories(self) -> StoreCategories:
        """The categories of both stores, by name as the rules match them (trim, any case),
        sorted; raises ConfigurationError when the stores are not set up."""

        clover, bc, _ = self._clients()
        try:
            clover_names, clover_error = _attempt(lambda: read_clover_categories(clover))
            bc_found, bc_error = _attempt(lambda: read_bc_categories(bc))
        finally:
            clover.close()
            bc.close()
        return StoreCategories(
            clover=None
            if clover_names is None
            else category_choices((name, "") for name in clover_names),
            bigcommerce=None if bc_found is None else bc_category_choices(bc_found),
            clover_error=clover_error,
            bc_error=bc_error,
        )

    # -- the engine ------------------------------------------------------------------------

    def rules(self) -> Rules:
        weights = self.settings.weights
        return Rules.build(
            by_sku=weights.by_sku,
            by_category=weights.by_category,
            default=weights.default,
            category_map=self.settings.category_map,
            location_id=self.settings.location_id or 1,
        )

    def task_problems(self, task: TaskConfig) -> list[TaskProblem]:
        """Why the task may not run as it is (empty: it may). The Tasks page shows these
        when a step is added or changed; plan_task refuses such a task."""
        actions = [(a.action, dict(a.options)) for a in task.actions]
        return task_problems(actions, self.settings.location_id or 1)

    def plan_task(
        self,
        task: TaskConfig,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> TaskPlan:
        """Read both stores and plan every action of the task. Writes nothing to the stores."""
        actions = [(a.action, dict(a.options)) for a in task.actions]
        for action, _ in actions:
            spec_for(action)
        check_task(task.name, actions, self.settings.location_id or 1)
        with self.state.run_lock(task.name):
            clover, bc, creds = self._clients()
            try:
                if progress is not None:
                    progress(Progress(0, 0, None, "reading both stores"))
                specs = [ACTIONS[a] for a, _ in actions]
                needs = ReadNeeds(
                    groups=any(s.needs_groups for s in specs),
                    categories=any(s.needs_categories for s in specs),
                    # The stock actions read item_stocks for the stock's own modifiedTime.
                    stocks=any(s.id.startswith("send-inventory") for s in specs),
                    bigcommerce=any(s.needs_bc_catalog for s in specs),
                )
                started_ms = int(time.time() * 1000)
                snapshot = read_snapshot(clover, bc, needs, cancel)
                scope = self._scope(creds)
                extra_calls = 0
                if needs.stocks:
                    snapshot, extra_calls = self._stock.read(
                        snapshot, clover, bc, creds, scope, needs.groups, cancel, started_ms
                    )
                cursors = {a: self._engine_state.cursor(f"{scope}:{a}") for a, _ in actions}
                # Actions with a read hook (the order actions) read what they need themselves.
                from esync_desktop.sync.actions import read_extras

                snapshot = read_extras(
                    snapshot, actions, clover, bc, self._engine_state, scope, cursors, cancel
                )
                plan = plan_actions(
                    task.name,
                    actions,
                    snapshot,
                    cursors,
                    self.rules(),
                    stop_when_empty=task.stop_when_empty,
                )
                calls = {
                    "clover": clover.request_count + extra_calls,
                    "bigcommerce": bc.request_count,
                }
            finally:
                clover.close()
                bc.close()
        plan = replace(plan, api_calls=calls, plan_id=uuid.uuid4().hex)
        report.log_plan(plan)
        return plan

    def run_plan(
        self,
        plan: TaskPlan,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        trigger: str = "manual",
    ) -> RunResult:
        """Apply exactly `plan` (from plan_task) and record the run."""
        started = time.monotonic()
        with self.state.run_lock(plan.task):
            run_id = self._engine_state.start_run(plan.task, trigger)
            report.log_run_start(plan, run_id, trigger)
            clover, bc, creds = self._clients(run_id)
            outcome = None
            error: BaseException | None = None
            try:
                outcome = run_task_plan(
                    plan,
                    bc=bc,
                    journal=self._engine_state,
                    cursors=self._engine_state,
                    cursor_scope=self._scope(creds),
                    run_id=run_id,
                    progress=progress,
                    cancel=cancel,
                    on_item_error=lambda row, text: self._engine_state.mapping_error(
                        run_id, row, text
                    ),
                    on_action_done=lambda action, results: self._action_done(
                        run_id, action, results
                    ),
                    clover=clover,
                )
            except BaseException as exc:
                error = exc
                raise
            finally:
                calls = {
                    "clover": plan.api_calls.get("clover", 0) + clover.request_count,
                    "bigcommerce": plan.api_calls.get("bigcommerce", 0) + bc.request_count,
                }
                clover.close()
                bc.close()
                counts = outcome.counts() if outcome is not None else {}
                stopped = outcome.error if outcome is not None else None
                self._engine_state.finish_run(
                    run_id,
                    counts,
                    cancelled=bool(outcome and outcome.cancelled),
                    error=str(error) if error is not None else (stopped or {}).get("message"),
                    api_calls=calls,
                )
                report.log_run_end(
                    run_id,
                    plan.task,
                    counts,
                    cancelled=bool(outcome and outcome.cancelled),
                    error=None if error is None else f"{type(error).__name__}: {error}",
                )
        # A run that ended: its state is the one to go back to if the database is damaged later.
        self.state.keep_last_good()
        failures = [r.row for r in outcome.failures] if outcome else []
        document = run_document(plan, outcome.results, calls)
        return RunResult(
            run_id=run_id,
            counts=outcome.counts(),
            cancelled=outcome.cancelled,
            api_calls=calls,
            duration_s=time.monotonic() - started,
            failures=failures,
            document=document,
            error=outcome.error,
        )

    # -- history and log -------------------------------------------------------------------

    def history(self, limit: int = 200) -> list[RunRecord]:
        return self.state.runs(limit=limit)

    def run_items(self, run_id: int) -> list[ItemResult]:
        return self.state.run_items(run_id)

    def log_entries(
        self,
        *,
        run_id: int | None = None,
        text: str = "",
        kind: str | None = None,
        limit: int = 5000,
    ) -> list[Any]:
        return self.state.log_entries(run_id=run_id, text=text, kind=kind, limit=limit)

    def stock_merchants(self) -> list[tuple[str, str, int]]:
        """(merchant id, name, location id) of each Clover merchant, the first first."""
        return self._stock.listed()

    def stock_status(self, now: datetime | None = None) -> list[LocationStatus]:
        """Each merchant's location with its last confirmed Clover stock read and whether the
        stale-stock guard holds it (no network: what the last plans recorded)."""
        return self._stock.status(now)

    def next_due(self, task: TaskConfig, now: datetime) -> datetime | None:
        last = self._engine_state.last_run_of(task.name)
        return next_due(task.schedule, last, now)


def default_task() -> TaskConfig:
    """ "Catalogue sync": the five actions. stop_when_empty is off for it: once the catalogue
    is complete, send-standard has nothing to create on most runs, and stock and prices must
    still be kept in step."""
    return TaskConfig(
        name=defaults.DEFAULT_TASK_NAME,
        actions=[ActionConfig(a, {}) for a in defaults.default_task_actions()],
        stop_when_empty=defaults.STOP_WHEN_EMPTY,
    )


def _attempt(call: Callable[[], T]) -> tuple[T | None, str | None]:
    """The call's result, or None and the store's message when it could not be reached/read."""
    try:
        return call(), None
    except ApiError as exc:
        return None, f"{exc.title}: {exc.message}"


def _probe(call: Callable[[], object]) -> tuple[str | None, str | None]:
    try:
        return str(call() or ""), None
    except ApiError as exc:
        return None, f"{exc.title}: {exc.message}"


__all__ += ["RowResult"]
