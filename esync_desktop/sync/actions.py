"""The actions: their ids, labels, default options and planners (and, for the order actions,
their read and apply hooks)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from esync_desktop.sync.action_hooks import Applier, ReadContext, Reader
from esync_desktop.sync.category_create import (
    CREATE_CATEGORIES,
    apply_create_categories,
    plan_create_categories,
)
from esync_desktop.sync.collector import collector_paused
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.last_synced import LastSynced
from esync_desktop.sync.model import ACTION_IDS, ActionPlan, TaskPlan
from esync_desktop.sync.orders.apply import apply_push_orders
from esync_desktop.sync.orders.options import DEFAULTS as ORDER_DEFAULTS
from esync_desktop.sync.orders.options import PUSH_ORDERS
from esync_desktop.sync.orders.plan import plan_push_orders
from esync_desktop.sync.orders.read import read_orders
from esync_desktop.sync.ownership import enforce
from esync_desktop.sync.plan_create import SEND_MATRIX, SEND_STANDARD
from esync_desktop.sync.plan_create import plan_send_standard as _plan_standard
from esync_desktop.sync.plan_names import settle_names
from esync_desktop.sync.plan_products import (
    UPDATE_PRODUCTS,
    ProductsRead,
    fold_missing,
    plan_update_products,
)
from esync_desktop.sync.plan_update import (
    SEND_INVENTORY_MATRIX,
    SEND_INVENTORY_STANDARD,
    SEND_PRICES,
    plan_send_inventory,
    plan_send_prices,
)
from esync_desktop.sync.plan_variants import plan_send_matrix_with_variants
from esync_desktop.sync.refunds.apply import apply_sync_refunds
from esync_desktop.sync.refunds.options import DEFAULTS as REFUND_DEFAULTS
from esync_desktop.sync.refunds.options import SYNC_REFUNDS
from esync_desktop.sync.refunds.plan import plan_sync_refunds
from esync_desktop.sync.refunds.read import read_refunds
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.sales.options import DEFAULTS as SALES_DEFAULTS
from esync_desktop.sync.sales.options import PULL_SALES
from esync_desktop.sync.sales_orders.apply import apply_pull_sales_any
from esync_desktop.sync.sales_orders.plan import plan_sales_as_orders
from esync_desktop.sync.sales_orders.read import read_pull_sales
from esync_desktop.sync.snapshot import Snapshot
from esync_desktop.sync.stock.after_create import with_planned_creates
from esync_desktop.sync.stock.plan import plan_stock_by_location
from esync_desktop.sync.stock.read import STOCK_READING, StockReading
from esync_desktop.sync.true_up import DEFAULTS as TRUE_UP_DEFAULTS
from esync_desktop.sync.true_up import TRUE_UP, plan_true_up, read_link_view, without_doubles

Planner = Callable[[Snapshot, Mapping[str, Any], Cursor, Rules], ActionPlan]
_STOCK = (SEND_INVENTORY_STANDARD, SEND_INVENTORY_MATRIX)


@dataclass(frozen=True)
class ActionSpec:
    id: str
    label: str
    planner: Planner
    defaults: Mapping[str, Any]
    # Which cursor the action keeps (None: compares everything on every run).
    uses_cursor: bool = True
    # Which parts of the stores it reads (lets a task skip reads nobody needs).
    needs_groups: bool = False
    needs_categories: bool = False
    needs_bc_catalog: bool = True
    # Actions that read and write on their own (the order actions): see sync/action_hooks.py.
    reader: Reader | None = None
    applier: Applier | None = None
    # A step the window runs on its own (a fix from the preview), not offered in Tasks.
    internal: bool = False


def _read_orders(ctx: ReadContext) -> Any:
    return read_orders(
        ctx.clover, ctx.bc, ctx.journal, ctx.scope, ctx.cursor, ctx.options, ctx.cancel
    )


def _read_refunds(ctx: ReadContext) -> Any:
    return read_refunds(
        ctx.clover, ctx.bc, ctx.journal, ctx.scope, ctx.cursor, ctx.options, ctx.cancel
    )


class _KeepsBaselines(Protocol):
    def last_synced(self, scope: str) -> LastSynced: ...


def _read_products(ctx: ReadContext) -> Any:
    # The engine's journal (EngineState) also keeps the link table's conflict baselines.
    store = cast(_KeepsBaselines, ctx.journal)
    return ProductsRead(store.last_synced(ctx.scope).baselines())


def _inventory(action: str) -> Planner:
    def planner(s: Snapshot, o: Mapping[str, Any], c: Cursor, r: Rules) -> ActionPlan:
        # Read by location (the app reads each merchant): one row per SKU and location.
        reading = s.extras.get(STOCK_READING)
        if isinstance(reading, StockReading):
            return plan_stock_by_location(action, s, o, c, reading)
        return plan_send_inventory(action, s, o, c, r)

    return planner


ACTIONS: dict[str, ActionSpec] = {
    spec.id: spec
    for spec in (
        ActionSpec(
            SEND_STANDARD,
            "Create simple products from Clover items",
            _plan_standard,
            {"visible": True, "truncate_long_names": False},
            needs_categories=True,
        ),
        ActionSpec(
            SEND_MATRIX,
            "Create products with variants from Clover item groups",
            plan_send_matrix_with_variants,
            {"visible": True, "truncate_long_names": False},
            needs_groups=True,
            needs_categories=True,
        ),
        ActionSpec(
            SEND_INVENTORY_STANDARD,
            "Update stock of simple products",
            _inventory(SEND_INVENTORY_STANDARD),
            {"require_name_match": True},
        ),
        ActionSpec(
            SEND_INVENTORY_MATRIX,
            "Update stock of variants",
            _inventory(SEND_INVENTORY_MATRIX),
            {"require_name_match": True},
            needs_groups=True,
        ),
        ActionSpec(SEND_PRICES, "Update prices", plan_send_prices, {}, uses_cursor=False),
        ActionSpec(
            PUSH_ORDERS,
            "Push web orders into Clover",
            plan_push_orders,
            ORDER_DEFAULTS,
            needs_bc_catalog=False,
            reader=_read_orders,
            applier=apply_push_orders,
        ),
        ActionSpec(
            SYNC_REFUNDS,
            "Follow refunds and cancellations",
            plan_sync_refunds,
            REFUND_DEFAULTS,
            reader=_read_refunds,
            applier=apply_sync_refunds,
        ),
        ActionSpec(
            PULL_SALES,
            "Take in-store sales off the web stock",
            plan_sales_as_orders,
            SALES_DEFAULTS,
            needs_bc_catalog=False,
            reader=read_pull_sales,
            applier=apply_pull_sales_any,
        ),
        ActionSpec(
            CREATE_CATEGORIES,
            "Create categories in BigCommerce",
            plan_create_categories,
            {"names": []},
            uses_cursor=False,
            needs_categories=True,
            applier=apply_create_categories,
            internal=True,
        ),
        ActionSpec(
            TRUE_UP,
            "Check both stores for drift and fix it",
            plan_true_up,
            TRUE_UP_DEFAULTS,
            uses_cursor=False,
            needs_groups=True,
            needs_categories=True,
            reader=read_link_view,
        ),
        ActionSpec(
            UPDATE_PRODUCTS,
            "Update names, descriptions and other product fields",
            plan_update_products,
            {"truncate_long_names": False},
            uses_cursor=False,
            needs_groups=True,
            needs_categories=True,
            reader=_read_products,
        ),
    )
}
assert tuple(ACTIONS) == ACTION_IDS


class ActionLike(Protocol):
    action: str
    options: Mapping[str, Any]


class TaskLike(Protocol):
    """What the engine reads of a task (storage's TaskConfig has these)."""

    name: str
    actions: Sequence[Any]
    stop_when_empty: bool


class UnknownAction(ValueError):
    """An action id that is not one of ACTION_IDS."""

    def __init__(self, action: str) -> None:
        super().__init__(f"unknown action {action!r}; choose one of: {', '.join(ACTION_IDS)}")
        self.action = action


def spec_for(action: str) -> ActionSpec:
    try:
        return ACTIONS[action]
    except KeyError:
        raise UnknownAction(action) from None


def plan_actions(
    task_name: str,
    actions: Sequence[tuple[str, Mapping[str, Any]]],
    snapshot: Snapshot,
    cursors: Mapping[str, Cursor],
    rules: Rules,
    *,
    stop_when_empty: bool = True,
) -> TaskPlan:
    """Plan the actions in order. With stop_when_empty, the first action with nothing to write
    ends the task: the later actions are not planned, and the plan says after which one."""
    plans: list[ActionPlan] = []
    stopped_after: str | None = None
    with collector_paused():
        for n, (action, options) in enumerate(actions):
            spec = spec_for(action)
            merged = {**spec.defaults, **dict(options)}
            cursor = cursors.get(action, Cursor()) if spec.uses_cursor else Cursor()
            # Field ownership applies to every action, whatever its planner wrote.
            # A stock step sets the stock of what the earlier steps create, once they exist.
            seen = with_planned_creates(snapshot, plans) if action in _STOCK else snapshot
            plan = enforce(spec.planner(seen, merged, cursor, rules), rules.ownership)
            plans.append(plan)
            if stop_when_empty and not plan.has_work and n < len(actions) - 1:
                stopped_after = action
                break
        # Items missing on the web store are the create step's: update-products lists them once.
        creates = any(action == SEND_STANDARD for action, _ in actions)
        plans = [fold_missing(p, creates) if p.action == UPDATE_PRODUCTS else p for p in plans]
        settled = without_doubles(settle_names(plans, snapshot))
    return TaskPlan(task=task_name, actions=tuple(settled), stopped_after=stopped_after)


def read_extras(
    snapshot: Snapshot,
    actions: Sequence[tuple[str, Mapping[str, Any]]],
    clover: Any,
    bc: Any,
    journal: Any,
    scope: str,
    cursors: Mapping[str, Cursor],
    cancel: Any = None,
) -> Snapshot:
    """The snapshot with what the actions that have a read hook read for themselves."""
    extras = dict(snapshot.extras)
    for action, options in actions:
        spec = spec_for(action)
        if spec.reader is None or action in extras:
            continue
        merged = {**spec.defaults, **dict(options)}
        cursor = cursors.get(action, Cursor())
        context = ReadContext(clover, bc, journal, scope, cursor, merged, cancel, snapshot)
        extras[action] = spec.reader(context)
    # with_extras keeps the indexes the read already built (the SKU index of 100k products).
    return snapshot.with_extras(extras) if extras else snapshot
