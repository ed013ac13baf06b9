"""The engine's view of the state database: journal, cursors, runs, items and the log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from esync_desktop.connectors.http import Exchange, ExchangeHook
from esync_desktop.storage.state import StateDb
from esync_desktop.storage.state.links import Link, LinkChange, LinkRead
from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.journal import OpenIntent
from esync_desktop.sync.last_synced import LinkTableLastSynced
from esync_desktop.sync.link_records import BC_PRODUCT
from esync_desktop.sync.links import written_change
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from esync_desktop.sync.stock.last_read import LastRead, last_read, save_last_read
from esync_desktop.sync.true_up import DRIFT_PART, DriftCheck, drift_summary

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
        self.db.links_forget_scope(scope)

    # -- links -----------------------------------------------------------------------------

    def link_state(self, scope: str) -> tuple[dict[str, Link], dict[tuple[str, str, int], Any]]:
        """Every link of the store pair and its remembered field values."""
        return self.db.links_get(scope), self.db.link_fields_get(scope)

    def record_drift(self, scope: str, results: list[RowResult]) -> None:
        """When the drift check ran and what it found (Services.drift_check shows it)."""
        summary = drift_summary(results)
        change = LinkChange(reads=[LinkRead(DRIFT_PART, datetime.now(UTC), None, summary)])
        self.db.links_write(scope, change)

    def last_drift(self, scope: str) -> DriftCheck | None:
        found = self.db.link_read(scope, DRIFT_PART)
        if found is None:
            return None
        counts = {k: int(v) for k, v in found.summary.items() if isinstance(v, int)}
        return DriftCheck(found.read_at, **counts)

    def record_written(self, scope: str, results: list[RowResult]) -> None:
        """Remember what the confirmed writes of one action put in BigCommerce (the link table,
        and the records the next delta run plans from). A product that refused a write may be
        gone from the store: it is forgotten, so the next delta run looks its SKU up."""
        rows = [(r.row, r.bc_id) for r in results if r.written]
        refused = {
            str(r.bc_id)
            for r in results
            if r.outcome is Outcome.FAIL and r.reason is Reason.REJECTED and r.bc_id is not None
        }
        if not rows and not refused:
            return
        ids = {str(r.payload.get("product_id") or r.bc_id) for r, _ in rows}
        products = self.db.link_records_get(scope, BC_PRODUCT, ids)
        change = written_change(rows, products)
        known = self.db.links_get(scope, [link.sku_key for link in change.links])
        change.links = [
            replace(link, clover_item_id=link.clover_item_id or known[link.sku_key].clover_item_id)
            if link.sku_key in known
            else link
            for link in change.links
        ]
        for product_id in refused:
            change.records.setdefault(BC_PRODUCT, {})[product_id] = None
        self.db.links_write(scope, change)

    # -- each merchant's last stock read (the stale-stock guard) --------------------------

    def last_stock_read(
        self, scope: str, merchant_id: str, *, levels: bool = True
    ) -> LastRead | None:
        return last_read(self.db, scope, merchant_id, levels=levels)

    def save_stock_read(
        self, scope: str, merchant_id: str, record: LastRead, *, merchant: str, location_id: int
    ) -> None:
        save_last_read(
            self.db, scope, merchant_id, record, merchant=merchant, location_id=location_id
        )

    # -- field values (update-products' conflicts) -------------------------------------------

    def last_synced(self, scope: str) -> LinkTableLastSynced:
        return LinkTableLastSynced(self.db, scope)

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

    def exchange_hook(self, run_id: Callable[[], int | None]) -> ExchangeHook:
        """The clients' on_exchange: every request/response goes to the integration log."""

        def hook(exchange: Exchange) -> None:
            try:
                self.db.log_exchange(run_id(), exchange)
            except Exception:  # the log must never break a sync
                log.exception("could not record an exchange in the integration log")

        return hook

    def last_run_of(self, task: str) -> datetime | None:
        last: datetime | None = self.db.last_run_started(task)
        return last
