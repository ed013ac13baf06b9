"""Who owns which product field: the vocabulary, the defaults, and the one rule that says whether
a value from Clover may be written over BigCommerce's.

Plain data (no I/O): settings validate against it, and sync/ownership.py applies it to every
action's plan, so no action writes a field the owner gave to BigCommerce or to nobody."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NAME = "name"
DESCRIPTION = "description"
PRICE = "price"
SALE_PRICE = "sale_price"
WEIGHT = "weight"
CATEGORIES = "categories"
VISIBILITY = "visibility"
TAX_CLASS = "tax_class"
STOCK = "stock"

FIELDS = (NAME, DESCRIPTION, PRICE, SALE_PRICE, WEIGHT, CATEGORIES, VISIBILITY, TAX_CLASS, STOCK)

CLOVER = "clover"
BIGCOMMERCE = "bigcommerce"
CLOVER_UNLESS_BLANK = "clover_unless_blank"
NOBODY = "nobody"

OWNERS = (CLOVER, BIGCOMMERCE, CLOVER_UNLESS_BLANK, NOBODY)

DEFAULT_OWNERS: Mapping[str, str] = {
    NAME: CLOVER,
    DESCRIPTION: CLOVER_UNLESS_BLANK,
    PRICE: CLOVER,
    SALE_PRICE: NOBODY,
    WEIGHT: CLOVER,
    CATEGORIES: CLOVER,
    VISIBILITY: CLOVER,
    TAX_CLASS: CLOVER,
    STOCK: CLOVER,
}

# The BigCommerce product and variant keys each field is written under (creates, batch
# updates, inventory writes). Keys not listed here (sku, type, ids) belong to no owned field.
PAYLOAD_KEYS: Mapping[str, tuple[str, ...]] = {
    NAME: ("name",),
    DESCRIPTION: ("description",),
    PRICE: ("price",),
    SALE_PRICE: ("sale_price",),
    WEIGHT: ("weight",),
    CATEGORIES: ("categories",),
    VISIBILITY: ("is_visible",),
    TAX_CLASS: ("tax_class_id",),
    STOCK: ("inventory_level", "inventory_tracking", "quantity"),
}

# A product cannot be created without these (BigCommerce's create requires them): a create
# carries Clover's value as the first one whoever owns the field, since the web has none yet.
# Every update leaves them alone unless Clover owns them.
CREATE_REQUIRED = frozenset({NAME, PRICE, WEIGHT})


def field_of_key(key: str) -> str | None:
    """The owned field a payload key writes, or None."""
    for name, keys in PAYLOAD_KEYS.items():
        if key in keys:
            return name
    return None


def is_blank(value: Any) -> bool:
    """No value: None, empty or white-space text, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return not value
    return False


@dataclass(frozen=True)
class Ownership:
    """The owner of each field (missing fields have their default owner)."""

    owners: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_OWNERS))

    @classmethod
    def build(cls, owners: Mapping[str, str] | None = None) -> Ownership:
        merged = dict(DEFAULT_OWNERS)
        for name, owner in (owners or {}).items():
            if name in DEFAULT_OWNERS and owner in OWNERS:
                merged[name] = owner
        return cls(merged)

    def owner(self, name: str) -> str:
        return self.owners.get(name, DEFAULT_OWNERS[name])

    def clover_writes(self, name: str) -> bool:
        """Clover's value may go to BigCommerce at all (Clover owns it, blank or not)."""
        return self.owner(name) in (CLOVER, CLOVER_UNLESS_BLANK)

    def may_write(self, name: str, new: Any, old: Any = None) -> bool:
        """Clover's `new` may replace BigCommerce's `old`: Clover owns the field, or owns it
        unless blank and either `new` has a value or `old` has none."""
        owner = self.owner(name)
        if owner == CLOVER:
            return True
        if owner == CLOVER_UNLESS_BLANK:
            return not is_blank(new) or is_blank(old)
        return False

    def as_dict(self) -> dict[str, str]:
        return {name: self.owner(name) for name in FIELDS}
