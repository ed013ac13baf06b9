"""Runs and the per-item results of each run."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from esync_desktop.domain.plan import Outcome, PlanRow
from esync_desktop.storage.state.base import Database, dumps, loads, now_text, parse_time
from esync_desktop.storage.state.records import ItemResult, RunRecord, StateError

RUNNING = "running"
INTERRUPTED = "interrupted"

_ITEM_COLUMNS = (
    "run_id, action, sku, planned, outcome, reason, clover_id, clover_name, bc_id, bc_name, "
    "name, changes, detail, message, missing_categories, held_back_by, facts"
)


class RunsMixin(Database):
    """Runs: started, finished with counts and a result, listed newest first."""

    def start_run(self, task: str, trigger: str = "manual") -> int:
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (task, trigger, started_at, pid) VALUES (?, ?, ?, ?)",
                (task, trigger, now_text(), os.getpid()),
            )
            return int(cursor.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        counts: Mapping[str, int] | None = None,
        result: str | None = None,
        cancelled: bool = False,
        api_calls: Mapping[str, int] | None = None,
        *,
        error: str | None = None,
    ) -> None:
        """Record the end of a run. Without a result one is derived: "error" when an error is
        given, "cancelled", "failed_items" when an item failed, else "ok"."""
        counts = dict(counts or {})
        if result is None:
            if error is not None:
                result = "error"
            elif cancelled:
                result = "cancelled"
            elif counts.get(Outcome.FAIL.value):
                result = "failed_items"
            else:
                result = "ok"
        with self._tx() as conn:
            changed = conn.execute(
                "UPDATE runs SET finished_at = ?, counts = ?, result = ?, cancelled = ?, "
                "api_calls = ?, error = ? WHERE id = ?",
                (
                    now_text(),
                    dumps(counts),
                    result,
                    int(cancelled),
                    dumps(dict(api_calls or {})),
                    error,
                    run_id,
                ),
            ).rowcount
        if not changed:
            raise StateError(f"no run {run_id} in {self.path}")

    def get_run(self, run_id: int) -> RunRecord | None:
        rows = self._rows("SELECT * FROM runs WHERE id = ?", (run_id,))
        return _run(rows[0]) if rows else None

    def list_runs(self, limit: int = 200, task: str | None = None) -> list[RunRecord]:
        """The latest runs, newest first (of one task when given)."""
        if task is None:
            rows = self._rows("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._rows(
                "SELECT * FROM runs WHERE task = ? ORDER BY id DESC LIMIT ?", (task, limit)
            )
        return [_run(row) for row in rows]

    def runs(self, limit: int = 200) -> list[RunRecord]:
        """Same as list_runs() (the name the facade's history() uses)."""
        return self.list_runs(limit)

    def last_run_started(self, task: str) -> datetime | None:
        """When the latest run of this task started (scheduling counts from it)."""
        rows = self._rows("SELECT MAX(started_at) AS at FROM runs WHERE task = ?", (task,))
        return parse_time(rows[0]["at"]) if rows else None

    def mark_interrupted_runs(self) -> int:
        """Runs left "running" by a process that is gone are marked "interrupted". Called with
        the run lock held, so no other process is running one."""
        with self._tx() as conn:
            return conn.execute(
                "UPDATE runs SET result = ?, finished_at = ? "
                "WHERE finished_at IS NULL AND (pid IS NULL OR pid != ?)",
                (INTERRUPTED, now_text(), os.getpid()),
            ).rowcount

    # -- per-item results ---------------------------------------------------------------------

    def add_results(self, run_id: int, results: Iterable[Any]) -> int:
        """Record what became of each planned row. Each result is a tuple (PlanRow, outcome
        reached, message), or an object with `row`, `outcome` and optionally `reason`, `bc_id`,
        `detail`, `message` (the engine's RowResult). Returns how many were recorded."""
        values = [_item_values(run_id, result) for result in results]
        with self._tx() as conn:
            conn.executemany(
                f"INSERT INTO run_items ({_ITEM_COLUMNS}) VALUES ({', '.join('?' * 17)})", values
            )
        return len(values)

    def record_item(
        self,
        run_id: int,
        *,
        action: str,
        sku: str | None,
        outcome: str,
        reason: str | None = None,
        clover_id: str | None = None,
        bc_id: int | None = None,
        name: str | None = None,
        detail: str = "",
        message: str = "",
        planned: str | None = None,
        clover_name: str | None = None,
        bc_name: str | None = None,
        changes: Mapping[str, Any] | None = None,
        missing_categories: Iterable[str] = (),
        held_back_by: str | None = None,
        facts: Mapping[str, Any] | None = None,
    ) -> None:
        """Record one item's result from plain fields."""
        with self._tx() as conn:
            conn.execute(
                f"INSERT INTO run_items ({_ITEM_COLUMNS}) VALUES ({', '.join('?' * 17)})",
                (
                    run_id,
                    action,
                    sku,
                    planned,
                    outcome,
                    reason,
                    clover_id,
                    clover_name,
                    bc_id,
                    bc_name,
                    name or clover_name or bc_name,
                    dumps(dict(changes or {})),
                    detail,
                    message,
                    dumps(list(missing_categories)),
                    held_back_by,
                    dumps(dict(facts or {})),
                ),
            )

    def run_items(self, run_id: int, limit: int | None = None) -> list[ItemResult]:
        """The items of a run in the order they were recorded."""
        rows = self._rows(
            "SELECT * FROM run_items WHERE run_id = ? ORDER BY id LIMIT ?",
            (run_id, -1 if limit is None else limit),
        )
        return [
            ItemResult(
                run_id=row["run_id"],
                seq=row["id"],
                action=row["action"],
                sku=row["sku"],
                outcome=row["outcome"],
                planned=row["planned"],
                reason=row["reason"],
                clover_id=row["clover_id"],
                clover_name=row["clover_name"],
                bc_id=row["bc_id"],
                bc_name=row["bc_name"],
                name=row["name"],
                changes=loads(row["changes"]) or {},
                detail=row["detail"],
                message=row["message"],
                missing_categories=tuple(loads(row["missing_categories"]) or ()),
                held_back_by=row["held_back_by"],
                facts=loads(row["facts"]) or {},
            )
            for row in rows
        ]


def _item_values(run_id: int, result: Any) -> tuple[Any, ...]:
    if isinstance(result, tuple):
        row, outcome, message = result
        reason, bc_id, detail = row.reason, row.bc_id, row.detail
    else:
        row, outcome = result.row, result.outcome
        reason = getattr(result, "reason", None) or row.reason
        bc_id = getattr(result, "bc_id", None) or row.bc_id
        detail = getattr(result, "detail", "") or row.detail
        message = getattr(result, "message", "")
    if not isinstance(row, PlanRow):
        raise TypeError(f"expected a PlanRow, got {type(row).__name__}")
    return (
        run_id,
        row.action,
        row.sku,
        row.outcome.value,
        str(getattr(outcome, "value", outcome)),
        getattr(reason, "value", reason),
        row.clover_id,
        row.clover_name,
        bc_id,
        row.bc_name,
        row.clover_name or row.bc_name,
        dumps(row.public_changes()) if row.changes else "{}",
        detail or "",
        message or "",
        dumps(list(row.missing_categories)) if row.missing_categories else "[]",
        row.held_back_by,
        dumps(row.public_facts()) if row.facts else "{}",
    )


def _run(row: sqlite3.Row) -> RunRecord:
    started = parse_time(row["started_at"])
    assert started is not None  # NOT NULL in the schema
    return RunRecord(
        run_id=row["id"],
        task=row["task"],
        trigger=row["trigger"],
        started_at=started,
        finished_at=parse_time(row["finished_at"]),
        counts=loads(row["counts"]) or {},
        result=row["result"],
        cancelled=bool(row["cancelled"]),
        api_calls=loads(row["api_calls"]) or {},
        error=row["error"],
        pid=row["pid"],
    )
