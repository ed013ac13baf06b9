"""Every sentence the window shows a store owner, and which screen each kind of error leads to.

Tests replace `notifier` to see what would have been shown without opening modal dialogs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from types import SimpleNamespace
from typing import Any, Protocol

from esync_desktop import APP_NAME, __version__
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from esync_desktop.ui.log_text import log_details as log_details
from esync_desktop.ui.log_text import log_item as log_item
from esync_desktop.ui.log_text import log_what as log_what
from esync_desktop.ui.log_text import log_when as log_when

# --- outcomes, reasons and fixes ----------------------------------------------------------

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
}

_CATEGORY_DETAIL = re.compile(r"no BigCommerce category named (?P<names>.+)$")


_HELD_BACK = re.compile(r"held back: variant (?P<sku>.+) of the group")
# The steps that create products: a later step cannot find an item they skipped.
CREATE_ACTIONS = ("send-standard", "send-matrix")


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 item', '2 items', '0 items' ('1 entry', '3 entries' with `many`)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def verb(n: int, one: str, many: str) -> str:
    """The verb agreeing with a count: verb(1, 'needs', 'need') -> 'needs'."""
    return one if n == 1 else many


def _item(row: Any) -> str:
    if row.sku:
        return f"SKU {row.sku}"
    return f"'{row.clover_name}'" if row.clover_name else "this item"


def _reason(value: Any) -> Reason | None:
    """A reason code, also from the plain string a run's item record keeps."""
    if value is None or isinstance(value, Reason):
        return value
    try:
        return Reason(value)
    except ValueError:
        return None


def reason_text(row: PlanRow) -> str:
    """The row's reason in plain words; empty for rows that will simply be written."""
    if row.reason is None:
        return ""
    return REASON_TEXT.get(row.reason, row.reason.replace("_", " ").capitalize())


def fix_for(
    row: PlanRow,
    creating: frozenset[str] = frozenset(),
    create_skips: Mapping[str, Any] | None = None,
) -> str:
    """What the owner can do so that the row goes through next time; empty when nothing.
    `creating`: the SKUs (case-folded) that the same plan creates; `create_skips`: the SKUs
    (case-folded) that its create steps skip, each to that row (see `create_skips`).
    Also takes a run's item records (reason and outcome as plain strings)."""
    reason = _reason(row.reason)
    skips = create_skips or {}
    sku = row.sku.casefold() if row.sku else ""
    if reason is Reason.NOT_IN_BIGCOMMERCE and sku in creating:
        return "Nothing to do: this sync creates it, and the next one keeps it up to date"
    cause = skips.get(sku) if reason is Reason.NOT_IN_BIGCOMMERCE else None
    if cause is not None and _reason(cause.reason) is not Reason.NOT_IN_BIGCOMMERCE:
        fix = fix_for(cause, creating, skips)
        step = action_short_label(cause.action)
        return f"The “{step}” step skips it, so it is not created. {fix}".strip()
    held = _HELD_BACK.search(row.detail or "")
    if held:
        other = skips.get(held["sku"].casefold())
        if other is None or other is row or _HELD_BACK.search(other.detail or ""):
            other = replace(row, sku=held["sku"], detail="")
        return f"{fix_for(other, creating)}; the whole group waits for SKU {held['sku']}"
    item = _item(row)
    if reason is Reason.MISSING_WEIGHT:
        return f"Add a weight for {item} in Weight rules (or one for its category, or a default)"
    if reason is Reason.CATEGORY_NOT_IN_BIGCOMMERCE:
        match = _CATEGORY_DETAIL.search(row.detail or "")
        if match is None:
            return f"Create the category of {item} in BigCommerce or map it in Weight rules"
        return f"Create category '{match['names']}' in BigCommerce or map it in Weight rules"
    if reason is Reason.MISSING_SKU:
        return f"Give '{row.clover_name or 'the item'}' a SKU in Clover"
    if reason is Reason.DUPLICATE_SKU:
        return f"Make {item} unique: give each item or product its own SKU"
    if reason is Reason.MISSING_NAME:
        return f"Give {item} a name in Clover"
    if reason is Reason.INACTIVE:
        return f"Make {item} available in Clover if it should be sold online"
    if reason is Reason.NO_STOCK_VALUE:
        return f"Enter a stock count for {item} in Clover"
    if reason is Reason.NEGATIVE_STOCK:
        return f"Count {item} and correct its stock in Clover"
    if reason is Reason.NEGATIVE_PRICE:
        return f"Correct the price of {item} in Clover"
    if reason is Reason.NO_CATEGORY:
        return f"Put {item} in a category in Clover"
    if reason is Reason.ALREADY_IN_BIGCOMMERCE:
        return (
            "Nothing to do: it is already in your web store (the stock and price steps update it)"
        )
    if reason is Reason.NOT_IN_BIGCOMMERCE:
        return f"Create {item} in BigCommerce first (a 'Create products' step in Tasks does that)"
    if reason is Reason.NAME_MISMATCH:
        return "Make the names match, or untick 'Names must match' for this action in Tasks"
    if reason is Reason.REJECTED:
        return f"Correct {item} as BigCommerce asks ({row.detail}), then sync again"
    if row.outcome == Outcome.FAIL:
        return "Sync again later; if it fails again, look it up in the Integration log"
    return ""


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
}


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def changes_text(changes: Mapping[str, tuple[Any, Any]]) -> str:
    """'Stock: 3 → 5; Price: 9.00 → 9.50'; a new product lists its values only."""
    parts = []
    for field, (old, new) in changes.items():
        label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
        if old is None:
            parts.append(f"{label}: {_value(new)}")
        else:
            parts.append(f"{label}: {_value(old)} → {_value(new)}")
    return "; ".join(parts)


def counts_text(counts: Mapping[str, int], words: Mapping[str, str] = OUTCOME_COUNT_WORDS) -> str:
    return ", ".join(f"{counts.get(o.value, 0)} {words[o.value]}" for o in Outcome)


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
}
# For table cells, where the full labels would be cut off.
ACTION_SHORT_LABELS: dict[str, str] = {
    "send-standard": "New product",
    "send-matrix": "New product with variants",
    "send-inventory-standard": "Stock",
    "send-inventory-matrix": "Stock of variants",
    "send-prices": "Price",
}
# Skips that are normal and need nothing from the owner (not listed under "Needs attention").
NO_ATTENTION_REASONS = frozenset({Reason.ALREADY_IN_BIGCOMMERCE, Reason.UNCHANGED})

OPTION_LABELS: dict[str, str] = {
    "visible": "Show new products in the web store",
    "require_name_match": "Names must match in both stores",
}

TRIGGER_LABELS = {"manual": "By hand", "scheduled": "Scheduled"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def action_short_label(action: str) -> str:
    return ACTION_SHORT_LABELS.get(action, action_label(action))


def needs_attention(row: PlanRow, creating: frozenset[str] = frozenset()) -> bool:
    """Skipped or failed for a reason the owner can do something about."""
    if row.outcome == Outcome.FAIL:
        return True
    if row.reason == Reason.NOT_IN_BIGCOMMERCE and row.sku and row.sku.casefold() in creating:
        return False
    return row.outcome == Outcome.SKIP and row.reason not in NO_ATTENTION_REASONS


def _variant_skus(row: Any) -> list[str]:
    """The SKUs of the variants a new product with variants brings (its row has no SKU)."""
    value = (row.changes or {}).get("variants")
    new = value[-1] if isinstance(value, list | tuple) and value else None
    return [s for s in new if isinstance(s, str) and s] if isinstance(new, list | tuple) else []


def created_skus(rows: Iterable[PlanRow]) -> frozenset[str]:
    """The SKUs (case-folded) the rows create, the variants of new products included."""
    skus: set[str] = set()
    for r in rows:
        if r.outcome == Outcome.CREATE:
            skus.update(s.casefold() for s in ([r.sku] if r.sku else _variant_skus(r)))
    return frozenset(skus)


def create_skips(rows: Iterable[Any]) -> dict[str, Any]:
    """The SKUs (case-folded) that a create step skips or fails for something the owner can
    fix, each to the first such row: a later step's "Not found in BigCommerce" points to it."""
    found: dict[str, Any] = {}
    for r in rows:
        if r.action not in CREATE_ACTIONS or not r.sku:
            continue
        if r.outcome in (Outcome.SKIP, Outcome.FAIL) and _reason(r.reason) not in (
            NO_ATTENTION_REASONS
        ):
            found.setdefault(r.sku.casefold(), r)
    return found


def run_attention(document: Mapping[str, Any]) -> int:
    """How many items of a run (its document: RunResult.document) need the owner."""
    rows = [SimpleNamespace(**r) for a in document.get("actions", ()) for r in a.get("rows", ())]
    creating = created_skus(rows)
    return count_items(rows, lambda r: needs_attention(r, creating))


def item_key(row: Any) -> str:
    """What makes the rows of one item one item: its SKU, else its Clover id or name."""
    if row.sku:
        return "sku:" + row.sku.casefold()
    if row.clover_id or row.clover_name:
        return f"clover:{row.clover_id or ''}:{(row.clover_name or '').casefold()}"
    return f"row:{id(row)}"


def count_items(rows: Iterable[Any], wanted: Callable[[Any], bool] = bool) -> int:
    """How many distinct items (see item_key) have a row that is `wanted`."""
    return len({item_key(r) for r in rows if wanted(r)})


def option_label(option: str) -> str:
    return OPTION_LABELS.get(option, option.replace("_", " ").capitalize())


# --- errors and the screen each leads to ----------------------------------------------------


class Flow(StrEnum):
    CREDENTIALS = "credentials"  # open the Connections page on the failing store
    RETRY_LATER = "retry"  # unreachable: say so, tray shows the error state
    ITEM = "item"  # validation: the item is named with what to fix
    KEYRING = "keyring"  # no OS keyring: what to install or unlock
    BUSY = "busy"  # another sync holds the run lock
    PREVIEW_AGAIN = "preview"  # the plan is out of date
    CANCELLED = "cancelled"
    DETAILS = "details"  # unknown: a dialog with copyable details


@dataclass(frozen=True)
class UserError:
    title: str
    message: str
    flow: Flow


_FLOW_BY_CLASS: dict[str, Flow] = {
    # By class name along the MRO: the UI needs no import of where each error class lives.
    "AuthError": Flow.CREDENTIALS,
    "ConfigurationError": Flow.CREDENTIALS,
    "NotFoundError": Flow.CREDENTIALS,
    "ValidationError": Flow.ITEM,
    "ConflictError": Flow.ITEM,
    "TransportError": Flow.RETRY_LATER,
    "ServerError": Flow.RETRY_LATER,
    "RateLimitedError": Flow.RETRY_LATER,
    "SecretsUnavailable": Flow.KEYRING,
    "NoKeyringError": Flow.KEYRING,
    "KeyringLocked": Flow.KEYRING,
    "RunLocked": Flow.BUSY,
    "StalePlan": Flow.PREVIEW_AGAIN,
    "Cancelled": Flow.CANCELLED,
}
_TITLES: dict[Flow, str] = {
    Flow.CREDENTIALS: "Check your connection details",
    Flow.RETRY_LATER: "A store could not be reached",
    Flow.ITEM: "An item was refused",
    Flow.KEYRING: "No safe place to keep your tokens",
    Flow.BUSY: "Another sync is running",
    Flow.PREVIEW_AGAIN: "The preview is out of date",
    Flow.CANCELLED: "Stopped",
    Flow.DETAILS: "Something went wrong",
}
_DEFAULT_MESSAGES: dict[Flow, str] = {
    Flow.CREDENTIALS: "Open Connections, check the details and tokens, then test again.",
    Flow.RETRY_LATER: "Check the internet connection; eSync Desktop tries again on the next run.",
    Flow.BUSY: "Wait for the sync that is running to finish, then try again.",
    Flow.PREVIEW_AGAIN: "Another sync ran since this preview was made. Preview again, then sync.",
    Flow.CANCELLED: "Stopped on request. What was done so far is kept.",
    Flow.KEYRING: "",
    Flow.ITEM: "",
    Flow.DETAILS: "The details below help support find the cause.",
}

KEYRING_HELP = (
    "eSync Desktop keeps API tokens only in your system's keyring, never in a plain file, "
    "and no keyring is available right now. On Linux, install and unlock GNOME Keyring or "
    "KWallet (for example: sudo apt install gnome-keyring) and log in again; on Windows and "
    "macOS the built-in Credential Manager / Keychain is used. Nothing was saved."
)


def describe_error(exc: BaseException) -> UserError:
    """The title, the message (what to do next) and the screen for an exception."""
    flow = Flow.DETAILS
    for cls in type(exc).__mro__:
        if cls.__name__ in _FLOW_BY_CLASS:
            flow = _FLOW_BY_CLASS[cls.__name__]
            break
    title = getattr(exc, "title", None) or _TITLES[flow]
    message = getattr(exc, "message", None) or str(exc) or _DEFAULT_MESSAGES[flow]
    if flow is Flow.KEYRING:
        message = f"{message} Nothing was saved in a plain file." if str(exc) else KEYRING_HELP
    elif flow in (Flow.BUSY, Flow.PREVIEW_AGAIN, Flow.CANCELLED) and not getattr(
        exc, "message", None
    ):
        message = str(exc) or _DEFAULT_MESSAGES[flow]
    return UserError(str(title), str(message), flow)


# --- titles and fixed sentences -------------------------------------------------------------

ABOUT = (
    f"<h3>{APP_NAME} {__version__}</h3>"
    "<p>Keeps your Clover point of sale and your BigCommerce web store in step: products, "
    "variants, stock and prices, with a preview of every change before it is made.</p>"
)
NO_TRAY = (
    f"Your desktop has no system tray, so closing this window quits {APP_NAME} and scheduled "
    "syncs stop until you open it again."
)
SETTINGS_RESET_TITLE = "Some settings could not be read"
DEMO_LEAVE = (
    "The demo stores stay connected until eSync Desktop is restarted. Restart it, then enter "
    "your own stores on this page."
)
TO_TRAY = f"{APP_NAME} keeps running in the tray and syncs on schedule. Quit from the tray menu."


class Notifier(Protocol):
    def info(self, title: str, text: str) -> None: ...
    def error(self, title: str, text: str, details: str = "") -> None: ...


class _DialogNotifier:
    """Modal message boxes; imported lazily so this module stays importable without a display."""

    def info(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        QMessageBox.information(QApplication.activeWindow(), title, text)

    def error(self, title: str, text: str, details: str = "") -> None:
        from esync_desktop.ui.error_dialog import ErrorDialog

        ErrorDialog(title, text, details).exec()


notifier: Notifier = _DialogNotifier()
