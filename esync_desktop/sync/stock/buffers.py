"""Safety buffers: units kept back from the web store, per location, Clover category or SKU."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from esync_desktop.domain.sku import sku_key
from esync_desktop.storage.settings_model import BufferRule


class Buffers:
    """The owner's buffer rules, answered per location and item. The most specific rule wins:
    a SKU's, then a category's (the largest when the item is in several), then the location's;
    at each of those a rule for this location beats one for every location."""

    def __init__(self, rules: Sequence[BufferRule]) -> None:
        self._sku: dict[tuple[int | None, str], int] = {}
        self._category: dict[tuple[int | None, str], int] = {}
        self._location: dict[int | None, int] = {}
        for rule in rules:
            if rule.sku is not None:
                key = sku_key(rule.sku)
                if key is not None:
                    self._sku[(rule.location_id, key)] = rule.units
            elif rule.category is not None:
                self._category[(rule.location_id, rule.category.strip().casefold())] = rule.units
            else:
                self._location[rule.location_id] = rule.units

    def units(self, location_id: int, categories: Iterable[str], key: str | None) -> int:
        """The buffer of one item at one location (0 when no rule applies)."""
        if key is not None:
            for where in (location_id, None):
                if (where, key) in self._sku:
                    return self._sku[(where, key)]
        folded = [c.strip().casefold() for c in categories]
        for where in (location_id, None):
            found = [self._category[(where, c)] for c in folded if (where, c) in self._category]
            if found:
                return max(found)
        for where in (location_id, None):
            if where in self._location:
                return self._location[where]
        return 0
