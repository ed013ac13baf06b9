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
    """Which Clover merchant to read. `base_url` overrides the region's (the sandbox, tests)."""

    region: str = "na"
    merchant_id: str = ""
    base_url: str | None = None


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
    # Window geometry, column widths and other view state: the UI's own, kept as JSON.
    ui: dict[str, Any] = field(default_factory=dict)
    # Field -> owner (domain/ownership.py), and Clover tax rate name -> BigCommerce tax class id.
    ownership: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_OWNERS))
    tax_class_map: dict[str, int] = field(default_factory=dict)

    def task(self, name: str) -> TaskConfig | None:
        """The task with this name (case-insensitive), if any."""
        wanted = name.strip().casefold()
        return next((t for t in self.tasks if t.name.strip().casefold() == wanted), None)
