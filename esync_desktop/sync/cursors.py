"""Per-action cursors: a source-time watermark with an overlap window, plus content hashes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import blake2b
from typing import Any

from esync_desktop.sync.model import Outcome, PlanRow, Reason

# Clover timestamps come from many devices and a server that may commit late; anything modified
# within this window before the watermark is read again, and the content hash keeps what was
# already handled from being written twice.
OVERLAP_MS = 5 * 60 * 1000

# Skip reasons that can clear without the Clover item changing (a weight rule is added, a
# category appears in BigCommerce, the other holder of a SKU is fixed, a product is created):
# such items are not fully handled, so the watermark stays below them and they are seen again.
RETRY_REASONS = frozenset(
    {
        Reason.MISSING_WEIGHT,
        Reason.DUPLICATE_SKU,
        Reason.CATEGORY_NOT_IN_BIGCOMMERCE,
        Reason.NOT_IN_BIGCOMMERCE,
        Reason.NAME_MISMATCH,
        Reason.REJECTED,
        # Cleared by a fix on the web store or in the owner's rules and options, without the
        # Clover item changing (bad data read from Clover is re-checked on every run anyway).
        Reason.BAD_DATA,
        Reason.NAME_IN_USE,
        Reason.NAME_TOO_LONG,
        Reason.WEIGHT_OUT_OF_RANGE,
        Reason.OPTION_MISMATCH,
        # A field the owner may give back to Clover in Settings.
        Reason.NOT_OWNED,
    }
)


@dataclass(frozen=True)
class Cursor:
    """`since_ms`: every item whose source time is at or before it was fully handled (None: no
    run yet). `hashes`: content hash of each item handled inside the overlap window."""

    since_ms: int | None = None
    hashes: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"since_ms": self.since_ms, "hashes": dict(sorted(self.hashes.items()))}

    @classmethod
    def from_json(cls, value: object) -> Cursor:
        if not isinstance(value, dict):
            return cls()
        since = value.get("since_ms")
        hashes = value.get("hashes") or {}
        return cls(
            since_ms=int(since) if isinstance(since, int) else None,
            hashes={str(k): str(v) for k, v in hashes.items()} if isinstance(hashes, dict) else {},
        )

    @property
    def window_start_ms(self) -> int | None:
        """Items with a source time after this are candidates (the overlap included)."""
        return None if self.since_ms is None else self.since_ms - OVERLAP_MS

    def is_candidate(self, key: str, source_ms: int, content_hash: str) -> bool:
        """Modified since the cursor: inside the window and not already handled as it is now."""
        start = self.window_start_ms
        if start is not None and source_ms <= start:
            return False
        return self.hashes.get(key) != content_hash


def content_hash(*parts: object) -> str:
    """A short stable hash of the fields an action depends on: the same parts give the same
    20 hex digits in every process. The text hashed is the repr of the parts: fixed for str,
    int, float, bool, None, Decimal and tuples and lists of them (whatever the hash seed);
    a mapping is sorted first and any other object is its str()."""
    for part in parts:
        if type(part) not in _PLAIN:
            parts = tuple(map(_canonical, parts))
            break
    return plain_hash(parts)


def plain_hash(parts: tuple[Any, ...]) -> str:
    """content_hash of parts already plain (values of the types above, and tuples of them),
    without checking them: the same digest, for the planners' hot loops."""
    return blake2b(repr(parts).encode(), digest_size=10).hexdigest()


_PLAIN = frozenset((str, int, float, bool, type(None), Decimal))


def _canonical(value: object) -> object:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, tuple | list):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _canonical(v)) for k, v in value.items()))
    return str(value)


def is_fully_handled(row: PlanRow, written: bool) -> bool:
    """A row is fully handled when its write was confirmed, or nothing is left to do for it
    until the Clover item itself changes."""
    if row.outcome in (Outcome.CREATE, Outcome.UPDATE):
        return written
    if row.outcome is Outcome.FAIL:
        return False
    return row.reason not in RETRY_REASONS


def advance(previous: Cursor, rows: Iterable[PlanRow], handled: set[int]) -> Cursor:
    """The cursor after a run. `rows` are an action's rows in plan order; `handled` holds the
    indexes of those fully handled. The watermark moves to the newest source time seen, but
    never past an item that still needs work; rows sharing a cursor key (the variants of one
    group) count as handled only together."""
    entries: dict[str, tuple[int, str, bool]] = {}
    for i, row in enumerate(rows):
        if not row.cursor_key or row.source_ms is None:
            continue
        source, digest, done = entries.get(row.cursor_key, (row.source_ms, row.content_hash, True))
        entries[row.cursor_key] = (max(source, row.source_ms), digest, done and i in handled)
    if not entries:
        return previous
    newest = max(source for source, _, _ in entries.values())
    pending = [source for source, _, done in entries.values() if not done]
    since = min(pending) - 1 if pending else newest
    if not pending and previous.since_ms is not None:
        since = max(since, previous.since_ms)
    start = since - OVERLAP_MS
    hashes: dict[str, str] = {}
    for key, (source, digest, done) in entries.items():
        if source <= start:
            continue  # behind the window: the watermark covers it
        if done and digest:
            hashes[key] = digest
    return Cursor(since_ms=since, hashes=hashes)
