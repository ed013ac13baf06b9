"""Stock of the products a plan creates: the create sets the default location only (BigCommerce's
catalog `inventory_level`, already less its buffer and reserved units: see web_level.py), so the
stock steps of the same plan set every other mapped location (and the default one too when its
level differs, e.g. another merchant feeds it) once the create is done. The rows are planned and
previewed like any other; the id they write to is the one the create got, looked up when they
are applied. A row left unchanged (the create set it) is skipped too when the create fails."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from esync_desktop.domain.sku import sku_key
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow
from esync_desktop.sync.plan_create import SEND_MATRIX, SEND_STANDARD
from esync_desktop.sync.plan_variants import VARIANT, is_variant_create
from esync_desktop.sync.snapshot import Snapshot

# snapshot.extras key: {SKU key -> PlannedCreate} of the creates planned by earlier steps.
PLANNED_CREATES = "planned-creates"
# The payload keys of a row written after a create (never sent: the Writer resolves them).
AFTER_CREATE = "_after_create"
AFTER_ACTION = "_after_action"


@dataclass(frozen=True)
class PlannedCreate:
    """One SKU an earlier step of the plan creates: that step's row key and action, the level
    the create sets at the default location, and whether the SKU is a variant."""

    action: str
    key: str
    level: int
    variant: bool


def planned_creates(plans: Sequence[ActionPlan]) -> dict[str, PlannedCreate]:
    found: dict[str, PlannedCreate] = {}
    for plan in plans:
        if plan.action not in (SEND_STANDARD, SEND_MATRIX):
            continue
        for row in plan.rows:
            if row.outcome is not Outcome.CREATE:
                continue
            for sku, level, variant in _skus(row):
                key = sku_key(sku)
                if key is not None and isinstance(level, int):
                    found[key] = PlannedCreate(row.action, row.key, level, variant)
    return found


def _skus(row: PlanRow) -> list[tuple[Any, Any, bool]]:
    payload = row.payload
    if is_variant_create(payload):
        body = payload.get(VARIANT) or {}
        return [(body.get("sku"), body.get("inventory_level"), True)]
    variants = payload.get("variants")
    if isinstance(variants, list):
        return [
            (v.get("sku"), v.get("inventory_level"), True) for v in variants if isinstance(v, dict)
        ]
    return [(payload.get("sku"), payload.get("inventory_level"), False)]


def with_planned_creates(snapshot: Snapshot, plans: Sequence[ActionPlan]) -> Snapshot:
    """The snapshot a stock step is planned from: it knows what the earlier steps create."""
    creates = planned_creates(plans)
    if not creates:
        return snapshot
    return snapshot.with_extras({**snapshot.extras, PLANNED_CREATES: creates})


def creates_of(snapshot: Snapshot) -> Mapping[str, PlannedCreate]:
    found = snapshot.extras.get(PLANNED_CREATES)
    return found if isinstance(found, dict) else {}


def after_create_body(payload: Mapping[str, Any], product_id: int | None) -> dict[str, Any]:
    """The adjustment item of a row written after a create: a product tracked by product is
    written by its new id, a variant by its SKU (bigcommerce.md §9.5)."""
    body = {k: v for k, v in payload.items() if not k.startswith("_")}
    if "sku" not in body:
        body["product_id"] = product_id
    return body
