"""The composition root: the one facade (Services) that the window and the CLI both use."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.errors import ApiError
from esync_desktop.connectors.pacing import QuotaState
from esync_desktop.demo_stores import DemoStores
from esync_desktop.domain.plan import ActionPlan, PlanRow, TaskPlan
from esync_desktop.paths import AppPaths, app_paths
from esync_desktop.stock_locations import LocationStatus, StockByLocation
from esync_desktop.storage.secrets import BC_TOKEN, CLOVER_TOKEN, SecretStore
from esync_desktop.storage.settings import ActionConfig, Settings, SettingsStore, TaskConfig
from esync_desktop.storage.state import ItemResult, LogEntry, RunRecord, StateDb
from esync_desktop.storage.state.links import LinkChange
from esync_desktop.storage.weights_csv import WeightImport, read_weights_csv
from esync_desktop.store_credentials import (
    BIGCOMMERCE_API,
    ConfigurationError,
    StoreCredentials,
    configured_credentials,
)
from esync_desktop.store_lists import (
    StockLocation,
    StoreCategories,
    StoreLists,
    TaxChoices,
    TenderChoices,
    probe,
)
from esync_desktop.sync import defaults, report
from esync_desktop.sync.actions import ACTIONS, plan_actions, read_extras, spec_for
from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.categories import CategoryChoice
from esync_desktop.sync.category_create import CATEGORY_TASK, CREATE_CATEGORIES
from esync_desktop.sync.delta import read_stores
from esync_desktop.sync.engine_state import EngineState
from esync_desktop.sync.last_synced import choose
from esync_desktop.sync.plan_products import UPDATE_PRODUCTS
from esync_desktop.sync.reading import (
    ReadNeeds,
    read_bc_categories,
)
from esync_desktop.sync.replan import Fixed, Held, categories_stale, focus_keys, merge_plans
from esync_desktop.sync.report import run_document
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.runner import Cancelled, Progress, StalePlan, run_task_plan
from esync_desktop.sync.schedule import next_due
from esync_desktop.sync.snapshot import Snapshot
from esync_desktop.sync.task_check import TaskProblem, check_task, task_problems
from esync_desktop.sync.tax_classes import (
    needs_tax_rates,
    with_tax_rates,
)
from esync_desktop.sync.true_up import TRUE_UP, DriftCheck, steps_due

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
    "TaxChoices",
    "TenderChoices",
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


class Services(StoreLists):
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
        # Per task, the snapshot its last plan was made from (a fix re-plans from it).
        self._held: dict[str, Held] = {}

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

    def _action_done(
        self, run_id: int, action: str, results: list[RowResult], scope: str = ""
    ) -> None:
        self._engine_state.record_items(run_id, results)
        report.log_step(run_id, action, results)
        if scope:
            self._engine_state.record_written(scope, results)
            if action == TRUE_UP:
                self._engine_state.record_drift(scope, results)

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
            clover_name, clover_error = probe(lambda: clover.merchant().get("name"))
            bc_name, bc_error = probe(lambda: bc.store_info().get("name"))
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

    def choose_conflicts(self, rows: list[PlanRow], side: str) -> int:
        """Settle conflict rows of a preview: keep the web's values ("bigcommerce") or have
        the next sync write Clover's ("clover"). Returns how many were settled."""
        creds = self._credentials()
        last = self._engine_state.last_synced(self._scope(creds))
        return choose(last, rows, side)

    # -- the engine ------------------------------------------------------------------------

    def rules(self) -> Rules:
        weights = self.settings.weights
        return Rules.build(
            by_sku=weights.by_sku,
            by_category=weights.by_category,
            default=weights.default,
            category_map=self.settings.category_map,
            location_id=self.settings.location_id or 1,
            ownership=self.settings.ownership,
            tax_class_map=self.settings.tax_class_map,
            buffers=self.settings.stock.buffers,
        )

    def _stock_locations(self) -> list[int]:
        """Every BigCommerce location the stock steps write: each Clover merchant's."""
        return [location or 1 for _, _, location in self._stock.listed()]

    def task_problems(self, task: TaskConfig) -> list[TaskProblem]:
        """Why the task may not run as it is (empty: it may). The Tasks page shows these
        when a step is added or changed; plan_task refuses such a task."""
        actions = [(a.action, dict(a.options)) for a in task.actions]
        return task_problems(actions, self.settings.location_id or 1, self._stock_locations())

    def plan_task(
        self,
        task: TaskConfig,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        skus: Iterable[str] | None = None,
    ) -> TaskPlan:
        """Read both stores and plan every action of the task. Writes nothing to the stores.
        With `skus`, only the catalogue steps, and only for those items (see replan_items)."""
        focus = None if skus is None else focus_keys(skus)
        plan, held = self._read_and_plan(task, progress, cancel, focus)
        if focus is None:
            self._held[task.name] = held
        return plan

    def _task_actions(
        self, task: TaskConfig, focus: frozenset[str] | None
    ) -> list[tuple[str, Mapping[str, Any]]]:
        actions: list[tuple[str, Mapping[str, Any]]] = [
            (a.action, dict(a.options)) for a in task.actions
        ]
        if focus is not None:
            actions = [(a, o) for a, o in actions if spec_for(a).reader is None]
        for action, _ in actions:
            spec_for(action)
        check_task(task.name, actions, self.settings.location_id or 1, self._stock_locations())
        return actions

    def _read_and_plan(
        self,
        task: TaskConfig,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        focus: frozenset[str] | None,
    ) -> tuple[TaskPlan, Held]:
        """The plan, and the snapshot it was made from (kept for a fix's re-plan)."""
        actions = self._task_actions(task, focus)
        with self.state.run_lock(task.name):
            clover, bc, creds = self._clients()
            progress, unwatch = _with_quota(bc, progress)
            try:
                if progress is not None:
                    progress(Progress(0, 0, None, "reading both stores"))
                scope = self._scope(creds)
                actions, waiting = self._due(actions, scope)
                specs = [ACTIONS[a] for a, _ in actions]
                needs = ReadNeeds(
                    groups=any(s.needs_groups for s in specs),
                    categories=any(s.needs_categories for s in specs),
                    # The stock actions read item_stocks for the stock's own modifiedTime.
                    stocks=any(s.id.startswith("send-inventory") or s.id == TRUE_UP for s in specs),
                    bigcommerce=any(s.needs_bc_catalog for s in specs),
                    fresh_web=any(s.id == UPDATE_PRODUCTS for s in specs),
                )
                started_ms = int(time.time() * 1000)
                down = None
                try:
                    # Only what can have changed, unless the drift check reads both in full.
                    read = read_stores(
                        clover,
                        bc,
                        needs,
                        self.state,
                        scope,
                        full=any(s.id == TRUE_UP for s in specs),
                        cancel=cancel,
                    )
                except ApiError as exc:
                    # The first merchant's location follows the stale-stock guard too.
                    down = self._stock.first_down(
                        exc, actions, bc, creds, scope, needs.groups, cancel
                    )
                    if down is None:
                        raise
                    read, actions = down.read, down.steps
                    waiting += down.waiting
                    specs = [ACTIONS[a] for a, _ in actions]
                snapshot = read.snapshot
                if needs_tax_rates(self.settings.tax_class_map, [s.id for s in specs]):
                    snapshot = with_tax_rates(snapshot, clover)
                extra_calls = 0
                if needs.stocks and self._stock.by_location(creds):
                    snapshot, extra_calls = self._stock.read(
                        snapshot,
                        clover,
                        bc,
                        creds,
                        scope,
                        needs.groups,
                        cancel,
                        started_ms,
                        first_error=None if down is None else down.error,
                    )
                cursors = self._cursors(actions, scope)
                # Actions with a read hook (the order actions) read what they need themselves.
                snapshot = read_extras(
                    snapshot, actions, clover, bc, self._engine_state, scope, cursors, cancel
                )
                # What was read is what the stores hold: the next delta run starts from it.
                # It is saved while the plan is made (a full read's 100k records take seconds).
                change, read.change = read.change, LinkChange()
                saving = self.state.links_write_behind(scope, change) if change else None
                del change  # the writer's alone: freed once written
                try:
                    plan = self._plan_from(task, actions, waiting, snapshot, cursors, focus)
                finally:
                    if saving is not None:
                        saving.wait()
                calls = {
                    "clover": clover.request_count + extra_calls,
                    "bigcommerce": bc.request_count,
                }
            finally:
                unwatch()
                clover.close()
                bc.close()
        plan = replace(plan, api_calls=calls, plan_id=uuid.uuid4().hex)
        report.log_plan(plan)
        return plan, Held(plan.plan_id, scope, frozenset(a for a, _ in actions), snapshot)

    def _due(
        self, actions: list[tuple[str, Mapping[str, Any]]], scope: str
    ) -> tuple[list[tuple[str, Mapping[str, Any]]], list[ActionPlan]]:
        last = self._engine_state.last_drift(scope)
        return steps_due(actions, last.at if last else None, datetime.now().astimezone())

    def _cursors(self, actions: list[tuple[str, Mapping[str, Any]]], scope: str) -> dict[str, Any]:
        return {a: self._engine_state.cursor(f"{scope}:{a}") for a, _ in actions}

    def _plan_from(
        self,
        task: TaskConfig,
        actions: list[tuple[str, Mapping[str, Any]]],
        waiting: list[ActionPlan],
        snapshot: Snapshot,
        cursors: Mapping[str, Any],
        focus: frozenset[str] | None,
    ) -> TaskPlan:
        plan = plan_actions(
            task.name,
            actions,
            snapshot.with_focus(focus),
            cursors,
            self.rules(),
            stop_when_empty=task.stop_when_empty and focus is None,
        )
        return replace(plan, actions=plan.actions + tuple(waiting))

    def replan_items(
        self,
        plan: TaskPlan,
        task: TaskConfig,
        skus: Iterable[str],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        fixed: Fixed = Fixed.RULE,
    ) -> TaskPlan:
        """`plan` with the items of these SKUs planned again after a fix changed a rule, an
        option or (`fixed`) the store; every other row stays as previewed. The items are
        planned from the snapshot the preview read, with only what the fix changed read again
        (the categories after one was created); a plan whose snapshot is not held (made
        elsewhere, or the task gained a step since) has its items read again in full."""
        focus = focus_keys(skus)
        actions = self._task_actions(task, focus)
        scope = self._scope(self._credentials())
        held = self._held.get(task.name)
        if held is None or not held.serves(plan, scope, (a for a, _ in actions)):
            new, held = self._read_and_plan(task, progress, cancel, focus)
        else:
            with self.state.run_lock(task.name):
                snapshot = held.snapshot
                calls = {"clover": 0, "bigcommerce": 0}
                if categories_stale(snapshot.with_focus(focus), self.rules(), fixed):
                    snapshot, calls["bigcommerce"] = self._read_categories(snapshot)
                actions, waiting = self._due(actions, scope)
                cursors = self._cursors(actions, scope)
                new = self._plan_from(task, actions, waiting, snapshot, cursors, focus)
            new = replace(new, api_calls=calls)
            held = replace(held, snapshot=snapshot)
        merged = merge_plans(plan, new)
        self._held[task.name] = replace(held, plan_id=merged.plan_id)
        return merged

    def _read_categories(self, snapshot: Snapshot) -> tuple[Snapshot, int]:
        """The snapshot with the store's categories read again, and the calls that took."""
        clover, bc, _ = self._clients()
        try:
            categories = tuple(read_bc_categories(bc))
            return replace(snapshot, bc_categories=categories), bc.request_count
        finally:
            clover.close()
            bc.close()

    def plan_category_creates(self, names: Iterable[str]) -> TaskPlan:
        """The creation of these BigCommerce categories as a plan to preview and confirm, then
        run with run_plan like any other (journalled, in History and the integration log).
        Reads only the store's categories."""
        with self.state.run_lock(CATEGORY_TASK):
            clover, bc, _ = self._clients()
            try:
                snapshot = Snapshot(bc_categories=tuple(read_bc_categories(bc)))
                calls = {"clover": 0, "bigcommerce": bc.request_count}
            finally:
                clover.close()
                bc.close()
        actions = [(CREATE_CATEGORIES, {"names": list(names)})]
        plan = plan_actions(
            CATEGORY_TASK, actions, snapshot, {}, self.rules(), stop_when_empty=False
        )
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
        # A run makes the task's snapshot old: its memory goes before the run takes its own.
        self._held.pop(plan.task, None)
        with self.state.run_lock(plan.task):
            run_id = self._engine_state.start_run(plan.task, trigger)
            report.log_run_start(plan, run_id, trigger)
            clover, bc, creds = self._clients(run_id)
            progress, unwatch = _with_quota(bc, progress)
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
                        run_id, action, results, self._scope(creds)
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
                unwatch()
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
        # The history stays bounded in a window left open for weeks, not only at each start.
        self.state.prune()
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
    ) -> list[LogEntry]:
        return self.state.log_entries(run_id=run_id, text=text, kind=kind, limit=limit)

    def import_weights(self, path: Path) -> WeightImport:
        """Add the SKU weights of a `sku,weight` CSV file to the rules and save them; bad lines
        are skipped and listed in the result. A file that cannot be read raises WeightCsvError
        (nothing changed)."""
        result = read_weights_csv(path)
        self.settings.weights = self.settings.weights.with_sku_weights(result.weights)
        self.save_settings()
        return result

    def drift_check(self) -> DriftCheck | None:
        """When the last drift check (true-up) of the connected stores ran and what it found;
        None when it never ran or the stores are not set up."""
        try:
            scope = self._scope(self._credentials())
        except ConfigurationError:
            return None
        return self._engine_state.last_drift(scope)

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


def _with_quota(
    bc: BigCommerceClient, progress: ProgressCallback | None
) -> tuple[ProgressCallback | None, Callable[[], None]]:
    """`progress`, also told (as Progress.quota, with the last figures) whenever the store's
    quota or a wait for it changes; and the function that stops telling it."""
    if progress is None:
        return None, lambda: None
    last = [Progress(0, 0)]

    def told(p: Progress) -> None:
        last[0] = p
        progress(p)

    def quota(state: QuotaState) -> None:
        progress(replace(last[0], quota=state))

    return told, bc.http.pacer.watch(quota)


__all__ += ["DriftCheck", "RowResult"]
