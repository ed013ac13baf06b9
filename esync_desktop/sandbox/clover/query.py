"""Clover collection queries: filter=, orderBy=, expand=, limit/offset paging and the envelope."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from esync_desktop.sandbox.clover.db import CloverDb, CloverError, Doc
from esync_desktop.sandbox.http import Request, Response

Getter = Callable[[Doc], Any]
Render = Callable[[Doc, "Expand"], Doc]

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_EXPANSIONS = 3
NESTED_CAP = 100  # expanded to-many collections are truncated, never paged

_CONDITION = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(!=|<=|>=|<|>|=)(.*)$", re.S)
_IN = re.compile(r"^\s*([A-Za-z_][\w.]*)\s+in\s*\((.*)\)\s*$", re.S | re.I)


def field_getter(name: str) -> Getter:
    """A getter for a plain or dotted document path ("itemGroup.id")."""
    parts = name.split(".")
    if len(parts) == 1:
        return lambda doc: doc.get(name)

    def get(doc: Doc) -> Any:
        value: Any = doc
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return get


def created(doc: Doc) -> Any:
    # Items, stocks and the like carry their creation time privately (Clover does not show it).
    return doc.get("createdTime", doc.get("_created"))


@dataclass
class Collection:
    """What one list endpoint allows: filter fields, extra sort fields, soft-delete visibility."""

    table: str
    fields: dict[str, Getter]
    sortable: dict[str, Getter] = field(default_factory=dict)
    # Documents a plain list shows; the rest appear only when a filter names `reveal_fields`.
    visible: Callable[[Doc], bool] = lambda doc: (
        not doc.get("deleted") and not doc.get("deletedTime")
    )
    reveal_fields: frozenset[str] = frozenset({"deleted", "deletedTime"})

    def header(self) -> dict[str, str]:
        return {"X-Clover-Allowed-Filter-Fields": ",".join(self.fields)}

    def sort_getter(self, name: str) -> Getter | None:
        if name in self.sortable:
            return self.sortable[name]
        if name in self.fields:
            return self.fields[name]
        if name == "createdTime":
            return created
        if name in ("modifiedTime", "id"):
            return field_getter(name)
        return None


class Condition:
    """One `filter=` clause; values are coerced to the document value's type when compared."""

    def __init__(self, name: str, op: str, values: list[str], getter: Getter) -> None:
        self.name = name
        self.op = op
        self.values = values
        self.getter = getter
        self.prefix = name == "name" and op == "=" and len(values) == 1 and values[0].endswith("*")
        self._coerced: dict[type, list[Any]] = {}

    def _typed(self, sample: Any) -> list[Any]:
        kind = type(sample)
        cached = self._coerced.get(kind)
        if cached is not None:
            return cached
        try:
            if kind is bool:
                lowered = [v.strip().lower() for v in self.values]
                if any(v not in ("true", "false") for v in lowered):
                    raise ValueError(self.values)
                cached = [v == "true" for v in lowered]
            elif kind in (int, float):
                cached = [float(v) for v in self.values]
            else:
                cached = [str(v) for v in self.values]
        except ValueError:
            raise CloverError(
                400, {"message": f"Invalid value for filter field {self.name}: {self.values[0]}"}
            ) from None
        self._coerced[kind] = cached
        return cached

    def _test(self, value: Any) -> bool:
        if value is None:
            return False
        if isinstance(value, dict):  # a reference: compare its id
            value = value.get("id")
            if value is None:
                return False
        wanted = self._typed(value)
        if self.op == "in":
            return value in wanted
        target = wanted[0]
        if self.prefix:
            return isinstance(value, str) and value.startswith(str(target)[:-1])
        op = self.op
        if op in ("=", "!="):
            return bool(value == target)
        if op == "<":
            return bool(value < target)
        if op == "<=":
            return bool(value <= target)
        if op == ">":
            return bool(value > target)
        return bool(value >= target)

    def matches(self, doc: Doc) -> bool:
        value = self.getter(doc)
        values = value if isinstance(value, list) else [value]
        if self.op == "!=":
            # Absent values are "not equal"; a multi-valued field must hold none of them.
            return not any(v is not None and self._equal(v) for v in values)
        return any(self._test(v) for v in values)

    def _equal(self, value: Any) -> bool:
        if isinstance(value, dict):
            value = value.get("id")
        return value is not None and value == self._typed(value)[0]


@dataclass
class Expand:
    """The honoured expansions of one request (first three; dotted paths imply their root)."""

    names: list[str]

    def has(self, name: str) -> bool:
        return any(n == name or n.startswith(name + ".") for n in self.names)

    def child(self, name: str) -> Expand:
        prefix = name + "."
        return Expand([n[len(prefix) :] for n in self.names if n.startswith(prefix)])


NO_EXPAND = Expand([])


def parse_expand(request: Request) -> Expand:
    names: list[str] = []
    for raw in request.args("expand"):
        for part in raw.split(","):
            part = part.strip()
            if part and part not in names:
                names.append(part)
    return Expand(names[:MAX_EXPANSIONS])


@dataclass
class Query:
    conditions: list[Condition]
    order: list[tuple[Getter, bool]]
    limit: int
    offset: int
    expand: Expand
    reveal: bool
    order_key: tuple[tuple[str, bool], ...]

    @property
    def filter_fields(self) -> set[str]:
        return {c.name for c in self.conditions}


def _int_arg(request: Request, name: str, default: int) -> int:
    raw = request.arg(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise CloverError(400, {"message": f"Invalid {name} parameter: {raw}"}) from None


def parse_query(request: Request, coll: Collection) -> Query:
    conditions = [parse_condition(raw, coll) for raw in request.args("filter") if raw.strip()]
    order_key: list[tuple[str, bool]] = []
    for raw in request.args("orderBy"):
        for part in raw.split(","):
            words = part.split()
            if not words:
                continue
            direction = words[1].upper() if len(words) > 1 else "ASC"
            if len(words) > 2 or direction not in ("ASC", "DESC"):
                raise CloverError(400, {"message": f"Invalid orderBy: {part.strip()}"})
            if coll.sort_getter(words[0]) is None:
                raise CloverError(400, {"message": f"Invalid orderBy field: {words[0]}"})
            order_key.append((words[0], direction == "DESC"))
    if not order_key:
        order_key = [("createdTime", True)]
    limit = _int_arg(request, "limit", DEFAULT_LIMIT)
    # Clover documents 1000 as the maximum; over-limit values are clamped rather than refused.
    limit = DEFAULT_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
    offset = max(0, _int_arg(request, "offset", 0))
    order = [(coll.sort_getter(name), desc) for name, desc in order_key]
    return Query(
        conditions=conditions,
        order=[(g, d) for g, d in order if g is not None],
        limit=limit,
        offset=offset,
        expand=parse_expand(request),
        reveal=any(c.name in coll.reveal_fields for c in conditions),
        order_key=tuple(order_key),
    )


def parse_condition(raw: str, coll: Collection) -> Condition:
    found_in = _IN.match(raw)
    if found_in:
        name, inner = found_in.group(1), found_in.group(2)
        values = [v.strip().strip("'\"") for v in inner.split(",") if v.strip()]
        op = "in"
    else:
        found = _CONDITION.match(raw)
        if not found:
            raise CloverError(400, {"message": f"Invalid filter: {raw}"}, coll.header())
        name, op, value = found.group(1), found.group(2), found.group(3).strip()
        values = [value.strip("'\"")]
    getter = coll.fields.get(name)
    if getter is None:
        raise CloverError(400, {"message": f"Unknown filter field: {name}"}, coll.header())
    return Condition(name, op, values, getter)


def _sort_key(getter: Getter) -> Callable[[Doc], tuple[bool, bool, Any]]:
    def key(doc: Doc) -> tuple[bool, bool, Any]:
        value = getter(doc)
        if isinstance(value, dict):
            value = value.get("id")
        # A value of another type than its neighbours' (bad data put in by a test) sorts
        # apart instead of breaking the listing.
        text = isinstance(value, str)
        return (value is not None, text, value if value is not None else 0)

    return key


def sort_docs(docs: Iterable[Doc], order: Sequence[tuple[Getter, bool]]) -> list[Doc]:
    rows = list(docs)
    # Ties break on id in the first key's direction so pages are stable.
    first_desc = order[0][1] if order else True
    rows.sort(key=lambda d: d.get("id") or d.get("item", {}).get("id", ""), reverse=first_desc)
    for getter, desc in reversed(order):
        rows.sort(key=_sort_key(getter), reverse=desc)
    return rows


def select(
    db: CloverDb,
    coll: Collection,
    query: Query,
    docs: Iterable[Doc] | None = None,
    extra: Callable[[Doc], bool] | None = None,
    extra_reads: tuple[str, ...] | None = None,
) -> list[Doc]:
    """One page of documents: the whole table (cached sorted view) or the given subset.
    With `extra_reads` (the tables `extra` looks at) the view is cached with `extra` applied,
    so a page deep in the listing does not re-test every row before it."""
    if docs is None:
        cached_extra = extra if extra_reads is not None else None

        def build(rows: Iterable[Doc]) -> list[Doc]:
            kept = rows if query.reveal else (d for d in rows if coll.visible(d))
            if cached_extra is not None:
                kept = (d for d in kept if cached_extra(d))
            return sort_docs(kept, query.order)

        key = (query.order_key, query.reveal, cached_extra is not None)
        rows = db.view(coll.table, key, build, also=extra_reads or ())
        if cached_extra is not None:
            extra = None
    else:
        kept = docs if query.reveal else (d for d in docs if coll.visible(d))
        rows = sort_docs(kept, query.order)
    tests: list[Callable[[Doc], bool]] = [c.matches for c in query.conditions]
    if extra is not None:
        tests.append(extra)
    if not tests:
        return rows[query.offset : query.offset + query.limit]
    page: list[Doc] = []
    skip = query.offset
    for doc in rows:
        if all(test(doc) for test in tests):
            if skip:
                skip -= 1
                continue
            page.append(doc)
            if len(page) >= query.limit:
                break
    return page


def href(request: Request, path: str | None = None) -> str:
    host = request.header("Host") or "127.0.0.1"
    query = urlencode(request.query, doseq=True) if path is None and request.query else ""
    return f"http://{host}{path or request.path}" + (f"?{query}" if query else "")


def envelope(
    request: Request, elements: list[Doc], headers: dict[str, str] | None = None
) -> Response:
    return Response.json(200, {"elements": elements, "href": href(request)}, headers)


def list_response(
    request: Request,
    db: CloverDb,
    coll: Collection,
    render: Render,
    docs: Iterable[Doc] | None = None,
    extra: Callable[[Doc], bool] | None = None,
    adjust: Callable[[Query], None] | None = None,
    extra_reads: tuple[str, ...] | None = None,
) -> Response:
    """Parse the query, select the page, render each element and wrap it in the envelope."""
    try:
        query = parse_query(request, coll)
    except CloverError as exc:
        exc.headers = {**coll.header(), **exc.headers}
        raise
    if adjust is not None:
        adjust(query)
    page = select(db, coll, query, docs, extra, extra_reads)
    return envelope(request, [render(d, query.expand) for d in page], coll.header())


def nested(docs: Iterable[Doc]) -> Doc:
    """An expanded to-many field: `{"elements": [...]}`, truncated to the first 100."""
    out: list[Doc] = []
    for doc in docs:
        if len(out) >= NESTED_CAP:
            break
        out.append(doc)
    return {"elements": out}


def public(doc: Doc) -> Doc:
    """A response copy without the emulator's private keys (those starting with "_")."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}
