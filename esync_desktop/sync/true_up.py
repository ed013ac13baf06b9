"""`true-up`: the drift check. Plans from a full read of both stores and compares it with the
link table: a value edited by hand on the web store (or a product deleted there) is put back
from Clover when that is unambiguous; the rest is listed with when the SKU was last synced
(docs/ENGINE.md "The drift check")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

from esync_desktop.domain.plan import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.domain.sku import sku_key
from esync_desktop.storage.state.links import NO_LOCATION, Link, LinkField
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.links import DEFAULT_LOCATION, PRICE, STOCK
from esync_desktop.sync.plan_create import (
    SEND_MATRIX,
    SEND_STANDARD,
    plan_send_matrix,
    plan_send_standard,
)
from esync_desktop.sync.plan_update import (
    SEND_INVENTORY_MATRIX,
    SEND_INVENTORY_STANDARD,
    plan_send_inventory,
    plan_send_prices,
)
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.schedule import next_due
from esync_desktop.sync.snapshot import Snapshot

TRUE_UP = "true-up"
# Where the last drift check is kept (storage link_reads.part).
DRIFT_PART = "drift"
# Its own schedule inside a task: daily at `at` (local time); `own_schedule` off runs it with
# every run of the task.
DEFAULTS: Mapping[str, Any] = {
    "at": "02:00",
    "own_schedule": True,
    "visible": True,
    "truncate_long_names": False,
    "require_name_match": True,
}

# How a difference came about, from the value last synced (facts.drift).
CHANGED_ON_WEB = "changed_on_web"
CHANGED_IN_CLOVER = "changed_in_clover"
CHANGED_ON_BOTH = "changed_on_both"
NEVER_SYNCED = "never_synced"
DELETED_ON_WEB = "deleted_on_web"
SKU_CHANGED_ON_WEB = "sku_changed_on_web"


@dataclass(frozen=True)
class DriftCheck:
    """When the last drift check ran and what it found: values put back or products made again
    (`fixed`), SKUs linked to the product that now has them (`relinked`), differences left for
    the owner (`listed`) and fixes the store refused (`failed`)."""

    at: datetime
    fixed: int = 0
    listed: int = 0
    failed: int = 0
    relinked: int = 0


@dataclass(frozen=True)
class LinkView:
    """The link table as it was before this read (what the stores are compared with)."""

    links: Mapping[str, Link] = field(default_factory=dict)
    fields: Mapping[tuple[str, str, int], LinkField] = field(default_factory=dict)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def read_link_view(ctx: Any) -> LinkView:
    """The true-up's read hook: the link table of the store pair, before the read is saved."""
    links, fields = ctx.journal.link_state(ctx.scope)
    return LinkView(links, fields)


def is_due(options: Mapping[str, Any], last: datetime | None, now: datetime, alone: bool) -> bool:
    """Whether the step runs in this run of its task: always when it is the task's only step,
    has never run, or its own schedule is off; else daily at its `at` time."""
    if alone or last is None or not options.get("own_schedule", True):
        return True
    schedule = SimpleNamespace(mode="daily", at=str(options.get("at") or "02:00"))
    due = next_due(schedule, last, now)
    return due is not None and due <= now


def plan_true_up(
    snapshot: Snapshot, options: Mapping[str, Any], cursor: Cursor, rules: Rules
) -> ActionPlan:
    view: LinkView = snapshot.extras.get(TRUE_UP) or LinkView()
    rows: list[PlanRow] = []
    for row in plan_send_prices(snapshot, options, Cursor(), rules).rows:
        if row.outcome is Outcome.UPDATE:
            old, new = row.changes["price"]
            rows.append(_classify(row, view, PRICE, NO_LOCATION, new, old))
    note = ""
    if rules.location_id == DEFAULT_LOCATION:
        for action in (SEND_INVENTORY_STANDARD, SEND_INVENTORY_MATRIX):
            for row in plan_send_inventory(action, snapshot, options, Cursor(), rules).rows:
                if row.outcome is Outcome.UPDATE:
                    old, new = row.changes["inventory_level"]
                    rows.append(_classify(row, view, STOCK, DEFAULT_LOCATION, new, old))
    else:
        note = (
            f"stock at location {rules.location_id} is not compared: the catalogue shows the "
            "default location's level only"
        )
    rows += _vanished(snapshot, options, rules, view)
    return ActionPlan(TRUE_UP, tuple(rows), note=note)


def _same(a: Any, b: Any) -> bool:
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return str(a) == str(b)


def _age(view: LinkView, at: datetime | None) -> dict[str, Any]:
    if at is None:
        return {"last_synced_at": None, "age_s": None}
    return {"last_synced_at": at.isoformat(), "age_s": int((view.at - at).total_seconds())}


def _classify(
    row: PlanRow, view: LinkView, name: str, location: int, clover: Any, web: Any
) -> PlanRow:
    """An update of a difference found: kept (fixed from Clover) unless both stores changed the
    value since it was last synced, which is listed for the owner instead."""
    key = sku_key(row.sku) or ""
    known = view.fields.get((key, name, location))
    synced = known.synced if known else None
    facts: dict[str, Any] = {"field": name, "clover": clover, "bigcommerce": web}
    if synced is None:
        return replace(row, facts={**row.facts, **facts, "drift": NEVER_SYNCED, **_age(view, None)})
    value, at = synced
    facts.update(last_synced=value, **_age(view, at))
    if _same(value, clover):
        detail = f"{name} changed on the web store ({value} -> {web}): put back to {clover}"
        return replace(row, detail=detail, facts={**row.facts, **facts, "drift": CHANGED_ON_WEB})
    if _same(value, web):
        return replace(row, facts={**row.facts, **facts, "drift": CHANGED_IN_CLOVER})
    detail = (
        f"{name} changed in both stores since it was last synced ({value}): Clover {clover}, "
        f"web store {web}"
    )
    return replace(
        row,
        outcome=Outcome.SKIP,
        reason=Reason.DRIFT,
        changes={},
        payload={},
        key="",
        detail=detail,
        facts={**row.facts, **facts, "drift": CHANGED_ON_BOTH},
    )


def _vanished(
    snapshot: Snapshot, options: Mapping[str, Any], rules: Rules, view: LinkView
) -> list[PlanRow]:
    """Linked products that are gone from BigCommerce or no longer hold their SKU: relinked
    when the SKU is now on another product, created again when it is on none."""
    product_ids = {p.id for p in snapshot.bc_products}
    items = {i.sku_key: i for i in snapshot.clover_items if i.sku_key and i.bad is None}
    rows: list[PlanRow] = []
    recreate: dict[str, Link] = {}
    for key, link in view.links.items():
        item = items.get(key)
        if link.bc_product_id is None or item is None or snapshot.is_duplicate(key):
            continue
        match = snapshot.bc_match(key)
        held = link.bc_product_id in product_ids
        if held and match is not None and match.product.id == link.bc_product_id:
            continue  # the product is there with its SKU: nothing to say (most links)
        base = PlanRow(
            action=TRUE_UP,
            sku=item.clean_sku,
            outcome=Outcome.SKIP,
            clover_id=item.id,
            clover_name=item.clean_name,
            bc_id=link.bc_product_id,
        )
        age = _age(view, link.checked_at)
        if held:
            detail = (
                f"product {link.bc_product_id} no longer has SKU {item.clean_sku!r} on the "
                "web store: give it back its SKU, or delete it so it is made again"
            )
            facts = {"drift": SKU_CHANGED_ON_WEB, "field": "sku", **age}
            rows.append(replace(base, reason=Reason.DRIFT, detail=detail, facts=facts))
            continue
        if match is not None:
            detail = (
                f"product {link.bc_product_id} was deleted on the web store; the SKU is now on "
                f"product {match.product.id}: linked to it"
            )
            facts = {"drift": DELETED_ON_WEB, "relinked_to": match.product.id, **age}
            rows.append(
                replace(
                    base, reason=Reason.RELINKED, bc_id=match.product.id, detail=detail, facts=facts
                )
            )
            continue
        recreate[key] = link
    if recreate:
        rows += _recreated(snapshot, options, rules, view, recreate)
    return rows


def _recreated(
    snapshot: Snapshot,
    options: Mapping[str, Any],
    rules: Rules,
    view: LinkView,
    gone: Mapping[str, Link],
) -> list[PlanRow]:
    """The create rows (or the reason it cannot be made) of the products deleted on the web."""
    rows: list[PlanRow] = []
    plans: Sequence[ActionPlan] = (
        plan_send_standard(snapshot, options, Cursor(), rules),
        plan_send_matrix(snapshot, options, Cursor(), rules),
    )
    for plan in plans:
        for row in plan.rows:
            keys = {sku_key(row.sku)} | {
                sku_key(v.get("sku")) for v in row.payload.get("variants") or []
            }
            hit = next((k for k in keys if k in gone), None)
            if hit is None:
                continue
            age = _age(view, gone[hit].checked_at)
            facts = {**row.facts, "drift": DELETED_ON_WEB, "was_product": gone[hit].bc_product_id}
            if row.outcome is Outcome.CREATE:
                detail = (
                    f"product {gone[hit].bc_product_id} was deleted on the web store: made again"
                )
                rows.append(replace(row, detail=detail, facts={**facts, **age}))
            elif row.reason is not Reason.UNCHANGED:
                rows.append(replace(row, facts={**facts, **age}))
    return rows


def without_doubles(plans: Sequence[ActionPlan]) -> list[ActionPlan]:
    """A true-up row is dropped when another action of the same plan already writes that SKU's
    field (the price, the stock, the create): one write per value, never two."""
    written: set[tuple[str, str]] = set()
    for plan in plans:
        if plan.action == TRUE_UP:
            continue
        for row in plan.rows:
            if row.writes:
                written |= _writes(row)
    if not written:
        return list(plans)
    return [
        replace(p, rows=tuple(r for r in p.rows if not (_writes(r) & written)))
        if p.action == TRUE_UP
        else p
        for p in plans
    ]


def _writes(row: PlanRow) -> set[tuple[str, str]]:
    if not row.writes:
        return set()
    if row.action in (SEND_STANDARD, SEND_MATRIX):
        skus = [row.sku] + [v.get("sku") for v in row.payload.get("variants") or []]
        return {(k, "create") for k in (sku_key(s) for s in skus) if k}
    key = sku_key(row.sku)
    if key is None:
        return set()
    return {(key, STOCK if "quantity" in row.payload else PRICE)}


def drift_summary(rows: Sequence[Any]) -> dict[str, int]:
    """What a drift check found, as counts (the window's Home page shows them)."""
    counts = {"fixed": 0, "listed": 0, "failed": 0, "relinked": 0}
    for result in rows:
        if getattr(result, "written", False):
            counts["fixed"] += 1
        elif result.outcome is Outcome.FAIL:
            counts["failed"] += 1
        elif result.reason is Reason.RELINKED:
            counts["relinked"] += 1
        elif result.outcome is Outcome.SKIP:
            counts["listed"] += 1
    return counts


def steps_due(
    actions: Sequence[tuple[str, Mapping[str, Any]]], last: datetime | None, now: datetime
) -> tuple[list[tuple[str, Mapping[str, Any]]], list[ActionPlan]]:
    """The steps of a task that run now, and an empty plan with a note for a drift check that
    is not due yet (its own schedule)."""
    alone = len(actions) == 1
    kept: list[tuple[str, Mapping[str, Any]]] = []
    waiting: list[ActionPlan] = []
    for action, options in actions:
        merged = {**DEFAULTS, **dict(options)}
        if action == TRUE_UP and not is_due(merged, last, now, alone):
            when = "never" if last is None else last.astimezone().strftime("%Y-%m-%d %H:%M")
            note = f"not due: runs daily at {merged['at']} (last drift check: {when})"
            waiting.append(ActionPlan(TRUE_UP, (), note=note))
        else:
            kept.append((action, options))
    return kept, waiting
