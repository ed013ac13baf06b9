"""What BigCommerce would refuse, and data that cannot be read, seen in the preview: each item
gets its reason with the particulars as facts, and every other item plans as before."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop.domain.bigcommerce_limits import NAME_MAX, truncate_name
from esync_desktop.domain.catalog import BadField, BcProduct, CloverItemGroup
from esync_desktop.sync.actions import ACTIONS, plan_actions
from esync_desktop.sync.cursors import Cursor, advance
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot
from tests.sync.messy import BC_CATEGORIES, item, product, variant

R = Reason
# Every reason this file shows the planners giving (test_planners checks all are covered).
COVERED = {
    R.BAD_DATA,
    R.NAME_TOO_LONG,
    R.NAME_IN_USE,
    R.SKU_TOO_LONG,
    R.PRICE_OUT_OF_RANGE,
    R.WEIGHT_OUT_OF_RANGE,
    R.OPTION_TOO_LONG,
    R.TOO_MANY_VARIANTS,
}
LONG_NAME = " ".join(["Handmade stoneware mug with a speckled glaze"] * 7)  # 314 characters
PRICE = "abc"

SIMPLE = [
    item("OK", "OK-1"),
    item("LONG", "LONG-1", name=LONG_NAME),
    item("TAKEN", "TAKEN-1", name="  in   USE  "),
    item("TWIN1", "TWIN-1", name="Twin Mug"),
    item("TWIN2", "TWIN-2", name="twin mug"),
    item("LONGSKU", "S" * 256),
    item("RICH", "RICH-1", price_cents=1_000_000_000_000),
    item("HEAVY", "HEAVY-1"),
    item("BAD", "BAD-1", bad=BadField("price", repr(PRICE))),
    item("#42", None, name=None, bad=BadField("item", "null", position=41)),
    item("BCBAD", "BCBAD-1", name="Bc Bad"),
]
GROUPS = (
    CloverItemGroup("GLONG", "Tee", ("Size",)),
    CloverItemGroup("GMANY", "Many Tee", ("Size",)),
    CloverItemGroup("GUSED", "In Use", ("Size",)),
    CloverItemGroup("GBAD", "Bad Tee", ("Size",)),
    CloverItemGroup("GNAME", "Odd Tee", ("Size",), bad=BadField("itemGroup.name", "7")),
)
VARIANTS = [
    variant("L1", "L-1", "GLONG", {"Size": "S" * 256}),
    variant("U1", "U-1", "GUSED", {"Size": "S"}),
    variant("B1", "B-1", "GBAD", {"Size": "S"}),
    variant("B2", "B-2", "GBAD", {"Size": "M"}, bad=BadField("modifiedTime", "'yesterday'")),
    variant("N1", "N-1", "GNAME", {"Size": "S"}),
    *(variant(f"M{n}", f"M-{n}", "GMANY", {"Size": str(n)}) for n in range(601)),
]
BC = (
    product(300, "USED-1", "In Use"),
    BcProduct(301, "Bc Bad", "BCBAD-1", Decimal(0), 0, bad=BadField("price", "'free'")),
)
RULES = Rules.build(by_sku={"HEAVY-1": "10000000000"}, by_category={"Mugs": "1", "T-Shirts": "1"})


def _snapshot() -> Snapshot:
    return Snapshot(
        clover_items=tuple(SIMPLE + VARIANTS),
        clover_groups=GROUPS,
        bc_products=BC,
        bc_categories=tuple(BC_CATEGORIES),
    )


def _plan(action: str, **options: Any) -> dict[str, PlanRow]:
    spec = ACTIONS[action]
    plan = spec.planner(_snapshot(), {**spec.defaults, **options}, Cursor(), RULES)
    return {r.clover_id or "": r for r in plan.rows}


def _reasons(rows: dict[str, PlanRow]) -> dict[str, Reason | None]:
    return {k: r.reason for k, r in rows.items()}


def test_send_standard_refuses_what_bigcommerce_would() -> None:
    rows = _plan("send-standard")
    assert _reasons(rows) == {
        "OK": None,
        "LONG": R.NAME_TOO_LONG,
        "TAKEN": R.NAME_IN_USE,
        "TWIN1": None,
        "TWIN2": R.NAME_IN_USE,
        "LONGSKU": R.SKU_TOO_LONG,
        "RICH": R.PRICE_OUT_OF_RANGE,
        "HEAVY": R.WEIGHT_OUT_OF_RANGE,
        "BAD": R.BAD_DATA,
        "#42": R.BAD_DATA,
        "BCBAD": R.ALREADY_IN_BIGCOMMERCE,  # unreadable, but it exists: never created twice
    }
    assert rows["LONG"].facts == {"length": 314, "limit": 250}
    assert rows["TAKEN"].facts == {"bc_id": 300, "bc_name": "In Use"}
    assert "BigCommerce product 300" in rows["TAKEN"].detail
    assert rows["TWIN2"].facts == {"clover_id": "TWIN1"}
    assert rows["TWIN2"].detail == "Clover item TWIN-1 gets this name first in this sync"
    assert rows["LONGSKU"].facts == {"length": 256, "limit": 255}
    assert rows["RICH"].facts["price"] == Decimal("10000000000.00")
    assert rows["HEAVY"].facts["weight"] == Decimal("10000000000")
    assert rows["BAD"].facts == {"store": "Clover", "field": "price", "value": "'abc'"}
    assert rows["BAD"].detail == "Clover price is 'abc'"
    assert rows["#42"].facts["position"] == 41
    assert rows["#42"].detail == "entry 42 of Clover's list is null, not a record"
    for row in rows.values():
        assert (row.outcome is Outcome.SKIP) == (row.reason is not None)
    # --json carries the facts as plain data.
    assert rows["RICH"].public()["facts"] == {"price": "10000000000.00", "limit": "9999999999"}


def test_bad_data_never_moves_the_cursor_and_is_shown_again() -> None:
    rows = list(_plan("send-standard").values())
    bad = [r for r in rows if r.reason is R.BAD_DATA]
    assert bad and all(r.cursor_key == "" and r.source_ms is None for r in bad)
    after = advance(Cursor(), rows, set(range(len(rows))))
    spec = ACTIONS["send-standard"]
    again = spec.planner(_snapshot(), spec.defaults, after, RULES).rows
    assert [r.clover_id for r in again if r.reason is R.BAD_DATA] == ["BAD", "#42"]


def test_long_names_are_cut_at_a_word_when_the_owner_says_so() -> None:
    row = _plan("send-standard", truncate_long_names=True)["LONG"]
    assert row.outcome is Outcome.CREATE
    name = row.payload["name"]
    assert len(name) <= NAME_MAX and LONG_NAME.startswith(name)
    assert LONG_NAME[len(name)] == " " and not name.endswith(" ")
    assert row.facts == {"truncated_from": 314, "limit": 250}
    assert truncate_name("x" * 300) == "x" * 250  # one long word: cut inside it
    assert truncate_name("short") == "short"


def test_send_matrix_refuses_per_group() -> None:
    rows = _plan("send-matrix")
    reasons = _reasons(rows)
    assert reasons["L1"] is R.OPTION_TOO_LONG
    assert reasons["U1"] is R.NAME_IN_USE and rows["U1"].facts["bc_id"] == 300
    assert reasons["B2"] is R.BAD_DATA and rows["B2"].facts["field"] == "modifiedTime"
    # The group's other variant is held back by the bad one.
    assert reasons["B1"] is R.BAD_DATA and rows["B1"].held_back_by == "B-2"
    assert rows["B1"].facts == {}  # the holding variant is the row's field, not a fact
    assert reasons["N1"] is R.BAD_DATA and "item group itemGroup.name" in rows["N1"].detail
    many = [rows[f"M{n}"] for n in range(601)]
    assert {r.reason for r in many} == {R.TOO_MANY_VARIANTS}
    assert many[0].facts == {"count": 601, "limit": 600}


def test_stock_and_price_actions_skip_bad_data_of_either_store() -> None:
    stock = _plan("send-inventory-standard")
    assert stock["BAD"].reason is R.BAD_DATA and stock["#42"].reason is R.BAD_DATA
    assert stock["BCBAD"].reason is R.BAD_DATA
    assert stock["BCBAD"].facts == {"store": "BigCommerce", "field": "price", "value": "'free'"}
    assert stock["BCBAD"].detail == "BigCommerce product 301 price is 'free'"
    assert stock["BCBAD"].cursor_key == "BCBAD"  # a fix on the web store is seen next run
    prices = _plan("send-prices")
    assert prices["BAD"].reason is R.BAD_DATA and prices["BCBAD"].reason is R.BAD_DATA
    matrix = _plan("send-inventory-matrix")
    assert matrix["B2"].reason is R.BAD_DATA and matrix["B1"].reason is R.NOT_IN_BIGCOMMERCE


def test_send_prices_refuses_a_price_out_of_range() -> None:
    snapshot = Snapshot(
        clover_items=(item("RICH", "RICH-1", price_cents=10**12),),
        bc_products=(product(400, "RICH-1", "Rich"),),
    )
    spec = ACTIONS["send-prices"]
    (row,) = spec.planner(snapshot, {}, Cursor(), RULES).rows
    assert row.reason is R.PRICE_OUT_OF_RANGE and row.bc_id == 400


def test_the_missing_categories_are_the_rows_field() -> None:
    snapshot = Snapshot(clover_items=(item("BAG", "BAG-1", categories=("Bags", "Totes")),))
    spec = ACTIONS["send-standard"]
    rules = Rules.build(default="1")
    (row,) = spec.planner(snapshot, spec.defaults, Cursor(), rules).rows
    assert row.reason is R.CATEGORY_NOT_IN_BIGCOMMERCE
    assert row.missing_categories == ("Bags", "Totes")
    assert row.facts == {}  # said once, as the field


def test_two_groups_of_one_name_create_one_product() -> None:
    groups = (CloverItemGroup("GA", "Logo Tee", ("Size",)), CloverItemGroup("GB", "logo  tee"))
    items = (
        variant("A1", "A-1", "GA", {"Size": "S"}),
        variant("B1", "B-1", "GB", {"Size": "S"}),
    )
    snapshot = Snapshot(
        clover_items=items, clover_groups=groups, bc_categories=tuple(BC_CATEGORIES)
    )
    spec = ACTIONS["send-matrix"]
    rows = spec.planner(snapshot, spec.defaults, Cursor(), RULES).rows
    assert [(r.clover_id, r.reason) for r in rows] == [("GA", None), ("B1", R.NAME_IN_USE)]
    assert rows[1].facts == {"clover_id": "GA"}


def test_a_simple_item_and_a_group_of_one_name_in_one_task() -> None:
    snapshot = Snapshot(
        clover_items=(
            item("S1", "S-1", name="Logo Tee"),
            variant("A1", "A-1", "GA", {"Size": "S"}),
            variant("A2", "A-2", "GA", {"Size": "M"}),
        ),
        clover_groups=(CloverItemGroup("GA", "LOGO TEE", ("Size",)),),
        bc_categories=tuple(BC_CATEGORIES),
    )
    both = [("send-standard", {}), ("send-matrix", {})]
    plan = plan_actions("t", both, snapshot, {}, RULES, stop_when_empty=False)
    standard, matrix = plan.actions
    assert [(r.clover_id, r.outcome) for r in standard.rows] == [("S1", Outcome.CREATE)]
    assert [(r.clover_id, r.reason) for r in matrix.rows] == [
        ("A1", R.NAME_IN_USE),
        ("A2", R.NAME_IN_USE),
    ]
    assert matrix.rows[0].facts == {"clover_id": "S1"}
    assert matrix.rows[0].detail == "Clover item S-1 gets this name first in this sync"
    assert matrix.rows[0].cursor_key == "GA"  # keeps the cursor: seen again next run
    # In the other order the group keeps the name.
    plan = plan_actions("t", both[::-1], snapshot, {}, RULES, stop_when_empty=False)
    assert plan.actions[1].rows[0].reason is R.NAME_IN_USE
    assert plan.actions[0].rows[0].outcome is Outcome.CREATE
