"""Executes an action's plan: every write journalled (intent -> send -> confirm), in batches at
each API's limit, checking the cancel token between writes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import Any

from esync_desktop.connectors.errors import ApiError, ConflictError
from esync_desktop.domain.sku import sku_key
from esync_desktop.sync.breaker import (
    NO_ANSWER,
    REJECTED,
    SERVER_ERROR,
    Breaker,
    failure_kind,
)
from esync_desktop.sync.journal import Journal, create_identity, find_created, products_for_skus
from esync_desktop.sync.last_synced import LastSynced, created_values, written_values
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.sync.plan_create import SEND_MATRIX, SEND_STANDARD
from esync_desktop.sync.plan_products import UPDATE_PRODUCTS
from esync_desktop.sync.plan_update import (
    SEND_INVENTORY_MATRIX,
    SEND_INVENTORY_STANDARD,
    SEND_PRICES,
)
from esync_desktop.sync.plan_variants import is_variant_create
from esync_desktop.sync.reading import Cancelled
from esync_desktop.sync.stock.after_create import AFTER_CREATE, after_create_body
from esync_desktop.sync.true_up import TRUE_UP
from esync_desktop.sync.variant_writes import add_variant

log = logging.getLogger(__name__)

PRODUCT_BATCH = 10
VARIANT_BATCH = 50
INVENTORY_BATCH = 2000
# Failures a batch is split for: an item can be the cause (a value the store chokes on), and the
# halves are absolute writes, safe to send again. A 429 or an unreachable store is never one
# item's doing.
_SPLIT_FOR = frozenset({REJECTED, SERVER_ERROR, NO_ANSWER})
EARLIER = "created by an earlier interrupted run"
ELSEWHERE = "created meanwhile by another sync of the same stores"


# Not frozen, though never changed once made (as PlanRow): a run makes one per row.
@dataclass(slots=True)
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


def _store_words(exc: ApiError) -> str:
    status = f" ({exc.status})" if exc.status else ""
    return f"{exc.title}{status}"


class Writer:
    """Writes the rows of one task's plan to BigCommerce. An item that fails is that item's
    result and the run goes on; the breaker ends the run when the store stops answering."""

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
        undecided: AbstractSet[str] = frozenset(),
        breaker: Breaker | None = None,
        reason_text: str = "eSync Desktop: Clover stock",
        last_synced: LastSynced | None = None,
    ) -> None:
        self.bc = bc
        self.journal = journal
        self.plan_id = plan_id
        self.run_id = run_id
        self.tick = tick
        self.cancel = cancel
        self.on_item_error = on_item_error
        self.applied_before = applied_before
        # Creates an earlier run may have made but that could not be looked up: never sent now.
        self.undecided = undecided
        self.breaker = breaker or Breaker()
        self.reason_text = reason_text
        # Where the values of written fields are kept for conflict detection (update-products).
        self.last_synced = last_synced
        # Products found created by another sync meanwhile (after a 409): {identity -> id}.
        self.linked: dict[str, int] = {}
        self._prefetched = False
        self.partial: list[RowResult] = []
        self._done: list[RowResult] = []
        # What each create of this run became, by its row key: the stock rows planned "after
        # it is created" write to the id it got (or are skipped when it failed).
        self.creates: dict[str, RowResult] = {}

    # -- shared ----------------------------------------------------------------------------

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled

    def _key(self, suffix: str) -> str:
        return f"{self.plan_id}/{suffix}"

    def _failed(self, row: PlanRow, exc: ApiError, reason: Reason = Reason.REJECTED) -> RowResult:
        """A failed item: the store refused it (its words and fields), or did not answer."""
        if reason is Reason.REJECTED:
            detail = describe_error(exc)
        elif reason is Reason.UNCONFIRMED:
            said = (
                "no answer from BigCommerce"
                if exc.status is None
                else f"BigCommerce answered {exc.status} ({exc.title})"
            )
            detail = f"{said}: the write may have been made; the next sync checks it first"
        else:
            detail = f"{_store_words(exc)}: not written; the next sync sends it again"
        log.warning("%s %s failed: %s", row.action, row.sku or row.clover_name, detail)
        self.on_item_error(row, detail)
        return RowResult(row, Outcome.FAIL, reason, row.bc_id, detail)

    def apply(self, plan: ActionPlan) -> list[RowResult]:
        """Results for every row of the plan, in order; raises Cancelled between writes, and
        StoreDown when the breaker trips (the results so far are in `self.partial`)."""
        done = [RowResult(r, r.outcome, r.reason, r.bc_id, r.detail) for r in plan.rows]
        self.partial = list(done)
        self._done = done
        self._prefetched = False
        writes = [i for i, r in enumerate(plan.rows) if r.writes]
        self.breaker.check()  # settling the journal may already have found the store down
        if plan.action in (SEND_STANDARD, SEND_MATRIX):
            for n, i in enumerate(writes):
                self._check_cancel()
                done[i] = self._create(plan.rows[i], [plan.rows[j] for j in writes[n + 1 :]])
                self.creates[plan.rows[i].key] = done[i]
                self.partial = list(done)
                self.breaker.check()
        elif plan.action in (SEND_INVENTORY_STANDARD, SEND_INVENTORY_MATRIX):
            self._inventory(plan.action, writes, plan.rows)
        elif plan.action == SEND_PRICES:
            self._prices(writes, plan.rows)
        elif plan.action == TRUE_UP:
            self._true_up(writes, plan.rows)
        elif plan.action == UPDATE_PRODUCTS:
            self._products(writes, plan.rows)
        return done

    def _true_up(self, writes: list[int], rows: Sequence[PlanRow]) -> None:
        """The drift check's fixes: each row is written as the action it is a row of."""
        creates = [i for i in writes if rows[i].action in (SEND_STANDARD, SEND_MATRIX)]
        for n, i in enumerate(creates):
            self._check_cancel()
            self._done[i] = self._create(rows[i], [rows[j] for j in creates[n + 1 :]])
            self.creates[rows[i].key] = self._done[i]
            self.partial = list(self._done)
            self.breaker.check()
        for action in (SEND_INVENTORY_STANDARD, SEND_INVENTORY_MATRIX):
            self._inventory(action, [i for i in writes if rows[i].action == action], rows)
        self._prices([i for i in writes if rows[i].action == SEND_PRICES], rows)

    # -- creates ---------------------------------------------------------------------------

    def _create(self, row: PlanRow, later: Sequence[PlanRow]) -> RowResult:
        key = self._key(row.key)
        confirmed = self.journal.journal_confirmed(key)
        if confirmed is not None:  # this very plan was applied before (a retried apply)
            return RowResult(row, row.outcome, None, confirmed.get("id"), "applied earlier", True)
        identity = create_identity(row.action, row.payload)
        # An interrupted run created it after this plan was made, or another sync of the same
        # stores did meanwhile (found after a 409): never a second one.
        for known, why in ((self.applied_before, EARLIER), (self.linked, ELSEWHERE)):
            if identity in known:
                self.tick(row, 1)
                return _already(row, known[identity], why)
        if identity in self.undecided:
            self.tick(row, 1)
            detail = (
                "an earlier sync's create of it could not be checked: the next sync looks it "
                "up before sending it"
            )
            return RowResult(row, Outcome.FAIL, Reason.UNCONFIRMED, None, detail)
        self.journal.journal_intent(key, row.action, row.sku, row.payload, self.run_id)
        try:
            if is_variant_create(row.payload):
                product = add_variant(self.bc, row.payload)
            else:
                product = self.bc.create_product(row.payload)
        except ApiError as exc:
            self.tick(row, 1)
            if isinstance(exc, ConflictError):
                return self._conflict(row, key, exc, later)
            return self._create_failed(row, key, exc)
        self.breaker.answered()
        product_id = int(product["id"])
        self.journal.journal_confirm(key, {"id": product_id})
        self._remember(created_values(row))
        self.tick(row, 1)
        return RowResult(row, row.outcome, None, product_id, row.detail, True)

    def _create_failed(self, row: PlanRow, key: str, exc: ApiError) -> RowResult:
        kind = failure_kind(exc)
        if kind not in (NO_ANSWER, SERVER_ERROR):
            # Refused before any work was done (4xx, 429 after the retries, unreachable).
            self.journal.journal_fail(key, describe_error(exc))
            self.breaker.failed(exc, frozenset({key}))
            return self._failed(
                row, exc, Reason.REJECTED if kind == REJECTED else Reason.STORE_ERROR
            )
        # The answer was lost or was a 5xx: the product may exist. Look before anything else.
        try:
            product_id = find_created(self.bc, row.action, row.payload)
        except ApiError as lookup:
            log.warning("%s: the lookup after a lost answer failed: %s", row.sku, lookup)
            # The latest word on the store: a lookup that cannot reach it trips the breaker.
            self.breaker.failed(lookup, frozenset({key}))
            return self._failed(row, exc, Reason.UNCONFIRMED)
        if product_id is not None:
            self.breaker.answered()
            self.journal.journal_resolve(key, True, {"id": product_id})
            log.info("%s: response lost, product %s found by lookup", row.sku, product_id)
            return RowResult(row, row.outcome, None, product_id, "confirmed by lookup", True)
        # Not found (or not visible yet): the intent stays open, settled by the next run's
        # lookup before it could send the item again.
        self.breaker.failed(exc, frozenset({key}))
        return self._failed(row, exc, Reason.UNCONFIRMED)

    def _conflict(
        self, row: PlanRow, key: str, exc: ApiError, later: Sequence[PlanRow]
    ) -> RowResult:
        """A 409: when BigCommerce already has this very item (made by another sync of the same
        stores, or an answer lost long ago), it is linked, not failed."""
        self.breaker.answered()
        try:
            product_id = find_created(self.bc, row.action, row.payload)
        except ApiError as lookup:
            log.warning("%s: the lookup after a conflict failed: %s", row.sku, lookup)
            self.breaker.failed(lookup, frozenset({key}))
            product_id = None
        if product_id is None:
            self.journal.journal_fail(key, describe_error(exc))
            return self._failed(row, exc)
        self.journal.journal_resolve(key, True, {"id": product_id, "linked": True})
        log.info("%s: already in BigCommerce as product %s, linked", row.sku, product_id)
        if row.action == SEND_STANDARD:
            self._prefetch(later)
        return _already(row, product_id, ELSEWHERE)

    def _prefetch(self, later: Sequence[PlanRow]) -> None:
        """Another sync is creating the same products: look the rest up together once, so
        each of them costs a share of one call instead of a refused create and a lookup."""
        if self._prefetched or not later:
            return
        self._prefetched = True
        try:
            found = products_for_skus(self.bc, [str(r.payload.get("sku") or "") for r in later])
        except ApiError as exc:
            log.warning("looking up the remaining creates failed: %s", exc)
            return
        for row in later:
            product_id = found.get(sku_key(row.payload.get("sku")) or "")
            if product_id is not None:
                self.linked[create_identity(row.action, row.payload)] = product_id

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
            except ApiError as exc:
                # Absolute values: a failed batch is closed, and what is re-sent is re-planned.
                self.journal.journal_fail(key, describe_error(exc))
                kind = self.breaker.failed(exc, frozenset(i for i, _ in batch))
                if len(batch) > 1 and kind in _SPLIT_FOR and not self.breaker.tripped:
                    half = len(batch) // 2
                    pending[:0] = [batch[:half], batch[half:]]
                    continue
                reason = {
                    REJECTED: Reason.REJECTED,
                    NO_ANSWER: Reason.UNCONFIRMED,
                }.get(kind, Reason.STORE_ERROR)
                for index, row in batch:
                    self._done[index] = self._failed(row, exc, reason)
                    self.tick(row, 1)
                self.partial = list(self._done)
                self.breaker.check()
                continue
            self.breaker.answered()
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
        created = self._after_creates(action, writes, rows)
        writes = [i for i in writes if AFTER_CREATE not in rows[i].payload or i in created]
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

        def body(row: PlanRow) -> dict[str, Any]:
            if AFTER_CREATE in row.payload:
                return after_create_body(row.payload, created_ids[row.key])
            return {k: v for k, v in row.payload.items() if k != "tracking"}

        created_ids = {rows[i].key: product_id for i, product_id in created.items()}
        ok = self._batches(action, ready, INVENTORY_BATCH, body, adjust)
        for index in ok & set(created):
            # The product it was written to (a new variant is the link table's to look up).
            product_id = None if "sku" in rows[index].payload else created[index]
            self._done[index] = replace(self._done[index], bc_id=product_id)

    def _after_creates(
        self, action: str, writes: list[int], rows: Sequence[PlanRow]
    ) -> dict[int, int]:
        """The rows planned for after a create: {index -> the created product's id} for those
        whose create went through; the others are skipped, naming what became of the create."""
        ready: dict[int, int] = {}
        for index in writes:
            row = rows[index]
            key = row.payload.get(AFTER_CREATE)
            if key is None:
                continue
            made = self.creates.get(str(key))
            if (
                made is not None
                and made.bc_id is not None
                and (made.written or made.reason is Reason.ALREADY_IN_BIGCOMMERCE)
            ):
                ready[index] = made.bc_id
                continue
            self._not_created(index, made)
            self.tick(row, 1)
        # A location the create itself set (nothing planned after it) did not get it either.
        for index, row in enumerate(rows):
            key = row.facts.get("after_create")
            if row.writes or key is None or row.action != action:
                continue
            made = self.creates.get(str(key))
            if made is None or not (made.written or made.reason is Reason.ALREADY_IN_BIGCOMMERCE):
                self._not_created(index, made)
        self.partial = list(self._done)
        return ready

    def _not_created(self, index: int, made: RowResult | None) -> None:
        """A stock row of a product whose create did not go through: skipped, naming why."""
        name = repr(made.row.clover_name or made.row.sku) if made else "it"
        if made is None:
            why = "its create was not run"
        else:
            why = f"creating {name} failed ({made.detail or made.reason})"
        detail = f"not written: {why}; the next sync sets its stock once it exists"
        row = self._done[index].row
        self._done[index] = RowResult(row, Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE, None, detail)

    def _prices(self, writes: list[int], rows: Sequence[PlanRow]) -> None:
        products = [(i, rows[i]) for i in writes if "variant_id" not in rows[i].payload]
        variants = [(i, rows[i]) for i in writes if "variant_id" in rows[i].payload]
        self._batches(
            f"{SEND_PRICES}:products",
            products,
            PRODUCT_BATCH,
            lambda r: {"id": r.payload["product_id"], **_price_fields(r)},
            self.bc.update_products,
        )
        self._batches(
            f"{SEND_PRICES}:variants",
            variants,
            VARIANT_BATCH,
            lambda r: {
                "id": r.payload["variant_id"],
                "product_id": r.payload["product_id"],
                **_price_fields(r),
            },
            self.bc.update_variants,
        )

    def _products(self, writes: list[int], rows: Sequence[PlanRow]) -> None:
        """update-products: batches of products (BigCommerce takes 10 a PUT); the values of
        what was written, and of the fields both stores already agree on, are remembered."""
        ok = self._batches(
            UPDATE_PRODUCTS,
            [(i, rows[i]) for i in writes],
            PRODUCT_BATCH,
            lambda r: {k: v for k, v in r.payload.items() if not k.startswith("_")},
            self.bc.update_products,
        )
        for index, row in enumerate(rows):
            if index in ok or not row.writes:
                self._remember(written_values(row, written=index in ok))

    def _remember(self, values: list[tuple[str, str, Any, Any]]) -> None:
        if self.last_synced is not None and values:
            self.last_synced.record(values)


def _price_fields(row: PlanRow) -> dict[str, Any]:
    """What a send-prices row writes: the price, the sale price, or both (field ownership
    may have taken one out)."""
    return {k: row.payload[k] for k in ("price", "sale_price") if k in row.payload}


def _already(row: PlanRow, product_id: int, why: str) -> RowResult:
    return RowResult(row, Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE, product_id, why)


def results_written(results: Iterable[RowResult]) -> set[int]:
    return {i for i, r in enumerate(results) if r.written}
