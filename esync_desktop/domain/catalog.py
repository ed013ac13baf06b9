"""Catalogue records of both stores as the engine sees them: frozen, typed, API-neutral."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from esync_desktop.domain.sku import clean_name, clean_sku, sku_key


@dataclass(frozen=True)
class BadField:
    """A field a store sent that cannot be used: its name as the API spells it (`price`,
    `itemStock.quantity`, `variants[2].sku`), the value as sent, shortened for display, and
    the record's position in the listing when the record itself is unreadable."""

    field: str
    value: str
    position: int | None = None


@dataclass(frozen=True)
class CloverCategory:
    id: str
    name: str


@dataclass(frozen=True)
class CloverOption:
    """One option value of a variant item, e.g. attribute "Size", option "M"."""

    attribute: str
    option: str


@dataclass(frozen=True, slots=True)
class CloverItem:
    """A Clover inventory item. `stock` is None when stock was never set (untracked), which is
    not the same as 0. Times are epoch milliseconds."""

    id: str
    name: str | None
    sku: str | None
    price_cents: int
    stock: Decimal | None
    modified_ms: int
    stock_modified_ms: int | None = None
    available: bool = True
    hidden: bool = False
    deleted: bool = False
    description: str | None = None
    categories: tuple[str, ...] = ()
    group_id: str | None = None
    options: tuple[CloverOption, ...] = ()
    # Set when a field could not be read: the item is shown with reason bad_data, never written.
    bad: BadField | None = None
    # Tax: with default_tax_rates the merchant's default rates apply, else the names of the
    # rates linked to the item (read only when a task needs them).
    default_tax_rates: bool = True
    tax_rates: tuple[str, ...] = ()
    # The SKU and name as matched and sent, worked out once: every planner asks for them.
    clean_sku: str | None = field(init=False, compare=False, repr=False)
    sku_key: str | None = field(init=False, compare=False, repr=False)
    clean_name: str | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        cleaned = clean_sku(self.sku)
        object.__setattr__(self, "clean_sku", cleaned)
        object.__setattr__(self, "sku_key", sku_key(cleaned))
        object.__setattr__(self, "clean_name", clean_name(self.name))

    @property
    def active(self) -> bool:
        """The "active" rule: available, not hidden, not deleted (docs/ENGINE.md)."""
        return self.available and not self.hidden and not self.deleted

    @property
    def changed_ms(self) -> int:
        """When the item or its stock last changed: a skip that a stock edit can clear (no stock
        value) and one that an item edit can clear (inactive) are both seen again."""
        return max(self.modified_ms, self.stock_modified_ms or 0)


@dataclass(frozen=True)
class CloverItemGroup:
    """A Clover item group: its items are the variants of one product."""

    id: str
    name: str
    attributes: tuple[str, ...] = ()
    bad: BadField | None = None


@dataclass(frozen=True)
class BcCategory:
    id: int
    name: str
    parent_id: int = 0


@dataclass(frozen=True, slots=True)
class BcVariant:
    """A BigCommerce variant. `price` None means the product's price applies."""

    id: int
    product_id: int
    sku: str | None
    price: Decimal | None
    inventory_level: int
    option_values: tuple[tuple[str, str], ...] = ()
    sale_price: Decimal | None = None

    @property
    def is_base(self) -> bool:
        """A simple product's own variant (no option values)."""
        return not self.option_values


@dataclass(frozen=True, slots=True)
class BcProduct:
    id: int
    name: str
    sku: str | None
    price: Decimal
    inventory_level: int
    inventory_tracking: str = "none"
    categories: tuple[int, ...] = ()
    variants: tuple[BcVariant, ...] = ()
    # Set when a field could not be read: its SKUs still count (nothing is created over it),
    # but nothing is written to it.
    bad: BadField | None = None
    # The fields update-products compares (field ownership); date_modified as BigCommerce
    # sends it (ISO 8601), the web side's time in a conflict.
    description: str = ""
    weight: Decimal | None = None
    is_visible: bool = True
    tax_class_id: int = 0
    sale_price: Decimal = Decimal(0)
    date_modified: str = ""
    # True for a product with option variants (a "matrix" product); worked out once.
    has_options: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "has_options", any(not v.is_base for v in self.variants))
