"""The shared catalogue both demo stores are seeded from, messy cases included.

Each emulator turns this neutral description into its own records: Clover items, stock,
categories and item groups; BigCommerce categories and the products that already exist there.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class CatalogItem:
    name: str
    sku: str | None
    price_cents: int
    stock: float | None  # None: stock never set in Clover (the "never stocked" shape)
    categories: list[str] = field(default_factory=list)
    available: bool = True
    hidden: bool = False
    description: str | None = None
    group: str | None = None  # the Clover item group this item is a variant of
    options: dict[str, str] = field(default_factory=dict)  # attribute -> option, for variants
    # Already in BigCommerce as a product (simple item) or a variant (group member):
    in_bigcommerce: bool = False
    bc_name: str | None = None  # the name there when it differs (a name mismatch)
    bc_price_cents: int | None = None  # the price there when it differs
    bc_stock: int | None = None  # the stock there when it differs


@dataclass
class CatalogGroup:
    name: str
    attributes: dict[str, list[str]]  # attribute -> option names, in display order
    categories: list[str]
    in_bigcommerce: bool = False


@dataclass
class Catalog:
    clover_categories: list[str]
    bc_categories: list[str]
    items: list[CatalogItem]
    groups: list[CatalogGroup]


_LINES: dict[str, tuple[str, list[str], tuple[int, int]]] = {
    # category: (SKU prefix, product names, price range in cents)
    "Mugs": (
        "MUG",
        [
            "Stoneware Mug",
            "Enamel Camp Mug",
            "Travel Mug",
            "Espresso Cup",
            "Latte Bowl",
            "Speckled Mug",
            "Glass Mug",
            "Tall Mug",
        ],
        (900, 2600),
    ),
    "Candles": (
        "CND",
        [
            "Soy Candle Fig",
            "Soy Candle Cedar",
            "Beeswax Taper",
            "Tin Candle Sea Salt",
            "Pillar Candle",
            "Tealight Set",
            "Crème Brûlée Candle",
        ],
        (600, 4200),
    ),
    "Cards": (
        "CRD",
        [
            "Birthday Card",
            "Thank You Card",
            "Wedding Card",
            "Blank Card Botanical",
            "Postcard City",
            "Sympathy Card",
        ],
        (350, 800),
    ),
    "Coffee": (
        "COF",
        [
            "House Blend 250g",
            "Decaf 250g",
            "Ethiopia Yirgacheffe 250g",
            "Colombia Huila 250g",
            "Espresso Roast 1kg",
            "Café de Olla 250g",
        ],
        (1100, 4800),
    ),
    "Tea": (
        "TEA",
        [
            "Earl Grey Tin",
            "Sencha 日本茶",
            "Chai Masala",
            "Chamomile",
            "Rooibos",
            "Oolong Tie Guan Yin",
        ],
        (700, 2400),
    ),
    "Stationery": (
        "STA",
        [
            "Dot Grid Notebook",
            "Lined Notebook",
            "Brass Pen",
            "Pencil Set",
            "Washi Tape",
            "Desk Planner",
            "Sticker Sheet",
        ],
        (250, 3200),
    ),
    "Jewelry": (
        "JWL",
        [
            "Silver Hoop Earrings",
            "Gold Chain Necklace",
            "Beaded Bracelet",
            "Signet Ring",
            "Pearl Studs",
        ],
        (1800, 12000),
    ),
    "Bags": (
        "BAG",
        ["Market Bag", "Drawstring Pouch", "Leather Wallet", "Crossbody Bag"],
        (1200, 8900),
    ),
    "Seasonal": (
        "SEA",
        ["Advent Calendar", "Pumpkin Spice Candle", "Holiday Ornament", "Easter Egg Set"],
        (500, 3500),
    ),
}

_CLOVER_ONLY = ["Seasonal", "Gift Cards"]
_BC_ONLY = ["Sale", "Shop All"]
# BigCommerce spells some shared categories differently; matching is trim + case-insensitive.
_BC_SPELLING = {"Mugs": "mugs", "Candles": "Candles ", "T-Shirts": "T-SHIRTS"}


def demo_catalog() -> Catalog:
    """A believable small gift shop: ~300 Clover items, with every messy case a real one has."""
    rng = random.Random(20261123)
    shared = [c for c in _LINES if c not in _CLOVER_ONLY] + ["T-Shirts"]
    clover_categories = [*list(_LINES), "T-Shirts", "Gift Cards"]
    bc_categories = [_BC_SPELLING.get(c, c) for c in shared if c != "Bags"] + _BC_ONLY
    items: list[CatalogItem] = []

    for category, (prefix, names, (low, high)) in _LINES.items():
        number = 0
        for name in names:
            for edition in ("", " Large", " Gift Box", " Mini"):
                number += 1
                stock = float(rng.choice([0, 2, 5, 8, 12, 15, 24, 40, 3, 7]))
                items.append(
                    CatalogItem(
                        name=f"{name}{edition}",
                        sku=f"{prefix}-{number:03d}",
                        price_cents=rng.randrange(low, high, 50) - 1,
                        stock=stock,
                        categories=[category],
                        description=(
                            f"<p>{name}{edition}, from our {category.lower()} shelf.</p>"
                            if number % 3
                            else None
                        ),
                    )
                )

    groups = [
        CatalogGroup(
            "Logo Tee",
            {"Size": ["S", "M", "L", "XL"], "Color": ["Black", "White", "Navy"]},
            ["T-Shirts"],
        ),
        CatalogGroup(
            "Pocket Tee",
            {"Size": ["S", "M", "L"], "Color": ["Sand", "Olive"]},
            ["T-Shirts"],
            in_bigcommerce=True,
        ),
        CatalogGroup("Canvas Tote", {"Color": ["Blue", "Natural"], "Size": ["M", "L"]}, ["Bags"]),
        CatalogGroup("Ceramic Planter", {"Size": ["Small", "Medium", "Large"]}, ["Stationery"]),
    ]
    for group in groups:
        attrs = list(group.attributes.items())
        combos: list[dict[str, str]] = [{}]
        for attr, values in attrs:
            combos = [{**c, attr: v} for c in combos for v in values]
        base = "".join(w[0] for w in group.name.split()).upper()
        for combo in combos:
            suffix = "-".join(v[:3].upper() for v in combo.values())
            items.append(
                CatalogItem(
                    name=f"{group.name} {' '.join(combo.values())}",
                    sku=f"{base}-{suffix}",
                    price_cents=2499 if "XL" not in combo.values() else 2799,
                    stock=float(rng.choice([0, 3, 6, 10])),
                    categories=list(group.categories),
                    group=group.name,
                    options=combo,
                    in_bigcommerce=group.in_bigcommerce,
                    bc_stock=1 if group.in_bigcommerce else None,
                )
            )

    by_sku = {i.sku: i for i in items}
    # Some simple products exist in BigCommerce already, some with other stock or price.
    for sku in (
        "MUG-001",
        "MUG-002",
        "MUG-005",
        "CND-001",
        "CND-002",
        "CRD-001",
        "COF-001",
        "COF-002",
        "COF-005",
        "TEA-001",
        "TEA-003",
        "STA-001",
        "STA-002",
        "JWL-001",
    ):
        by_sku[sku].in_bigcommerce = True
    by_sku["MUG-002"].bc_stock = 99
    by_sku["COF-001"].bc_price_cents = by_sku["COF-001"].price_cents + 200
    by_sku["TEA-003"].bc_name = "Chai Masala Tin (old name)"
    by_sku["STA-002"].bc_stock = 0

    # The messy cases a real catalogue has.
    by_sku["MUG-003"].sku = None  # no SKU
    by_sku["CND-003"].sku = ""  # an empty SKU is no SKU
    by_sku["CRD-004"].sku = "CRD-002"  # duplicate SKU within Clover
    by_sku["COF-007"].sku = " COF-007  "  # stray spaces
    by_sku["TEA-005"].sku = "tea-005"  # lower case
    by_sku["TEA-001"].sku = "tea-001"  # case differs from BigCommerce's TEA-001
    by_sku["STA-005"].hidden = True
    by_sku["STA-006"].available = False
    by_sku["JWL-003"].stock = None  # never stocked
    by_sku["JWL-004"].stock = -2.0  # sold past zero
    by_sku["CRD-006"].price_cents = 0  # free item
    by_sku["CRD-007"].name = "   "  # a name of blanks is no name
    by_sku["MUG-006"].categories = []  # no category
    by_sku["BAG-002"].name = "Sac à main « Élise »"
    by_sku["COF-010"].stock = 3.5  # fractional stock (sold by weight)
    items.append(CatalogItem("Gift Card $25", "GC-25", 2500, None, ["Gift Cards"]))
    items.append(CatalogItem("Gift Card $50", "GC-50", 5000, None, ["Gift Cards"]))
    items.append(CatalogItem("Bag Fee", None, 10, None, []))
    # A product that lives only in BigCommerce (web exclusive).
    items.append(CatalogItem("Web Exclusive Print", "WEB-001", 3500, None, []))
    items[-1].in_bigcommerce = True
    return Catalog(clover_categories, bc_categories, items, groups)


def generated_catalog(count: int, in_bigcommerce_every: int = 4) -> Catalog:
    """`count` plain items spread over ten categories, for benchmarks (100k in well under a second
    of generation; no randomness beyond a fixed pattern). Every `in_bigcommerce_every`-th item is
    already a BigCommerce product (1: all of them, a catalogue already in step)."""
    categories = [f"Category {n:02d}" for n in range(10)]
    items = [
        CatalogItem(
            name=f"Generated Item {n:06d}",
            sku=f"GEN-{n:06d}",
            price_cents=500 + (n * 37) % 9500,
            stock=float((n * 7) % 50),
            categories=[categories[n % 10]],
            in_bigcommerce=n % in_bigcommerce_every == 0,
        )
        for n in range(count)
    ]
    return Catalog(categories, list(categories), items, [])
