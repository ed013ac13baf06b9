"""The owner's words for the order steps' rows (web orders, refunds, in-store sales), made from
the rows' fields and facts: the reference that names the order in both stores, the result of
each kind of row, amounts. Works on preview rows and on a past run's items alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from esync_desktop import wording
from esync_desktop.domain.money import cents_to_decimal
from esync_desktop.domain.plan import Outcome

PUSH_ORDERS, SYNC_REFUNDS, PULL_SALES = "push-orders", "sync-refunds", "pull-sales"
ORDER_ACTIONS = frozenset({PUSH_ORDERS, SYNC_REFUNDS, PULL_SALES})
# The kinds of row (facts["kind"]) the order steps plan.
WEB_ORDER, TENDER, BC_REFUND, BC_CANCEL, RESTOCK = (
    "web_order",
    "tender",
    "bc-refund",
    "bc-cancel",
    "restock",
)
SALE = "sale"  # pull-sales rows carry no kind: each is one sale

# What a writing row does, by the kind of row: "New product" would be wrong for an order.
WRITE_WORDS = {
    WEB_ORDER: "New Clover order",
    TENDER: "New Clover tender",
    BC_REFUND: "Note on Clover order",
    BC_CANCEL: "Note on Clover order",
    RESTOCK: "Back on web stock",
    SALE: "Off web stock",
}


def is_order_row(row: Any) -> bool:
    return getattr(row, "action", None) in ORDER_ACTIONS


def facts_of(row: Any) -> dict[str, Any]:
    facts = getattr(row, "facts", None)
    return facts if isinstance(facts, dict) else {}


def kind_of(row: Any) -> str:
    """WEB_ORDER, TENDER, BC_REFUND, BC_CANCEL, RESTOCK or SALE; "" for other rows."""
    if not is_order_row(row):
        return ""
    if row.action == PULL_SALES:
        return SALE
    kind = facts_of(row).get("kind")
    if kind:
        return str(kind)
    return TENDER if row.action == PUSH_ORDERS and row.bc_id is None else ""


def money(cents: object) -> str:
    return str(cents_to_decimal(int(cents))) if isinstance(cents, int) else ""


def when(ms: object) -> str:
    """A store's epoch-ms date as the owner reads it (UTC, as the stores give it)."""
    if not isinstance(ms, int) or ms <= 0:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")


def outcome_label(row: Any) -> str:
    """The Result column: what the row does, in the words of its kind."""
    outcome = str(getattr(row.outcome, "value", row.outcome))
    if outcome in (Outcome.CREATE, Outcome.UPDATE) and is_order_row(row):
        kind = kind_of(row)
        if kind == WEB_ORDER and facts_of(row).get("clover_order_id"):
            return "Record payment"
        return WRITE_WORDS.get(kind, wording.OUTCOME_LABELS[outcome])
    if outcome == "not_done":
        return "Not done (cancelled)"
    return wording.OUTCOME_LABELS.get(outcome, outcome)


def clover_order(row: Any) -> str:
    """The Clover order of a row: the one made by the run, else the one the plan knows."""
    facts = facts_of(row)
    return str(getattr(row, "clover_id", None) or facts.get("clover_order_id") or "")


def new_words(rows: Any) -> tuple[str, str]:
    """What the preview's headline calls the rows that create: products, or (for the order
    steps) records in Clover (orders, a tender), or both."""
    creating = {is_order_row(r) for r in rows if r.outcome == Outcome.CREATE}
    if creating == {True}:
        return "new record in Clover", "new records in Clover"
    if creating == {True, False}:
        return "new product or record", "new products or records"
    return "new product", "new products"


def short_reference(row: Any) -> str:
    """A few characters naming an order step's row in a narrow column ("Order #101")."""
    kind = kind_of(row)
    if kind in (WEB_ORDER, BC_REFUND, BC_CANCEL):
        return f"Order #{row.bc_id}"
    if kind == TENDER:
        return "Tender"
    if kind in (RESTOCK, SALE):
        return "In-store"
    return ""


def reference(row: Any, *, short: bool = False) -> str:
    """Both stores' references of an order step's row ("BigCommerce #101 → Clover 7XK…");
    `short` leaves out the store names where the column already says what it is ("#101 →
    Clover 7XK…"); empty for catalogue rows."""
    kind, facts = kind_of(row), facts_of(row)
    clover = clover_order(row)
    web = f"#{row.bc_id}" if short else f"BigCommerce #{row.bc_id}"
    if kind == WEB_ORDER:
        if clover:
            return f"{web} → Clover {clover}"
        creates = str(getattr(row.outcome, "value", row.outcome)) == Outcome.CREATE
        return web + (" → new Clover order" if creates else "")
    if kind == TENDER:
        return f"Clover tender “{facts.get('label') or row.clover_name or ''}”"
    if kind in (BC_REFUND, BC_CANCEL):
        what = (
            f"Refund #{facts.get('refund_id')} of {web}"
            if kind == BC_REFUND
            else f"Cancelled {web}"
        )
        return f"{what} → Clover {clover}" if clover else f"{what} (not in Clover)"
    if kind == RESTOCK:
        title = facts.get("order_title") or row.clover_name or ""
        refund = f"Refund {facts.get('refund_id')} of “{title}”"
        return refund if short else f"Clover {refund[0].lower()}{refund[1:]} (Clover {clover})"
    if kind == SALE:
        sale = "sale" if short else "Clover sale"
        return f"“{row.clover_name or ''}” ({sale} {row.clover_id})"
    return ""


def task_problem_text(problem: Any) -> str:
    """Why a task may not hold these steps (sync.task_check.TaskProblem), from its fields."""
    steps = [f"“{wording.action_label(a)}”" for a in problem.actions]
    if problem.code == "stock_counted_twice":
        sales, stock = steps[0], " and ".join(steps[1:])
        return (
            f"{sales} and {stock} both change the stock of BigCommerce location "
            f"{problem.location_id}. The stock step sets the web stock to Clover's, which "
            "already counts the in-store sales, so each sale would come off twice. Put them "
            "in separate tasks for different locations, or keep only one of them."
        )
    return str(problem.message)
