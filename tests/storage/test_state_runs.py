"""Runs and per-item results."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from esync_desktop.storage.state import StateDb, StateError
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from tests.storage.helpers import raw_db


def row(sku: str, outcome: Outcome, **kw: object) -> PlanRow:
    return PlanRow(action="send-prices", sku=sku, outcome=outcome, **kw)  # type: ignore[arg-type]


@dataclass
class FakeRowResult:
    """Shaped like sync.apply.RowResult."""

    row: PlanRow
    outcome: Outcome
    reason: Reason | None = None
    bc_id: int | None = None
    detail: str = ""
    written: bool = False


def test_run_lifecycle(db: StateDb) -> None:
    first = db.start_run("Nightly", "schedule")
    second = db.start_run("Stock", "manual")
    running = db.get_run(second)
    assert running is not None
    assert (running.result, running.finished_at, running.duration_s) == ("running", None, None)
    assert running.pid == os.getpid()
    db.finish_run(first, {"create": 3, "fail": 1}, api_calls={"clover": 4, "bigcommerce": 2})
    db.finish_run(second, {"update": 2}, "cancelled", True)
    done = db.get_run(first)
    assert done is not None
    assert done.result == "failed_items"  # derived: an item failed
    assert done.counts == {"create": 3, "fail": 1}
    assert done.api_calls == {"clover": 4, "bigcommerce": 2}
    assert done.duration_s is not None and done.duration_s >= 0
    assert [r.run_id for r in db.list_runs()] == [second, first]
    assert [r.run_id for r in db.runs(limit=1)] == [second]
    assert [r.task for r in db.list_runs(task="Nightly")] == ["Nightly"]
    assert db.get_run(second).cancelled is True  # type: ignore[union-attr]
    assert db.last_run_started("Nightly") == done.started_at
    assert db.last_run_started("never") is None
    assert db.get_run(999) is None
    with pytest.raises(StateError, match="no run 999"):
        db.finish_run(999, {})


@pytest.mark.parametrize(
    ("counts", "cancelled", "error", "expected"),
    [
        ({"create": 1}, False, None, "ok"),
        ({"create": 1}, True, None, "cancelled"),
        ({"fail": 2}, False, None, "failed_items"),
        ({}, False, "BigCommerce unreachable", "error"),
    ],
)
def test_result_derived(
    db: StateDb, counts: dict[str, int], cancelled: bool, error: str | None, expected: str
) -> None:
    run = db.start_run("t")
    db.finish_run(run, counts, cancelled=cancelled, error=error)
    record = db.get_run(run)
    assert record is not None and (record.result, record.error) == (expected, error)


def test_item_results_from_plan_rows(db: StateDb) -> None:
    run = db.start_run("t")
    planned = row(
        "TEA-1",
        Outcome.UPDATE,
        clover_id="C1",
        clover_name="Green tea",
        bc_id=5,
        bc_name="Green Tea",
        changes={"price": (Decimal("1.50"), Decimal("1.75"))},
        payload={"secret-ish": "never stored"},
    )
    refused = row("MUG-1", Outcome.CREATE, clover_name="Mug")
    skipped = row("X", Outcome.SKIP, reason=Reason.NEGATIVE_PRICE, detail="price -1.00")
    count = db.add_results(
        run,
        [
            (planned, Outcome.UPDATE, ""),
            FakeRowResult(refused, Outcome.FAIL, Reason.REJECTED, detail="422 name taken"),
            (skipped, "skip", "not sent"),
        ],
    )
    assert count == 3
    items = db.run_items(run)
    assert [(i.sku, i.planned, i.outcome) for i in items] == [
        ("TEA-1", "update", "update"),
        ("MUG-1", "create", "fail"),
        ("X", "skip", "skip"),
    ]
    assert items[0].changes == {"price": ["1.50", "1.75"]}  # exact, as strings
    assert (items[0].bc_id, items[0].bc_name, items[0].name) == (5, "Green Tea", "Green tea")
    assert (items[1].reason, items[1].detail) == ("rejected", "422 name taken")
    assert (items[2].reason, items[2].message) == ("negative_price", "not sent")
    assert items[0].seq < items[1].seq < items[2].seq
    assert len(db.run_items(run, limit=2)) == 2
    with raw_db(db.path) as conn:
        raw = conn.execute("SELECT * FROM run_items").fetchall()
    assert "never stored" not in repr(raw)  # the payload is not an item result


def test_an_item_keeps_the_facts_of_its_reason(db: StateDb) -> None:
    """The history words its advice from these, as the preview does."""
    run = db.start_run("t")
    missing = Reason.CATEGORY_NOT_IN_BIGCOMMERCE
    category = row("A", Outcome.SKIP, reason=missing, missing_categories=("Mugs", "Tea"))
    held = row("B", Outcome.SKIP, reason=missing, held_back_by="A")
    db.add_results(run, [(category, "skip", ""), (held, "skip", "")])
    db.record_item(run, action="send-standard", sku="C", outcome="skip", held_back_by="A")
    items = db.run_items(run)
    assert [(i.missing_categories, i.held_back_by) for i in items] == [
        (("Mugs", "Tea"), None),
        ((), "A"),
        ((), "A"),
    ]


def test_foreign_keys_are_enforced(db: StateDb) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.add_results(12345, [(row("A", Outcome.SKIP), "skip", "")])


def test_runs_of_dead_processes_become_interrupted(tmp_path: Path, db: StateDb) -> None:
    run = db.start_run("t")
    mine = db.start_run("t")
    # As if a process that is gone had started it.
    with raw_db(db.path) as conn:
        conn.execute("UPDATE runs SET pid = ? WHERE id = ?", (2**22 + 12345, run))
    with db.run_lock("t"):
        pass
    assert db.get_run(run).result == "interrupted"  # type: ignore[union-attr]
    assert db.get_run(mine).result == "running"  # type: ignore[union-attr]


def test_prune_keeps_the_newest_runs(db: StateDb) -> None:
    runs = [db.start_run("t") for _ in range(5)]
    db.add_results(runs[0], [(row("A", Outcome.SKIP), "skip", "")])
    removed = db.prune(keep_runs=2)
    assert removed["runs"] == 3
    assert [r.run_id for r in db.list_runs()] == runs[:1:-1][:2]
    assert db.run_items(runs[0]) == []  # items go with their run


def test_prune_bounds_the_item_rows_the_runs_hold(db: StateDb) -> None:
    """A big catalogue records every row of every run: the runs kept hold `keep_items` rows
    at most, and the newest KEEP_RUNS_AT_LEAST whatever their size."""
    runs = [db.start_run("t") for _ in range(14)]
    for run in runs:
        db.add_results(run, [(row(sku, Outcome.SKIP), "skip", "") for sku in "ABC"])
    # The 12th newest run brings the rows to 36: it goes, with the two before it.
    assert db.prune(keep_items=35)["runs"] == 3
    assert [r.run_id for r in db.list_runs()] == runs[:2:-1]
    assert db.run_items(runs[2]) == []
    # However small the bound, the newest ten stay.
    assert db.prune(keep_items=5)["runs"] == 1
    assert [r.run_id for r in db.list_runs()] == runs[:3:-1]
    assert len(db.run_items(runs[-1])) == 3
