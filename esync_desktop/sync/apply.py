"""Executes an action's plan: every write journalled (intent -> send -> confirm), in batches at
each API's limit, checking the cancel token between writes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from esync_desktop.connectors.errors import (
    ApiError,
    ConflictError,
    NotFoundError,
    ServerError,
    TransportError,
    ValidationError,
)
from esync_desktop.sync.journal import Journal, create_identity, find_created
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.plan_create import SEND_MATRIX, SEND_STANDARD
from esync_desktop.sync.plan_update import (
    SEND_INVENTORY_MATRIX,
    SEND_INVENTORY_STANDARD,
    SEND_PRICES,
)
from esync_desktop.sync.reading import Cancelled

log = logging.getLogger(__name__)

PRODUCT_BATCH = 10
VARIANT_BATCH = 50
INVENTORY_BATCH = 2000
# A refused write: the item is named and the run goes on with the others.
ITEM_ERRORS = (ValidationError, ConflictError, NotFoundError)


@dataclass(frozen=True)
class RowResult:
    """What became of one planned row."""

    row: PlanRow
    outcome: Outcome
    reason: Reason | None = None
    bc_id: int | None = None
    detail: str = ""
    written: bool = False


def describe_error(exc: ApiError) -> str:
    """The store's own words, with the fields it named."""
    fields = getattr(exc, "field_errors", None) or {}
    extra = "; ".join(f"{k}: {v}" for k, v in fields.items())
    text = f"{exc.title}" + (f" ({extra})" if extra else "")
    return text


class Writer:
    """Writes the rows of one task's plan to BigCommerce."""

    def __init__(
        self,
        bc: Any,
        journal: Journal,
        *,
        plan_id: str,
        run_id: int,
        tick: Callable[[PlanRow, int], None],
        cancel: threading.Event | None,
        on_item_error: Callable[[PlanRow, str], None],
        applied_before: Mapping[str, int],
        reason_text: str = "eSync Desktop: Clover stock",
    ) -> None:
        self.bc = bc
        self.journal = journal
        self.plan_id = plan_id
        self.run_id = run_id
        self.tick = tick
        self.cancel = cancel
        self.on_item_error = on_item_error
        self.applied_before = applied_before
        self.reason_text = reason_text

    # -- shared ----------------------------------------------------------------------------

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled

    def _key(self, suffix: str) -> str:
        return f"{self.plan_id}/{suffix}"

    def _failed(self, row: PlanRow, exc: ApiError) -> RowResult:
        detail = describe_error(exc)
        log.warning(
            "%s %s refused by BigCommerce: %s", row.action, row.sku or row.clover_name, detail
        )
        self.on_item_error(row, detail)
        return RowResult(row, Outcome.FAIL, Reason.REJECTED, row.bc_id, detail)

    def apply(self, plan: ActionPlan) -> list[RowResult]:
        """Results for every row of the plan, in order; raises Cancelled between writes (the
        results so far are in `self.partial`) and ApiError when a store cannot be used."""
        self.partial: list[RowResult] = []
        done = [RowResult(r, r.outcome, r.reason, r.bc_id, r.detail) for r in plan.rows]
        writes = [i for i, r in enumerate(plan.rows) if r.writes]
        self._done = done
        if plan.action in (SEND_STANDARD, SEND_MATRIX):
            for i in writes:
                self._check_cancel()
                done[i] = self._create(plan.rows[i])
                self.partial = [d for d in done]
        elif plan.action in (SEND_INVENTORY_STANDARD, SEND_INVENTORY_MATRIX):
            self._inventory(plan.action, writes, plan.rows)
        elif plan.action == SEND_PRICES:
            self._prices(writes, plan.rows)
        return done

    # -- creates ---------------------------------------------------------------------------

    def _create(self, row: PlanRow) -> RowResult:
        key = self._key(row.key)
        confirmed = self.journal.journal_confirmed(key)
        if confirmed is not None:  # this very plan was applied before (a retried apply)
            return RowResult(row, row.outcome, None, confirmed.get("id"), "applied earlier", True)
        earlier = self.applied_before.get(create_identity(row.action, row.payload))
        if earlier is not None:
            # An interrupted run created it after this plan was made: never a second one.
            self.tick(row, 1)
            return RowResult(
                row,
                Outcome.SKIP,
                Reason.ALREADY_IN_BIGCOMMERCE,
                earlier,
                "created by an earlier interrupted run",
            )
        self.journal.journal_intent(key, row.action, row.sku, row.payload, self.run_id)
        try:
            product = self.bc.create_product(row.payload)
        except ITEM_ERRORS as exc:
            self.journal.journal_fail(key, describe_error(exc))
            self.tick(row, 1)
            return self._failed(row, exc)
        except (TransportError, ServerError) as exc:
            # The request may have been applied with the answer lost: look before anything else.
            if isinstance(exc, TransportError) and not exc.maybe_applied:
                self.journal.journal_fail(key, describe_error(exc))
                raise
            product_id = find_created(self.bc, row.action, row.payload)
            if product_id is None:
                self.journal.journal_resolve(key, False, {})
                raise
            self.journal.journal_resolve(key, True, {"id": product_id})
            log.info("%s: response lost, product %s found by lookup", row.sku, product_id)
            self.tick(row, 1)
            return RowResult(row, row.outcome, None, product_id, "confirmed by lookup", True)
        product_id = int(product["id"])
        self.journal.journal_confirm(key, {"id": product_id})
        self.tick(row, 1)
        return RowResult(row, row.outcome, None, product_id, row.detail, True)

    # -- batched updates -------------------------------------------------------------------

    def _batches(
        self,
        name: str,
        rows: Sequence[tuple[int, PlanRow]],
        size: int,
        body: Callable[[PlanRow], dict[str, Any]],
        send: Callable[[list[dict[str, Any]]], object],
        *,
        counts: bool = True,
    ) -> set[int]:
        """Send rows in batches of `size`; a batch refused as a whole is split in halves until
        the refused items are found, so one bad item never blocks the others. Returns the
        indexes of rows written."""
        written: set[int] = set()
        pending = [list(rows[n : n + size]) for n in range(0, len(rows), size)]
        number = 0
        while pending:
            batch = pending.pop(0)
            self._check_cancel()
            number += 1
            key = self._key(f"{name}/{number}:{batch[0][1].key}")
            bodies = [body(row) for _, row in batch]
            self.journal.journal_intent(key, name, None, {"items": bodies}, self.run_id)
            try:
                send(bodies)
            except ITEM_ERRORS as exc:
                self.journal.journal_fail(key, describe_error(exc))
                if len(batch) > 1:
                    half = len(batch) // 2
                    pending[:0] = [batch[:half], batch[half:]]
                    continue
                index, row = batch[0]
                self._done[index] = self._failed(row, exc)
                self.tick(row, 1)
                continue
            self.journal.journal_confirm(key, {"count": len(bodies)})
            for index, row in batch:
                written.add(index)
                self._done[index] = RowResult(
                    row, row.outcome, None, row.bc_id, row.detail, written=True
                )
                if counts:
                    self.tick(row, 1)
            self.partial = list(self._done)
        return written

    def _inventory(self, action: str, writes: list[int], rows: Sequence[PlanRow]) -> None:
        tracking = [(i, rows[i]) for i in writes if "tracking" in rows[i].payload]
        ok = self._batches(
            f"{action}:tracking",
            tracking,
            PRODUCT_BATCH,
            lambda r: dict(r.payload["tracking"]),
            self.bc.update_products,
            counts=False,
        )
        if tracking:
            # The tracking switch is half of such a row's write: the stock is still to come.
            for index in ok:
                self._done[index] = RowResult(rows[index], Outcome.UPDATE, None, rows[index].bc_id)
        ready = [(i, rows[i]) for i in writes if "tracking" not in rows[i].payload or i in ok]

        def adjust(bodies: list[dict[str, Any]]) -> object:
            return self.bc.set_inventory_absolute(bodies, self.reason_text)

        self._batches(
            action,
            ready,
            INVENTORY_BATCH,
            lambda r: {k: v for k, v in r.payload.items() if k != "tracking"},
            adjust,
        )

    def _prices(self, writes: list[int], rows: Sequence[PlanRow]) -> None:
        products = [(i, rows[i]) for i in writes if "variant_id" not in rows[i].payload]
        variants = [(i, rows[i]) for i in writes if "variant_id" in rows[i].payload]
        self._batches(
            f"{SEND_PRICES}:products",
            products,
            PRODUCT_BATCH,
            lambda r: {"id": r.payload["product_id"], "price": r.payload["price"]},
            self.bc.update_products,
        )
        self._batches(
            f"{SEND_PRICES}:variants",
            variants,
            VARIANT_BATCH,
            lambda r: {
                "id": r.payload["variant_id"],
                "product_id": r.payload["product_id"],
                "price": r.payload["price"],
            },
            self.bc.update_variants,
        )


def results_written(results: Iterable[RowResult]) -> set[int]:
    return {i for i, r in enumerate(results) if r.written}
