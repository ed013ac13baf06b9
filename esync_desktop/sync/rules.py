"""The owner's rules the planners apply: weights, category matching, SKU indexes, stock."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from esync_desktop.domain.catalog import BcCategory, BcProduct, BcVariant, CloverItem
from esync_desktop.domain.ownership import Ownership
from esync_desktop.domain.sku import name_key, sku_key
from esync_desktop.storage.settings_model import BufferRule
from esync_desktop.sync.stock.buffers import Buffers

# BigCommerce refuses stock above a signed 32-bit integer.
MAX_STOCK = 2_147_483_647


@dataclass(frozen=True)
class Rules:
    """Settings the planners need, already normalised: SKU keys and name keys."""

    weights_by_sku: Mapping[str, Decimal] = field(default_factory=dict)
    weights_by_category: Mapping[str, Decimal] = field(default_factory=dict)
    default_weight: Decimal | None = None
    # Clover category name -> BigCommerce category name, as the owner typed them.
    category_map: Mapping[str, str] = field(default_factory=dict)
    location_id: int = 1
    # Who owns which field, and Clover tax rate name key -> BigCommerce tax class id.
    ownership: Ownership = field(default_factory=Ownership)
    tax_class_map: Mapping[str, int] = field(default_factory=dict)
    # The safety buffers (a create's level at the default location holds them back too).
    buffers: Buffers = field(default_factory=lambda: Buffers(()), compare=False)

    @classmethod
    def build(
        cls,
        *,
        by_sku: Mapping[str, Any] | None = None,
        by_category: Mapping[str, Any] | None = None,
        default: Any = None,
        category_map: Mapping[str, str] | None = None,
        location_id: int = 1,
        ownership: Mapping[str, str] | None = None,
        tax_class_map: Mapping[str, int] | None = None,
        buffers: Iterable[BufferRule] = (),
    ) -> Rules:
        """Normalise raw settings: SKU keys trimmed and case-folded, category names too."""
        skus = {k: Decimal(str(v)) for s, v in (by_sku or {}).items() if (k := sku_key(s))}
        cats = {k: Decimal(str(v)) for c, v in (by_category or {}).items() if (k := name_key(c))}
        mapping = {k: v for c, v in (category_map or {}).items() if (k := name_key(c))}
        return cls(
            weights_by_sku=skus,
            weights_by_category=cats,
            default_weight=None if default is None else Decimal(str(default)),
            category_map=mapping,
            location_id=location_id,
            ownership=Ownership.build(ownership),
            tax_class_map={k: v for r, v in (tax_class_map or {}).items() if (k := name_key(r))},
            buffers=Buffers(tuple(buffers)),
        )

    def weight_for(self, item: CloverItem) -> Decimal | None:
        """Per-SKU weight first, then the first of the item's categories that has one, then
        the default; None when no rule gives a weight."""
        key = item.sku_key
        if key is not None and key in self.weights_by_sku:
            return self.weights_by_sku[key]
        for category in item.categories:
            ckey = name_key(category)
            if ckey is not None and ckey in self.weights_by_category:
                return self.weights_by_category[ckey]
        return self.default_weight


class CategoryIndex:
    """BigCommerce categories by name key (names repeat under different parents)."""

    def __init__(self, categories: Iterable[BcCategory]) -> None:
        self._by_name: dict[str, list[BcCategory]] = defaultdict(list)
        for category in categories:
            key = name_key(category.name)
            if key is not None:
                self._by_name[key].append(category)

    def match(self, clover_categories: Iterable[str], rules: Rules) -> list[BcCategory]:
        """Every BigCommerce category whose name matches one of the item's Clover categories
        (trim + case-insensitive), after the owner's category map renames them."""
        found: dict[int, BcCategory] = {}
        for name in clover_categories:
            key = name_key(name)
            if key is None:
                continue
            target = name_key(rules.category_map.get(key, name))
            for category in self._by_name.get(target or "", []):
                found[category.id] = category
        return sorted(found.values(), key=lambda c: c.id)


@dataclass(frozen=True)
class BcMatch:
    """A BigCommerce object a SKU resolves to: a product, or one variant of a product."""

    product: BcProduct
    variant: BcVariant | None = None

    @property
    def is_variant(self) -> bool:
        return self.variant is not None


def bc_sku_index(products: Iterable[BcProduct]) -> dict[str, list[BcMatch]]:
    """Every SKU in BigCommerce (product and option-variant SKUs) by SKU key; a key with more
    than one match is a duplicate and is never guessed at."""
    index: dict[str, list[BcMatch]] = defaultdict(list)
    for product in products:
        product_key = sku_key(product.sku)
        if product_key is not None:
            index[product_key].append(BcMatch(product))
        for variant in product.variants:
            key = sku_key(variant.sku)
            # A base variant carries the product's own SKU: the same object, not a duplicate.
            if key is None or (variant.is_base and key == product_key):
                continue
            index[key].append(BcMatch(product, variant))
    return dict(index)


def clover_duplicates(items: Iterable[CloverItem]) -> set[str]:
    """SKU keys held by more than one Clover item."""
    seen: dict[str, int] = defaultdict(int)
    for item in items:
        if item.sku_key is not None:
            seen[item.sku_key] += 1
    return {key for key, count in seen.items() if count > 1}


def stock_to_level(stock: Decimal) -> int:
    """Clover stock (may be fractional or negative) as a BigCommerce inventory level: whole
    units rounded down, so the web store never sells what the shop does not have; negative
    stock (sold past zero) becomes 0; capped at BigCommerce's maximum."""
    if stock <= 0:
        return 0
    return min(math.floor(stock), MAX_STOCK)
