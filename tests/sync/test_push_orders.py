"""push-orders over the running sandbox: web orders become Clover orders once, with totals
equal to the cent, payments under the mapped tender, and every refusal or doubt reported."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from esync_desktop.app import Services
from esync_desktop.storage.state import RESOLVED_APPLIED
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from esync_desktop.sync.orders.options import ORDER, journal_key
from esync_desktop.sync.orders.settle import now_ms
from tests.sync.live import services_for, task
from tests.sync.orders_live import Stores, cents

PUSH = "push-orders"


@pytest.fixture
def stores(sandbox: Any) -> Iterator[Stores]:
    found = Stores(sandbox)
    yield found
    found.close()


@pytest.fixture
def services(sandbox: Any) -> Iterator[Services]:
    found = services_for(sandbox)
    yield found
    found.stop()


def _rows(services: Services, **options: Any) -> list[PlanRow]:
    plan = services.plan_task(task(PUSH, push_orders=options))
    return list(plan.actions[0].rows)


def _sync(services: Services, **options: Any) -> Any:
    plan = services.plan_task(task(PUSH, push_orders=options))
    return plan, services.run_plan(plan)


def _by_order(result: Any) -> dict[int, dict[str, Any]]:
    rows = result.document["actions"][0]["rows"]
    return {r["bc_id"]: r for r in rows if r["bc_id"] is not None}


def test_the_demo_orders_reach_clover_once_with_equal_totals_and_a_payment(
    services: Services, stores: Stores
) -> None:
    plan, result = _sync(services)
    rows = {r.bc_id: r for r in plan.actions[0].rows if r.bc_id is not None}
    pushed = {oid for oid, r in rows.items() if r.outcome is Outcome.CREATE}
    skipped = {oid: r.reason for oid, r in rows.items() if r.outcome is Outcome.SKIP}
    # Cancelled (2), Awaiting Payment, Pending, Refunded and Partially Refunded are not in the
    # default statuses.
    assert set(skipped.values()) == {Reason.STATUS_NOT_SELECTED} and len(skipped) == 6
    assert len(pushed) == 10 and not result.failures
    in_clover = stores.pushed()
    assert set(in_clover) - stores.pushed_before == {f"BC{oid}" for oid in pushed}
    tenders = stores.clover_get("/tenders")["elements"]
    bigcommerce = [t for t in tenders if t["label"] == "BigCommerce"]
    assert len(bigcommerce) == 1
    for oid in pushed:
        (order,) = in_clover[f"BC{oid}"]
        bc = stores.bc_order(oid)
        assert order["total"] == cents(bc["total_inc_tax"])
        assert order["title"] == f"BigCommerce #{oid}" and f"#{oid}" in order["note"]
        assert bc["billing_address"]["email"] in order["note"]
        (payment,) = stores.payments(order["id"])
        assert payment["amount"] == order["total"] and payment["externalPaymentId"] == f"BC{oid}"
        assert payment["tender"]["id"] == bigcommerce[0]["id"]
        assert payment["taxAmount"] == cents(bc["total_tax"])
    # The order with a custom line (no SKU) goes through with it as a named custom line.
    unmatched = [r for r in rows.values() if r.reason is Reason.UNMATCHED_LINE]
    assert len(unmatched) == 1 and "Hand-lettered card: no SKU" in unmatched[0].detail
    (order,) = in_clover[f"BC{unmatched[0].bc_id}"]
    line = next(x for x in stores.lines(order["id"]) if x["name"] == "Hand-lettered card")
    assert "item" not in line and line["price"] == 400
    discounts = stores.clover_get(f"/orders/{order['id']}/discounts")["elements"]
    assert [(d["name"], d["amount"]) for d in discounts] == [("Coupon WELCOME5", -500)]

    # A second run has nothing to push.
    again, second = _sync(services)
    assert not again.actions[0].has_work and second.counts["create"] == 0
    assert stores.duplicates() == ({}, {})


def test_the_clover_order_takes_matched_lines_off_clover_stock(
    services: Services, stores: Stores
) -> None:
    variant = stores.variant("CND-002")
    before = stores.stock("CND-002")
    assert before is not None
    stores.place(products=[{"product_id": variant["product_id"], "quantity": 3}])
    plan, _ = _sync(services)
    assert "takes the matched lines off its own stock" in plan.actions[0].note
    # The demo orders of the first run sell CND-002 twice as well.
    sold = 3 + 2
    assert stores.stock("CND-002") == before - sold


def test_statuses_option_selects_orders_and_never_pending(services: Services) -> None:
    rows = _rows(services, statuses=["Completed", "Pending", "Declined"])
    plan = services.plan_task(task(PUSH, push_orders={"statuses": ["Completed", "Pending"]}))
    assert "Pending orders are never pushed" in plan.actions[0].note
    creates = [r for r in rows if r.outcome is Outcome.CREATE and r.bc_id is not None]
    assert creates and all(r.changes["status"][0] == "Completed" for r in creates)
    pending = [r for r in rows if r.changes.get("status", ("",))[0] == "Pending"]
    assert pending and all(r.reason is Reason.STATUS_NOT_SELECTED for r in pending)


def test_a_line_without_a_clover_sku_is_pushed_as_a_named_custom_line(
    services: Services, stores: Stores
) -> None:
    mug = stores.variant("MUG-001")
    order = stores.place(
        products=[
            {"product_id": mug["product_id"], "quantity": 1},
            {"name": "Engraving", "quantity": 2, "price_ex_tax": "4.25", "price_inc_tax": "4.60"},
            {
                "name": "Mystery box",
                "sku": "NOT-IN-CLOVER",
                "quantity": 1,
                "price_ex_tax": "9.99",
                "price_inc_tax": "10.81",
            },
        ],
        shipping_cost_ex_tax="3.00",
        shipping_cost_inc_tax="3.00",
    )
    row = next(r for r in _rows(services) if r.bc_id == order["id"])
    assert row.outcome is Outcome.CREATE and row.reason is Reason.UNMATCHED_LINE
    assert "Engraving: no SKU on BigCommerce" in row.detail
    assert "Mystery box: SKU NOT-IN-CLOVER is not in Clover" in row.detail
    _sync(services)
    (clover,) = stores.pushed()[f"BC{order['id']}"]
    lines = stores.lines(clover["id"])
    names = [(x["name"], x["price"], "item" in x) for x in lines]
    assert names.count(("Engraving", 425, False)) == 2
    assert ("Mystery box", 999, False) in names
    assert sum(1 for _, _, has_item in names if has_item) == 1
    assert ("Shipping", 300, False) in names
    assert clover["total"] == cents(order["total_inc_tax"])


def test_an_order_whose_figures_do_not_add_up_is_not_sent(
    services: Services, stores: Stores
) -> None:
    # BigCommerce's total overrides can disagree with its own lines: never guessed.
    order = stores.place(
        products=[
            {"name": "Odd", "quantity": 1, "price_ex_tax": "10.00", "price_inc_tax": "10.00"}
        ],
        total_ex_tax="12.00",
        total_inc_tax="12.00",
    )
    plan, result = _sync(services)
    row = next(r for r in plan.actions[0].rows if r.bc_id == order["id"])
    assert row.outcome is Outcome.FAIL and row.reason is Reason.TOTALS_DIFFER
    assert row.changes["total"] == ("12.00", "10.00")
    assert f"BC{order['id']}" not in stores.pushed()
    assert _by_order(result)[order["id"]]["outcome"] == "fail"


def test_a_clover_order_whose_total_differs_on_reading_back_is_a_failure_unpaid(
    services: Services, stores: Stores
) -> None:
    order = stores.place(
        products=[
            {"name": "Vase", "quantity": 1, "price_ex_tax": "20.00", "price_inc_tax": "21.65"}
        ]
    )
    # The order is in Clover already (made by hand, with another total): found by its
    # reference, read back, and reported with both figures; no second order, no payment.
    made = stores.clover_post(
        "/orders", {"state": "open", "externalReferenceId": f"BC{order['id']}", "total": 2000}
    )
    _, result = _sync(services)
    row = _by_order(result)[order["id"]]
    assert row["outcome"] == "fail" and row["reason"] == "totals_differ"
    assert row["changes"]["total"] == ["21.65", "20.00"]
    assert [o["id"] for o in stores.pushed()[f"BC{order['id']}"]] == [made["id"]]
    assert stores.payments(made["id"]) == []


def test_payments_follow_the_tender_map_and_a_missing_tender_is_reported(
    services: Services, stores: Stores
) -> None:
    order = stores.place(
        products=[{"name": "Card", "quantity": 1, "price_ex_tax": "3.00", "price_inc_tax": "3.00"}],
        payment_method="Cash on Delivery",
    )
    rows = _rows(services, create_tender=False, statuses=["Awaiting Fulfillment"])
    failed = [r for r in rows if r.outcome is Outcome.FAIL]
    assert failed and all(r.reason is Reason.NO_TENDER for r in failed)
    assert not [r for r in rows if r.outcome is Outcome.CREATE]
    tenders = {"cash on delivery": "Cash", "Braintree (Credit Card)": "Credit Card"}
    _, result = _sync(services, tenders=tenders, create_tender=False)
    by_order = _by_order(result)
    # Clover refuses card tenders for records made through the API: the row says so.
    card = [r for r in by_order.values() if r["reason"] == "rejected"]
    assert card and all("Card tenders" in r["detail"] for r in card)
    (clover,) = stores.pushed()[f"BC{order['id']}"]
    (payment,) = stores.payments(clover["id"])
    cash = next(t for t in stores.clover_get("/tenders")["elements"] if t["label"] == "Cash")
    assert payment["tender"]["id"] == cash["id"]
    # The card orders are in Clover without a payment: the next run records it once the
    # map points at a tender Clover accepts.
    _, third = _sync(services)
    assert all(r["outcome"] in ("create", "unchanged", "skip") for r in _by_order(third).values())
    assert stores.duplicates() == ({}, {})
    for found in stores.pushed().values():
        assert len(stores.payments(found[0]["id"])) == 1


def test_answers_lost_after_the_write_never_give_a_second_order_or_payment(
    sandbox: Any, services: Services, stores: Stores
) -> None:
    sandbox.faults.configure("clover", {"drop_after_write_next": 5, "path_contains": "orders"})
    plan, result = _sync(services)
    wanted = {r.bc_id for r in plan.actions[0].rows if r.outcome is Outcome.CREATE and r.bc_id}
    sandbox.faults.clear()
    assert stores.duplicates() == ({}, {})
    assert set(stores.pushed()) - stores.pushed_before == {f"BC{oid}" for oid in wanted}
    for found in stores.pushed().values():
        assert len(stores.payments(found[0]["id"])) == 1
    entries = services.state.journal_entries(limit=1000)
    assert sum(1 for e in entries if e.status == RESOLVED_APPLIED) == 5
    assert not [e for e in entries if e.is_open]
    assert not result.failures


def test_an_intent_clover_cannot_settle_stays_unconfirmed_and_is_never_sent_blind(
    sandbox: Any, services: Services, stores: Stores
) -> None:
    order = stores.place(
        products=[
            {"name": "Lamp", "quantity": 1, "price_ex_tax": "30.00", "price_inc_tax": "32.48"}
        ]
    )
    # A process died after recording its intent to create this order.
    scope = services._scope(services._credentials())
    key = journal_key(scope, ORDER, order["id"])
    intent = {"reference": f"BC{order['id']}", "order_id": order["id"], "sent_ms": now_ms()}
    services.state.journal_intent(key, action=f"{PUSH}:{ORDER}", sku=None, payload=intent)
    # Clover answers every order lookup with an error: whether it arrived cannot be known.
    sandbox.faults.configure(
        "clover", {"error_next": 1000, "error_status": 400, "path_contains": "/orders"}
    )
    plan, result = _sync(services)
    row = next(r for r in plan.actions[0].rows if r.bc_id == order["id"])
    assert row.outcome is Outcome.FAIL and row.reason is Reason.UNCONFIRMED
    assert _by_order(result)[order["id"]]["reason"] == "unconfirmed"
    assert services.state.journal_get(key).is_open
    sandbox.faults.clear()
    assert f"BC{order['id']}" not in stores.pushed()
    # Once Clover answers, the lookup settles it (not there) and the order goes once.
    _, again = _sync(services)
    assert _by_order(again)[order["id"]]["outcome"] == "create"
    assert len(stores.pushed()[f"BC{order['id']}"]) == 1
    _, third = _sync(services)
    assert (
        order["id"] not in _by_order(third) or _by_order(third)[order["id"]]["outcome"] != "create"
    )
