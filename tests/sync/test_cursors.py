"""Cursors: overlap window, content hashes, and advancing only past fully handled items."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal

from esync_desktop.sync.actions import ACTIONS
from esync_desktop.sync.cursors import OVERLAP_MS, Cursor, advance, content_hash
from esync_desktop.sync.model import Outcome, Reason
from esync_desktop.sync.snapshot import Snapshot
from tests.sync import messy
from tests.sync.messy import T0, item


def _standard(snapshot: Snapshot, cursor: Cursor):  # type: ignore[no-untyped-def]
    return ACTIONS["send-standard"].planner(snapshot, {}, cursor, messy.RULES)


def _snap(*items):  # type: ignore[no-untyped-def]
    return Snapshot(clover_items=items, bc_categories=tuple(messy.BC_CATEGORIES))


def test_first_run_sees_everything_then_nothing_unless_changed() -> None:
    a = item("A", "A-1", modified_ms=T0)
    b = item("B", "B-1", modified_ms=T0 + 1000)
    plan = _standard(_snap(a, b), Cursor())
    assert [r.outcome for r in plan.rows] == [Outcome.CREATE, Outcome.CREATE]
    cursor = advance(Cursor(), plan.rows, {0, 1})
    assert cursor.since_ms == T0 + 1000
    assert set(cursor.hashes) == {"A", "B"}  # both inside the overlap window
    again = _standard(_snap(a, b), cursor)
    assert [r.reason for r in again.rows] == [Reason.UNCHANGED, Reason.UNCHANGED]
    # A change inside the overlap window is caught by the hash, even with an older timestamp.
    a2 = replace(a, price_cents=999)
    changed = _standard(_snap(a2, b), cursor)
    assert [r.outcome for r in changed.rows] == [Outcome.CREATE, Outcome.UNCHANGED]


def test_items_behind_the_window_are_unchanged_and_their_hashes_forgotten() -> None:
    old = item("OLD", "OLD-1", modified_ms=T0)
    new = item("NEW", "NEW-1", modified_ms=T0 + OVERLAP_MS + 5000)
    plan = _standard(_snap(old, new), Cursor())
    cursor = advance(Cursor(), plan.rows, {0, 1})
    assert cursor.since_ms == new.modified_ms
    assert set(cursor.hashes) == {"NEW"}
    rows = _standard(_snap(replace(old, name="Renamed"), new), cursor).rows
    # OLD's timestamp did not move, so it is not modified since the cursor.
    assert rows[0].reason is Reason.UNCHANGED


def test_watermark_stays_below_work_that_is_left() -> None:
    done = item("DONE", "D-1", modified_ms=T0 + 10)
    failed = item("FAIL", "F-1", modified_ms=T0 + 5)
    later = item("LATER", "L-1", modified_ms=T0 + 20)
    plan = _standard(_snap(done, failed, later), Cursor())
    # Only DONE and LATER were confirmed (FAIL's write was rejected or cancelled).
    cursor = advance(Cursor(), plan.rows, {0, 2})
    assert cursor.since_ms == T0 + 4
    rows = _standard(_snap(done, failed, later), cursor).rows
    assert [r.outcome for r in rows] == [Outcome.UNCHANGED, Outcome.CREATE, Outcome.UNCHANGED]


def test_skips_that_can_clear_without_a_clover_change_are_seen_again() -> None:
    heavy = item("W", "W-1", categories=("Unweighed",), modified_ms=T0)
    nosku = item("N", None, modified_ms=T0 + 1)
    plan = _standard(_snap(heavy, nosku), Cursor())
    assert [r.reason for r in plan.rows] == [Reason.MISSING_WEIGHT, Reason.MISSING_SKU]
    cursor = advance(Cursor(), plan.rows, set(range(len(plan.rows))) - {0})
    assert cursor.since_ms == T0 - 1
    # The owner adds a weight rule: the item is created without being touched in Clover.
    rules = messy.Rules.build(by_category={"Unweighed": "2"}, category_map={"unweighed": "Cups"})
    rows = ACTIONS["send-standard"].planner(_snap(heavy, nosku), {}, cursor, rules).rows
    assert rows[0].outcome is Outcome.CREATE
    assert rows[1].reason is Reason.UNCHANGED  # a missing SKU needs a Clover edit anyway


def test_stock_cursor_uses_the_stock_time() -> None:
    spec = ACTIONS["send-inventory-standard"]
    snap = messy.snapshot()
    plan = spec.planner(snap, spec.defaults, Cursor(), messy.RULES)
    cursor = advance(Cursor(), plan.rows, set(range(len(plan.rows))))
    assert cursor.since_ms is not None
    moved = [
        replace(i, stock=Decimal(1), stock_modified_ms=T0 + OVERLAP_MS * 3) if i.id == "INBC" else i
        for i in snap.clover_items
    ]
    snap2 = replace(snap, clover_items=tuple(moved))
    rows = {r.clover_id: r for r in spec.planner(snap2, spec.defaults, cursor, messy.RULES).rows}
    assert rows["INBC"].outcome is Outcome.UPDATE
    assert rows["INBC"].changes == {"inventory_level": (5, 1)}


def test_cursor_json_round_trip() -> None:
    cursor = Cursor(since_ms=5, hashes={"b": "2", "a": "1"})
    assert Cursor.from_json(cursor.to_json()) == cursor
    assert Cursor.from_json(None) == Cursor()
    assert Cursor.from_json({"since_ms": "x", "hashes": []}) == Cursor()


def _run(action: str, snapshot: Snapshot, cursor: Cursor):  # type: ignore[no-untyped-def]
    spec = ACTIONS[action]
    plan = spec.planner(snapshot, spec.defaults, cursor, messy.RULES)
    return plan, advance(cursor, plan.rows, set(range(len(plan.rows))))


def test_a_stock_set_later_clears_no_stock_value_for_the_create_action() -> None:
    # Setting stock does not move the item's modifiedTime: only the stock's own time moves.
    never = item("A", "A-1", stock=None, modified_ms=T0)
    newer = item("B", "B-1", modified_ms=T0 + 3 * OVERLAP_MS)
    plan, cursor = _run("send-standard", _snap(never, newer), Cursor())
    assert plan.rows[0].reason is Reason.NO_STOCK_VALUE
    stocked = replace(never, stock=Decimal(4), stock_modified_ms=T0 + 4 * OVERLAP_MS)
    again, _ = _run("send-standard", _snap(stocked, newer), cursor)
    assert [r.outcome for r in again.rows] == [Outcome.CREATE, Outcome.UNCHANGED]


def test_an_item_reactivated_later_is_seen_again_by_the_stock_action() -> None:
    # Re-activating moves the item's modifiedTime but not its stock's.
    product = messy.product(1, "P-1", "Item P", inventory_level=0)
    hidden = item("P", "P-1", hidden=True, stock=Decimal(7), modified_ms=T0, stock_modified_ms=T0)
    other = item("Q", "Q-1", modified_ms=T0, stock_modified_ms=T0 + 3 * OVERLAP_MS)
    snap = Snapshot(clover_items=(hidden, other), bc_products=(product,))
    plan, cursor = _run("send-inventory-standard", snap, Cursor())
    assert plan.rows[0].reason is Reason.INACTIVE
    shown = replace(hidden, hidden=False, modified_ms=T0 + 4 * OVERLAP_MS)
    snap = Snapshot(clover_items=(shown, other), bc_products=(product,))
    again, _ = _run("send-inventory-standard", snap, cursor)
    assert again.rows[0].outcome is Outcome.UPDATE
    assert again.rows[0].changes == {"inventory_level": (0, 7)}


HASHED = ("a", 1, None, True, Decimal("1.50"), ("x", ["y"]), {"b": 1, "a": 2})


def test_content_hash_is_the_same_in_every_process() -> None:
    # Pinned: a change of the digest re-offers every item of the overlap window once.
    assert content_hash(*HASHED) == "1eaff32b8a1c3d32c39f"
    code = (
        "from decimal import Decimal; from esync_desktop.sync.cursors import content_hash; "
        f"print(content_hash(*{HASHED!r}))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "1eaff32b8a1c3d32c39f"


def test_content_hash_tells_apart_what_matters() -> None:
    digests = {
        content_hash(*parts)
        for parts in [
            ("1",), (1,), (True,), (None,), ("None",), (("a", "b"),), (("a",), "b"),
            ({"a": 1},), ({"a": "1"},), (Decimal("1.5"),), (Decimal("1.50"),),
        ]
    }  # fmt: skip
    assert len(digests) == 11
    assert content_hash({"a": 1, "b": 2}) == content_hash({"b": 2, "a": 1})
