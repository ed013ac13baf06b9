"""Settling push-orders intents whose outcome is unknown (a process killed between intent and
confirm, or an answer lost on the way back): Clover is asked whether the object exists before
anything is sent again. A lookup that cannot decide leaves the intent open: the order is
reported `unconfirmed` and looked up again next run, never sent blind."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from esync_desktop.connectors.errors import ApiError
from esync_desktop.sync.journal import Journal
from esync_desktop.sync.orders.options import ORDER, PAYMENT, PUSH_ORDERS, TENDER, key_prefix

log = logging.getLogger(__name__)

DAY_MS = 24 * 3600 * 1000
# Clover answers an externalReferenceId filter only for orders of the last 90 days; an intent
# older than this could no longer be found even if it was applied.
LOOKUP_DAYS = 89


class CloverLookups(Protocol):
    def orders_by_reference(self, reference: str) -> list[dict[str, Any]]: ...
    def order_payments(self, order_id: str) -> list[dict[str, Any]]: ...
    def iter_tenders(self) -> Iterable[dict[str, Any]]: ...


class Undecided(Exception):
    """Clover could not say whether the write happened."""


def now_ms() -> int:
    return int(time.time() * 1000)


def find_order(clover: CloverLookups, payload: Mapping[str, Any]) -> str | None:
    """The id of the Clover order made for this intent, None when Clover has none."""
    sent = int(payload.get("sent_ms") or 0)
    if sent and now_ms() - sent > LOOKUP_DAYS * DAY_MS:
        raise Undecided("sent more than 89 days ago: Clover can no longer look it up")
    found = clover.orders_by_reference(str(payload["reference"]))
    if len(found) > 1:
        log.warning("%d Clover orders carry %s", len(found), payload["reference"])
    return str(found[0]["id"]) if found else None


def find_payment(clover: CloverLookups, payload: Mapping[str, Any]) -> str | None:
    wanted = str(payload["externalPaymentId"])
    for payment in clover.order_payments(str(payload["clover_order_id"])):
        if str(payment.get("externalPaymentId") or "") == wanted:
            return str(payment["id"])
    return None


def find_tender(clover: CloverLookups, payload: Mapping[str, Any]) -> str | None:
    wanted = str(payload["label"]).strip().casefold()
    for tender in clover.iter_tenders():
        if str(tender.get("label") or "").strip().casefold() == wanted:
            return str(tender["id"])
    return None


FINDERS = {ORDER: find_order, PAYMENT: find_payment, TENDER: find_tender}


def lookup(clover: CloverLookups, kind: str, payload: Mapping[str, Any]) -> str | None:
    """Found id / None (not applied); raises Undecided when Clover cannot tell."""
    try:
        return FINDERS[kind](clover, payload)
    except ApiError as exc:
        raise Undecided(f"{exc.title}: {exc.message}") from exc


def settle(journal: Journal, clover: CloverLookups, scope: str) -> dict[str, str]:
    """Resolve every open push-orders intent of this store pair; returns the keys left open
    with why (they are reported `unconfirmed`)."""
    undecided: dict[str, str] = {}
    prefix = key_prefix(scope)
    for intent in journal.journal_open():
        if not intent.key.startswith(prefix) or not intent.action.startswith(PUSH_ORDERS):
            continue
        kind = intent.action.partition(":")[2]
        if kind not in FINDERS:
            continue
        try:
            found = lookup(clover, kind, intent.payload)
        except Undecided as exc:
            log.warning("intent %s: cannot tell whether it was applied: %s", intent.key, exc)
            undecided[intent.key] = str(exc)
            continue
        if found is None:
            log.info("intent %s: not in Clover, it was not applied", intent.key)
            journal.journal_resolve(intent.key, False, {})
        else:
            log.info("intent %s: found %s in Clover, it was applied", intent.key, found)
            journal.journal_resolve(intent.key, True, {"id": found})
    return undecided
