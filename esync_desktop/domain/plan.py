"""What a plan is made of: outcomes, reason codes, rows, and the plans of actions and tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    FAIL = "fail"


class Reason(StrEnum):
    """Why an item is not written. Stable strings: the UI, the CLI's JSON and the log use them."""

    MISSING_SKU = "missing_sku"
    DUPLICATE_SKU = "duplicate_sku"
    MISSING_NAME = "missing_name"
    MISSING_WEIGHT = "missing_weight"
    INACTIVE = "inactive"
    NO_STOCK_VALUE = "no_stock_value"
    NEGATIVE_STOCK = "negative_stock"
    NEGATIVE_PRICE = "negative_price"
    NO_CATEGORY = "no_category"
    CATEGORY_NOT_IN_BIGCOMMERCE = "category_not_in_bigcommerce"
    ALREADY_IN_BIGCOMMERCE = "already_in_bigcommerce"
    NOT_IN_BIGCOMMERCE = "not_in_bigcommerce"
    NAME_MISMATCH = "name_mismatch"
    UNCHANGED = "unchanged"
    # A write that BigCommerce refused (422/409...): a mapping error with the item named.
    REJECTED = "rejected"
    # A field either store sent cannot be read (wrong type, out of range, unparseable); the
    # row's facts name the field, the value (shortened) and the store.
    BAD_DATA = "bad_data"
    # What BigCommerce would refuse on a create (its catalog spec's limits); facts give the
    # value and the limit.
    NAME_TOO_LONG = "name_too_long"
    NAME_IN_USE = "name_in_use"
    SKU_TOO_LONG = "sku_too_long"
    PRICE_OUT_OF_RANGE = "price_out_of_range"
    WEIGHT_OUT_OF_RANGE = "weight_out_of_range"
    OPTION_TOO_LONG = "option_too_long"
    TOO_MANY_VARIANTS = "too_many_variants"
    # A write the store did not answer (5xx, 429 after every retry): nothing was written.
    STORE_ERROR = "store_error"
    # A write whose answer was lost and that a lookup could not find: it may have been made.
    # The next run looks it up before it could send it again.
    UNCONFIRMED = "unconfirmed"
    # Orders (push-orders): see docs/ENGINE.md "Web orders into Clover".
    STATUS_NOT_SELECTED = "status_not_selected"
    ALREADY_IN_CLOVER = "already_in_clover"
    UNMATCHED_LINE = "unmatched_line"
    TOTALS_DIFFER = "totals_differ"
    NO_TENDER = "no_tender"
    # Refunds (sync-refunds): see docs/ENGINE.md "Refunds and cancellations".
    NOT_IN_CLOVER = "not_in_clover"
    ALREADY_RECORDED = "already_recorded"
    NOT_RESTOCKED = "not_restocked"
    WEB_ORDER_REFUND = "web_order_refund"
    # In-store sales (pull-sales): see docs/ENGINE.md "In-store sales off the web stock".
    FROM_BIGCOMMERCE = "from_bigcommerce"
    NOT_PAID = "not_paid"
    ALREADY_COUNTED = "already_counted"
    # A new variant of a product already in BigCommerce whose Clover attributes are not the
    # product's options, or whose option values another variant has (send-matrix).
    OPTION_MISMATCH = "option_mismatch"
    # A BigCommerce order that records an in-store Clover sale (pull-sales' as_orders option):
    # push-orders never sends it back into Clover.
    FROM_CLOVER = "from_clover"
    # The drift check (true-up): see docs/ENGINE.md "The drift check".
    DRIFT = "drift"
    RELINKED = "relinked"
    # Field ownership (update-products and every writing action): see docs/ENGINE.md "Field
    # ownership". facts: field, owner.
    NOT_OWNED = "not_owned"
    # A field changed in both stores since the last sync; facts: field, clover_value,
    # web_value, clover_time, web_time. Not written until the owner picks a side.
    CONFLICT = "conflict"
    # Stock by location: a location whose Clover merchant was not read for longer than the
    # owner's limit, published by the stale-stock guard (docs/ENGINE.md "Stock by location").
    STALE_STOCK = "stale_stock"


ORDER_REASONS = frozenset(
    {
        Reason.STATUS_NOT_SELECTED,
        Reason.ALREADY_IN_CLOVER,
        Reason.UNMATCHED_LINE,
        Reason.TOTALS_DIFFER,
        Reason.NO_TENDER,
        Reason.UNCONFIRMED,
        Reason.NOT_IN_CLOVER,
        Reason.ALREADY_RECORDED,
        Reason.NOT_RESTOCKED,
        Reason.WEB_ORDER_REFUND,
        Reason.FROM_BIGCOMMERCE,
        Reason.NOT_PAID,
        Reason.ALREADY_COUNTED,
        Reason.FROM_CLOVER,
    }
)


ACTION_IDS = (
    "send-standard",
    "send-matrix",
    "send-inventory-standard",
    "send-inventory-matrix",
    "send-prices",
    "push-orders",
    "sync-refunds",
    "pull-sales",
    # The fix for a missing BigCommerce category, run from the preview (not a task's step).
    "create-categories",
    "true-up",
    "update-products",
)
# The catalogue actions (Clover -> BigCommerce), in the order of the default task.
CATALOGUE_ACTION_IDS = ACTION_IDS[:5]


# The changes, payload or facts of the many rows that have none (unchanged, skipped): one
# dict they share, never filled (a row's dicts are not changed once it is made).
EMPTY: dict[str, Any] = {}


# Not frozen, though never changed once made (dataclasses.replace makes another): a plan of
# 100k items makes 300k rows, and a frozen dataclass's __init__ costs three times as much.
@dataclass(slots=True)
class PlanRow:
    """One item's verdict. `changes` maps a field to (old, new); `payload` is what apply() sends
    and is never shown; `key` is the idempotency key of the write (empty when none). A row is
    not changed once made, nor are its dicts (rows without changes may share one empty dict)."""

    action: str
    sku: str | None
    outcome: Outcome
    reason: Reason | None = None
    clover_id: str | None = None
    clover_name: str | None = None
    bc_id: int | None = None
    bc_name: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    detail: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    # Cursor bookkeeping: the source timestamp that made the row a candidate (epoch ms) and the
    # content hash recorded once the row is fully handled. Never shown.
    source_ms: int | None = None
    content_hash: str = ""
    # What the cursor tracks this row under (the Clover item id, or the item group's id for
    # the rows of one group); empty: the row does not move any cursor.
    cursor_key: str = ""
    # Facts the owner's words are made from (never parsed back out of `detail`): the Clover
    # categories with no BigCommerce category (category_not_in_bigcommerce), and the variant
    # (its SKU, else its Clover id) whose skip holds back this one's whole group.
    missing_categories: tuple[str, ...] = ()
    held_back_by: str | None = None
    # The reason's particulars as data (a field and its value, a limit, the id of the product
    # holding a name...), for wording and --json; `detail` is the same in words.
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def writes(self) -> bool:
        return self.outcome in (Outcome.CREATE, Outcome.UPDATE)

    def public_changes(self) -> dict[str, list[Any]]:
        """`changes` as public() shows them."""
        return {k: [_plain(v[0]), _plain(v[1])] for k, v in self.changes.items()}

    def public_facts(self) -> dict[str, Any]:
        """`facts` as public() shows them."""
        return {k: _plain(v) for k, v in self.facts.items()}

    def public(self) -> dict[str, Any]:
        """The row as shown to people and in --json: no payload, key or cursor bookkeeping."""
        return {
            "action": self.action,
            "sku": self.sku,
            # _value_: what .value gives, without the enum property's lookup (300k rows).
            "outcome": self.outcome._value_,
            "reason": self.reason._value_ if self.reason else None,
            "clover_id": self.clover_id,
            "clover_name": self.clover_name,
            "bc_id": self.bc_id,
            "bc_name": self.bc_name,
            "changes": self.public_changes() if self.changes else {},
            "detail": self.detail,
            "missing_categories": list(self.missing_categories),
            "held_back_by": self.held_back_by,
            "facts": self.public_facts() if self.facts else {},
        }


def _plain(value: Any) -> Any:
    """JSON-friendly value: Decimals as strings (exact), tuples as lists."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class ActionPlan:
    action: str
    rows: tuple[PlanRow, ...]
    # The cursor value this action may advance to once every row it covers is handled.
    cursor_after: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def counts(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        for row in self.rows:
            counts[row.outcome.value] += 1
        return counts

    @property
    def has_work(self) -> bool:
        return any(row.writes for row in self.rows)


@dataclass(frozen=True)
class TaskPlan:
    task: str
    actions: tuple[ActionPlan, ...]
    # When stop_when_empty cut the task short: the action that had nothing to do.
    stopped_after: str | None = None
    api_calls: dict[str, int] = field(default_factory=dict)
    # Identifies this plan in the journal: applying the same plan twice never writes twice.
    plan_id: str = ""

    def counts(self) -> dict[str, int]:
        total = {o.value: 0 for o in Outcome}
        for action in self.actions:
            for key, value in action.counts().items():
                total[key] += value
        return total
