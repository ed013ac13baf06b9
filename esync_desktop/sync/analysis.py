"""Reading a plan or a run as the owner needs it: which items need them, which SKUs a plan
creates, which create step held an item back, and how many distinct items rows cover.

Works on PlanRow and on a past run's item records (ItemResult, or rows of a run document),
which carry the same fields with the outcome and reason as plain strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Protocol

from esync_desktop.sync.model import Outcome, PlanRow, Reason

# The steps that create products: a later step cannot find an item they skipped.
CREATE_ACTIONS = ("send-standard", "send-matrix")
# Skips that are normal and need nothing from the owner (not listed under "Needs attention").
NO_ATTENTION_REASONS = frozenset(
    {
        Reason.ALREADY_IN_BIGCOMMERCE,
        Reason.UNCHANGED,
        # The order steps' skips that are how things should be (see docs/ENGINE.md).
        Reason.STATUS_NOT_SELECTED,
        Reason.NOT_IN_CLOVER,
        Reason.FROM_BIGCOMMERCE,
        Reason.NOT_PAID,
        Reason.NOT_OWNED,
    }
)


class RowLike(Protocol):
    """What a plan row and a past run's item record have in common."""

    @property
    def action(self) -> str: ...
    @property
    def sku(self) -> str | None: ...
    @property
    def outcome(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def clover_id(self) -> str | None: ...
    @property
    def clover_name(self) -> str | None: ...
    @property
    def changes(self) -> Mapping[str, Any]: ...


Row = PlanRow | RowLike


def as_reason(value: object) -> Reason | None:
    """A reason code, also from the plain string a run's item record keeps."""
    if value is None or isinstance(value, Reason):
        return value
    try:
        return Reason(str(value))
    except ValueError:
        return None


def needs_attention(row: Row, creating: frozenset[str] = frozenset()) -> bool:
    """Skipped or failed for a reason the owner can do something about."""
    if row.outcome == Outcome.FAIL:
        return True
    if row.reason == Reason.NOT_IN_BIGCOMMERCE and row.sku and row.sku.casefold() in creating:
        return False
    if row.reason == Reason.NOT_RESTOCKED:
        # An in-store return waits for the owner's choice only where a line could go back.
        lines = (getattr(row, "facts", None) or {}).get("restock_lines") or []
        return any(isinstance(line, dict) and line.get("possible") for line in lines)
    return row.outcome == Outcome.SKIP and as_reason(row.reason) not in NO_ATTENTION_REASONS


def _variant_skus(row: Row) -> list[str]:
    """The SKUs of the variants a new product with variants brings (its row has no SKU)."""
    value = (row.changes or {}).get("variants")
    new = value[-1] if isinstance(value, list | tuple) and value else None
    return [s for s in new if isinstance(s, str) and s] if isinstance(new, list | tuple) else []


def created_skus(rows: Iterable[Row]) -> frozenset[str]:
    """The SKUs (case-folded) the rows create, the variants of new products included."""
    skus: set[str] = set()
    for r in rows:
        if r.outcome == Outcome.CREATE:
            skus.update(s.casefold() for s in ([r.sku] if r.sku else _variant_skus(r)))
    return frozenset(skus)


def create_skips(rows: Iterable[Row]) -> dict[str, Any]:
    """The SKUs (case-folded) that a create step skips or fails for something the owner can
    fix, each to the first such row: a later step's "Not found in BigCommerce" points to it."""
    found: dict[str, Any] = {}
    for r in rows:
        if r.action not in CREATE_ACTIONS or not r.sku:
            continue
        if r.outcome in (Outcome.SKIP, Outcome.FAIL) and as_reason(r.reason) not in (
            NO_ATTENTION_REASONS
        ):
            found.setdefault(r.sku.casefold(), r)
    return found


def document_rows(document: Mapping[str, Any]) -> list[Any]:
    """The rows of a plan or run document (report.plan_document / run_document) as records."""
    return [SimpleNamespace(**r) for a in document.get("actions", ()) for r in a.get("rows", ())]


def run_attention(document: Mapping[str, Any]) -> int:
    """How many items of a run (its document: RunResult.document) need the owner."""
    rows = document_rows(document)
    creating = created_skus(rows)
    return count_items(rows, lambda r: needs_attention(r, creating))


def item_key(row: Row) -> str:
    """What makes the rows of one item one item: its SKU, else its Clover id or name."""
    if row.sku:
        return "sku:" + row.sku.casefold()
    if row.clover_id or row.clover_name:
        return f"clover:{row.clover_id or ''}:{(row.clover_name or '').casefold()}"
    return f"row:{id(row)}"


def count_items(rows: Iterable[Any], wanted: Callable[[Any], bool] = bool) -> int:
    """How many distinct items (see item_key) have a row that is `wanted`."""
    return len({item_key(r) for r in rows if wanted(r)})


def attention_items(rows: Sequence[Row]) -> int:
    """How many distinct items of these rows need the owner."""
    creating = created_skus(rows)
    return count_items(rows, lambda r: needs_attention(r, creating))


@dataclass(frozen=True)
class ItemTally:
    """Items (not rows: an item has a row per step) by what becomes of them, each counted once:
    needing the owner first, then new, then updated. An item whose later steps only wait for
    the product this plan creates counts as new."""

    new: int = 0
    updated: int = 0
    attention: int = 0
    unchanged: int = 0


def tally_items(rows: Sequence[Row]) -> ItemTally:
    creating = created_skus(rows)
    state: dict[str, int] = {}  # item key -> rank: 3 attention, 2 new, 1 updated, 0 neither
    for r in rows:
        if needs_attention(r, creating):
            rank = 3
        elif r.outcome == Outcome.CREATE:
            rank = 2
        elif r.outcome == Outcome.UPDATE:
            rank = 1
        else:
            rank = 0
        key = item_key(r)
        if state.get(key, -1) < rank:
            state[key] = rank
    ranks = list(state.values())
    return ItemTally(ranks.count(2), ranks.count(1), ranks.count(3), ranks.count(0))


@dataclass(frozen=True)
class FixGroup:
    """Items that need the owner for one cause, each once (its first row kept): a reason, and
    for a missing BigCommerce category the category's name."""

    reason: Reason | None
    category: str | None
    rows: tuple[Any, ...]

    @property
    def count(self) -> int:
        return len(self.rows)


def _causes(row: Row) -> list[tuple[Reason | None, str | None]]:
    reason = as_reason(row.reason)
    missing = getattr(row, "missing_categories", None) or ()
    if reason == Reason.CATEGORY_NOT_IN_BIGCOMMERCE and missing:
        return [(reason, name) for name in missing]
    return [(reason, None)]


def fix_groups(rows: Sequence[Row]) -> list[FixGroup]:
    """The items that need the owner, grouped by what to fix, largest group first. A later
    step that cannot find an item the create step skipped is that create's cause, not one more:
    the item is counted once, where the fix is."""
    creating = created_skus(rows)
    held = create_skips(rows)
    groups: dict[tuple[Reason | None, str | None], dict[str, Any]] = {}
    for r in rows:
        if not needs_attention(r, creating):
            continue
        cause_row = r
        if as_reason(r.reason) == Reason.NOT_IN_BIGCOMMERCE and r.sku:
            cause_row = held.get(r.sku.casefold(), r)
        for cause in _causes(cause_row):
            groups.setdefault(cause, {}).setdefault(item_key(r), cause_row)
    found = [
        FixGroup(reason, cat, tuple(items.values())) for (reason, cat), items in groups.items()
    ]
    return sorted(found, key=lambda g: (-g.count, str(g.reason), g.category or ""))
