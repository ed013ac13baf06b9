"""List filters (`field`, `:in`, `:not_in`, `:not`, `:min`, `:max`, `:greater`, `:less`,
`:like`) and sorting, declared per endpoint as field -> (getter, kind)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import Doc, iso, parse_when, v3_error
from esync_desktop.sandbox.http import Request

Getter = Callable[[Doc], Any]
Predicate = Callable[[Doc], bool]
# kind: "int", "num", "str" (exact, `:like` is a substring match ignoring case), "date" (stored
# ISO-8601 UTC strings), "bool" (1/0/true/false), "flag" (1/0), "enum:a,b" (one of the listed
# words), "uuid".
Spec = dict[str, tuple[Getter, str]]


def bad_filter(name: str, raw: str) -> Exception:
    """The 422 for a filter or sort value of the wrong type, naming the parameter."""
    return v3_error(422, f"Invalid filter value for {name}", {name: raw})


OPS = ("in", "not_in", "not", "min", "max", "greater", "less", "like")


def _convert(kind: str, raw: str, name: str) -> Any:
    raw = raw.strip()
    if kind.startswith("enum:"):
        # The filter takes the words in any case (the products file lists `new`, the field `New`).
        words = {word.lower(): word for word in kind[5:].split(",")}
        if raw.lower() not in words:
            raise bad_filter(name, raw)
        return words[raw.lower()]
    try:
        if kind == "int":
            return int(raw)
        if kind == "num":
            return Decimal(raw)
    except (ValueError, InvalidOperation):
        raise bad_filter(name, raw) from None
    if kind == "date":
        moment = parse_when(raw)
        if moment is None:
            raise v3_error(422, f"Invalid date for {name}", {name: raw})
        return iso(moment)
    if kind == "uuid":
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise bad_filter(name, raw) from None
    if kind == "flag":
        if raw not in {"1", "0"}:
            raise bad_filter(name, raw)
        return raw == "1"
    if kind == "bool":
        if raw.lower() not in {"1", "true", "0", "false"}:
            raise bad_filter(name, raw)
        return raw.lower() in {"1", "true"}
    return raw


def _predicate(getter: Getter, kind: str, op: str, raw: str, name: str) -> Predicate:
    if op in {"in", "not_in"}:
        wanted = {_convert(kind, p, name) for p in raw.split(",") if p.strip()}
        if kind == "str":
            wanted = {w.lower() for w in wanted}

            def in_set(doc: Doc) -> bool:
                return str(getter(doc) or "").lower() in wanted
        else:

            def in_set(doc: Doc) -> bool:
                return getter(doc) in wanted

        return in_set if op == "in" else (lambda doc: not in_set(doc))
    if op == "like":
        needle = raw.strip().lower().replace("%", "")
        return lambda doc: needle in str(getter(doc) or "").lower()
    value = _convert(kind, raw, name)
    if op == "" and kind == "str":
        # Text equality ignores case, as the store's database collation does [A].
        return lambda doc: str(getter(doc) or "").lower() == value.lower()
    if op == "":
        return lambda doc: getter(doc) == value
    if op == "not":
        return lambda doc: getter(doc) != value
    if op == "min":
        return lambda doc: getter(doc) is not None and getter(doc) >= value
    if op == "max":
        return lambda doc: getter(doc) is not None and getter(doc) <= value
    if op == "greater":
        return lambda doc: getter(doc) is not None and getter(doc) > value
    return lambda doc: getter(doc) is not None and getter(doc) < value


def predicates(request: Request, spec: Spec, *, skip: Iterable[str] = ()) -> list[Predicate]:
    """One predicate per filter parameter present; parameters not in `spec` are ignored."""
    skipped = set(skip)
    out: list[Predicate] = []
    for key, values in request.query.items():
        if key in skipped or not values:
            continue
        name, _, op = key.partition(":")
        if name not in spec or (op and op not in OPS):
            continue
        getter, kind = spec[name]
        out.append(_predicate(getter, kind, op, values[0], key))
    return out


def select(rows: Iterable[Doc], preds: list[Predicate]) -> list[Doc]:
    if not preds:
        return list(rows)
    return [row for row in rows if all(p(row) for p in preds)]


def sort_rows(rows: list[Doc], request: Request, spec: Spec, allowed: Iterable[str]) -> list[Doc]:
    """`sort=field&direction=asc|desc` over the allowed fields; ties keep id order. `rows`
    are in ascending id order."""
    field = request.arg("sort")
    direction = request.arg("direction") or "asc"
    if direction not in {"asc", "desc"}:
        raise bad_filter("direction", direction)
    descending = direction == "desc"
    if field and field not in set(allowed):
        raise bad_filter("sort", field)
    # Rows come in id order (the tables' id index): sorting by id again, for every page of a
    # 100k catalogue, would cost more than serving the page.
    if not field or field not in spec or field == "id":
        return list(reversed(rows)) if descending else rows
    getter = spec[field][0]
    return sorted(rows, key=lambda d: (_sort_key(getter(d)), d.get("id", 0)), reverse=descending)


def _sort_key(value: Any) -> Any:
    if isinstance(value, str):
        return (1, value.lower())
    if value is None:
        return (0, 0)
    return (1, value)
