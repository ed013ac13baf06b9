"""What the planners see of both stores at one moment, with the indexes they share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar

from esync_desktop.domain.bigcommerce_limits import product_name_key
from esync_desktop.domain.catalog import (
    BcCategory,
    BcProduct,
    CloverItem,
    CloverItemGroup,
)
from esync_desktop.sync.rules import BcMatch, CategoryIndex, bc_sku_index, clover_duplicates

T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    """Both catalogues as read for one plan. Indexes are computed once, on first use."""

    clover_items: tuple[CloverItem, ...] = ()
    clover_groups: tuple[CloverItemGroup, ...] = ()
    bc_products: tuple[BcProduct, ...] = ()
    bc_categories: tuple[BcCategory, ...] = ()
    # What actions with a read hook read for themselves (e.g. the web orders), by action id.
    extras: Mapping[str, Any] = field(default_factory=dict)
    # Plan only the items with these SKU keys (a fix touched them); None: every item. The
    # indexes still see every item, so duplicates and names are judged against the whole
    # catalogue. An item group is planned whole when one of its items is in focus.
    focus: frozenset[str] | None = None
    # The names of the merchant's default Clover tax rates (read only for the tax-class map).
    clover_default_tax_rates: tuple[str, ...] = ()
    # Plans already made from this snapshot (see `remembered`); never copied by replace().
    _made: dict[Any, tuple[object, Any]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def remembered(self, key: Any, rules: object, make: Callable[[], T]) -> T:
        """`make()`, once per key and rules object: the drift check plans the prices and the
        stock again, as send-prices and the stock actions of the same plan just did."""
        found = self._made.get(key)
        if found is not None and found[0] is rules:
            return found[1]  # type: ignore[no-any-return]
        made = make()
        self._made[key] = (rules, made)
        return made

    def with_focus(self, focus: frozenset[str] | None) -> Snapshot:
        """This snapshot planning only the items of `focus` (see there), keeping the indexes
        already built over the whole catalogue (they do not depend on the focus)."""
        if focus == self.focus:
            return self
        return self._keeping(replace(self, focus=focus), _WHOLE_CATALOGUE)

    def with_extras(self, extras: Mapping[str, Any]) -> Snapshot:
        """This snapshot with other `extras`, keeping every index already built (none reads
        the extras). Plans it remembered are not kept: they were made without these."""
        return self._keeping(replace(self, extras=extras), _WHOLE_CATALOGUE + _FOCUSED)

    def _keeping(self, copy: Snapshot, names: tuple[str, ...]) -> Snapshot:
        for name in names:
            if name in self.__dict__:
                copy.__dict__[name] = self.__dict__[name]
        return copy

    @cached_property
    def simple_items(self) -> tuple[CloverItem, ...]:
        """Items that are not variants of an item group."""
        return tuple(i for i in self.clover_items if i.group_id is None)

    def _in_focus(self, item: CloverItem) -> bool:
        return self.focus is None or item.sku_key in self.focus

    @cached_property
    def planned_items(self) -> tuple[CloverItem, ...]:
        """The items the planners go through (see `focus`)."""
        if self.focus is None:
            return self.clover_items
        groups = {i.group_id for i in self.clover_items if i.group_id and self._in_focus(i)}
        return tuple(i for i in self.clover_items if self._in_focus(i) or i.group_id in groups)

    @cached_property
    def planned_simple_items(self) -> tuple[CloverItem, ...]:
        return tuple(i for i in self.planned_items if i.group_id is None)

    @cached_property
    def planned_groups(self) -> tuple[CloverItemGroup, ...]:
        if self.focus is None:
            return self.clover_groups
        wanted = {i.group_id for i in self.planned_items if i.group_id}
        return tuple(g for g in self.clover_groups if g.id in wanted)

    @cached_property
    def items_by_id(self) -> dict[str, CloverItem]:
        return {i.id: i for i in self.clover_items}

    @cached_property
    def items_by_group(self) -> dict[str, tuple[CloverItem, ...]]:
        groups: dict[str, list[CloverItem]] = defaultdict(list)
        for item in self.clover_items:
            if item.group_id is not None:
                groups[item.group_id].append(item)
        return {k: tuple(v) for k, v in groups.items()}

    @cached_property
    def clover_duplicates(self) -> set[str]:
        return clover_duplicates(self.clover_items)

    @cached_property
    def bc_by_sku(self) -> dict[str, list[BcMatch]]:
        return bc_sku_index(self.bc_products)

    @cached_property
    def bc_by_name(self) -> dict[str, BcProduct]:
        """BigCommerce products by the key under which their names collide."""
        found: dict[str, BcProduct] = {}
        for product in self.bc_products:
            if product.name:
                found.setdefault(product_name_key(product.name), product)
        return found

    @cached_property
    def categories(self) -> CategoryIndex:
        return CategoryIndex(self.bc_categories)

    def is_duplicate(self, key: str) -> bool:
        """A SKU shared by two Clover items, or by two BigCommerce objects."""
        return key in self.clover_duplicates or len(self.bc_by_sku.get(key, ())) > 1

    def bc_match(self, key: str) -> BcMatch | None:
        """The one BigCommerce object with this SKU key (None when none, or ambiguous)."""
        matches = self.bc_by_sku.get(key, [])
        return matches[0] if len(matches) == 1 else None


# The cached indexes that see every item whatever the focus (Snapshot.with_focus keeps them).
_WHOLE_CATALOGUE = (
    "simple_items",
    "items_by_id",
    "items_by_group",
    "clover_duplicates",
    "bc_by_sku",
    "bc_by_name",
    "categories",
)
# The cached indexes that depend on the focus.
_FOCUSED = ("planned_items", "planned_simple_items", "planned_groups")
