"""The stock actions by location: one row per SKU and location, each level
max(0, Clover stock - buffer - reserved), compared with BigCommerce's on-hand level there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from esync_desktop.domain.catalog import CloverItem
from esync_desktop.domain.sku import sku_key
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.plan_create import bad_data
from esync_desktop.sync.plan_update import SEND_INVENTORY_MATRIX, inventory_checks
from esync_desktop.sync.rules import BcMatch
from esync_desktop.sync.snapshot import Snapshot
from esync_desktop.sync.stock.after_create import (
    AFTER_ACTION,
    AFTER_CREATE,
    PlannedCreate,
    creates_of,
)
from esync_desktop.sync.stock.buffers import Buffers
from esync_desktop.sync.stock.read import MerchantRead, StockReading
from esync_desktop.sync.stock.web_level import DEFAULT_LOCATION, WebLevel, web_level


def plan_stock_by_location(
    action: str,
    snapshot: Snapshot,
    options: Mapping[str, Any],
    cursor: Cursor,
    reading: StockReading,
) -> ActionPlan:
    planner = _Planner(action, snapshot, options, reading)
    for merchant in reading.merchants:
        planner.merchant(merchant)
    # The rows of one SKU side by side, each location in the merchants' order.
    order = {m.location_id: n for n, m in enumerate(reading.merchants)}
    rows = sorted(
        planner.rows,
        key=lambda r: (r.sku is not None, (r.sku or "").casefold(), order.get(_loc(r), 0)),
    )
    return ActionPlan(action, tuple(rows), cursor_after={"previous": cursor.to_json()})


def _loc(row: PlanRow) -> int:
    return int(row.facts.get("location_id", 0))


class _Planner:
    def __init__(
        self, action: str, snapshot: Snapshot, options: Mapping[str, Any], reading: StockReading
    ) -> None:
        self.action = action
        self.matrix = action == SEND_INVENTORY_MATRIX
        self.snapshot = snapshot
        self.require_name = bool(options.get("require_name_match", True))
        self.reading = reading
        self.buffers = Buffers(reading.settings.buffers)
        # SKUs an earlier step of this plan creates: their stock is set once they exist.
        self.creates = creates_of(snapshot)
        # Planning again after a fix: only the items in focus (and their groups), so the rows of
        # the others stay as previewed (their creates are not planned again here).
        self._focus = (
            None
            if snapshot.focus is None
            else {i.sku_key for i in snapshot.planned_items if i.sku_key is not None}
        )
        self.rows: list[PlanRow] = []
        # A product's tracking is switched on by its first row only (one product update).
        self._tracking: set[int] = set()
        # The guard's rows have no item read now: their categories are the catalogue's.
        self._categories = {
            i.sku_key: i.categories for i in snapshot.clover_items if i.sku_key is not None
        }

    def merchant(self, merchant: MerchantRead) -> None:
        if merchant.snapshot is not None:
            groups = {g.id: g.name for g in merchant.snapshot.clover_groups}
            for item in merchant.snapshot.clover_items:
                if self._focus is not None and item.sku_key not in self._focus:
                    continue
                if (item.group_id is not None) == self.matrix:
                    self.rows.append(self._item_row(merchant, merchant.snapshot, groups, item))
            return
        self.rows.append(self._not_read(merchant))
        if merchant.stale:
            for key, (sku, level) in sorted(
                (merchant.last.levels if merchant.last else {}).items()
            ):
                row = self._stale_row(merchant, key, sku, level)
                if row is not None:
                    self.rows.append(row)

    # -- rows ------------------------------------------------------------------------------

    def _facts(self, merchant: MerchantRead, level: WebLevel | None = None) -> dict[str, Any]:
        facts: dict[str, Any] = {
            "location_id": merchant.location_id,
            "location": merchant.location,
            "merchant": merchant.title,
        }
        if level is not None:
            facts.update(
                clover_stock=None if level.clover is None else str(level.clover),
                buffer=level.buffer,
                reserved=level.reserved,
                level=level.level,
                stale=level.stale,
            )
        return facts

    def _item_row(
        self, merchant: MerchantRead, snap: Snapshot, groups: dict[str, str], item: CloverItem
    ) -> PlanRow:
        if item.bad is not None:
            reason, detail, facts = bad_data(item.bad, "Clover")
            return self._row(merchant, item, Outcome.SKIP, reason, None, detail, {**facts})
        # A variant is compared by its group's name; without the group, by nothing.
        name = groups.get(item.group_id or "") if self.matrix else item.clean_name
        checked = inventory_checks(
            self.action, item, snap, self.require_name and name is not None, name, {}
        )
        if isinstance(checked, PlanRow):
            created = self._created(checked)
            if created is not None:
                assert item.stock is not None and item.sku_key is not None
                level = self._level(merchant, item.categories, item.sku_key, item.stock)
                return self._after_create_row(merchant, item, created, level)
            # The location is in the facts (the preview's step column names it).
            return PlanRow(
                **{**_fields(checked), "facts": {**checked.facts, **self._facts(merchant)}}
            )
        assert item.stock is not None and item.sku_key is not None
        level = self._level(merchant, item.categories, item.sku_key, item.stock)
        return self._write_row(merchant, item, checked, level)

    def _level(
        self, merchant: MerchantRead, categories: tuple[str, ...], key: str, stock: Decimal
    ) -> WebLevel:
        location = merchant.location_id
        reserved = self.reading.reserved_at(location, key)
        return web_level(self.buffers, location, categories, key, stock, reserved)

    def _write_row(
        self,
        merchant: MerchantRead,
        item: CloverItem | None,
        match: BcMatch,
        level: WebLevel,
        *,
        sku: str | None = None,
        reason: Reason | None = None,
        note: str = "",
    ) -> PlanRow:
        location = merchant.location_id
        target = f"v{match.variant.id}" if match.variant else f"p{match.product.id}"
        current = self.reading.onhand.get((location, target))
        tracking = match.product.inventory_tracking
        wanted = "variant" if self.matrix else "product"
        needs_tracking = tracking != wanted and match.product.id not in self._tracking
        detail = _explain(merchant.location, level, self.reading, note)
        if current == level.level and tracking == wanted:
            return self._row(
                merchant,
                item,
                Outcome.UNCHANGED,
                reason or Reason.UNCHANGED,
                match,
                f"{merchant.location}: already {current}" + (f"; {note}" if note else ""),
                {},
                level=level,
                sku=sku,
            )
        changes: dict[str, tuple[Any, Any]] = {"inventory_level": (current, level.level)}
        payload: dict[str, Any] = {"location_id": location, "quantity": level.level}
        if match.variant is not None:
            payload["variant_id"] = match.variant.id
        else:
            payload["product_id"] = match.product.id
        if needs_tracking:
            # Stock of an untracked product cannot be set; tracking is switched on first.
            self._tracking.add(match.product.id)
            changes["inventory_tracking"] = (tracking, wanted)
            payload["tracking"] = {"id": match.product.id, "inventory_tracking": wanted}
        key = sku or (item.sku_key if item else "")
        return self._row(
            merchant,
            item,
            Outcome.UPDATE,
            reason,
            match,
            detail,
            {},
            level=level,
            sku=sku,
            changes=changes,
            payload=payload,
            key=f"{self.action}:{key}@{location}",
        )

    def _created(self, skipped: PlanRow) -> PlannedCreate | None:
        """The create an earlier step plans for a SKU this step finds missing."""
        if skipped.reason is not Reason.NOT_IN_BIGCOMMERCE or skipped.bc_id is not None:
            return None
        created = self.creates.get(sku_key(skipped.sku) or "")
        return created if created is not None and created.variant == self.matrix else None

    def _after_create_row(
        self, merchant: MerchantRead, item: CloverItem, created: PlannedCreate, level: WebLevel
    ) -> PlanRow:
        """A SKU the plan creates: the create sets the default location's level; every other
        location (and the default one when its level differs) is set right after it."""
        location = merchant.location_id
        start = created.level if location == DEFAULT_LOCATION else 0
        if start == level.level:
            # The create sets the default location; a new product has none elsewhere.
            detail = f"{merchant.location}: {start} when it is created"
            facts = {"after_create": created.key}
            unchanged = Outcome.UNCHANGED
            return self._row(
                merchant, item, unchanged, Reason.UNCHANGED, None, detail, facts, level=level
            )
        note = "after it is created"
        payload: dict[str, Any] = {
            "location_id": location,
            "quantity": level.level,
            AFTER_CREATE: created.key,
            AFTER_ACTION: created.action,
        }
        if self.matrix:
            # A new variant's id is not known before it exists; its SKU names it (§9.5).
            payload["sku"] = item.clean_sku
        return self._row(
            merchant,
            item,
            Outcome.UPDATE,
            None,
            None,
            _explain(merchant.location, level, self.reading, note),
            {"after_create": created.key},
            level=level,
            changes={"inventory_level": (start, level.level)},
            payload=payload,
            key=f"{self.action}:{item.sku_key}@{location}",
        )

    def _not_read(self, merchant: MerchantRead) -> PlanRow:
        last = merchant.last
        when = (
            "never read"
            if last is None
            else "last read "
            + datetime.fromtimestamp(last.read_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
        )
        if merchant.stale:
            mode = self.reading.settings.stale_mode
            then = (
                "the stale-stock guard publishes 0 there"
                if mode == "zero"
                else "the stale-stock guard publishes the last stock read less the buffers there"
            )
        else:
            then = "its stock there is left as it is until it answers"
        detail = (
            f"Clover merchant {merchant.title} did not answer ({merchant.error}; {when}): {then}"
        )
        facts = {**self._facts(merchant), "error": merchant.error, "stale": merchant.stale}
        if last is not None:
            facts["last_read_ms"] = last.read_ms
        return PlanRow(
            action=self.action,
            sku=None,
            outcome=Outcome.FAIL,
            reason=Reason.STORE_ERROR,
            clover_name=merchant.title,
            detail=f"{merchant.location}: {detail}",
            facts=facts,
        )

    def _stale_row(
        self, merchant: MerchantRead, key: str, sku: str, stock: Decimal
    ) -> PlanRow | None:
        match = self.snapshot.bc_match(key)
        if match is None or match.product.bad is not None or match.is_variant != self.matrix:
            return None
        if not self.matrix and match.product.has_options:
            return None
        if self.reading.settings.stale_mode == "zero":
            level = WebLevel(None, 0, 0, 0, stale=True)
            note = "stale-stock guard: 0 until the Clover merchant answers"
        else:
            categories = self._categories.get(key, ())
            level = replace(self._level(merchant, categories, key, stock), stale=True)
            note = "stale-stock guard: the last stock read less the buffers"
        return self._write_row(
            merchant, None, match, level, sku=sku, reason=Reason.STALE_STOCK, note=note
        )

    def _row(
        self,
        merchant: MerchantRead,
        item: CloverItem | None,
        outcome: Outcome,
        reason: Reason | None,
        match: BcMatch | None,
        detail: str,
        facts: dict[str, Any],
        *,
        level: WebLevel | None = None,
        sku: str | None = None,
        **extra: Any,
    ) -> PlanRow:
        return PlanRow(
            action=self.action,
            sku=sku if item is None else item.clean_sku,
            outcome=outcome,
            reason=reason,
            clover_id=None if item is None else item.id,
            clover_name=(
                (match.product.name if match else None)
                if item is None
                else item.clean_name or item.name
            ),
            bc_id=None if match is None else match.product.id,
            bc_name=None if match is None else match.product.name,
            detail=detail,
            facts={**facts, **self._facts(merchant, level)},
            **extra,
        )


def _fields(row: PlanRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row.__dataclass_fields__}


def _explain(location: str, level: WebLevel, reading: StockReading, note: str) -> str:
    """The level in words: the location, then how it was made when anything was held back."""
    parts = []
    if level.clover is not None:
        parts.append(f"Clover {level.clover}")
    if level.buffer:
        parts.append(f"buffer {level.buffer}")
    if level.reserved:
        parts.append(f"reserved {level.reserved} (web orders not yet in Clover)")
    said = f"{location}: " + " - ".join(parts) + f" = {level.level}" if parts else location
    if level.clover is not None and not level.buffer and not level.reserved:
        said = f"{location}: Clover {level.clover}"
        if level.clover != level.level:
            said += f" sent as {level.level} (whole units, not below 0)"
    return f"{said}; {note}" if note else said
