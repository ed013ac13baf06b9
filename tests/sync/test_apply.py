"""apply and the runner over in-memory fakes: journal order, lost responses, bisected batches,
cancel, and cursors that move only past what was handled."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from esync_desktop.domain.catalog import BcVariant
from esync_desktop.sync.actions import plan_actions
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.model import Outcome, PlanRow, Reason, TaskPlan
from esync_desktop.sync.runner import Progress, StalePlan, run_task_plan
from esync_desktop.sync.snapshot import Snapshot
from tests.sync import messy
from tests.sync.fakes import FakeBigCommerce, MemoryState
from tests.sync.messy import item, product


def _snapshot(n: int) -> Snapshot:
    items = tuple(item(f"I{k}", f"SKU-{k:03d}", name=f"Thing {k}") for k in range(n))
    return Snapshot(clover_items=items, bc_categories=tuple(messy.BC_CATEGORIES))


def _plan(snapshot: Snapshot, actions: list[str], state: MemoryState, plan_id: str) -> TaskPlan:
    cursors = {a: Cursor.from_json(state.get_cursor(f"S:{a}")) for a in actions}
    plan = plan_actions("T", [(a, {}) for a in actions], snapshot, cursors, messy.RULES)
    return TaskPlan(plan.task, plan.actions, plan.stopped_after, {}, plan_id)


def _run(plan: TaskPlan, bc: FakeBigCommerce, state: MemoryState, **kw):  # type: ignore[no-untyped-def]
    return run_task_plan(
        plan, bc=bc, journal=state, cursors=state, cursor_scope="S", run_id=1, **kw
    )


def test_creates_are_journalled_and_confirmed() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    seen: list[Progress] = []
    outcome = _run(
        _plan(_snapshot(3), ["send-standard"], state, "p1"), bc, state, progress=seen.append
    )
    assert outcome.counts()["create"] == 3
    assert sorted(p["sku"] for p in bc.products.values()) == ["SKU-000", "SKU-001", "SKU-002"]
    assert {e["status"] for e in state.entries.values()} == {"confirmed"}
    assert [p.done for p in seen] == [0, 1, 2, 3] and seen[-1].total == 3
    # Applying the very same plan again writes nothing twice.
    with pytest.raises(StalePlan):
        _run(_plan(_snapshot(3), ["send-standard"], MemoryState(), "p1"), bc, state)


def test_same_plan_applied_twice_creates_once() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    plan = _plan(_snapshot(2), ["send-standard"], state, "p1")
    _run(plan, bc, state)
    state.cursors.clear()  # as if the cursor had not been saved (a kill after the writes)
    _run(plan, bc, state)
    assert len(bc.products) == 2


def test_lost_response_is_resolved_by_lookup_not_retried() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.lose_next = 1
    outcome = _run(_plan(_snapshot(2), ["send-standard"], state, "p1"), bc, state)
    assert len(bc.products) == 2
    first = outcome.results["send-standard"][0]
    assert first.written and first.detail == "confirmed by lookup"
    assert ("lookup", 1) in bc.calls


def test_open_intent_from_a_killed_run_blocks_a_second_create() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    plan = _plan(_snapshot(1), ["send-standard"], state, "p1")
    # A process died after sending: the product exists, the intent was never confirmed.
    row = plan.actions[0].rows[0]
    state.journal_intent(f"S|p1/{row.key}", row.action, row.sku, row.payload, 1)
    bc.create_product(row.payload)
    # The next plan was read before the product became visible; the runner still sees it.
    plan2 = _plan(_snapshot(1), ["send-standard"], state, "p2")
    outcome = _run(plan2, bc, state)
    assert len(bc.products) == 1
    result = outcome.results["send-standard"][0]
    assert (result.outcome, result.reason) == (Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE)
    assert state.entries[f"S|p1/{row.key}"]["status"] == "resolved_applied"


def test_refused_create_is_a_named_failure_and_the_run_goes_on() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.refuse.add("SKU-001")
    errors: list[tuple[PlanRow, str]] = []
    outcome = _run(
        _plan(_snapshot(3), ["send-standard"], state, "p1"),
        bc,
        state,
        on_item_error=lambda row, text: errors.append((row, text)),
    )
    assert outcome.counts()["create"] == 2 and outcome.counts()["fail"] == 1
    assert [r.sku for r, _ in errors] == ["SKU-001"]
    assert "duplicate" in errors[0][1]
    # The failed item keeps the cursor below it: it is planned again next time.
    again = _plan(_snapshot(3), ["send-standard"], state, "p2")
    assert [r.outcome for r in again.actions[0].rows] == [
        Outcome.UNCHANGED,
        Outcome.CREATE,
        Outcome.UNCHANGED,
    ]


def test_cancel_stops_between_writes_and_keeps_cursor_consistent() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    cancel = threading.Event()

    def progress(p: Progress) -> None:
        if p.done == 2:
            cancel.set()

    outcome = _run(
        _plan(_snapshot(5), ["send-standard"], state, "p1"),
        bc,
        state,
        progress=progress,
        cancel=cancel,
    )
    assert outcome.cancelled
    assert len(bc.products) == 2
    assert outcome.counts()["create"] == 2
    rest = _plan(_snapshot(5), ["send-standard"], state, "p2")
    assert [r.outcome for r in rest.actions[0].rows].count(Outcome.CREATE) == 3
    _run(rest, bc, state)
    assert len(bc.products) == 5


def _stock_snapshot(n: int, bad: int | None = None) -> Snapshot:
    items = tuple(
        item(f"I{k}", f"S-{k}", name=f"P {k}", stock=Decimal(k % 7 + 10)) for k in range(n)
    )
    products = tuple(product(1000 + k, f"S-{k}", f"P {k}", inventory_level=0) for k in range(n))
    return Snapshot(clover_items=items, bc_products=products)


def test_inventory_is_batched_at_2000_and_a_refused_item_is_isolated() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.refuse.add(1003)
    plan = _plan(_stock_snapshot(2500), ["send-inventory-standard"], state, "p1")
    outcome = _run(plan, bc, state)
    counts = outcome.counts()
    assert counts["update"] == 2499 and counts["fail"] == 1
    sizes = [n for kind, n in bc.calls if kind == "inventory"]
    # The first batch, refused as a whole, is split in halves until S-3 is found alone.
    assert sizes[0] == 2000 and sizes[1] == 1000 and sizes[-1] == 500
    assert 1 in sizes and len(sizes) < 40  # a handful of halvings, not 2000 single calls


def test_prices_use_product_and_variant_batches() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    items = tuple(item(f"I{k}", f"S-{k}", price_cents=999) for k in range(23))
    products = tuple(product(1000 + k, f"S-{k}", f"P {k}") for k in range(23))
    plan = _plan(Snapshot(clover_items=items, bc_products=products), ["send-prices"], state, "p")
    _run(plan, bc, state)
    assert [n for kind, n in bc.calls if kind == "products"] == [10, 10, 3]


def test_variant_prices_are_batched_at_50() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    items = tuple(
        messy.variant(f"V{k}", f"TEE-{k:03d}", "G", {"Size": str(k)}, price_cents=1999)
        for k in range(120)
    )
    variants = tuple(
        BcVariant(5000 + k, 7, f"TEE-{k:03d}", Decimal("17.99"), 3, (("Size", str(k)),))
        for k in range(120)
    )
    tee = product(7, "TEE", "Tee", variants=variants)
    snapshot = Snapshot(clover_items=items, bc_products=(tee,))
    plan = _plan(snapshot, ["send-prices"], state, "p")
    assert plan.actions[0].counts()["update"] == 120
    _run(plan, bc, state)
    assert [n for kind, n in bc.calls if kind == "variants"] == [50, 50, 20]
    assert not [n for kind, n in bc.calls if kind == "products"]


def test_open_intents_of_another_store_pair_are_left_alone() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    state.journal_intent("OTHER|p0/send-standard:x-1", "send-standard", "X-1", {"sku": "X-1"}, 1)
    _run(_plan(_snapshot(1), ["send-standard"], state, "p1"), bc, state)
    assert state.entries["OTHER|p0/send-standard:x-1"]["status"] == "intent"
    assert ("lookup", 1) not in bc.calls


def test_lost_response_of_a_matrix_create_is_found_by_name_and_variant_sku() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.lose_next = 1
    snapshot = Snapshot(
        clover_items=tuple(messy.VARIANTS[:2]),
        clover_groups=(messy.GROUP_OK,),
        bc_categories=tuple(messy.BC_CATEGORIES),
    )
    outcome = _run(_plan(snapshot, ["send-matrix"], state, "p1"), bc, state)
    [result] = outcome.results["send-matrix"]
    assert result.written and result.detail == "confirmed by lookup"
    assert len(bc.products) == 1 and ("list", 1) in bc.calls
    # The group is recorded as handled: the next plan does not create it again.
    assert _plan(snapshot, ["send-matrix"], state, "p2").counts()["create"] == 0
