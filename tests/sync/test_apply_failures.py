"""A write that fails is that item's result and the run goes on; a 409 on a create links what
is already there; the breaker ends the run only when the store stops answering."""

from __future__ import annotations

from decimal import Decimal

import pytest

from esync_desktop.connectors.errors import (
    AuthError,
    RateLimitedError,
    ServerError,
    TransportError,
    ValidationError,
)
from esync_desktop.sync.breaker import THRESHOLD, Breaker
from esync_desktop.sync.model import Outcome, Reason
from esync_desktop.sync.snapshot import Snapshot
from tests.sync.fakes import FakeBigCommerce, MemoryState
from tests.sync.messy import item, product
from tests.sync.test_apply import _plan, _run, _snapshot, _stock_snapshot


def _server_error(status: int = 500) -> ServerError:
    return ServerError("BigCommerce is having problems", "try later", status=status)


def _lost() -> TransportError:
    return TransportError("No answer from BigCommerce", "lost", maybe_applied=True)


def _results(outcome, action: str = "send-standard"):  # type: ignore[no-untyped-def]
    return {r.row.sku: r for r in outcome.results[action]}


def test_a_500_on_a_create_is_unconfirmed_and_the_next_run_settles_it() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.fail["SKU-001"] = _server_error()
    outcome = _run(_plan(_snapshot(4), ["send-standard"], state, "p1"), bc, state)
    results = _results(outcome)
    assert outcome.stopped is None and outcome.error is None
    assert (results["SKU-001"].outcome, results["SKU-001"].reason) == (
        Outcome.FAIL,
        Reason.UNCONFIRMED,
    )
    assert "500" in results["SKU-001"].detail
    assert outcome.counts()["create"] == 3 and outcome.counts()["fail"] == 1
    # The intent stays open: the next run looks it up (one call for all) before creating.
    assert [e["sku"] for e in state.entries.values() if e["status"] == "intent"] == ["SKU-001"]
    bc.calls.clear()
    again = _run(_plan(_snapshot(4), ["send-standard"], state, "p2"), bc, state)
    assert again.counts()["create"] == 1 and again.counts()["fail"] == 0
    assert bc.calls == [("lookup", 1), ("create", 1)]
    assert sorted(p["sku"] for p in bc.products.values()) == [f"SKU-00{k}" for k in range(4)]
    assert not [e for e in state.entries.values() if e["status"] == "intent"]


def test_refused_and_throttled_creates_fail_with_the_store_words() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.fail["SKU-000"] = ValidationError("Weight out of range", "fix", status=422)
    bc.fail["SKU-002"] = RateLimitedError("BigCommerce is limiting requests", "wait", status=429)
    outcome = _run(_plan(_snapshot(4), ["send-standard"], state, "p1"), bc, state)
    results = _results(outcome)
    assert results["SKU-000"].reason is Reason.REJECTED
    assert "Weight out of range" in results["SKU-000"].detail
    assert results["SKU-002"].reason is Reason.STORE_ERROR
    assert "429" in results["SKU-002"].detail
    assert outcome.counts()["create"] == 2
    assert {e["status"] for e in state.entries.values()} == {"confirmed", "failed"}


def test_a_conflict_with_the_same_item_links_it_and_the_rest_is_looked_up_together() -> None:
    """Another data folder created the products after this plan was read."""
    bc, state = FakeBigCommerce(), MemoryState()
    plan = _plan(_snapshot(30), ["send-standard"], state, "p1")
    for row in plan.actions[0].rows[:20]:
        bc.create_product(row.payload)
    bc.calls.clear()
    bc.refuse.update(p["sku"] for p in bc.products.values())  # 409: the SKU is taken
    outcome = _run(plan, bc, state)
    results = outcome.results["send-standard"]
    assert [r.reason for r in results[:20]] == [Reason.ALREADY_IN_BIGCOMMERCE] * 20
    assert {r.bc_id for r in results[:20]} == set(range(1, 21))
    assert outcome.counts() == {**outcome.counts(), "create": 10, "fail": 0, "skip": 20}
    # One refused create, one lookup for it, one for the rest; then only the ten new ones.
    assert bc.calls == [("create", 1), ("lookup", 1), ("lookup", 1)] + [("create", 1)] * 10
    assert len(bc.products) == 30


def test_a_conflict_with_another_item_is_a_rejection() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.refuse.add("SKU-001")  # e.g. a product of another SKU has the same name
    outcome = _run(_plan(_snapshot(3), ["send-standard"], state, "p1"), bc, state)
    assert _results(outcome)["SKU-001"].reason is Reason.REJECTED


def test_a_store_that_stops_answering_ends_the_run_with_an_account() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    plan = _plan(_snapshot(40), ["send-standard"], state, "p1")
    for k in range(3):
        bc.create_product(plan.actions[0].rows[k].payload)
    bc.calls.clear()
    bc.down = _server_error(503)
    outcome = _run(_plan(_snapshot(40), ["send-standard"], MemoryState(), "p1"), bc, MemoryState())
    assert outcome.stopped is not None and outcome.stopped.kind == "server_error"
    # The first three were made with the answer lost (found by lookup: the store answered);
    # then THRESHOLD failures in a row end the run.
    assert [k for k, _ in bc.calls].count("create") == 3 + THRESHOLD
    error = outcome.error
    assert error is not None and error["kind"] == "server_error"
    assert f"{THRESHOLD} writes in a row failed" in error["message"]
    assert "3 created" in error["message"] and f"{THRESHOLD} failed" in error["message"]
    assert outcome.counts()["create"] == 3 and len(bc.products) == 3


def test_unreachable_or_refused_credentials_stop_at_once() -> None:
    for failure, kind in (
        (TransportError("Cannot reach BigCommerce", "refused", maybe_applied=False), "unreachable"),
        (AuthError("BigCommerce refused the access token", "check", status=401), "auth"),
    ):
        bc, state = FakeBigCommerce(), MemoryState()
        bc.down = failure
        outcome = _run(_plan(_snapshot(5), ["send-standard"], state, "p1"), bc, state)
        assert outcome.stopped is not None and outcome.stopped.kind == kind
        assert bc.calls == [("create", 1)]
        # The rows not reached are not counted as done.
        assert outcome.counts()["fail"] == 1 and outcome.counts()["create"] == 0


def test_scattered_server_errors_never_trip_the_breaker() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    for k in range(0, 60, 2):
        bc.fail[f"SKU-{k:03d}"] = _server_error()
    outcome = _run(_plan(_snapshot(60), ["send-standard"], state, "p1"), bc, state)
    assert outcome.stopped is None
    assert outcome.counts()["create"] == 30 and outcome.counts()["fail"] == 30


def test_a_batch_answered_500_for_one_bad_item_is_narrowed_without_tripping() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.fail[1000] = _server_error()  # the first item: the deepest run of failures in a row
    bc.sticky = True
    plan = _plan(_stock_snapshot(2500), ["send-inventory-standard"], state, "p1")
    outcome = _run(plan, bc, state)
    assert outcome.stopped is None
    counts = outcome.counts()
    assert counts["update"] == 2499 and counts["fail"] == 1
    [failed] = outcome.failures
    assert (failed.row.sku, failed.reason) == ("S-0", Reason.STORE_ERROR)


def test_a_lost_batch_answer_is_sent_again_in_halves() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.fail[1003] = _lost()
    plan = _plan(_stock_snapshot(20), ["send-inventory-standard"], state, "p1")
    outcome = _run(plan, bc, state)
    assert outcome.counts()["update"] == 20 and outcome.counts()["fail"] == 0
    assert [n for kind, n in bc.calls if kind == "inventory"] == [20, 10, 10]


def test_a_batch_throttled_after_every_retry_fails_its_rows_and_the_run_goes_on() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    items = tuple(item(f"I{k}", f"S-{k}", price_cents=999) for k in range(25))
    products = tuple(product(1000 + k, f"S-{k}", f"P {k}", price=Decimal(1)) for k in range(25))
    bc.fail[1012] = RateLimitedError("BigCommerce is limiting requests", "wait", status=429)
    plan = _plan(Snapshot(clover_items=items, bc_products=products), ["send-prices"], state, "p")
    outcome = _run(plan, bc, state)
    assert outcome.counts()["update"] == 15 and outcome.counts()["fail"] == 10
    assert {r.reason for r in outcome.failures} == {Reason.STORE_ERROR}
    assert [n for kind, n in bc.calls if kind == "products"] == [10, 10, 5]


def test_an_intent_that_cannot_be_looked_up_is_never_created_again_blindly() -> None:
    bc, state = FakeBigCommerce(), MemoryState()
    bc.lose_next = 1  # SKU-000 is made, its answer lost...
    bc.lookup_down = _server_error()  # ...and the lookup fails too
    first = _run(_plan(_snapshot(3), ["send-standard"], state, "p1"), bc, state)
    assert _results(first)["SKU-000"].reason is Reason.UNCONFIRMED
    assert len(bc.products) == 3
    # The next run cannot look it up either: the item is not sent, the others go on.
    second = _run(_plan(_snapshot(3), ["send-standard"], state, "p2"), bc, state)
    assert _results(second)["SKU-000"].reason is Reason.UNCONFIRMED
    assert second.stopped is None and len(bc.products) == 3
    # Once the lookup answers, the intent is found applied and nothing is created twice.
    bc.lookup_down = None
    third = _run(_plan(_snapshot(3), ["send-standard"], state, "p3"), bc, state)
    assert _results(third)["SKU-000"].reason is Reason.ALREADY_IN_BIGCOMMERCE
    assert sorted(p["sku"] for p in bc.products.values()) == ["SKU-000", "SKU-001", "SKU-002"]
    assert not [e for e in state.entries.values() if e["status"] == "intent"]


@pytest.mark.parametrize("narrowing", [True, False])
def test_breaker_counts_a_narrowed_failure_once(narrowing: bool) -> None:
    breaker = Breaker(threshold=3)
    scopes = [frozenset(range(8)), frozenset(range(4)), frozenset(range(2)), frozenset({0})]
    if not narrowing:
        scopes = [frozenset({n}) for n in range(4)]
    for scope in scopes:
        breaker.failed(_server_error(), scope)
    assert breaker.tripped is not narrowing
    breaker.answered()
    assert breaker.count == 0
