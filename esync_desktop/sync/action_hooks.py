"""What an action that reads and writes on its own (the order actions) is given: a read hook
called while the task is planned, and an apply hook called by the runner in place of the
catalogue writer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from esync_desktop.connectors.errors import (
    ConflictError,
    NotFoundError,
    ServerError,
    TransportError,
    ValidationError,
)
from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.journal import Journal
from esync_desktop.sync.model import ActionPlan, PlanRow
from esync_desktop.sync.reading import Cancelled

# The store said no: the journal entry fails and the row is rejected, never sent again as is.
REFUSED = (ValidationError, ConflictError, NotFoundError)
# No answer, or the store failing: the write may have been applied and is settled by a lookup.
UNANSWERED = (TransportError, ServerError)


@dataclass(frozen=True)
class ReadContext:
    """Both clients, the journal, the store pair's scope and the action's cursor and options."""

    clover: Any
    bc: Any
    journal: Journal
    scope: str
    cursor: Cursor
    options: Mapping[str, Any]
    cancel: threading.Event | None = None
    # The catalogues read for the task (e.g. Clover's items, for their SKUs).
    snapshot: Any = None


@dataclass
class ApplyContext:
    clover: Any
    bc: Any
    journal: Journal
    scope: str
    run_id: int
    tick: Callable[[PlanRow, int], None]
    cancel: threading.Event | None
    on_item_error: Callable[[PlanRow, str], None]
    # The results so far, for a run cancelled or stopped part way.
    partial: list[RowResult] = field(default_factory=list)


Reader = Callable[[ReadContext], Any]
Applier = Callable[[ActionPlan, ApplyContext], list[RowResult]]


def never_sent(exc: TransportError | ServerError) -> bool:
    """An unanswered request that certainly did not arrive: failed in the journal and raised,
    with nothing to settle."""
    return isinstance(exc, TransportError) and not exc.maybe_applied


def apply_rows(
    plan: ActionPlan, ctx: ApplyContext, write: Callable[[PlanRow], RowResult]
) -> list[RowResult]:
    """Every row's result, in order, `write` called for each row that writes; raises
    Cancelled between rows (the results so far in ctx.partial) and what `write` raises."""
    done = [RowResult(r, r.outcome, r.reason, r.bc_id, r.detail) for r in plan.rows]
    ctx.partial = list(done)
    for i, row in enumerate(plan.rows):
        if not row.writes:
            continue
        if ctx.cancel is not None and ctx.cancel.is_set():
            raise Cancelled
        done[i] = write(row)
        ctx.tick(row, 1)
        ctx.partial = list(done)
    return done
