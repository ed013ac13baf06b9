"""push-orders: its id, default options, journal keys, and reading the options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from esync_desktop.domain.orders import NEVER_PUSHED, STATUS_IDS, STATUS_NAMES

PUSH_ORDERS = "push-orders"
DEFAULT_STATUSES = (
    "Awaiting Fulfillment",
    "Awaiting Shipment",
    "Awaiting Pickup",
    "Partially Shipped",
    "Shipped",
    "Completed",
)
DEFAULT_TENDER = "BigCommerce"
DEFAULTS: dict[str, Any] = {
    # BigCommerce statuses whose orders are pushed (names or ids). Incomplete, Pending and
    # Declined are never pushed: no sale happened.
    "statuses": list(DEFAULT_STATUSES),
    # BigCommerce payment method -> Clover tender label; other methods use default_tender.
    "tenders": {},
    "default_tender": DEFAULT_TENDER,
    # Create a mapped tender that Clover does not have yet (a previewed write of its own).
    "create_tender": True,
    # The first run looks this many days back (Clover can look an order up by its reference
    # only within 90 days, so this stays well inside that).
    "first_run_days": 30,
}
MAX_FIRST_RUN_DAYS = 80
# Journal kinds: the intent's action is f"{PUSH_ORDERS}:{kind}".
ORDER, PAYMENT, TENDER = "order", "payment", "tender"


def journal_key(scope: str, kind: str, ident: object) -> str:
    """Stable per store pair and object (not per plan): an order is pushed once, ever."""
    return f"{scope}|{PUSH_ORDERS}/{kind}/{ident}"


def key_prefix(scope: str) -> str:
    return f"{scope}|{PUSH_ORDERS}/"


@dataclass(frozen=True)
class OrderOptions:
    statuses: frozenset[int]
    tenders: dict[str, str]  # payment method (casefolded) -> tender label
    default_tender: str
    create_tender: bool
    first_run_days: int
    notes: tuple[str, ...] = ()

    def tender_for(self, payment_method: str) -> str:
        return self.tenders.get(payment_method.strip().casefold(), self.default_tender)

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> OrderOptions:
        merged = {**DEFAULTS, **dict(options)}
        notes: list[str] = []
        wanted: set[int] = set()
        folded = {name.casefold(): sid for name, sid in STATUS_IDS.items()}
        for value in _listed(merged.get("statuses")):
            sid = value if isinstance(value, int) else folded.get(str(value).strip().casefold())
            if sid is None and str(value).strip().isdigit():
                sid = int(str(value).strip())
            if sid not in STATUS_NAMES:
                notes.append(f"unknown status {value!r} in the option statuses is ignored")
            elif sid in NEVER_PUSHED:
                notes.append(f"{STATUS_NAMES[sid]} orders are never pushed (no sale happened)")
            else:
                wanted.add(sid)
        tenders = {
            str(k).strip().casefold(): str(v).strip()
            for k, v in _pairs(merged.get("tenders")).items()
            if str(k).strip() and str(v).strip()
        }
        try:
            days = int(str(merged.get("first_run_days") or DEFAULTS["first_run_days"]))
        except ValueError:
            notes.append("first_run_days is not a whole number: 30 days are read")
            days = int(DEFAULTS["first_run_days"])
        return cls(
            statuses=frozenset(wanted),
            tenders=tenders,
            default_tender=str(merged.get("default_tender") or DEFAULT_TENDER).strip(),
            create_tender=bool(merged.get("create_tender")),
            first_run_days=max(1, min(days, MAX_FIRST_RUN_DAYS)),
            notes=tuple(notes),
        )


def _listed(value: object) -> list[Any]:
    """A list option, also as typed on the command line ("Shipped, Completed")."""
    if isinstance(value, str):
        return [part for part in (p.strip() for p in value.split(",")) if part]
    return list(value) if isinstance(value, list | tuple) else []


def _pairs(value: object) -> dict[Any, Any]:
    """A map option, also as typed on the command line ("Cash on Delivery=Cash; PayPal=Other")."""
    if isinstance(value, str):
        pairs = (part.partition("=") for part in value.replace(";", ",").split(","))
        return {k.strip(): v.strip() for k, sep, v in pairs if sep}
    return dict(value) if isinstance(value, dict) else {}
