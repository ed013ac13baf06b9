"""Stock by location on the demo stores over loopback: two Clover merchants (Main Street and
Warehouse) feeding two BigCommerce locations, safety buffers, reserved web orders and the
stale-stock guard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from esync_desktop.app import Services
from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.bigcommerce_stock import BcStock
from esync_desktop.storage.secrets import merchant_token_env
from esync_desktop.storage.settings import BufferRule, MerchantConfig, WeightRules
from esync_desktop.sync import defaults
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from tests.sync.live import admin, endpoint_count, sandbox_env, task
from tests.sync.orders_live import Stores

STOCK = ("send-inventory-standard", "send-inventory-matrix")
WAREHOUSE = 2


@pytest.fixture
def services(sandbox: Any) -> Iterator[Services]:
    """Main Street (the connection's merchant) feeds location 1, Warehouse location 2."""
    admin(sandbox, "/_sandbox/settings", {"bigcommerce": {"plan": "pro"}})
    info = sandbox.describe()
    environ = {
        **sandbox_env(sandbox),
        merchant_token_env(info["warehouse_merchant_id"]): info["warehouse_token"],
    }
    services = Services(environ=environ)
    services.settings.clover.name = "Main Street"
    services.settings.merchants = [
        MerchantConfig(info["warehouse_merchant_id"], WAREHOUSE, "Warehouse", base_url=info["url"])
    ]
    services.settings.stock.reserve_hours = 0
    yield services
    services.stop()


def _stock_task() -> Any:
    return task(*STOCK, stop_when_empty=False)


def _rows(plan: Any, sku: str) -> dict[int, PlanRow]:
    """location id -> the row of this SKU."""
    return {r.facts["location_id"]: r for a in plan.actions for r in a.rows if r.sku == sku}


def _clover_stock(sandbox: Any, sku: str, merchant: str | None = None) -> Decimal:
    path = "/_sandbox/clover/items"
    if merchant is not None:
        path = f"/_sandbox/clover/merchants/{merchant}/items"
    [found] = admin(sandbox, f"{path}?sku={sku}")["elements"]
    return Decimal(str(found["itemStock"]["quantity"]))


def _web_levels(sandbox: Any, *skus: str) -> dict[str, dict[int, int]]:
    info = sandbox.describe()
    with BigCommerceClient(info["url"], info["bc_store_hash"], info["bc_token"]) as bc:
        found = BcStock(bc).levels(skus)
    return {sku: found[sku.casefold()].onhand for sku in skus}


def test_two_merchants_feed_two_locations(services: Services, sandbox: Any) -> None:
    warehouse = sandbox.describe()["warehouse_merchant_id"]
    plan = services.plan_task(_stock_task())
    mug = _rows(plan, "MUG-002")
    assert set(mug) == {1, WAREHOUSE}
    main_stock = _clover_stock(sandbox, "MUG-002")
    back_stock = _clover_stock(sandbox, "MUG-002", warehouse)
    assert main_stock != back_stock  # the demo's merchants count different stock
    assert mug[1].payload["quantity"] == int(main_stock)
    assert mug[WAREHOUSE].payload["quantity"] == int(back_stock)
    assert mug[WAREHOUSE].facts["location"] == "Warehouse"
    assert mug[WAREHOUSE].facts["merchant"] == "Warehouse"
    assert mug[WAREHOUSE].detail.startswith("Warehouse: ")
    tee = _rows(plan, "PT-M-SAN")  # a variant of the Pocket Tee
    assert set(tee) == {1, WAREHOUSE}
    # Both merchants are read: the warehouse's items and stocks on its own token.
    assert endpoint_count(sandbox, "clover", "GET", "/item_stocks") == 2
    sandbox.reset_counters()
    result = services.run_plan(plan)
    assert result.failures == [] and result.counts["update"] == plan.counts()["update"]
    # One absolute adjustment per action carries both locations (2000 items a call).
    assert endpoint_count(sandbox, "bigcommerce", "PUT", "/inventory/adjustments/absolute") == 2
    levels = _web_levels(sandbox, "MUG-002", "PT-M-SAN")
    assert levels["MUG-002"][1] == int(main_stock)
    assert levels["MUG-002"][WAREHOUSE] == int(back_stock)
    assert levels["PT-M-SAN"][WAREHOUSE] == int(_clover_stock(sandbox, "PT-M-SAN", warehouse))

    again = services.plan_task(_stock_task())
    assert again.counts()["update"] == 0
    # A count on the warehouse's device changes that location only.
    admin(
        sandbox, f"/_sandbox/clover/merchants/{warehouse}/stock", {"sku": "MUG-002", "quantity": 4}
    )
    third = services.plan_task(_stock_task())
    writes = [(r.sku, r.facts["location_id"]) for a in third.actions for r in a.rows if r.writes]
    assert writes == [("MUG-002", WAREHOUSE)]
    assert _rows(third, "MUG-002")[WAREHOUSE].changes["inventory_level"] == (int(back_stock), 4)


def test_buffers_most_specific_wins(services: Services, sandbox: Any) -> None:
    warehouse = sandbox.describe()["warehouse_merchant_id"]
    for sku in ("MUG-001", "MUG-002", "COF-001", "STA-001"):
        admin(
            sandbox, f"/_sandbox/clover/merchants/{warehouse}/stock", {"sku": sku, "quantity": 10}
        )
        admin(sandbox, "/_sandbox/clover/stock", {"sku": sku, "quantity": 10})
    services.settings.stock.buffers = [
        BufferRule(1),  # every location: 1
        BufferRule(2, location_id=WAREHOUSE),  # the warehouse: 2
        BufferRule(3, location_id=WAREHOUSE, category="Mugs"),  # mugs there: 3
        BufferRule(4, category="Coffee"),  # coffee everywhere: 4
        BufferRule(9, location_id=WAREHOUSE, sku="mug-002"),  # one SKU there: 9
        BufferRule(12, sku="STA-001"),  # more than the stock: 0, never below
    ]
    plan = services.plan_task(_stock_task())

    def level(sku: str, location: int) -> int:
        return int(_rows(plan, sku)[location].facts["level"])

    assert level("MUG-002", WAREHOUSE) == 10 - 9  # SKU at the location
    assert level("MUG-001", WAREHOUSE) == 10 - 3  # category at the location
    assert level("COF-001", WAREHOUSE) == 10 - 4  # category at every location
    assert level("MUG-001", 1) == 10 - 1  # every location
    assert level("COF-001", 1) == 10 - 4
    assert level("STA-001", 1) == level("STA-001", WAREHOUSE) == 0
    row = _rows(plan, "MUG-002")[WAREHOUSE]
    assert row.facts["buffer"] == 9 and "buffer 9" in row.detail


def test_reserved_stock_holds_back_a_web_order_until_it_is_in_clover(
    services: Services, sandbox: Any
) -> None:
    services.settings.stock.reserve_hours = 48
    stores = Stores(sandbox)
    try:
        first = services.plan_task(_stock_task())
        services.run_plan(first)
        before = _clover_stock(sandbox, "MUG-002")
        assert _rows(first, "MUG-002")[1].facts["reserved"] == 0
        # A web order is placed between two runs; it is not in Clover yet.
        variant = stores.variant("MUG-002")
        order = stores.place(products=[{"product_id": variant["product_id"], "quantity": 2}])
        held = services.plan_task(_stock_task())
        rows = _rows(held, "MUG-002")
        assert rows[1].facts["reserved"] == 2
        # BigCommerce took the 2 units off its own stock when the order was placed: the web
        # level stays at the POS stock less the reserved units, never the POS stock.
        assert rows[1].facts["level"] == int(before) - 2
        assert rows[1].payload.get("quantity", int(before) - 2) == int(before) - 2, rows[1]
        # Only the location the order's merchant feeds holds it back.
        assert rows[WAREHOUSE].facts["reserved"] == 0
        services.run_plan(held)
        # push-orders takes the order into Clover, which takes the units off its stock.
        # (The orders of the last day: the demo's older ones sell MUG-002 too.)
        pushed = services.plan_task(task("push-orders", push_orders={"first_run_days": 1}))
        services.run_plan(pushed)
        assert _clover_stock(sandbox, "MUG-002") == before - 2
        after = services.plan_task(_stock_task())
        rows = _rows(after, "MUG-002")
        assert rows[1].facts["reserved"] == 0 and order["id"] > 0
        assert rows[1].outcome is Outcome.UNCHANGED  # the same unit is not counted twice
    finally:
        stores.close()


def test_the_stale_stock_guard(services: Services, sandbox: Any) -> None:
    warehouse = sandbox.describe()["warehouse_merchant_id"]
    services.settings.stock.stale_after_minutes = 30
    services.settings.stock.stale_mode = "zero"
    services.run_plan(services.plan_task(_stock_task()))
    assert not any(s.stale for s in services.stock_status())
    # The warehouse's Clover merchant stops answering.
    fault = {"error_rate": 1.0, "error_status": 503, "path_contains": f"/{warehouse}/"}
    admin(sandbox, "/_sandbox/faults", {"clover": fault})
    plan = services.plan_task(_stock_task())
    failed = [r for r in plan.actions[0].rows if r.outcome is Outcome.FAIL]
    assert len(failed) == 1 and failed[0].reason is Reason.STORE_ERROR
    assert failed[0].facts["stale"] is False and "left as it is" in failed[0].detail
    assert not any(r.writes and r.facts["location_id"] == WAREHOUSE for r in _all(plan))
    # Half an hour later (the last confirmed read moved back), the guard publishes zero.
    _age_last_read(services, warehouse, minutes=31)
    status = {s.location_id: s for s in services.stock_status()}
    assert status[WAREHOUSE].stale and not status[1].stale
    assert "Warehouse" in status[WAREHOUSE].message
    stale = services.plan_task(_stock_task())
    guarded = [r for r in _all(stale) if r.reason is Reason.STALE_STOCK]
    assert guarded and all(r.facts["location_id"] == WAREHOUSE for r in guarded)
    assert all(r.payload["quantity"] == 0 for r in guarded if r.writes)
    services.run_plan(stale)
    assert _web_levels(sandbox, "MUG-002")["MUG-002"][WAREHOUSE] == 0
    # With "buffer", the last count less the buffers is published instead.
    services.settings.stock.stale_mode = "buffer"
    services.settings.stock.buffers = [BufferRule(1, location_id=WAREHOUSE)]
    last = _clover_stock(sandbox, "MUG-002", None)  # read through the admin route: no fault
    del last
    buffered = services.plan_task(_stock_task())
    mug = _rows(buffered, "MUG-002")[WAREHOUSE]
    assert mug.reason is Reason.STALE_STOCK and mug.facts["buffer"] == 1
    assert mug.payload["quantity"] == max(0, int(Decimal(mug.facts["clover_stock"])) - 1)
    # It answers again: the merchant's own stock is read and written once more.
    admin(sandbox, "/_sandbox/faults", {"clover": {"error_rate": 0.0}})
    back = services.plan_task(_stock_task())
    assert not any(r.reason is Reason.STALE_STOCK for r in _all(back))
    assert not any(s.stale for s in services.stock_status())


def _all(plan: Any) -> list[PlanRow]:
    return [r for a in plan.actions for r in a.rows]


def _age_last_read(services: Services, merchant: str, *, minutes: int) -> None:
    state = services._engine_state
    scope = services._scope(services._credentials())
    record = state.last_stock_read(scope, merchant)
    assert record is not None
    older = replace(record, read_ms=record.read_ms - minutes * 60_000)
    state.save_stock_read(scope, merchant, older, merchant="", location_id=0)


def test_the_connection_test_reaches_each_further_merchant(
    services: Services, sandbox: Any
) -> None:
    report = services.test_connections()
    assert report.ok
    assert report.merchants == (("Warehouse", "eSync Demo Gift Shop Warehouse", None),)
    warehouse = sandbox.describe()["warehouse_merchant_id"]
    wrong = Services(environ={**services.environ, merchant_token_env(warehouse): "wrong"})
    try:
        wrong.settings.merchants = list(services.settings.merchants)
        [(title, name, error)] = wrong.test_connections().merchants
        assert title == "Warehouse" and name is None and error
    finally:
        wrong.stop()


def test_the_stale_stock_guard_covers_the_first_merchant(services: Services, sandbox: Any) -> None:
    """The connection's own merchant (Main Street) stops answering: its location follows the
    guard like any other's, the warehouse is still read and written, and the steps that need
    the first merchant's catalogue wait for the next sync."""
    main = sandbox.describe()["clover_merchant_id"]
    services.settings.stock.stale_after_minutes = 30
    services.settings.stock.stale_mode = "zero"
    whole = task("send-prices", *STOCK, stop_when_empty=False)
    services.run_plan(services.plan_task(whole))
    fault = {"error_rate": 1.0, "error_status": 503, "path_contains": f"/{main}/"}
    admin(sandbox, "/_sandbox/faults", {"clover": fault})
    admin(
        sandbox,
        f"/_sandbox/clover/merchants/{sandbox.describe()['warehouse_merchant_id']}/stock",
        {"sku": "MUG-002", "quantity": 3},
    )
    plan = services.plan_task(whole)
    prices = next(a for a in plan.actions if a.action == "send-prices")
    assert prices.rows == () and "did not answer" in prices.note
    failed = [r for r in _all(plan) if r.outcome is Outcome.FAIL]
    assert {(r.reason, r.facts["location_id"]) for r in failed} == {(Reason.STORE_ERROR, 1)}
    assert failed[0].facts["stale"] is False and "left as it is" in failed[0].detail
    writes = [(r.sku, r.facts["location_id"]) for r in _all(plan) if r.writes]
    assert writes == [("MUG-002", WAREHOUSE)]  # the warehouse goes on
    services.run_plan(plan)

    # Past the limit the first merchant's location is guarded: zero there, the tray says so.
    _age_last_read(services, main, minutes=31)
    status = {s.location_id: s for s in services.stock_status()}
    assert status[1].stale and not status[WAREHOUSE].stale
    assert "Main Street" in status[1].message
    stale = services.plan_task(whole)
    guarded = [r for r in _all(stale) if r.reason is Reason.STALE_STOCK]
    assert guarded and {r.facts["location_id"] for r in guarded} == {1}
    assert {r.action for r in guarded} == set(STOCK)
    assert all(r.payload["quantity"] == 0 for r in guarded if r.writes)
    result = services.run_plan(stale)
    assert result.counts["update"] == len([r for r in guarded if r.writes])
    assert _web_levels(sandbox, "MUG-002")["MUG-002"] == {1: 0, WAREHOUSE: 3}

    # "buffer": the last count less the buffers, the categories from the records last read.
    services.settings.stock.stale_mode = "buffer"
    services.settings.stock.buffers = [BufferRule(2, location_id=1, category="Mugs")]
    buffered = services.plan_task(whole)
    mug = _rows(buffered, "MUG-002")[1]
    assert mug.reason is Reason.STALE_STOCK and mug.facts["buffer"] == 2
    assert mug.payload["quantity"] == max(0, int(Decimal(mug.facts["clover_stock"])) - 2)

    # It answers again: every step is planned from its catalogue once more.
    admin(sandbox, "/_sandbox/faults", {"clover": {"error_rate": 0.0}})
    back = services.plan_task(whole)
    assert not any(r.reason is Reason.STALE_STOCK for r in _all(back))
    assert all(not a.note for a in back.actions)
    assert not any(s.stale for s in services.stock_status())


def _ended(result: Any, action: str, sku: str) -> dict[int, dict[str, Any]]:
    """location id -> how the run ended this SKU's row of a stock action."""
    [rows] = [a["rows"] for a in result.document["actions"] if a["action"] == action]
    return {r["facts"]["location_id"]: r for r in rows if r["sku"] == sku}


def test_a_product_created_by_the_run_gets_its_stock_at_every_location(
    services: Services, sandbox: Any
) -> None:
    """The stock step sets what the create step of the same plan creates: the warehouse after
    the create; the create already set the default location less its buffer. A create that
    fails leaves its stock rows skipped, naming it; nothing is sent with a made-up id."""
    warehouse = sandbox.describe()["warehouse_merchant_id"]
    services.settings.stock.buffers = [BufferRule(2, location_id=1)]
    services.settings.weights = WeightRules(
        by_sku=dict(defaults.DEMO_SKU_WEIGHTS), by_category=dict(defaults.DEMO_CATEGORY_WEIGHTS)
    )
    plan = services.plan_task(task("send-standard", *STOCK, stop_when_empty=False))
    [creates] = [a for a in plan.actions if a.action == "send-standard"]
    made = [r for r in creates.rows if r.outcome is Outcome.CREATE]
    good, bad = made[0], made[1]
    rows = {
        r.facts["location_id"]: r
        for a in plan.actions
        if a.action in STOCK
        for r in a.rows
        if r.sku == good.sku
    }
    stock = {
        1: max(0, int(_clover_stock(sandbox, str(good.sku))) - 2),
        WAREHOUSE: int(_clover_stock(sandbox, str(good.sku), warehouse)),
    }
    # The create sets the default location less its buffer: nothing is left to write there.
    assert good.payload["inventory_level"] == stock[1]
    assert rows[1].outcome is Outcome.UNCHANGED and rows[1].facts["level"] == stock[1]
    assert "when it is created" in rows[1].detail
    row = rows[WAREHOUSE]
    assert row.outcome is Outcome.UPDATE and row.payload["quantity"] == stock[WAREHOUSE]
    assert "after it is created" in row.detail
    assert row.changes["inventory_level"] == (0, stock[WAREHOUSE])
    # Meanwhile a product with the second one's name appears: its create is refused.
    info = sandbox.describe()
    with BigCommerceClient(info["url"], info["bc_store_hash"], info["bc_token"]) as bc:
        bc.create_product(
            {"name": bad.payload["name"], "type": "physical", "price": 1, "weight": 1}
        )
    sandbox.reset_counters()
    result = services.run_plan(plan)
    assert [r.sku for r in result.failures] == [bad.sku]
    # Every location of every new product in one absolute adjustment per stock step.
    assert endpoint_count(sandbox, "bigcommerce", "PUT", "/inventory/adjustments/absolute") == 2
    assert _web_levels(sandbox, str(good.sku))[str(good.sku)] == stock
    skipped = _ended(result, "send-inventory-standard", str(bad.sku))
    assert set(skipped) == {1, WAREHOUSE}
    for row in skipped.values():
        assert row["outcome"] == "skip" and row["reason"] == Reason.NOT_IN_BIGCOMMERCE
        assert f"creating {bad.clover_name!r} failed" in row["detail"]
    again = services.plan_task(task("send-standard", *STOCK, stop_when_empty=False))
    # Only the refused product is planned again: its create, and its stock after it (the
    # create sets the default location itself).
    writes = [
        (r.action, r.facts.get("location_id")) for a in again.actions for r in a.rows if r.writes
    ]
    assert {r.sku for a in again.actions for r in a.rows if r.writes} == {bad.sku}
    assert sorted(writes, key=str) == sorted(
        [("send-standard", None), ("send-inventory-standard", WAREHOUSE)], key=str
    )


def _creates(plan: Any) -> dict[str, PlanRow]:
    return {
        str(r.sku): r
        for a in plan.actions
        if a.action == "send-standard"
        for r in a.rows
        if r.outcome is Outcome.CREATE
    }


def test_a_create_without_a_stock_step_holds_back_the_buffers(
    services: Services, sandbox: Any
) -> None:
    """A new product's level at the default location (the create's `inventory_level`) is the
    one the stock steps would write there: the Clover stock less the buffer that applies."""
    services.settings.weights = WeightRules(
        by_sku=dict(defaults.DEMO_SKU_WEIGHTS), by_category=dict(defaults.DEMO_CATEGORY_WEIGHTS)
    )
    plain = _creates(services.plan_task(task("send-standard")))
    assert len(plain) >= 3
    stock = {sku: int(_clover_stock(sandbox, sku)) for sku in plain}
    # No buffers: the Clover stock as it is.
    assert {s: r.payload["inventory_level"] for s, r in plain.items()} == stock
    first, second = sorted(plain)[:2]
    category = plain[first].changes["categories"][1][0]
    services.settings.stock.buffers = [
        BufferRule(2, location_id=1),  # the default location: 2
        BufferRule(30, location_id=WAREHOUSE),  # another location's: not the create's
        BufferRule(5, location_id=1, category=category),  # one category there: 5
        BufferRule(1, sku=second),  # one SKU everywhere: 1
    ]

    def held(sku: str) -> int:
        if sku == second:
            return 1
        return 5 if category in plain[sku].changes["categories"][1] else 2

    expected = {sku: max(0, level - held(sku)) for sku, level in stock.items()}
    plan = services.plan_task(task("send-standard"))
    made = _creates(plan)
    assert set(made) == set(plain)
    for sku, row in made.items():
        assert row.payload["inventory_level"] == expected[sku], sku
        assert row.changes["inventory_level"] == (None, expected[sku])
    assert expected[first] == max(0, stock[first] - 5)
    result = services.run_plan(plan)
    assert result.failures == [] and result.counts["create"] == len(made)
    levels = _web_levels(sandbox, *made)
    assert {sku: levels[sku][1] for sku in made} == expected
    # The stock steps planned now find the default location already right.
    after = services.plan_task(task(*STOCK, stop_when_empty=False))
    for sku in made:
        assert _rows(after, sku)[1].outcome is Outcome.UNCHANGED, sku
