"""Each Clover merchant's last confirmed stock read, kept on the link table of its store pair
(what the stale-stock guard publishes from, and what the tray's status reads): when, in
`link_reads` (part `clover_stock:<merchant id>`, the time also as its watermark, in ms, with
the merchant's name and location in the summary), and each SKU's level then, in `link_records`
(kind `clover_stock:<merchant id>`, one record per SKU key, replaced whole by each read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from esync_desktop.storage.state.links import LinkChange, LinkRead

PREFIX = "clover_stock:"


class ReadStore(Protocol):
    """The link table's parts this uses (StateDb has these)."""

    def link_records(self, scope: str, kind: str) -> dict[str, Any]: ...
    def link_read(self, scope: str, part: str) -> LinkRead | None: ...
    def links_write(self, scope: str, change: LinkChange) -> None: ...


@dataclass(frozen=True)
class LastRead:
    """A merchant's last confirmed stock read: when, and each SKU's level then (by SKU key:
    the SKU as typed and the level); `location` names its location as it was then."""

    read_ms: int
    levels: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    location: str = ""


def part(merchant_id: str) -> str:
    """The link_reads part and link_records kind of one merchant's read."""
    return f"{PREFIX}{merchant_id}"


def save_last_read(
    store: ReadStore,
    scope: str,
    merchant_id: str,
    record: LastRead,
    *,
    merchant: str,
    location_id: int,
) -> None:
    """Remember a confirmed read in one transaction (the levels replace the earlier ones)."""
    name = part(merchant_id)
    at = datetime.fromtimestamp(record.read_ms / 1000, UTC)
    summary = {"merchant": merchant, "location_id": location_id, "location": record.location}
    docs: dict[str, Any] = {
        k: {"sku": sku, "level": str(v)} for k, (sku, v) in record.levels.items()
    }
    change = LinkChange(
        records={name: docs},
        replace_kinds={name},
        reads=[LinkRead(name, at, record.read_ms, summary)],
    )
    store.links_write(scope, change)


def last_read(
    store: ReadStore, scope: str, merchant_id: str, *, levels: bool = True
) -> LastRead | None:
    """The merchant's last confirmed read (None: never); without `levels`, its time and
    location only (the status asks on the window's thread)."""
    mark = store.link_read(scope, part(merchant_id))
    if mark is None or mark.watermark_ms is None:
        return None
    found: dict[str, tuple[str, Decimal]] = {}
    for key, doc in (store.link_records(scope, part(merchant_id)) if levels else {}).items():
        try:
            found[str(key)] = (str(doc["sku"]), Decimal(str(doc["level"])))
        except (ArithmeticError, KeyError, TypeError, ValueError):
            continue  # a damaged record: that SKU is not published by the guard
    return LastRead(mark.watermark_ms, found, str(mark.summary.get("location") or ""))
