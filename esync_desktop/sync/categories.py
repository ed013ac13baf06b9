"""Category names as the owner picks them in the rules: one per name the matching tells apart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from esync_desktop.domain.catalog import BcCategory
from esync_desktop.domain.sku import clean_name, name_key


@dataclass(frozen=True)
class CategoryChoice:
    """A category name the owner can pick in the rules; `where` says where it sits in the store
    ("Kitchen > Mugs"; several places when the name repeats under other parents)."""

    name: str
    where: str = ""


def category_choices(named: Iterable[tuple[str, str]]) -> tuple[CategoryChoice, ...]:
    """(name, where) pairs as one choice per name key, the first spelling kept, the places of
    a repeated name joined; sorted by name."""
    spelled: dict[str, str] = {}
    places: dict[str, list[str]] = {}
    for raw, where in named:
        name, key = clean_name(raw), name_key(raw)
        if name is None or key is None:
            continue
        spelled.setdefault(key, name)
        if where and where not in places.setdefault(key, []):
            places[key].append(where)
    return tuple(
        CategoryChoice(spelled[key], "; ".join(places.get(key, [])))
        for key in sorted(spelled, key=lambda k: (k, spelled[k]))
    )


def bc_category_choices(categories: Iterable[BcCategory]) -> tuple[CategoryChoice, ...]:
    """BigCommerce's categories with their path in the tree ("Kitchen > Mugs") for the nested
    ones; a top-level category needs no path."""
    found = list(categories)
    by_id = {c.id: c for c in found}

    def path(category: BcCategory) -> str:
        names, seen = [category.name.strip()], {category.id}
        parent = by_id.get(category.parent_id)
        while parent is not None and parent.id not in seen:
            seen.add(parent.id)
            names.insert(0, parent.name.strip())
            parent = by_id.get(parent.parent_id)
        return " > ".join(names) if len(names) > 1 else ""

    return category_choices((c.name, path(c)) for c in found)
