"""What the engine remembers of both stores, per store pair ("scope"):

- `links`: a SKU (its key: trimmed, casefolded) <-> the Clover item id and the BigCommerce
  product / variant id. A row with no BigCommerce id says the SKU was looked for and is not
  there (as of `checked_at`).
- `link_fields`: per SKU and field (`name`, `price`, `stock`, ...), the value last written by a
  sync and the value last confirmed equal on both stores by a read, each with its time. Stock is
  per BigCommerce inventory location (`location_id`); fields that are not per location use 0.
- `link_records`: the records of both stores as last read or written (opaque JSON documents by
  kind and id), from which a delta run plans without reading what cannot have changed.
- `link_reads`: when each part of the stores was last read in full or as a delta, the source
  watermark it reached, and a summary (the drift check keeps its counts there).

All writes of one change go in one transaction (`links_write`)."""

from __future__ import annotations

import functools
import itertools
import json
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, Literal, TypeVar

from esync_desktop.storage.state.base import (
    Database,
    WriteBehind,
    dumps,
    loads,
    now_text,
    parse_time,
    to_text,
)

# SQLite allows 999 bound parameters in older builds; stay well below in IN (...) lists.
_CHUNK = 500
# Rows per INSERT ... SELECT FROM json_each(?) (see _write_change).
_JSON_BATCH = 2000
# Staged records older than this belong to a read that was never saved.
_STAGED_KEPT = timedelta(hours=1)
WRITTEN: Final = "written"
CONFIRMED: Final = "confirmed"
# Fields that are not per location.
NO_LOCATION = 0


# Link and FieldMark are not frozen, though never changed once made: a full read of 100k
# items makes 400k of them, and a frozen dataclass's __init__ costs three times as much.
@dataclass(slots=True)
class Link:
    """One SKU of one store pair. `bc_product_id` None: not in BigCommerce when last checked."""

    sku_key: str
    sku: str
    clover_item_id: str | None = None
    bc_product_id: int | None = None
    bc_variant_id: int | None = None
    checked_at: datetime | None = None


@dataclass(slots=True)
class FieldMark:
    """A value to remember: `kind` WRITTEN (a sync sent it and the store took it) or CONFIRMED
    (a read found both stores holding it). Values are text: prices as decimal strings, stock as
    whole units, names as sent."""

    sku_key: str
    field: str
    value: str
    kind: Literal["written", "confirmed"]
    location_id: int = NO_LOCATION
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LinkField:
    """What is remembered of one SKU's field (at one location, for stock)."""

    sku_key: str
    field: str
    location_id: int
    written: str | None
    written_at: datetime | None
    confirmed: str | None
    confirmed_at: datetime | None

    @property
    def synced(self) -> tuple[str, datetime] | None:
        """The value last synced (the newer of written and confirmed) and when; None if never."""
        marks = [
            (at, value)
            for value, at in ((self.written, self.written_at), (self.confirmed, self.confirmed_at))
            if value is not None and at is not None
        ]
        if not marks:
            return None
        at, value = max(marks, key=lambda m: m[0])
        return value, at


@dataclass(frozen=True)
class LinkRead:
    """When one part of the stores (e.g. "clover_items", "bc_products", "drift") was last read."""

    part: str
    read_at: datetime
    watermark_ms: int | None
    summary: dict[str, Any]


@dataclass
class LinkChange:
    """Everything one read or one write changes, applied in one transaction."""

    links: list[Link] = field(default_factory=list)
    fields: list[FieldMark] = field(default_factory=list)
    # kind -> {record id -> document (or its RecordText), or None to forget it}
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Kinds whose records are replaced whole by `records[kind]` (a full read).
    replace_kinds: set[str] = field(default_factory=set)
    # SKU keys whose link (and fields) are forgotten (the SKU is in neither store any more).
    forget: set[str] = field(default_factory=set)
    # The links are replaced whole by `links` (a full read of both stores: a SKU neither store
    # holds any more loses its link; the values last synced are kept).
    replace_links: bool = False
    reads: list[LinkRead] = field(default_factory=list)
    # Kinds whose records a full read staged as it read them (`StagedRecords`): they replace
    # the kind's records whole.
    staged: StagedRecords | None = None
    # A full read's links and field values, made when they are written, one at a time in SKU
    # key order (100k links and 300k values are never all held): (links, fields).
    made: Callable[[], tuple[Iterable[Link], Iterable[FieldMark]]] | None = None

    def __bool__(self) -> bool:
        return bool(self.links or self.fields or self.records or self.forget or self.reads) or bool(
            self.replace_kinds or (self.staged and self.staged.kinds) or self.made
        )


class StagedRecords:
    """A full read's records on their way to link_records: written to link_records_staged in
    batches as the listing passes (`add`, from the reading thread; `flush` once it ended),
    moved by links_write, which replaces every kind in `kinds` (none listed: none kept). A
    read that never gets saved leaves them behind; a later full read clears them."""

    BATCH = _JSON_BATCH

    def __init__(self, store: LinksMixin, read_id: str) -> None:
        self.store = store
        self.read_id = read_id
        self.kinds: set[str] = set()
        self._pending: dict[str, list[tuple[str, str]]] = {}

    def add(self, kind: str, record_id: str, text: str) -> None:
        self.kinds.add(kind)
        batch = self._pending.setdefault(kind, [])
        batch.append((record_id, text))
        if len(batch) >= self.BATCH:
            self.flush(kind)

    def flush(self, kind: str | None = None) -> None:
        for name in [kind] if kind is not None else list(self._pending):
            batch = self._pending.pop(name, [])
            if batch:
                self.store.records_stage(self.read_id, name, batch)


_DECIMAL = "$decimal"


def _dump_doc(doc: Any) -> str:
    """A record as JSON; the exact amounts a client parsed as Decimal are kept exact."""
    if type(doc) is RecordText:
        return doc
    return _DOC_JSON.encode(doc)


class RecordText(str):
    """A record already in the text it is stored as (`LinkChange.records` takes either): a
    full read keeps 100k records until the plan is made, and text is a fraction of the dicts."""

    __slots__ = ()


def record_text(doc: Any) -> RecordText:
    return RecordText(_DOC_JSON.encode(doc))


def _tag(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {_DECIMAL: str(value)}
    raise TypeError(f"{type(value).__name__} cannot be stored in a record")


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


_Keyed = TypeVar("_Keyed", "Link", "FieldMark")

# Links and fields go in SKU key order (stable: a key's own fields keep theirs).
_BY_SKU_KEY = operator.attrgetter("sku_key")


# json.dumps(doc, separators=(",", ":"), default=_tag), without a new encoder per record.
_DOC_JSON = json.JSONEncoder(separators=(",", ":"), default=_tag)


def _untag(value: dict[str, Any]) -> Any:
    if len(value) == 1 and _DECIMAL in value:
        return Decimal(value[_DECIMAL])
    return value


# What link_record_texts can read out of a record without decoding it in Python: the listing
# number the engine gave it, its id and SKU (as stored: any JSON type), and its variants' SKUs
# (a JSON array of the objects' `sku` values; NULL when `variants` is not an array).
RECORD_EXTRACTS: Final = {
    "order": "json_extract(doc, '$._n')",
    "id": "json_extract(doc, '$.id')",
    "sku": "json_extract(doc, '$.sku')",
    "variant_skus": (
        "CASE json_type(doc, '$.variants') WHEN 'array' THEN (SELECT "
        "json_group_array(json_extract(v.value, '$.sku')) FROM json_each(doc, '$.variants') "
        "AS v WHERE v.type = 'object') END"
    ),
}


def load_doc(text: str) -> Any:
    """A record from its stored text."""
    # The hook costs a call per object: only records that hold an exact amount pay it.
    return json.loads(text, object_hook=_untag) if _DECIMAL in text else json.loads(text)


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


class LinksMixin(Database):
    """The link table and what goes with it (see the module's docstring)."""

    # -- reading -----------------------------------------------------------------------------

    def links_get(self, scope: str, sku_keys: Iterable[str] | None = None) -> dict[str, Link]:
        """The links of these SKU keys (every link of the scope when None), by SKU key."""
        sql = (
            "SELECT sku_key, sku, clover_item_id, bc_product_id, bc_variant_id, checked_at "
            "FROM links WHERE scope = ?"
        )
        found: dict[str, Link] = {}
        for rows in self._keyed(sql, scope, sku_keys):
            for row in rows:
                found[row["sku_key"]] = Link(
                    row["sku_key"],
                    row["sku"],
                    row["clover_item_id"],
                    row["bc_product_id"],
                    row["bc_variant_id"],
                    parse_time(row["checked_at"]),
                )
        return found

    def link_fields_get(
        self, scope: str, sku_keys: Iterable[str] | None = None
    ) -> dict[tuple[str, str, int], LinkField]:
        """What is remembered per (SKU key, field, location) for these SKUs (all when None)."""
        sql = (
            "SELECT sku_key, field, location_id, written, written_at, confirmed, confirmed_at "
            "FROM link_fields WHERE scope = ?"
        )
        found: dict[tuple[str, str, int], LinkField] = {}
        for rows in self._keyed(sql, scope, sku_keys):
            for row in rows:
                value = LinkField(
                    row["sku_key"],
                    row["field"],
                    row["location_id"],
                    row["written"],
                    parse_time(row["written_at"]),
                    row["confirmed"],
                    parse_time(row["confirmed_at"]),
                )
                found[(value.sku_key, value.field, value.location_id)] = value
        return found

    def last_synced(
        self, scope: str, sku_key: str, field_name: str, location_id: int = NO_LOCATION
    ) -> LinkField | None:
        """The value last synced for one SKU's field and when (`.synced`): what a field-owner
        check compares a store's current value with to tell who changed it."""
        return self.link_fields_get(scope, [sku_key]).get((sku_key, field_name, location_id))

    def _keyed(self, sql: str, scope: str, sku_keys: Iterable[str] | None) -> Iterable[list[Any]]:
        if sku_keys is None:
            yield self._rows(sql, (scope,))
            return
        wanted = list(dict.fromkeys(sku_keys))
        for chunk in _chunks(wanted):
            yield self._rows(
                f"{sql} AND sku_key IN ({', '.join('?' * len(chunk))})", (scope, *chunk)
            )

    def link_records(self, scope: str, kind: str) -> dict[str, Any]:
        """The remembered records of one kind, by record id."""
        rows = self._rows(
            "SELECT record_id, doc FROM link_records WHERE scope = ? AND kind = ?", (scope, kind)
        )
        return {row["record_id"]: load_doc(row["doc"]) for row in rows}

    def link_record_texts(
        self, scope: str, kind: str, extracts: Sequence[str] = ()
    ) -> list[tuple[Any, ...]]:
        """The remembered records of one kind as stored, undecoded: (record id, text, and the
        value of each of `extracts`, names of RECORD_EXTRACTS read by SQLite), in id order."""
        columns = "".join(f", {RECORD_EXTRACTS[name]}" for name in extracts)
        cursor = self._rows(
            f"SELECT record_id, doc{columns} FROM link_records WHERE scope = ? AND kind = ? "
            "ORDER BY record_id",
            (scope, kind),
        )
        return [tuple(row) for row in cursor]

    def link_records_get(self, scope: str, kind: str, ids: Iterable[str]) -> dict[str, Any]:
        """The remembered records of one kind with these ids (those that exist)."""
        found: dict[str, Any] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            rows = self._rows(
                "SELECT record_id, doc FROM link_records WHERE scope = ? AND kind = ? AND "
                f"record_id IN ({', '.join('?' * len(chunk))})",
                (scope, kind, *chunk),
            )
            found.update({row["record_id"]: load_doc(row["doc"]) for row in rows})
        return found

    def link_read(self, scope: str, part: str) -> LinkRead | None:
        rows = self._rows(
            "SELECT part, read_at, watermark_ms, summary FROM link_reads "
            "WHERE scope = ? AND part = ?",
            (scope, part),
        )
        if not rows:
            return None
        row = rows[0]
        read_at = parse_time(row["read_at"])
        assert read_at is not None
        return LinkRead(row["part"], read_at, row["watermark_ms"], loads(row["summary"]) or {})

    # -- writing -----------------------------------------------------------------------------

    def links_write(self, scope: str, change: LinkChange) -> None:
        """Apply one change in one transaction: links, field values, records and read marks."""
        if not change:
            return
        with self._tx() as conn:
            _write_change(conn, scope, change)

    def records_stage(self, read_id: str, kind: str, rows: list[tuple[str, str]]) -> None:
        """Stage a full read's records (id, text) for links_write (see StagedRecords); a
        record listed twice keeps its last text, as in link_records."""
        with self._tx() as conn:
            _insert_rows(
                conn,
                "INSERT INTO link_records_staged (read_id, kind, staged_at, record_id, doc) "
                "SELECT ?, ?, ?, {} FROM json_each(?) WHERE true "
                "ON CONFLICT (read_id, kind, record_id) DO UPDATE SET doc = excluded.doc",
                (read_id, kind, now_text()),
                rows,
            )

    def records_staging(self, read_id: str) -> StagedRecords:
        """Where a full read stages its records. Records staged by reads that were never
        saved (a read cancelled, or the process killed) are cleared first: a read takes
        minutes, not an hour."""
        cutoff = to_text(datetime.now(UTC) - _STAGED_KEPT)
        with self._tx() as conn:
            conn.execute("DELETE FROM link_records_staged WHERE staged_at < ?", (cutoff,))
        return StagedRecords(self, read_id)

    def links_write_behind(self, scope: str, change: LinkChange) -> WriteBehind:
        """links_write in a thread, on a connection of its own (`Database._tx_behind`): a full
        read's change is written while the plan is made. The change is the thread's from now
        on (not to be changed); `wait()` before the next write of this scope."""
        return self._tx_behind(
            lambda conn: _write_change(conn, scope, change, consume=True), "what was read"
        )

    def links_forget_scope(self, scope: str) -> None:
        """Forget everything remembered of one store pair (the demo stores started over): the
        next run reads both stores in full."""
        with self._tx() as conn:
            for table in ("links", "link_fields", "link_records", "link_reads"):
                conn.execute(f"DELETE FROM {table} WHERE scope = ?", (scope,))


def _write_change(
    conn: sqlite3.Connection, scope: str, change: LinkChange, consume: bool = False
) -> None:
    """links_write's statements, inside the caller's transaction. The rows go to SQLite as one
    JSON array per table (`json_each`): a full read writes 100k links, 300k field values and
    200k records, and one statement each does that inside SQLite, with Python's lock released
    (links_write_behind's thread then writes while the plan is made), where a row at a time
    would hand the lock back and forth 600k times. With `consume`, the links and field values
    are let go of as they are written (the change's lists end empty): a full read's 400k
    objects are freed while the plan is made, and the plan's rows take their place."""
    now = now_text()
    # A full read stamps 100k links and fields with one moment: its text is made once.
    stamp = functools.lru_cache(maxsize=8)(to_text)
    if change.replace_links:
        conn.execute("DELETE FROM links WHERE scope = ?", (scope,))
    for chunk in _chunks(sorted(change.forget)):
        marks = ", ".join("?" * len(chunk))
        for table in ("links", "link_fields"):
            conn.execute(
                f"DELETE FROM {table} WHERE scope = ? AND sku_key IN ({marks})",
                (scope, *chunk),
            )
    made_links: Iterable[Link] = ()
    made_fields: Iterable[FieldMark] = ()
    if change.made is not None:
        made_links, made_fields = change.made()
    links = change.links if consume else list(change.links)
    if consume:
        change.links = []
    _insert_rows(
        conn,
        "INSERT INTO links (scope, sku_key, sku, clover_item_id, bc_product_id, "
        "bc_variant_id, checked_at) SELECT ?, {} FROM json_each(?) WHERE true "
        "ON CONFLICT (scope, sku_key) DO UPDATE SET sku = excluded.sku, "
        "clover_item_id = excluded.clover_item_id, "
        "bc_product_id = excluded.bc_product_id, "
        "bc_variant_id = excluded.bc_variant_id, checked_at = excluded.checked_at",
        scope,
        (
            (
                link.sku_key,
                link.sku,
                link.clover_item_id,
                link.bc_product_id,
                link.bc_variant_id,
                stamp(link.checked_at) if link.checked_at else now,
            )
            for link in itertools.chain(_in_key_order(links), made_links)
        ),
    )
    field_marks = change.fields if consume else list(change.fields)
    if consume:
        change.fields = []
    every_mark = itertools.chain(_in_key_order(field_marks), made_fields)
    # The two kinds set columns of their own: their batches may interleave.
    for value_kind, batch in _by_kind(every_mark, stamp, now):
        _insert_rows(
            conn,
            f"INSERT INTO link_fields (scope, sku_key, field, location_id, {value_kind}, "
            f"{value_kind}_at) SELECT ?, {{}} FROM json_each(?) WHERE true "
            "ON CONFLICT (scope, sku_key, field, location_id) DO UPDATE SET "
            f"{value_kind} = excluded.{value_kind}, {value_kind}_at = excluded.{value_kind}_at",
            scope,
            batch,
        )
    for kind in change.replace_kinds:
        conn.execute("DELETE FROM link_records WHERE scope = ? AND kind = ?", (scope, kind))
    staged = change.staged
    if staged is not None:
        for kind in sorted(staged.kinds):
            conn.execute("DELETE FROM link_records WHERE scope = ? AND kind = ?", (scope, kind))
            conn.execute(
                "INSERT INTO link_records (scope, kind, record_id, doc) SELECT ?, kind, "
                "record_id, doc FROM link_records_staged WHERE read_id = ? AND kind = ? "
                "ORDER BY record_id",
                (scope, staged.read_id, kind),
            )
        conn.execute("DELETE FROM link_records_staged WHERE read_id = ?", (staged.read_id,))
    for kind, docs in change.records.items():
        gone = [(scope, kind, rid) for rid, doc in docs.items() if doc is None]
        conn.executemany(
            "DELETE FROM link_records WHERE scope = ? AND kind = ? AND record_id = ?", gone
        )
        kept = [
            (rid, _dump_doc(doc))
            # In key order: each page of the table is filled once, not split over and over by
            # inserts all over it.
            for rid, doc in sorted(docs.items(), key=_first)
            if doc is not None
        ]
        if kept:
            _insert_rows(
                conn,
                "INSERT INTO link_records (scope, kind, record_id, doc) "
                "SELECT ?, ?, {} FROM json_each(?) WHERE true "
                "ON CONFLICT (scope, kind, record_id) DO UPDATE SET doc = excluded.doc",
                (scope, kind),
                kept,
            )
    conn.executemany(
        "INSERT INTO link_reads (scope, part, read_at, watermark_ms, summary) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, part) DO UPDATE SET "
        "read_at = excluded.read_at, watermark_ms = excluded.watermark_ms, "
        "summary = excluded.summary",
        [
            (scope, r.part, to_text(r.read_at), r.watermark_ms, dumps(r.summary))
            for r in change.reads
        ],
    )


def _insert_rows(
    conn: sqlite3.Connection,
    sql: str,
    first: str | tuple[str, ...],
    rows: Iterable[tuple[Any, ...]],
) -> None:
    """`sql` (an INSERT ... SELECT <first params>, {} FROM json_each(?)) for every row: `{}`
    becomes the row's columns, taken from a JSON array of the rows (texts, integers, nulls:
    json_extract gives them back as the same SQL values)."""
    leading = (first,) if isinstance(first, str) else first
    statement = ""
    source = iter(rows)
    # In batches: the text of one and SQLite's parse of it stay a few MB, whatever the size.
    while batch := list(itertools.islice(source, _JSON_BATCH)):
        if not statement:
            columns = (f"json_extract(value, '$[{n}]')" for n in range(len(batch[0])))
            statement = sql.format(", ".join(columns))
        conn.execute(statement, (*leading, json.dumps(batch, ensure_ascii=False)))


def _in_key_order(objects: list[_Keyed]) -> Iterator[_Keyed]:
    """The objects in SKU key order, so each page of the table is filled once, not split over
    and over by inserts all over it; each let go of as it is taken (the list ends empty)."""
    objects.sort(key=_BY_SKU_KEY, reverse=True)
    while objects:
        yield objects.pop()


def _by_kind(
    marks: Iterable[FieldMark], stamp: Callable[[datetime], str], now: str
) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """The marks' rows in batches of one kind (WRITTEN, CONFIRMED), in the marks' order."""
    batches: dict[str, list[tuple[Any, ...]]] = {WRITTEN: [], CONFIRMED: []}
    for mark in marks:
        batch = batches[mark.kind]
        at = stamp(mark.at) if mark.at else now
        batch.append((mark.sku_key, mark.field, mark.location_id, mark.value, at))
        if len(batch) >= _JSON_BATCH:
            yield mark.kind, batch
            batches[mark.kind] = []
    for kind, batch in batches.items():
        if batch:
            yield kind, batch
