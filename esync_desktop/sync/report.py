"""Plans and run results as plain documents (the CLI's --json, the history's per-item rows),
and the log file's account of each preview and run."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from esync_desktop.sync.apply import RowResult
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, TaskPlan


def _counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    counts = dict.fromkeys(Outcome, 0)
    for outcome in outcomes:
        counts[outcome] += 1
    return {o.value: n for o, n in counts.items()}


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


_STREAMED = ("actions", "summary", "api_calls")
_ROWS_PER_CHUNK = 500


def plan_json_chunks(
    head: Mapping[str, Any], plan: TaskPlan, api_calls: Mapping[str, int]
) -> Iterator[str]:
    """The preview's --json text in pieces: exactly `json.dumps({**head, **plan_document(...)},
    ensure_ascii=False, default=str)`, without holding every row's dict (or the whole text) at
    once: a preview of 100k items has half a million rows."""
    if any(key in head for key in _STREAMED):
        yield _dumps({**head, **plan_document(plan, api_calls)})
        return
    yield "{" + "".join(f"{_dumps(k)}: {_dumps(v)}, " for k, v in head.items())
    yield '"actions": ['
    total = {o.value: 0 for o in Outcome}
    for n, action in enumerate(plan.actions):
        yield f'{", " if n else ""}{{"action": {_dumps(action.action)}, "rows": ['
        rows = action.rows
        for start in range(0, len(rows), _ROWS_PER_CHUNK):
            # A list's JSON is its items' joined by ", ": one encoding per chunk of rows.
            chunk = _dumps([r.public() for r in rows[start : start + _ROWS_PER_CHUNK]])[1:-1]
            yield f", {chunk}" if start else chunk
        counts = _counts(r.outcome for r in rows)
        for key, value in counts.items():
            total[key] += value
        note = stop_note(plan, action)
        yield f'], "counts": {_dumps(counts)}' + (f', "note": {_dumps(note)}}}' if note else "}")
    yield f'], "summary": {_dumps(total)}, "api_calls": {_dumps(dict(api_calls))}}}'


# json.dumps(value, ensure_ascii=False, default=str), without a new encoder per call.
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


def _dumps(value: Any) -> str:
    return _JSON.encode(value)


def result_row(result: RowResult) -> dict[str, Any]:
    """A row as it ended: a planned write not reached (cancelled) stays with its planned
    outcome in the preview but is reported as not done here, so it is left out of counts."""
    doc = result.row.public()
    doc["outcome"] = result.outcome.value
    doc["reason"] = result.reason.value if result.reason else None
    doc["bc_id"] = result.bc_id if result.bc_id is not None else doc["bc_id"]
    doc["detail"] = result.detail
    return doc


_WRITES = (Outcome.CREATE, Outcome.UPDATE)


def done_rows(results: Iterable[RowResult]) -> list[dict[str, Any]]:
    return [result_row(r) for r in results if not (r.outcome in _WRITES and not r.written)]


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


# -- the log file's account of a run (support reads it; the owner reads History) -------------

run_log = logging.getLogger("esync_desktop.run")


def _counts_text(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{counts.get(o.value, 0)} {o.value}" for o in Outcome)


def _change_text(row: PlanRow) -> str:
    parts = []
    for name, (old, new) in row.public()["changes"].items():
        parts.append(f"{name} {new!r}" if old is None else f"{name} {old!r} -> {new!r}")
    return "; ".join(parts)


def log_plan(plan: TaskPlan) -> None:
    """A preview: the task and each step's counts."""
    run_log.info("preview of task %r: %s", plan.task, _counts_text(plan.counts()))
    for action in plan.actions:
        run_log.info("  step %s: %s", action.action, _counts_text(action.counts()))


def log_run_start(plan: TaskPlan, run_id: int, trigger: str) -> None:
    writes = sum(1 for a in plan.actions for r in a.rows if r.writes)
    run_log.info(
        "run %s of task %r started (%s): %d writes planned, steps %s",
        run_id,
        plan.task,
        trigger,
        writes,
        ", ".join(a.action for a in plan.actions),
    )


def log_step(run_id: int, action: str, results: Sequence[RowResult]) -> None:
    """A step as it ended: its counts, then every write (SKU, what changed) and every failure."""
    # Counted from the results themselves: a step of 100k rows is not made into dicts for it.
    done = (r.outcome for r in results if not (r.outcome in _WRITES and not r.written))
    run_log.info("run %s step %s: %s", run_id, action, _counts_text(_counts(done)))
    for result in results:
        label = row_label(result.row)
        if result.written and result.outcome in (Outcome.CREATE, Outcome.UPDATE):
            verb = "created" if result.outcome is Outcome.CREATE else "updated"
            product = result.bc_id if result.bc_id is not None else result.row.bc_id
            run_log.info(
                "run %s %s: %s %s (product %s): %s",
                run_id,
                action,
                verb,
                label,
                product,
                _change_text(result.row),
            )
        elif result.outcome is Outcome.FAIL:
            reason = result.reason.value if result.reason else "-"
            run_log.warning(
                "run %s %s: %s failed (%s): %s", run_id, action, label, reason, result.detail
            )


def log_run_end(
    run_id: int, task: str, counts: Mapping[str, int], *, cancelled: bool, error: str | None
) -> None:
    how = "failed" if error else "cancelled" if cancelled else "finished"
    line = f"run {run_id} of task {task!r} {how}: {_counts_text(counts)}"
    if error:
        run_log.error("%s; %s", line, error)
    else:
        run_log.info("%s", line)
