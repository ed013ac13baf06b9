"""Plans and run results as plain documents (the CLI's --json, the history's per-item rows)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, TaskPlan


def _counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    counts = {o.value: 0 for o in Outcome}
    for outcome in outcomes:
        counts[outcome.value] += 1
    return counts


def _action_doc(action: str, rows: list[dict[str, Any]], note: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "action": action,
        "rows": rows,
        "counts": _counts(Outcome(r["outcome"]) for r in rows),
    }
    if note:
        doc["note"] = note
    return doc


def _summary(actions: list[dict[str, Any]]) -> dict[str, int]:
    total = {o.value: 0 for o in Outcome}
    for action in actions:
        for key, value in action["counts"].items():
            total[key] += value
    return total


def stop_note(plan: TaskPlan, action: ActionPlan) -> str:
    if plan.stopped_after == action.action:
        return "nothing to do: the later actions of the task are not run (stop_when_empty)"
    return action.note


def plan_document(plan: TaskPlan, api_calls: Mapping[str, int]) -> dict[str, Any]:
    """The preview: every planned row."""
    actions = [
        _action_doc(a.action, [r.public() for r in a.rows], stop_note(plan, a))
        for a in plan.actions
    ]
    return {"actions": actions, "summary": _summary(actions), "api_calls": dict(api_calls)}


def result_row(result: RowResult) -> dict[str, Any]:
    """A row as it ended: a planned write not reached (cancelled) stays with its planned
    outcome in the preview but is reported as not done here, so it is left out of counts."""
    doc = result.row.public()
    doc["outcome"] = result.outcome.value
    doc["reason"] = result.reason.value if result.reason else None
    doc["bc_id"] = result.bc_id if result.bc_id is not None else doc["bc_id"]
    doc["detail"] = result.detail
    return doc


def done_rows(results: Iterable[RowResult]) -> list[dict[str, Any]]:
    return [
        result_row(r)
        for r in results
        if not (r.outcome in (Outcome.CREATE, Outcome.UPDATE) and not r.written)
    ]


def run_document(
    plan: TaskPlan,
    results: Mapping[str, list[RowResult]],
    api_calls: Mapping[str, int],
) -> dict[str, Any]:
    """What a sync did: counts are of what was done."""
    actions = [
        _action_doc(a.action, done_rows(results.get(a.action, [])), stop_note(plan, a))
        for a in plan.actions
        if a.action in results
    ]
    return {"actions": actions, "summary": _summary(actions), "api_calls": dict(api_calls)}


def row_label(row: PlanRow) -> str:
    return row.sku or row.clover_name or row.clover_id or "?"
