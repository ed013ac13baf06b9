"""The engine's view of the state database: journal, cursors, runs, items and the log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from esync_desktop.storage.state import StateDb
from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.journal import OpenIntent
from esync_desktop.sync.model import PlanRow

log = logging.getLogger(__name__)

NOT_DONE = "not_done"


class EngineState:
    """Adapts storage.state.StateDb to the protocols the engine uses (journal.Journal,
    runner.CursorStore), so the engine does not depend on how rows are stored."""

    def __init__(self, db: StateDb) -> None:
        self.db = db

    # -- journal ---------------------------------------------------------------------------

    def journal_intent(
        self, key: str, action: str, sku: str | None, payload: Mapping[str, Any], run_id: int
    ) -> None:
        self.db.journal_intent(key, action=action, sku=sku, payload=dict(payload), run_id=run_id)

    def journal_confirm(self, key: str, result: Mapping[str, Any]) -> None:
        self.db.journal_confirm(key, dict(result))

    def journal_fail(self, key: str, error: str) -> None:
        self.db.journal_fail(key, error)

    def journal_resolve(self, key: str, applied: bool, result: Mapping[str, Any]) -> None:
        self.db.journal_resolve(key, applied=applied, result=dict(result))

    def journal_open(self) -> list[OpenIntent]:
        return [OpenIntent(e.key, e.action, e.sku, e.payload or {}) for e in self.db.journal_open()]

    def journal_confirmed(self, key: str) -> Mapping[str, Any] | None:
        entry = self.db.journal_get(key)
        if entry is None or entry.status not in ("confirmed", "resolved_applied"):
            return None
        return entry.result or {}

    def journal_confirmed_at(self, key: str) -> datetime | None:
        """When the write under `key` was confirmed or found applied (None: it was not)."""
        entry = self.db.journal_get(key)
        if entry is None or entry.status not in ("confirmed", "resolved_applied"):
            return None
        return entry.updated_at

    # -- cursors ---------------------------------------------------------------------------

    def get_cursor(self, name: str) -> Mapping[str, Any] | None:
        value = self.db.get_cursor(name)
        return value if isinstance(value, Mapping) else None

    def set_cursor(self, name: str, value: Mapping[str, Any]) -> None:
        self.db.set_cursor(name, dict(value))

    def cursor(self, name: str) -> Cursor:
        return Cursor.from_json(self.get_cursor(name))

    def forget_scope(self, scope: str) -> None:
        """Drop every cursor of one store pair (after the demo stores start over)."""
        self.db.delete_cursors(prefix=f"{scope}:")

    # -- runs, items, log ------------------------------------------------------------------

    def start_run(self, task: str, trigger: str) -> int:
        return int(self.db.start_run(task, trigger))

    def finish_run(
        self,
        run_id: int,
        counts: Mapping[str, int],
        *,
        cancelled: bool,
        error: str | None,
        api_calls: Mapping[str, int],
    ) -> None:
        self.db.finish_run(
            run_id, dict(counts), cancelled=cancelled, api_calls=dict(api_calls), error=error
        )

    def record_items(self, run_id: int, results: list[RowResult]) -> None:
        """Every row of an action as it ended; a planned write never reached (the run was
        cancelled or stopped before it) is recorded as "not_done"."""
        entries: list[object] = []
        for result in results:
            if result.row.writes and not result.written and result.outcome is result.row.outcome:
                entries.append((result.row, NOT_DONE, "not written: the run stopped before it"))
            else:
                entries.append(result)
        self.db.add_results(run_id, entries)

    def mapping_error(self, run_id: int, row: PlanRow, text: str) -> None:
        label = row.sku or row.clover_name or row.clover_id
        self.db.log_mapping_error(
            run_id, row.action, row.sku, f"{label} ({row.clover_name}): {text}"
        )

    def exchange_hook(self, run_id: Callable[[], int | None]) -> Callable[[Any], None]:
        """The clients' on_exchange: every request/response goes to the integration log."""

        def hook(exchange: Any) -> None:
            try:
                self.db.log_exchange(run_id(), exchange)
            except Exception:  # the log must never break a sync
                log.exception("could not record an exchange in the integration log")

        return hook

    def last_run_of(self, task: str) -> datetime | None:
        last: datetime | None = self.db.last_run_started(task)
        return last
