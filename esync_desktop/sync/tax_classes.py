"""Clover tax rates -> BigCommerce tax classes: each store's list (for the owner to map from)
and the class an item's product carries.

An item's rates are the merchant's default rates when its `defaultTaxRates` is on, else the
rates linked to it (Clover: items with defaultTaxRates=true get every isDefault rate). The
first of them, in Clover's order, that the owner mapped gives the class; an item with no
mapped rate gets none written (BigCommerce keeps its own, 0 = Default Tax Class on a create)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from esync_desktop.domain.catalog import CloverItem
from esync_desktop.domain.sku import name_key
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot

# BigCommerce's class 0, which GET /v2/tax_classes does not list.
DEFAULT_CLASS = (0, "Default Tax Class")


@dataclass(frozen=True)
class CloverTaxRate:
    id: str
    name: str
    # Percent as Clover stores it (x 100 000: 887500 is 8.875 %); None for a flat amount.
    rate: int | None
    is_default: bool

    @property
    def percent(self) -> str:
        if self.rate is None:
            return ""
        return f"{self.rate / 100_000:g} %"


@dataclass(frozen=True)
class TaxClass:
    id: int
    name: str


class TaxRateReader(Protocol):
    def iter_tax_rates(self) -> Iterable[dict[str, Any]]: ...
    def iter_tax_rate_items(self, rate_id: str) -> Iterable[dict[str, Any]]: ...


class TaxClassReader(Protocol):
    def iter_tax_classes(self) -> Iterable[dict[str, Any]]: ...


def read_clover_tax_rates(clover: TaxRateReader) -> list[CloverTaxRate]:
    """The merchant's tax rates (deleted ones are not listed by Clover)."""
    found = []
    for doc in clover.iter_tax_rates():
        if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
            continue
        rate = doc.get("rate")
        found.append(
            CloverTaxRate(
                id=str(doc.get("id") or ""),
                name=doc["name"],
                rate=rate if isinstance(rate, int) and not isinstance(rate, bool) else None,
                is_default=doc.get("isDefault") is True,
            )
        )
    return found


def read_bc_tax_classes(bc: TaxClassReader) -> list[TaxClass]:
    """The store's tax classes, the Default Tax Class (0) first. v2 sends ids as strings."""
    found = [TaxClass(*DEFAULT_CLASS)]
    for doc in bc.iter_tax_classes():
        raw = doc.get("id") if isinstance(doc, dict) else None
        try:
            class_id = int(str(raw))
        except ValueError:
            continue
        found.append(TaxClass(class_id, str(doc.get("name") or "")))
    return found


def default_rate_names(rates: Iterable[CloverTaxRate]) -> tuple[str, ...]:
    return tuple(r.name for r in rates if r.is_default)


def item_rates(item: CloverItem, default_rates: tuple[str, ...]) -> tuple[str, ...]:
    return default_rates if item.default_tax_rates else item.tax_rates


def tax_class_for(item: CloverItem, default_rates: tuple[str, ...], rules: Rules) -> int | None:
    """The BigCommerce tax class the owner mapped the item's first mapped rate to, or None."""
    if not rules.tax_class_map:
        return None
    for rate in item_rates(item, default_rates):
        key = name_key(rate)
        if key is not None and key in rules.tax_class_map:
            return rules.tax_class_map[key]
    return None


# The actions whose products carry a tax class.
TAX_ACTIONS = frozenset({"send-standard", "send-matrix", "update-products"})


def needs_tax_rates(tax_class_map: Mapping[str, int], actions: Iterable[str]) -> bool:
    """Each item's tax rates are read only when the owner mapped some and a step uses them."""
    return bool(tax_class_map) and any(a in TAX_ACTIONS for a in actions)


def with_tax_rates(snapshot: Snapshot, clover: TaxRateReader) -> Snapshot:
    """The snapshot with the merchant's default rates and each item's linked rates. Clover
    expands at most three fields of an item listing (categories, itemStock and options are
    taken), so the links are read per rate (`GET /tax_rates/{id}/items`): one call per rate."""
    rates = read_clover_tax_rates(clover)
    linked: dict[str, list[str]] = {}
    for rate in rates:
        if not rate.id:
            continue
        for doc in clover.iter_tax_rate_items(rate.id):
            item_id = doc.get("id") if isinstance(doc, dict) else None
            if isinstance(item_id, str):
                linked.setdefault(item_id, []).append(rate.name)
    items = tuple(
        replace(i, tax_rates=tuple(linked[i.id])) if i.id in linked else i
        for i in snapshot.clover_items
    )
    return replace(snapshot, clover_items=items, clover_default_tax_rates=default_rate_names(rates))
