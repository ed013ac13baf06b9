"""What an action that reads and writes on its own (the order actions) is given: a read hook
called while the task is planned, and an apply hook called by the runner in place of the
catalogue writer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.journal import Journal
from esync_desktop.sync.model import ActionPlan, PlanRow


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
