"""Every criterion and reason code of the five planners, table-driven over a messy catalogue."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from esync_desktop.storage.settings_model import BufferRule
from esync_desktop.sync.actions import ACTIONS, plan_actions
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.model import (
    CATALOGUE_ACTION_IDS,
    ORDER_REASONS,
    Outcome,
    PlanRow,
    Reason,
)
from esync_desktop.sync.stock.buffers import Buffers
from tests.sync import messy
from tests.sync.test_plan_limits import COVERED as LIMITS_AND_BAD_DATA
from tests.sync.test_plan_variants import COVERED as VARIANTS

C, U, N, S = Outcome.CREATE, Outcome.UPDATE, Outcome.UNCHANGED, Outcome.SKIP
R = Reason

EXPECTED: dict[str, dict[str, tuple[Outcome, Reason | None]]] = {
    "send-standard": {
        "OK": (C, None),
        "OKSPACE": (C, None),
        "NOSKU": (S, R.MISSING_SKU),
        "BLANKSKU": (S, R.MISSING_SKU),
        "DUPA": (S, R.DUPLICATE_SKU),
        "DUPB": (S, R.DUPLICATE_SKU),
        "BCDUP": (S, R.DUPLICATE_SKU),
        "NONAME": (S, R.MISSING_NAME),
        "NOWEIGHT": (S, R.MISSING_WEIGHT),
        "HIDDEN": (S, R.INACTIVE),
        "UNAVAIL": (S, R.INACTIVE),
        "DELETED": (S, R.INACTIVE),
        "NOSTOCK": (S, R.NO_STOCK_VALUE),
        "NEGSTOCK": (S, R.NEGATIVE_STOCK),
        "NEGPRICE": (S, R.NEGATIVE_PRICE),
        "NOCAT": (S, R.NO_CATEGORY),
        "WEBCAT": (S, R.CATEGORY_NOT_IN_BIGCOMMERCE),
        "MAPPED": (C, None),
        "INBC": (S, R.ALREADY_IN_BIGCOMMERCE),
        "RENAMED": (S, R.ALREADY_IN_BIGCOMMERCE),
        "STOCKEQ": (S, R.ALREADY_IN_BIGCOMMERCE),
        "VARSKU": (S, R.ALREADY_IN_BIGCOMMERCE),
        "FREE": (C, None),
        "STOCKUP": (S, R.ALREADY_IN_BIGCOMMERCE),
        "NEGBC": (S, R.ALREADY_IN_BIGCOMMERCE),
    },
    "send-matrix": {
        "G1": (C, None),
        "T1": (S, R.NO_STOCK_VALUE),
        "T2": (S, R.NO_STOCK_VALUE),
        "P1": (S, R.ALREADY_IN_BIGCOMMERCE),
        "P2": (S, R.ALREADY_IN_BIGCOMMERCE),
    },
    "send-inventory-standard": {
        **{
            k: (S, R.NOT_IN_BIGCOMMERCE)
            for k in [
                "OK",
                "OKSPACE",
                "NONAME",
                "NOWEIGHT",
                "NEGSTOCK",
                "NEGPRICE",
                "NOCAT",
                "WEBCAT",
                "MAPPED",
                "VARSKU",
                "FREE",
            ]
        },
        "NOSKU": (S, R.MISSING_SKU),
        "BLANKSKU": (S, R.MISSING_SKU),
        "DUPA": (S, R.DUPLICATE_SKU),
        "DUPB": (S, R.DUPLICATE_SKU),
        "BCDUP": (S, R.DUPLICATE_SKU),
        "HIDDEN": (S, R.INACTIVE),
        "UNAVAIL": (S, R.INACTIVE),
        "DELETED": (S, R.INACTIVE),
        "NOSTOCK": (S, R.NO_STOCK_VALUE),
        "INBC": (N, R.UNCHANGED),
        "RENAMED": (S, R.NAME_MISMATCH),
        "STOCKEQ": (N, R.UNCHANGED),
        "STOCKUP": (U, None),
        "NEGBC": (U, None),
    },
    "send-inventory-matrix": {
        "V1": (S, R.NOT_IN_BIGCOMMERCE),
        "V2": (S, R.NOT_IN_BIGCOMMERCE),
        "T1": (S, R.NOT_IN_BIGCOMMERCE),
        "T2": (S, R.NO_STOCK_VALUE),
        "P1": (U, None),
        "P2": (U, None),
    },
    "send-prices": {
        **{
            k: (S, R.NOT_IN_BIGCOMMERCE)
            for k in [
                "OK",
                "OKSPACE",
                "NONAME",
                "NOWEIGHT",
                "HIDDEN",
                "UNAVAIL",
                "DELETED",
                "NOSTOCK",
                "NEGSTOCK",
                "NEGPRICE",
                "NOCAT",
                "WEBCAT",
                "MAPPED",
                "FREE",
                "V1",
                "V2",
                "T1",
                "T2",
            ]
        },
        "NOSKU": (S, R.MISSING_SKU),
        "BLANKSKU": (S, R.MISSING_SKU),
        "DUPA": (S, R.DUPLICATE_SKU),
        "DUPB": (S, R.DUPLICATE_SKU),
        "BCDUP": (S, R.DUPLICATE_SKU),
        "INBC": (N, R.UNCHANGED),
        "RENAMED": (N, R.UNCHANGED),
        "STOCKEQ": (N, R.UNCHANGED),
        "STOCKUP": (N, R.UNCHANGED),
        "NEGBC": (S, R.NEGATIVE_PRICE),
        "VARSKU": (U, None),
        "P1": (N, R.UNCHANGED),
        "P2": (U, None),
    },
}


def _plan(action: str, options: dict[str, object] | None = None) -> list[PlanRow]:
    spec = ACTIONS[action]
    merged = {**spec.defaults, **(options or {})}
    return list(spec.planner(messy.snapshot(), merged, Cursor(), messy.RULES).rows)


@pytest.mark.parametrize("action", CATALOGUE_ACTION_IDS)
def test_every_item_gets_its_outcome_and_one_reason(action: str) -> None:
    rows = _plan(action)
    got = {r.clover_id: (r.outcome, r.reason) for r in rows}
    assert got == EXPECTED[action]
    assert len(rows) == len(got), "one row per item"
    for row in rows:
        # Exactly one reason for what is not written, none for what is.
        assert (row.reason is None) == row.writes
        assert (row.outcome is Outcome.SKIP) == (row.reason not in (None, Reason.UNCHANGED))


def test_all_reason_codes_are_exercised() -> None:
    seen = {reason for table in EXPECTED.values() for _, reason in table.values()}
    # Reasons only a write can give (tests/sync/test_apply.py exercises them).
    at_write = {Reason.REJECTED, Reason.STORE_ERROR, Reason.UNCONFIRMED}
    # The drift check's (tests/sync/test_true_up.py exercises them).
    drift = {Reason.DRIFT, Reason.RELINKED}
    # Field ownership's (tests/sync/test_ownership.py and test_update_products.py).
    owned = {Reason.NOT_OWNED, Reason.CONFLICT}
    # Stock by location (tests/sync/test_stock_locations.py exercises it).
    by_location = {Reason.STALE_STOCK}
    covered = LIMITS_AND_BAD_DATA | ORDER_REASONS | VARIANTS | drift | owned | by_location
    assert (seen - {None}) | at_write | covered == set(Reason)


def test_create_payload_is_exact() -> None:
    rows = {r.clover_id: r for r in _plan("send-standard")}
    ok = rows["OK"]
    assert ok.payload == {
        "name": "Item OK",
        "type": "physical",
        "sku": "OK-1",
        "price": Decimal("10.00"),
        "weight": Decimal("0.4"),
        "categories": [1, 3],  # "mugs " and "Mugs": trim + case-insensitive, every match
        "inventory_tracking": "product",
        "inventory_level": 5,
        "is_visible": True,
        "description": "<p>fine</p>",
    }
    assert ok.changes["price"] == (None, Decimal("10.00"))
    assert rows["OKSPACE"].payload["sku"] == "ok-2"  # trimmed, case kept
    assert rows["OKSPACE"].payload["weight"] == Decimal("0.25")  # per-SKU beats category
    assert "description" not in rows["OKSPACE"].payload
    assert rows["MAPPED"].payload["categories"] == [4]  # via the owner's category map
    assert rows["MAPPED"].payload["weight"] == Decimal("1.5")
    assert rows["FREE"].payload["price"] == Decimal("0.00")
    assert all(isinstance(v, Decimal) for v in (ok.payload["price"], ok.payload["weight"]))


def test_matrix_create_is_one_product_with_variants_in_attribute_order() -> None:
    [row] = [r for r in _plan("send-matrix") if r.outcome is Outcome.CREATE]
    body = row.payload
    assert body["name"] == "Logo Tee"
    assert body["inventory_tracking"] == "variant"
    assert body["categories"] == [2]
    assert body["price"] == Decimal("10.00")
    assert [v["sku"] for v in body["variants"]] == ["TEE-S-BLK", "TEE-M-BLK"]
    assert body["variants"][0]["option_values"] == [
        {"option_display_name": "Size", "label": "S"},
        {"option_display_name": "Color", "label": "Black"},
    ]
    assert body["variants"][1]["price"] == Decimal("12.00")


def test_matrix_group_held_back_names_the_failing_variant() -> None:
    rows = {r.clover_id: r for r in _plan("send-matrix")}
    assert "TOTE-NAT" in rows["T1"].detail
    # As a field, for the owner's words: T1 itself has no problem, T2 (TOTE-NAT) has.
    assert rows["T1"].held_back_by == "TOTE-NAT" and rows["T2"].held_back_by is None


def test_a_missing_category_is_named_in_a_field() -> None:
    rows = {r.clover_id: r for r in _plan("send-standard")}
    assert rows["WEBCAT"].missing_categories == ("Gift Cards",)
    assert rows["WEBCAT"].public()["missing_categories"] == ["Gift Cards"]
    assert rows["NOWEIGHT"].missing_categories == ()


def test_inventory_payloads() -> None:
    rows = {r.clover_id: r for r in _plan("send-inventory-standard")}
    assert rows["NEGBC"].payload == {"location_id": 1, "quantity": 0, "product_id": 106}
    assert rows["NEGBC"].changes == {"inventory_level": (4, 0)}
    up = rows["STOCKUP"]
    assert up.changes["inventory_tracking"] == ("none", "product")
    assert up.payload["tracking"] == {"id": 105, "inventory_tracking": "product"}
    assert "Clover 'New Name' vs BigCommerce 'Old Name'" in rows["RENAMED"].detail
    matrix = {r.clover_id: r for r in _plan("send-inventory-matrix")}
    assert matrix["P1"].payload == {"location_id": 1, "quantity": 7, "variant_id": 2001}
    assert matrix["P2"].changes == {"inventory_level": (3, 5)}


def test_name_match_can_be_turned_off() -> None:
    rows = {r.clover_id: r for r in _plan("send-inventory-standard", {"require_name_match": 0})}
    assert rows["RENAMED"].outcome is Outcome.UPDATE
    assert rows["RENAMED"].changes == {"inventory_level": (1, 9)}


def test_price_payloads_and_changes_are_exact() -> None:
    rows = {r.clover_id: r for r in _plan("send-prices")}
    assert rows["VARSKU"].payload == {
        "price": Decimal("10.00"),
        "variant_id": 2011,
        "product_id": 201,
    }
    assert rows["VARSKU"].changes == {"price": (Decimal("9.00"), Decimal("10.00"))}
    assert rows["P2"].changes == {"price": (Decimal("14.00"), Decimal("15.00"))}


def test_location_from_rules() -> None:
    snapshot = messy.snapshot()
    rules = messy.Rules.build(location_id=3)
    plan = ACTIONS["send-inventory-standard"].planner(
        snapshot, {"require_name_match": True}, Cursor(), rules
    )
    rows = {r.clover_id: r for r in plan.rows}
    # The catalogue shows only the default location, so another location is always set.
    assert rows["INBC"].outcome is Outcome.UPDATE
    assert rows["INBC"].payload["location_id"] == 3


def test_stop_when_empty_cuts_the_task_and_says_so() -> None:
    snapshot = messy.snapshot()
    actions = [("send-inventory-matrix", {}), ("send-standard", {}), ("send-prices", {})]
    cursors = {"send-inventory-matrix": Cursor(since_ms=messy.T0 + 10**9)}
    plan = plan_actions("T", actions, snapshot, cursors, messy.RULES)
    assert plan.stopped_after == "send-inventory-matrix"
    assert [a.action for a in plan.actions] == ["send-inventory-matrix"]
    plan = plan_actions("T", actions, snapshot, cursors, messy.RULES, stop_when_empty=False)
    assert plan.stopped_after is None
    assert [a.action for a in plan.actions] == [a for a, _ in actions]


def test_a_create_holds_back_the_default_locations_buffer() -> None:
    """A create's level (the default location's) is Clover's stock less the buffer there: the
    location's, a category's or a SKU's (the most specific), never another location's."""
    spec = ACTIONS["send-matrix"]

    def levels(rules: messy.Rules) -> dict[str, int]:
        plan = spec.planner(messy.snapshot(), dict(spec.defaults), Cursor(), rules)
        [row] = [r for r in plan.rows if r.outcome is Outcome.CREATE]
        return {v["sku"]: v["inventory_level"] for v in row.payload["variants"]}

    plain = levels(messy.RULES)
    held = replace(
        messy.RULES,
        buffers=Buffers(
            [
                BufferRule(1, location_id=1),
                BufferRule(50, location_id=2),
                BufferRule(2, sku="tee-m-blk"),
            ]
        ),
    )
    assert levels(held) == {
        "TEE-S-BLK": max(0, plain["TEE-S-BLK"] - 1),
        "TEE-M-BLK": max(0, plain["TEE-M-BLK"] - 2),
    }
    ok = {r.clover_id: r for r in _plan("send-standard")}["OK"]
    spec = ACTIONS["send-standard"]
    plan = spec.planner(messy.snapshot(), dict(spec.defaults), Cursor(), held)
    [again] = [r for r in plan.rows if r.clover_id == "OK"]
    assert again.payload["inventory_level"] == ok.payload["inventory_level"] - 1 == 4
    assert again.changes["inventory_level"] == (None, 4)
