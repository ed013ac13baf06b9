"""The settings as typed dataclasses, with their defaults and allowed values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from esync_desktop.domain.ownership import DEFAULT_OWNERS
from esync_desktop.domain.sku import sku_key

SETTINGS_VERSION = 1

# Clover's regions (ARCHITECTURE.md: connectors.clover.CLOVER_REGIONS maps them to base URLs).
CLOVER_REGION_IDS = ("na", "eu", "la", "sandbox")
SCHEDULE_MODES = ("off", "interval", "daily")
ScheduleMode = Literal["off", "interval", "daily"]
# Below 5 minutes a full read of both catalogues would run back to back on a large store.
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 7 * 24 * 60
# BigCommerce's largest product weight (catalog products spec: weight maximum 9999999999).
MAX_WEIGHT = Decimal("9999999999")


@dataclass
class CloverConnection:
    """Which Clover merchant to read. `base_url` overrides the region's (the sandbox, tests).
    It is the first merchant: the catalogue and the orders are its; its stock feeds
    `Settings.location_id`. `name` is how the owner calls it (e.g. "Main Street")."""

    region: str = "na"
    merchant_id: str = ""
    base_url: str | None = None
    name: str = ""


@dataclass
class BigCommerceConnection:
    """Which BigCommerce store to write. `base_url` overrides api.bigcommerce.com."""

    store_hash: str = ""
    base_url: str | None = None


@dataclass
class Schedule:
    """When a task runs by itself: never, every N minutes, or daily at HH:MM local time."""

    mode: ScheduleMode = "off"
    every_minutes: int = 60
    at: str = "02:00"


@dataclass
class ActionConfig:
    """One step of a task: an action id of domain.plan.ACTION_IDS and its options."""

    action: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class TaskConfig:
    """An ordered list of actions; with stop_when_empty the first action with nothing to write
    ends the task."""

    name: str
    actions: list[ActionConfig] = field(default_factory=list)
    stop_when_empty: bool = True
    schedule: Schedule = field(default_factory=Schedule)


@dataclass
class WeightRules:
    """Weights in the store's unit: per SKU, per Clover category, and a default."""

    by_sku: dict[str, Decimal] = field(default_factory=dict)
    by_category: dict[str, Decimal] = field(default_factory=dict)
    default: Decimal | None = None

    def with_sku_weights(
        self, weights: Mapping[str, Decimal], *, replace: bool = False
    ) -> WeightRules:
        """These rules with `weights` added (or, with replace, instead of the per-SKU table).
        An existing entry for the same SKU (trim + case-insensitive) is replaced, not doubled."""
        incoming = {sku_key(s): s.strip() for s in weights if sku_key(s)}
        kept = (
            {} if replace else {s: w for s, w in self.by_sku.items() if sku_key(s) not in incoming}
        )
        kept.update({s.strip(): w for s, w in weights.items() if sku_key(s)})
        return WeightRules(by_sku=kept, by_category=dict(self.by_category), default=self.default)


# How the stale-stock guard publishes a location whose Clover stock has not been read for too
# long: the last stock read less the safety buffer, or nothing (zero).
STALE_MODES = ("buffer", "zero")
MAX_BUFFER_UNITS = 1_000_000
MAX_RESERVE_HOURS = 24 * 90
MAX_STALE_MINUTES = 7 * 24 * 60


@dataclass
class MerchantConfig:
    """A further Clover merchant whose stock feeds one BigCommerce inventory location (its
    token is in the keyring under storage.secrets.merchant_token_name(merchant_id))."""

    merchant_id: str
    location_id: int
    name: str = ""
    region: str = "na"
    base_url: str | None = None


@dataclass
class BufferRule:
    """Units kept back from the web store: at one location (None: every location), for one
    Clover category or one SKU (both None: every item there). The most specific rule wins."""

    units: int
    location_id: int | None = None
    category: str | None = None
    sku: str | None = None


@dataclass
class StockSettings:
    """Safety buffers, reserved web orders and the stale-stock guard (docs/ENGINE.md)."""

    buffers: list[BufferRule] = field(default_factory=list)
    # Web orders placed within this many hours and not yet in Clover hold their units back
    # (0: off). Off until the owner turns it on: it reads BigCommerce's recent orders on every
    # run, where a run without it reads nothing from BigCommerce that it remembers.
    reserve_hours: int = 0
    # A location whose Clover stock was not read for this long is published per stale_mode
    # (0: the guard is off).
    stale_after_minutes: int = 0
    stale_mode: str = "buffer"

    def by_location(self, merchants: int) -> bool:
        """Whether stock is planned per location (buffers, reservations, the guard), which
        reads BigCommerce's levels at each location; one merchant with none of these keeps the
        catalogue's own stock planning."""
        return (
            merchants > 1
            or bool(self.buffers)
            or self.reserve_hours > 0
            or (self.stale_after_minutes > 0)
        )


@dataclass
class Settings:
    """Everything the owner configures. Secrets are never here (they live in the keyring)."""

    version: int = SETTINGS_VERSION
    clover: CloverConnection = field(default_factory=CloverConnection)
    bigcommerce: BigCommerceConnection = field(default_factory=BigCommerceConnection)
    tasks: list[TaskConfig] = field(default_factory=list)
    weights: WeightRules = field(default_factory=WeightRules)
    # Clover category name -> BigCommerce category name.
    category_map: dict[str, str] = field(default_factory=dict)
    location_id: int = 1
    demo: bool = False
    # Further Clover merchants (the first is `clover`, feeding `location_id`).
    merchants: list[MerchantConfig] = field(default_factory=list)
    stock: StockSettings = field(default_factory=StockSettings)
    # Window geometry, column widths and other view state: the UI's own, kept as JSON.
    ui: dict[str, Any] = field(default_factory=dict)
    # Field -> owner (domain/ownership.py), and Clover tax rate name -> BigCommerce tax class id.
    ownership: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_OWNERS))
    tax_class_map: dict[str, int] = field(default_factory=dict)

    def task(self, name: str) -> TaskConfig | None:
        """The task with this name (case-insensitive), if any."""
        wanted = name.strip().casefold()
        return next((t for t in self.tasks if t.name.strip().casefold() == wanted), None)

    def stock_merchants(self) -> list[MerchantConfig]:
        """Every Clover merchant with its location, the first (`clover`) first."""
        first = MerchantConfig(
            merchant_id=self.clover.merchant_id,
            location_id=self.location_id,
            name=self.clover.name,
            region=self.clover.region,
            base_url=self.clover.base_url,
        )
        return [first, *self.merchants]
