"""send-matrix for a Clover item group whose product BigCommerce already has: the items it
lacks become new variants of that product (pure planner; the sandbox run is in
test_matrix_variants.py)."""

from __future__ import annotations

from decimal import Decimal

from esync_desktop.domain.catalog import (
    BcCategory,
    BcProduct,
    BcVariant,
    CloverItem,
    CloverItemGroup,
    CloverOption,
)
from esync_desktop.sync.actions import ACTIONS
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from esync_desktop.sync.plan_variants import is_variant_create
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot

RULES = Rules.build(by_category={"T-Shirts": "0.2"})
COVERED = {Reason.OPTION_MISMATCH}


def _item(sku: str, size: str, color: str | None = "Black", **kw: object) -> CloverItem:
    options = [CloverOption("Size", size)] + ([CloverOption("Color", color)] if color else [])
    return CloverItem(
        id=sku,
        name=f"Tee {size}",
        sku=sku,
        price_cents=int(kw.get("price", 1500)),  # type: ignore[call-overload]
        stock=Decimal(4),
        modified_ms=1000,
        categories=("T-Shirts",),
        group_id="G",
        options=tuple(options),
    )


PRODUCT = BcProduct(
    id=77,
    name="Logo Tee",
    sku=None,
    price=Decimal("15.00"),
    inventory_level=0,
    inventory_tracking="variant",
    variants=(
        BcVariant(1, 77, "TEE-S-BLK", None, 3, (("size", "S"), ("Color", "Black"))),
        BcVariant(2, 77, "TEE-M-BLK", None, 3, (("size", "M"), ("Color", "Black"))),
    ),
)


def _plan(*items: CloverItem, attributes: tuple[str, ...] = ("Color", "Size")) -> list[PlanRow]:
    snapshot = Snapshot(
        clover_items=items,
        clover_groups=(CloverItemGroup("G", "Logo Tee", attributes),),
        bc_products=(PRODUCT,),
        bc_categories=(BcCategory(5, "T-Shirts"),),
    )
    spec = ACTIONS["send-matrix"]
    return list(spec.planner(snapshot, dict(spec.defaults), Cursor(), RULES).rows)


def test_a_new_item_of_an_existing_group_is_a_variant_create() -> None:
    rows = {
        r.sku: r
        for r in _plan(
            _item("TEE-S-BLK", "S"), _item("TEE-M-BLK", "M"), _item("TEE-XL-BLK", "XL", price=1800)
        )
    }
    assert rows["TEE-S-BLK"].reason is Reason.ALREADY_IN_BIGCOMMERCE
    assert rows["TEE-M-BLK"].reason is Reason.ALREADY_IN_BIGCOMMERCE
    new = rows["TEE-XL-BLK"]
    assert new.outcome is Outcome.CREATE and new.reason is None
    assert new.bc_id == 77 and is_variant_create(new.payload)
    # BigCommerce's spelling of the option ("size"), in the group's attribute order.
    assert new.payload["variant"] == {
        "sku": "TEE-XL-BLK",
        "price": Decimal("18.00"),
        "weight": Decimal("0.2"),
        "inventory_level": 4,
        "option_values": [
            {"option_display_name": "Color", "label": "Black"},
            {"option_display_name": "size", "label": "XL"},
        ],
    }
    assert new.facts["new_values"] == ["size: XL"]
    assert new.cursor_key == "G"


def test_attributes_that_are_not_the_products_options_are_refused() -> None:
    rows = {r.sku: r for r in _plan(_item("TEE-S-BLK", "S"), _item("TEE-L", "L", color=None))}
    assert rows["TEE-L"].outcome is Outcome.SKIP
    assert rows["TEE-L"].reason is Reason.OPTION_MISMATCH
    assert rows["TEE-L"].facts["options"] == ["Color", "size"]


def test_values_another_variant_has_are_refused() -> None:
    rows = {r.sku: r for r in _plan(_item("TEE-S-BLK", "S"), _item("TEE-S-BLK-2", "s"))}
    assert rows["TEE-S-BLK-2"].reason is Reason.OPTION_MISMATCH
    assert rows["TEE-S-BLK-2"].facts["variant"] == "TEE-S-BLK"


def test_two_new_items_with_the_same_values_create_one() -> None:
    rows = _plan(_item("TEE-S-BLK", "S"), _item("A-XL", "XL"), _item("B-XL", "XL"))
    got = {r.sku: (r.outcome, r.reason) for r in rows}
    assert got["A-XL"] == (Outcome.CREATE, None)
    assert got["B-XL"] == (Outcome.SKIP, Reason.OPTION_MISMATCH)


def test_a_new_variant_failing_a_criterion_holds_back_no_other() -> None:
    broke = CloverItem(
        id="X", name="Tee L", sku="TEE-L-BLK", price_cents=-1, stock=Decimal(1),
        modified_ms=1, categories=("T-Shirts",), group_id="G",
        options=(CloverOption("Size", "L"), CloverOption("Color", "Black")),
    )  # fmt: skip
    rows = {r.sku: r for r in _plan(_item("TEE-S-BLK", "S"), _item("TEE-XL-BLK", "XL"), broke)}
    assert rows["TEE-L-BLK"].reason is Reason.NEGATIVE_PRICE
    assert rows["TEE-XL-BLK"].outcome is Outcome.CREATE
