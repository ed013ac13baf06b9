"""A messy catalogue built in memory: one item per criterion, for the planner tables."""

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
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot

T0 = 1_700_000_000_000


def item(id: str, sku: str | None, **kw: object) -> CloverItem:
    fields: dict[str, object] = {
        "name": f"Item {id}",
        "price_cents": 1000,
        "stock": Decimal(5),
        "modified_ms": T0,
        "categories": ("Mugs",),
    }
    fields.update(kw)
    return CloverItem(id=id, sku=sku, **fields)  # type: ignore[arg-type]


def product(id: int, sku: str, name: str, **kw: object) -> BcProduct:
    fields: dict[str, object] = {
        "price": Decimal("10.00"),
        "inventory_level": 5,
        "inventory_tracking": "product",
        "variants": (BcVariant(id * 10, id, sku, None, 5),),
    }
    fields.update(kw)
    return BcProduct(id=id, name=name, sku=sku, **fields)  # type: ignore[arg-type]


SIMPLE = [
    item("OK", "OK-1", description="<p>fine</p>"),
    item("OKSPACE", "  ok-2 "),
    item("NOSKU", None),
    item("BLANKSKU", "   "),
    item("DUPA", "DUP-1"),
    item("DUPB", "dup-1 "),
    item("BCDUP", "BCDUP-1"),
    item("NONAME", "NONAME-1", name="   "),
    item("NOWEIGHT", "NOWEIGHT-1", categories=("Unweighed",)),
    item("HIDDEN", "HIDDEN-1", hidden=True),
    item("UNAVAIL", "UNAVAIL-1", available=False),
    item("DELETED", "DELETED-1", deleted=True),
    item("NOSTOCK", "NOSTOCK-1", stock=None),
    item("NEGSTOCK", "NEGSTOCK-1", stock=Decimal(-2)),
    item("NEGPRICE", "NEGPRICE-1", price_cents=-1),
    item("NOCAT", "NOCAT-1", categories=(), name="No Cat"),
    item("WEBCAT", "WEBCAT-1", categories=("Gift Cards",)),
    item("MAPPED", "MAPPED-1", categories=("Drinkware",)),
    item("INBC", "inbc-1", name="In BC"),
    item("RENAMED", "RENAMED-1", name="New Name", stock=Decimal(9)),
    item("STOCKEQ", "STOCKEQ-1", name="Stock Eq", stock=Decimal("5.75"), price_cents=1234),
    item("VARSKU", "LT-S", name="Lonely"),
    item("FREE", "FREE-1", price_cents=0, stock=Decimal(0)),
    item("STOCKUP", "OK-3", name="Untracked", stock=Decimal(8)),
    item("NEGBC", "NEGBC-1", name="Sold Out", stock=Decimal(-3), price_cents=-100),
]

GROUP_OK = CloverItemGroup("G1", "Logo Tee", ("Size", "Color"))
GROUP_BAD = CloverItemGroup("G2", "Canvas Tote", ("Color",))
GROUP_INBC = CloverItemGroup("G3", "Pocket Tee", ("Size",))


def variant(id: str, sku: str | None, group: str, opts: dict[str, str], **kw: object) -> CloverItem:
    options = tuple(CloverOption(a, o) for a, o in opts.items())
    return item(id, sku, group_id=group, options=options, categories=("T-Shirts",), **kw)


VARIANTS = [
    variant("V1", "TEE-S-BLK", "G1", {"Color": "Black", "Size": "S"}),
    variant("V2", "TEE-M-BLK", "G1", {"Size": "M", "Color": "Black"}, price_cents=1200),
    variant("T1", "TOTE-BLU", "G2", {"Color": "Blue"}),
    variant("T2", "TOTE-NAT", "G2", {"Color": "Natural"}, stock=None),
    variant("P1", "PT-S", "G3", {"Size": "S"}, stock=Decimal(7)),
    variant("P2", "PT-M", "G3", {"Size": "M"}, price_cents=1500),
]

BC_CATEGORIES = [
    BcCategory(1, "mugs "),
    BcCategory(2, "T-SHIRTS"),
    BcCategory(3, "Mugs", parent_id=9),
    BcCategory(4, "Cups"),
]

BC_PRODUCTS = [
    product(100, "BCDUP-1", "Dup One"),
    product(101, "Other", "Dup Two", variants=(BcVariant(1011, 101, "bcdup-1", None, 0),)),
    product(102, "INBC-1", "In BC"),
    product(103, "RENAMED-1", "Old Name", inventory_level=1),
    product(104, "STOCKEQ-1", " stock eq ", price=Decimal("12.3400")),
    product(105, "OK-3", "Untracked", inventory_tracking="none"),
    product(106, "NEGBC-1", "Sold Out", inventory_level=4),
    BcProduct(
        200,
        "Pocket Tee",
        None,
        Decimal("10.00"),
        6,
        "variant",
        (2,),
        (
            BcVariant(2001, 200, "PT-S", None, 6, (("Size", "S"),)),
            BcVariant(2002, 200, "PT-M", Decimal("14.00"), 3, (("Size", "M"),)),
        ),
    ),
    BcProduct(
        201,
        "Lonely Tee",
        None,
        Decimal("9.00"),
        0,
        "variant",
        (),
        (BcVariant(2011, 201, "LT-S", None, 0, (("Size", "S"),)),),
    ),
]

RULES = Rules.build(
    by_sku={" ok-2": "0.25", "MAPPED-1": "1.5", "NOCAT-1": "1"},
    by_category={"mugs": "0.4", "T-Shirts": "0.2", "Gift Cards": "0.01", "Drinkware": "0.3"},
    default=None,
    category_map={"Drinkware ": "Cups"},
)

# NOWEIGHT's category "Unweighed" has no rule and there is no default weight.


def snapshot() -> Snapshot:
    return Snapshot(
        clover_items=tuple(SIMPLE + VARIANTS),
        clover_groups=(GROUP_OK, GROUP_BAD, GROUP_INBC),
        bc_products=tuple(BC_PRODUCTS),
        bc_categories=tuple(BC_CATEGORIES),
    )
