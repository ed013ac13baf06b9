"""Defaults: the task every new install gets, and weight rules for the demo catalogue."""

from __future__ import annotations

from decimal import Decimal

from esync_desktop.sync.model import CATALOGUE_ACTION_IDS
from esync_desktop.sync.true_up import TRUE_UP

DEFAULT_TASK_NAME = "Catalogue sync"
# Off for the built-in task (see app.default_task) and for every new one, so they agree.
STOP_WHEN_EMPTY = False

# Weights (store unit: kg) per demo category. Seasonal and Gift Cards have none and there is no
# default, so those items show `missing_weight` in a preview, as a real first run would.
DEMO_CATEGORY_WEIGHTS: dict[str, Decimal] = {
    "Mugs": Decimal("0.45"),
    "Candles": Decimal("0.35"),
    "Cards": Decimal("0.03"),
    "Coffee": Decimal("0.27"),
    "Tea": Decimal("0.15"),
    "Stationery": Decimal("0.2"),
    "Jewelry": Decimal("0.05"),
    "Bags": Decimal("0.4"),
    "T-Shirts": Decimal("0.22"),
}
DEMO_SKU_WEIGHTS: dict[str, Decimal] = {
    "COF-017": Decimal("1.05"),  # Espresso Roast 1kg
    # In no Clover category: with a weight of its own it shows `no_category` in a preview.
    "MUG-006": Decimal("0.45"),
}


def default_task_actions() -> list[str]:
    """The catalogue actions, then the drift check on its own schedule (nightly): the
    periodic runs read only what can have changed (docs/ENGINE.md "Delta runs")."""
    return [*CATALOGUE_ACTION_IDS, TRUE_UP]
