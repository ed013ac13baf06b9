"""The owner's words for what the engine reports in codes: outcome and reason labels, what to
do about a skipped or failed item, changes and counts. One source for the window and the CLI
(no Qt here); the engine's codes stay in --json and the stored history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from esync_desktop.domain.plan import Outcome, PlanRow, Reason
from esync_desktop.sync.analysis import as_reason

OUTCOME_LABELS: dict[str, str] = {
    Outcome.CREATE: "New product",
    Outcome.UPDATE: "Update",
    Outcome.UNCHANGED: "No change",
    Outcome.SKIP: "Skipped",
    Outcome.FAIL: "Failed",
}
# Words for the counts line ("12 new, 3 to update...") and the run summaries.
OUTCOME_COUNT_WORDS: dict[str, str] = {
    Outcome.CREATE: "created",
    Outcome.UPDATE: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.SKIP: "skipped",
    Outcome.FAIL: "failed",
}
PREVIEW_COUNT_WORDS: dict[str, str] = {
    Outcome.CREATE: "to create",
    Outcome.UPDATE: "to update",
    Outcome.UNCHANGED: "unchanged",
    Outcome.SKIP: "skipped",
    Outcome.FAIL: "failed",
}

REASON_TEXT: dict[str, str] = {
    Reason.MISSING_SKU: "No SKU in Clover",
    Reason.DUPLICATE_SKU: "Same SKU on more than one item",
    Reason.MISSING_NAME: "No name in Clover",
    Reason.MISSING_WEIGHT: "No weight for this item",
    Reason.INACTIVE: "Hidden or not for sale in Clover",
    Reason.NO_STOCK_VALUE: "Stock never counted in Clover",
    Reason.NEGATIVE_STOCK: "Stock is below zero in Clover",
    Reason.NEGATIVE_PRICE: "Price is below zero in Clover",
    Reason.NO_CATEGORY: "Not in any Clover category",
    Reason.CATEGORY_NOT_IN_BIGCOMMERCE: "Category missing in BigCommerce",
    Reason.ALREADY_IN_BIGCOMMERCE: "Already in BigCommerce",
    Reason.NOT_IN_BIGCOMMERCE: "Not found in BigCommerce",
    Reason.NAME_MISMATCH: "Names differ in the two stores",
    Reason.UNCHANGED: "Already up to date",
    Reason.REJECTED: "BigCommerce refused it",
    Reason.STORE_ERROR: "BigCommerce did not answer",
    Reason.UNCONFIRMED: "Not confirmed yet",
    Reason.BAD_DATA: "Store sent unreadable data",
    Reason.NAME_TOO_LONG: "Name too long for BigCommerce",
    Reason.NAME_IN_USE: "Name already used",
    Reason.SKU_TOO_LONG: "SKU too long for BigCommerce",
    Reason.PRICE_OUT_OF_RANGE: "Price too high for BigCommerce",
    Reason.WEIGHT_OUT_OF_RANGE: "Weight outside BigCommerce's range",
    Reason.OPTION_TOO_LONG: "Option name too long",
    Reason.TOO_MANY_VARIANTS: "More than 600 variants",
    Reason.STATUS_NOT_SELECTED: "Order status not selected",
    Reason.ALREADY_IN_CLOVER: "Already in Clover",
    Reason.UNMATCHED_LINE: "A line has no Clover item",
    Reason.TOTALS_DIFFER: "Totals differ",
    Reason.NO_TENDER: "No Clover tender for this payment",
    Reason.NOT_IN_CLOVER: "Order never reached Clover",
    Reason.ALREADY_RECORDED: "Already recorded",
    Reason.NOT_RESTOCKED: "Not put back on the web stock",
    Reason.WEB_ORDER_REFUND: "Refund of a web order in Clover",
    Reason.FROM_BIGCOMMERCE: "A web order, not an in-store sale",
    Reason.NOT_PAID: "Not paid yet",
    Reason.ALREADY_COUNTED: "Already taken off the web stock",
    Reason.OPTION_MISMATCH: "Options differ from the web product's",
    Reason.FROM_CLOVER: "An in-store sale, not a web order",
    Reason.DRIFT: "Changed in both stores, or changed on the web store",
    Reason.RELINKED: "Linked to the product that now has the SKU",
    Reason.NOT_OWNED: "Not Clover's to write",
    Reason.CONFLICT: "Changed in both stores",
    Reason.STALE_STOCK: "Clover stock not read for too long",
}


# What to do about a skipped item, `{item}` naming it ("SKU MUG-1", or "each item" for a list).
# Reasons whose advice needs more than the item are worded in fix_for.
FIX_TEXT: dict[str, str] = {
    Reason.MISSING_WEIGHT: (
        "Add a weight for {item} in Weight rules (or one for its category, or a default)"
    ),
    Reason.DUPLICATE_SKU: "Make {item} unique: give each item or product its own SKU",
    Reason.MISSING_NAME: "Give {item} a name in Clover",
    Reason.INACTIVE: "Make {item} available in Clover if it should be sold online",
    Reason.NO_STOCK_VALUE: "Enter a stock count for {item} in Clover",
    Reason.NEGATIVE_STOCK: "Count {item} and correct its stock in Clover",
    Reason.NEGATIVE_PRICE: "Correct the price of {item} in Clover",
    Reason.NO_CATEGORY: "Put {item} in a category in Clover",
    Reason.ALREADY_IN_BIGCOMMERCE: (
        "Nothing to do: it is already in your web store (the stock and price steps update it)"
    ),
    Reason.NOT_IN_BIGCOMMERCE: (
        "Create {item} in BigCommerce first (a 'Create products' step in Tasks does that)"
    ),
    Reason.NAME_MISMATCH: (
        "Make the names match, or untick 'Names must match' for this action in Tasks"
    ),
    Reason.STORE_ERROR: "Nothing to do now: the next sync sends {item} again",
    Reason.UNCONFIRMED: (
        "Nothing to do now: the next sync looks {item} up in BigCommerce before sending it again"
    ),
    Reason.NAME_TOO_LONG: (
        "Shorten the name of {item} in Clover to 250 characters or fewer, or tick "
        "'Shorten names longer than 250 characters' for this step in Tasks"
    ),
    Reason.SKU_TOO_LONG: "Shorten the SKU of {item} in Clover to 255 characters or fewer",
    Reason.PRICE_OUT_OF_RANGE: "Check the price of {item} in Clover",
    Reason.WEIGHT_OUT_OF_RANGE: (
        "Correct the weight rule for {item} in Weight rules (more than 0, at most 9,999,999,999)"
    ),
    Reason.OPTION_TOO_LONG: (
        "Shorten the attribute or option names of {item} in Clover to 255 characters or fewer"
    ),
    Reason.TOO_MANY_VARIANTS: "Split the item group of {item} in Clover into groups of at most 600",
    Reason.STATUS_NOT_SELECTED: (
        "Nothing to do, unless orders of this status should reach Clover: add the status to "
        "'Order statuses to push' for this step in Tasks"
    ),
    Reason.ALREADY_IN_CLOVER: "Nothing to do: this order is already in Clover",
    Reason.UNMATCHED_LINE: (
        "The order is pushed with that line as a custom line; give the product the SKU of a "
        "Clover item if its stock should be counted"
    ),
    Reason.TOTALS_DIFFER: (
        "Compare the order in both stores and correct it in Clover; the next sync checks it again"
    ),
    Reason.NO_TENDER: (
        "Create the tender in Clover, map the payment method to an existing tender, or tick "
        "'Create the tender in Clover' for this step in Tasks"
    ),
    Reason.NOT_IN_CLOVER: (
        "Nothing to do: the web order was never pushed to Clover, so there is nothing to correct"
    ),
    Reason.ALREADY_RECORDED: "Nothing to do: this refund was already handled",
    Reason.NOT_RESTOCKED: (
        "Nothing to do if the items cannot be sold again; otherwise tick 'Put in-store returns "
        "back on the web stock' for the step in Tasks, or tick the line in the preview"
    ),
    Reason.WEB_ORDER_REFUND: (
        "Refund web orders in BigCommerce: the web store then keeps its own books and stock"
    ),
    Reason.FROM_BIGCOMMERCE: (
        "Nothing to do: BigCommerce took these units off its stock when the order was placed"
    ),
    Reason.NOT_PAID: "Nothing to do: the sale is counted once it is paid in Clover",
    Reason.ALREADY_COUNTED: (
        "Nothing to do: an earlier sync took its units off BigCommerce's stock"
    ),
    Reason.OPTION_MISMATCH: (
        "Give {item} the same attributes as the web product's options in Clover (or add the "
        "option to the product in BigCommerce), each variant with its own option values"
    ),
    Reason.FROM_CLOVER: (
        "Nothing to do: this order records an in-store Clover sale, which is already in Clover"
    ),
    Reason.DRIFT: (
        "Compare {item} in both stores and correct it where it is wrong; the next drift check "
        "compares it again"
    ),
    Reason.RELINKED: "Nothing to do: the sync now updates the product that has the SKU",
    Reason.NOT_OWNED: (
        "Nothing to do: the field belongs to BigCommerce or to nobody (Settings, Field "
        "ownership); give it to Clover there if Clover's value should be sent"
    ),
    Reason.CONFLICT: (
        "Pick which store's value to keep for {item}: right-click the row in the preview, or "
        "run 'esync-desktop conflicts resolve'"
    ),
    Reason.STALE_STOCK: (
        "Check that the Clover merchant of this location answers (its token, the device's "
        "internet); the stale-stock guard publishes this level until it does"
    ),
}
# Where a reason means something else for one action: (action, reason) -> what to do.
ACTION_FIX_TEXT: dict[tuple[str, str], str] = {
    ("pull-sales", Reason.UNMATCHED_LINE): (
        "The lines named take nothing off the web stock: give the BigCommerce product the "
        "SKU of the Clover item so later sales count, and correct this sale's units there by "
        "hand"
    ),
    ("pull-sales", Reason.UNCONFIRMED): (
        "Look at the stock of this sale's products in BigCommerce: the decrement may have been "
        "applied. It is never sent twice; the next sync looks at the levels again"
    ),
}


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 item', '2 items', '0 items' ('1 entry', '3 entries' with `many`)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def verb(n: int, one: str, many: str) -> str:
    """The verb agreeing with a count: verb(1, 'needs', 'need') -> 'needs'."""
    return one if n == 1 else many


def _quoted(name: str | None) -> str:
    return f"'{name or 'the item'}'"


def _item(row: Any) -> str:
    if row.sku:
        return f"SKU {row.sku}"
    facts = getattr(row, "facts", None) or {}
    if facts.get("count"):
        # A row that stands for several items (update-products' missing ones): name them so.
        return f"these {facts['count']} items"
    return f"'{row.clover_name}'" if row.clover_name else "this item"


def reason_label(reason: object) -> str:
    """A reason code in plain words (also from the plain string a stored record keeps)."""
    if not reason:
        return ""
    code = str(getattr(reason, "value", reason))
    return REASON_TEXT.get(code, code.replace("_", " ").capitalize())


def reason_text(row: Any) -> str:
    """The row's reason in plain words; empty for rows that will simply be written."""
    return reason_label(row.reason)


def _held_back_by(row: Any) -> str:
    return getattr(row, "held_back_by", None) or ""


def _missing_categories(row: Any) -> list[str]:
    return list(getattr(row, "missing_categories", None) or ())


def fix_for(
    row: Any,
    creating: frozenset[str] = frozenset(),
    create_skips: Mapping[str, Any] | None = None,
    *,
    subject: str = "",
) -> str:
    """What the owner can do so that the row goes through next time; empty when nothing.
    `creating`: the SKUs (case-folded) that the same plan creates; `create_skips`: the SKUs
    (case-folded) that its create steps skip, each to that row (see analysis.create_skips).
    `subject` names the item instead of its SKU ("each item", for a list of items).
    Also takes a run's item records (reason and outcome as plain strings)."""
    reason = as_reason(row.reason)
    skips = create_skips or {}
    sku = row.sku.casefold() if row.sku else ""
    if reason is Reason.NOT_IN_BIGCOMMERCE and sku in creating:
        return "Nothing to do: this sync creates it, and the next one keeps it up to date"
    cause = skips.get(sku) if reason is Reason.NOT_IN_BIGCOMMERCE else None
    if cause is not None and as_reason(cause.reason) is not Reason.NOT_IN_BIGCOMMERCE:
        fix = fix_for(cause, creating, skips, subject=subject)
        step = action_short_label(cause.action)
        return f"The “{step}” step skips it, so it is not created. {fix}".strip()
    held = _held_back_by(row)
    if held:
        other = skips.get(held.casefold())
        if other is None or other is row or _held_back_by(other):
            other = _without_facts(row, held)
        return f"{fix_for(other, creating)}; the whole group waits for SKU {held}"
    item = subject or _item(row)
    if reason is Reason.CATEGORY_NOT_IN_BIGCOMMERCE:
        names = _missing_categories(row)
        if not names:
            return f"Create the category of {item} in BigCommerce or map it in Weight rules"
        return f"Create category '{', '.join(names)}' in BigCommerce or map it in Weight rules"
    if reason is Reason.MISSING_SKU:
        return f"Give {subject or _quoted(row.clover_name)} a SKU in Clover"
    facts = getattr(row, "facts", None) or {}
    if reason is Reason.BAD_DATA:
        return _bad_data_fix(item, facts)
    if reason is Reason.NAME_IN_USE:
        return _name_in_use_fix(item, facts)
    per_action = ACTION_FIX_TEXT.get((str(getattr(row, "action", "")), str(reason)))
    if per_action is not None:
        return per_action.format(item=item)
    if reason in FIX_TEXT:
        return FIX_TEXT[reason].format(item=item)
    if reason is Reason.REJECTED:
        return f"Correct {item} as BigCommerce asks ({row.detail}), then sync again"
    if row.outcome == Outcome.FAIL:
        return "Sync again later; if it fails again, look it up in the Integration log"
    return ""


def _bad_data_fix(item: str, facts: Mapping[str, Any]) -> str:
    store = facts.get("store") or "the store"
    if facts.get("position") is not None:
        return (
            f"{store} sent an entry that is not an item (entry {int(facts['position']) + 1}); "
            "if it persists, send Help > Export diagnostics to support"
        )
    if facts.get("field"):
        return (
            f"Correct the {facts['field']} of {item} in {store} (it reads {facts.get('value')!s}); "
            "the next preview reads it again"
        )
    return f"Correct {item} in {store}; the next preview reads it again"


def _name_in_use_fix(item: str, facts: Mapping[str, Any]) -> str:
    if facts.get("bc_id") is not None:
        return (
            f"Rename {item} in Clover, or rename BigCommerce product {facts['bc_id']} "
            f"('{facts.get('bc_name', '')}')"
        )
    if facts.get("clover_id"):
        return f"Give {item} and Clover item {facts['clover_id']} different names"
    return f"Give {item} a name no other product has"


def _without_facts(row: Any, sku: str) -> Any:
    """The holding variant as far as this row knows it: its SKU, the row's reason, no facts."""
    if isinstance(row, PlanRow):
        return replace(row, sku=sku, detail="", held_back_by=None, missing_categories=())
    from types import SimpleNamespace

    return SimpleNamespace(
        action=row.action, sku=sku, outcome=row.outcome, reason=row.reason,
        clover_id=None, clover_name=None, detail="",
    )  # fmt: skip


def item_fix(item: Any, creating: frozenset[str] = frozenset(),
             create_skips: Mapping[str, Any] | None = None) -> str:  # fmt: skip
    """'What to do' for an item of a past run: only skipped, failed and not-done items."""
    if item.outcome == "not_done":
        return "Nothing to fix: the sync stopped before it, and the next sync sends it"
    if item.outcome not in (Outcome.SKIP, Outcome.FAIL):
        return ""
    return fix_for(item, creating, create_skips)


FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "sku": "SKU",
    "price": "Price",
    "weight": "Weight",
    "inventory_level": "Stock",
    "inventory_tracking": "Stock tracking",
    "categories": "Categories",
    "description": "Description",
    "variants": "Variants",
    "options": "Options",
    "is_visible": "Visible on the web",
    "tax_class_id": "Tax class",
    "sale_price": "Sale price",
}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def value_text(value: Any, limit: int | None = 40) -> str:
    """A value as the owner reads it; cut to `limit` characters (None: in full)."""
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, limit) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def changes_text(
    changes: Mapping[str, Any], limit: int | None = 40, skip: tuple[str, ...] = ()
) -> str:
    """'Stock: 3 → 5; Price: 9.00 → 9.50'; a new product lists its values only. Values are
    cut to `limit` characters (None: in full); fields in `skip` are left out when new."""
    parts = []
    for field, (old, new) in changes.items():
        label = field_label(field)
        if old is None:
            if field not in skip:
                parts.append(f"{label}: {value_text(new, limit)}")
        else:
            parts.append(f"{label}: {value_text(old, limit)} → {value_text(new, limit)}")
    return "; ".join(parts)


def counts_text(counts: Mapping[str, int], words: Mapping[str, str] = OUTCOME_COUNT_WORDS) -> str:
    return ", ".join(f"{counts.get(o.value, 0)} {words[o.value]}" for o in Outcome)


def items_headline(tally: Any, new: tuple[str, str] = ("new product", "new products")) -> str:
    """A plan in items, as the owner counts them: "158 new products, 8 updates, 50 need you"
    (`tally` is an analysis.ItemTally; `new` names what is created, one and many)."""
    parts = [plural(tally.new, *new), plural(tally.updated, "update")]
    if tally.attention:
        parts.append(f"{tally.attention} {verb(tally.attention, 'needs', 'need')} you")
    if tally.unchanged:
        parts.append(f"{plural(tally.unchanged, 'item')} with nothing to do")
    return ", ".join(parts)


def fix_group_title(group: Any) -> str:
    """A fix-it group's heading (`group` is an analysis.FixGroup): "16 items have no weight",
    "category 'Bags' is missing in BigCommerce (4 items)", "names differ for 3 items"."""
    n, reason = group.count, str(getattr(group.reason, "value", group.reason or ""))
    items = plural(n, "item")
    if reason == "missing_weight":
        return f"{items} {verb(n, 'has', 'have')} no weight"
    if reason == "category_not_in_bigcommerce" and group.category:
        return f"category '{group.category}' is missing in BigCommerce ({items})"
    if reason == "name_mismatch":
        return f"names differ for {items}"
    if reason == "missing_sku":
        return f"{items} {verb(n, 'has', 'have')} no SKU in Clover"
    if not reason:
        return f"{items} failed"
    return f"{items}: {reason_label(reason).rstrip('.')}"


def sent_text(done: int, total: int) -> str:
    """The sync's progress bar: writes sent so far (a refused one counts as sent)."""
    return f"{done} of {plural(total, 'change')} sent"


def run_summary(counts: Mapping[str, int], *, cancelled: bool, seconds: float) -> str:
    """What a sync did: the changes made, then every result (one per item and step)."""
    made = counts.get(Outcome.CREATE, 0) + counts.get(Outcome.UPDATE, 0)
    failed = counts.get(Outcome.FAIL, 0)
    took = f" in {seconds:.0f} s" if seconds >= 1 else ""
    head = f"Stopped on request{took}" if cancelled else f"Finished{took}"
    before = " before stopping" if cancelled else ""
    text = f"{head}: {plural(made, 'change')} made in BigCommerce{before}"
    text += f", {failed} failed." if failed else "."
    total = sum(counts.get(o.value, 0) for o in Outcome)
    return f"{text} {plural(total, 'result')}, one per item and step: {counts_text(counts)}."


ACTION_LABELS: dict[str, str] = {
    "send-standard": "Create simple products from Clover items",
    "send-matrix": "Create products with variants from Clover item groups",
    "send-inventory-standard": "Update stock of simple products",
    "send-inventory-matrix": "Update stock of variants",
    "send-prices": "Update prices",
    "push-orders": "Push web orders into Clover",
    "sync-refunds": "Follow refunds and cancellations",
    "pull-sales": "Take in-store sales off the web stock",
    "create-categories": "Create categories in BigCommerce",
    "true-up": "Check both stores for drift and fix it",
    "update-products": "Update names, descriptions and other product fields",
}
# For table cells, where the full labels would be cut off.
ACTION_SHORT_LABELS: dict[str, str] = {
    "send-standard": "New product",
    "send-matrix": "New product with variants",
    "send-inventory-standard": "Stock",
    "send-inventory-matrix": "Stock of variants",
    "send-prices": "Price",
    "push-orders": "Web order",
    "sync-refunds": "Refund",
    "pull-sales": "In-store sale",
    "create-categories": "New category",
    "true-up": "Drift check",
    "update-products": "Product fields",
}

OPTION_LABELS: dict[str, str] = {
    "visible": "Show new products in the web store",
    "require_name_match": "Names must match in both stores",
    "truncate_long_names": "Shorten names longer than 250 characters (at a word)",
    "statuses": "Order statuses to push",
    "tenders": "Clover tender for each BigCommerce payment method",
    "default_tender": "Clover tender for other payment methods",
    "create_tender": "Create the tender in Clover",
    "first_run_days": "On the first run, look back this many days",
    "restock": "Put in-store returns back on the web stock",
    "restock_lines": "Restock choice for each returned line",
    "location_id": "BigCommerce location the sales come off (0: the one in Settings)",
    "as_orders": "Record in-store sales as BigCommerce orders (instead of stock adjustments)",
    "at": "Drift check: daily at (HH:MM)",
    "own_schedule": "Drift check on its own schedule (else with every run)",
}

TRIGGER_LABELS = {"manual": "By hand", "scheduled": "Scheduled"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def action_short_label(action: str) -> str:
    return ACTION_SHORT_LABELS.get(action, action_label(action))


def option_label(option: str) -> str:
    return OPTION_LABELS.get(option, option.replace("_", " ").capitalize())


def after_sync_banner(cancelled: bool, counts: Mapping[str, int]) -> tuple[str, str]:
    """The Preview's banner once its plan was run: (banner kind, text). Only a run that went
    through to the end, with nothing refused, says it synced."""
    made = counts.get(Outcome.CREATE, 0) + counts.get(Outcome.UPDATE, 0)
    if cancelled:
        return "warning", (
            f"Sync cancelled after {plural(made, 'change')}: the rest was not sent. "
            "Preview again to see what is left to do."
        )
    failed = counts.get(Outcome.FAIL, 0)
    if failed:
        return "error", (
            f"Synced with {plural(failed, 'failure')}: see the Sync page for what BigCommerce "
            "refused. Preview again to see what is left to do."
        )
    return "ok", "Synced. Preview again to see what is left to do."


QUOTA_WAIT_REASONS = {
    "rate_limited": "rate limit",
    "low_quota": "quota nearly used up",
}


def quota_text(state: Any) -> str:
    """The status bar's line during a sync (`state` is a connectors.pacing.QuotaState):
    "BigCommerce quota 62 % · waiting 3 s (rate limit)"; empty when the store said nothing."""
    parts = []
    used = state.used_share
    if used is not None:
        parts.append(f"BigCommerce quota {round(used * 100)} %")
    if state.waiting_s > 0:
        why = QUOTA_WAIT_REASONS.get(state.reason, "rate limit")
        seconds = max(1, round(state.waiting_s))
        parts.append(f"waiting {seconds} s ({why})")
        if used is None:
            parts.insert(0, "BigCommerce")
    return " · ".join(parts)


# Field ownership (domain/ownership.py): the fields and owners as the owner reads them.
OWNED_FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "description": "Description",
    "price": "Price",
    "sale_price": "Sale price",
    "weight": "Weight",
    "categories": "Categories",
    "visibility": "Visibility",
    "tax_class": "Tax class",
    "stock": "Stock",
}
OWNER_LABELS: dict[str, str] = {
    "clover": "Clover",
    "bigcommerce": "BigCommerce",
    "clover_unless_blank": "Clover, unless blank there",
    "nobody": "Nobody (never written)",
}


def owned_field_label(name: str) -> str:
    return OWNED_FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def owner_label(owner: str) -> str:
    return OWNER_LABELS.get(owner, owner)


# An item's steps in one cell ("New product ✓ · Stock (Main Street) next sync · Price —"):
# a mark per step state (see sync/items.py), and the words the cell's tooltip spells out.
STEP_MARKS: dict[str, str] = {
    "create": "✓",
    "update": "✓",
    "unchanged": "—",
    "skip": "—",
    "waits": "next sync",
    "attention": "⚠",
    "fail": "✗",
    "not_done": "not done",
}
STEP_STATE_WORDS: dict[str, str] = {
    "create": "creates it",
    "update": "changes it",
    "unchanged": "nothing to change",
    "skip": "nothing to do",
    "waits": "follows once the new product exists (the next sync)",
    "attention": "skipped: needs you",
    "fail": "failed",
    "not_done": "not done (the sync was cancelled)",
}
# An item's result when its only steps wait for a product that this sync creates.
WAITS_RESULT = "With new product"


def step_name(row: Any) -> str:
    """A step in a few words, with its location for the per-location steps."""
    step = action_short_label(row.action)
    facts = getattr(row, "facts", None) or {}
    location = facts.get("location") if isinstance(facts, Mapping) else None
    return f"{step} ({location})" if location else step


def steps_text(item: Any) -> str:
    """An item's steps in one line (`item` is a sync.items.ItemRow)."""
    return " · ".join(
        f"{step_name(s)} {STEP_MARKS.get(state, '')}".strip()
        for s, state in zip(item.steps, item.states, strict=True)
    )


def steps_words(item: Any) -> str:
    """The same, a line per step in words (the cell's tooltip)."""
    return "\n".join(
        f"{step_name(s)}: {STEP_STATE_WORDS.get(state, state)}"
        for s, state in zip(item.steps, item.states, strict=True)
    )
