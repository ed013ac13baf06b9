"""Runs a previewed task plan: settle the journal, apply each action, advance its cursor, report
progress, honour the cancel token."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from esync_desktop.connectors.pacing import QuotaState
from esync_desktop.sync.action_hooks import ApplyContext
from esync_desktop.sync.actions import spec_for
from esync_desktop.sync.apply import RowResult, Writer
from esync_desktop.sync.breaker import Breaker, StoreDown
from esync_desktop.sync.cursors import RETRY_REASONS, Cursor, advance
from esync_desktop.sync.journal import Journal, resolve_open_intents
from esync_desktop.sync.last_synced import LastSynced
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, TaskPlan
from esync_desktop.sync.reading import Cancelled

log = logging.getLogger(__name__)

__all__ = ["Cancelled", "Progress", "RunOutcome", "StalePlan", "StoreDown", "run_task_plan"]


@dataclass(frozen=True)
class Progress:
    """`done` of `total` writes finished; `sku` is the item being written. `quota`: set when
    the BigCommerce quota or a wait for it changed (connectors.pacing.QuotaState)."""

    done: int
    total: int
    sku: str | None = None
    message: str = ""
    quota: QuotaState | None = None


ProgressCallback = Callable[[Progress], None]


class StalePlan(RuntimeError):
    """The stores' cursors moved since the plan was made (another run happened in between)."""

    def __init__(self, action: str) -> None:
        super().__init__(
            f"the preview of {action} is out of date: another sync ran since it was made. "
            "Preview again, then sync."
        )
        self.action = action


class CursorStore(Protocol):
    def get_cursor(self, name: str) -> Mapping[str, Any] | None: ...
    def set_cursor(self, name: str, value: Mapping[str, Any]) -> None: ...


@dataclass
class RunOutcome:
    results: dict[str, list[RowResult]] = field(default_factory=dict)
    cancelled: bool = False
    # Set when the breaker ended the run early: the store stopped answering.
    stopped: StoreDown | None = None

    def counts(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        for rows in self.results.values():
            for result in rows:
                # A planned write that never happened (cancelled before it) is not counted.
                if result.outcome in (Outcome.CREATE, Outcome.UPDATE) and not result.written:
                    continue
                counts[result.outcome.value] += 1
        return counts

    @property
    def error(self) -> dict[str, str] | None:
        """Why the run ended early, as {kind, message}: what happened, what was done, and that
        the rest is left to the next sync. None when the run went through every row."""
        if self.stopped is None:
            return None
        counts = self.counts()
        done = ", ".join(
            f"{counts[o.value]} {word}"
            for o, word in (
                (Outcome.CREATE, "created"),
                (Outcome.UPDATE, "updated"),
                (Outcome.FAIL, "failed"),
            )
        )
        message = (
            f"{self.stopped.message.rstrip('.')}. The sync stopped early; done before that: "
            f"{done}. The rest is picked up by the next sync, once the store answers again."
        )
        return {"kind": self.stopped.kind, "message": message}

    @property
    def failures(self) -> list[RowResult]:
        return [r for rows in self.results.values() for r in rows if r.outcome is Outcome.FAIL]


def fully_handled(result: RowResult) -> bool:
    """Confirmed writes and verdicts that only a Clover edit can change (docs/ENGINE.md)."""
    if result.outcome in (Outcome.CREATE, Outcome.UPDATE):
        return result.written
    if result.outcome is Outcome.FAIL:
        return False
    return result.reason not in RETRY_REASONS


def _cursor_of(plan: ActionPlan) -> Cursor:
    return Cursor.from_json(plan.cursor_after.get("previous"))


def run_task_plan(
    plan: TaskPlan,
    *,
    bc: Any,
    journal: Journal,
    cursors: CursorStore,
    cursor_scope: str,
    run_id: int,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    on_item_error: Callable[[PlanRow, str], None] | None = None,
    on_action_done: Callable[[str, list[RowResult]], None] | None = None,
    clover: Any = None,
) -> RunOutcome:
    """Apply exactly `plan`. Cursors are saved after each action for the rows fully handled,
    also when cancelled; the journal is consistent at every point a process could die."""
    for action_plan in plan.actions:
        if "previous" not in action_plan.cursor_after:
            continue
        stored = Cursor.from_json(cursors.get_cursor(f"{cursor_scope}:{action_plan.action}"))
        if stored != _cursor_of(action_plan):
            raise StalePlan(action_plan.action)
    breaker = Breaker()
    # Journal keys start with the store pair, so only this pair's open intents are looked up here.
    settled = resolve_open_intents(journal, bc, prefix=f"{cursor_scope}|")
    if settled.error is not None:
        breaker.failed(settled.error, frozenset({"settle"}))
    total = sum(1 for a in plan.actions for r in a.rows if r.writes)
    state = {"done": 0}

    def tick(row: PlanRow, n: int) -> None:
        state["done"] = min(total, state["done"] + n)
        if progress is not None:
            progress(Progress(state["done"], total, row.sku, row.clover_name or ""))

    if progress is not None:
        progress(Progress(0, total, None, "starting"))
    writer = Writer(
        bc,
        journal,
        plan_id=f"{cursor_scope}|{plan.plan_id}",
        run_id=run_id,
        tick=tick,
        cancel=cancel,
        on_item_error=on_item_error or (lambda row, text: None),
        applied_before=settled.found,
        undecided=settled.undecided,
        breaker=breaker,
        last_synced=_last_synced(journal, cursor_scope),
    )
    outcome = RunOutcome()
    hooked = ApplyContext(
        clover, bc, journal, cursor_scope, run_id, tick, cancel, writer.on_item_error
    )
    for action_plan in plan.actions:
        applier = spec_for(action_plan.action).applier
        writer.partial = hooked.partial = []
        try:
            if applier is not None:
                results = applier(action_plan, hooked)
            else:
                results = writer.apply(action_plan)
        except Cancelled:
            outcome.cancelled = True
            results = (hooked.partial if applier else writer.partial) or _untouched(action_plan)
        except StoreDown as exc:
            # Everything done so far is kept and accounted for; the rest waits for the store.
            outcome.stopped = exc
            results = (hooked.partial if applier else writer.partial) or _untouched(action_plan)
        except BaseException:
            # Whatever was confirmed before the failure still moves the cursor and is recorded.
            partial = hooked.partial if applier else writer.partial
            _save_cursor(action_plan, partial, cursors, cursor_scope)
            if on_action_done is not None and partial:
                on_action_done(action_plan.action, partial)
            raise
        outcome.results[action_plan.action] = results
        _save_cursor(action_plan, results, cursors, cursor_scope)
        if on_action_done is not None:
            on_action_done(action_plan.action, results)
        if outcome.cancelled:
            log.info("run %s cancelled during %s", run_id, action_plan.action)
            break
        if outcome.stopped is not None:
            log.warning("run %s stopped during %s: %s", run_id, action_plan.action, outcome.stopped)
            break
    return outcome


def _last_synced(journal: Journal, scope: str) -> LastSynced | None:
    """The journal's store of field values, when it keeps them (the engine's state does)."""
    keeper = getattr(journal, "last_synced", None)
    return keeper(scope) if callable(keeper) else None


def _untouched(plan: ActionPlan) -> list[RowResult]:
    return [RowResult(r, r.outcome, r.reason, r.bc_id, r.detail) for r in plan.rows]


def _save_cursor(
    plan: ActionPlan, results: list[RowResult], cursors: CursorStore, scope: str
) -> None:
    if not spec_for(plan.action).uses_cursor or "previous" not in plan.cursor_after or not results:
        return
    handled = {i for i, r in enumerate(results) if fully_handled(r)}
    new = advance(_cursor_of(plan), [r.row for r in results], handled)
    cursors.set_cursor(f"{scope}:{plan.action}", new.to_json())
