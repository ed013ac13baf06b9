"""What each store had in a field when it was last synced, and the conflict rule built on it.

`LastSynced` is all the planners and the writer know of where those values live; the one
implementation here keeps them on the link table's field rows (`link_fields`, per store pair,
item and field, beside the values last written and confirmed). Values are compared in their
plain form (`plain`): text, whole numbers, decimals as normalised text, sorted lists.

The rule, per field where the stores differ now:
- no value recorded yet: Clover's is written (the owner's rule decides whether it may be);
- the owner chose Clover in a conflict: Clover's is written;
- only Clover changed, or only the web (Clover owns the field: the web edit is put back):
  Clover's is written;
- neither changed (the owner chose the web's value): nothing is written;
- both changed: a conflict, nothing written until the owner picks a side."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from esync_desktop.domain.ownership import field_of_key
from esync_desktop.domain.plan import PlanRow
from esync_desktop.domain.sku import sku_key

# A row's payload key (never sent) listing [item, field, Clover's, web's] values that both
# stores already agree on, to be remembered by the apply.
SYNCED = "_synced"
# The fields whose values are remembered (the ones update-products compares).
REMEMBERED = frozenset({"name", "description", "weight", "categories", "visibility", "tax_class"})

CLOVER_SIDE = "clover"
WEB_SIDE = "bigcommerce"
SIDES = (CLOVER_SIDE, WEB_SIDE)

WRITE = "write"
SAME = "same"
KEEP = "keep"
CONFLICT = "conflict"


@dataclass(frozen=True)
class Baseline:
    clover: Any
    web: Any
    at: str
    choice: str = ""


class LastSynced(Protocol):
    """The values of one store pair."""

    def baselines(self) -> Mapping[tuple[str, str], Baseline]:
        """(item, field) -> what both stores had when it was last synced."""
        ...

    def record(self, values: Iterable[tuple[str, str, Any, Any]], choice: str = "") -> None:
        """(item, field, Clover's value, the web's value) as synced now."""
        ...


class StateDbLike(Protocol):
    def link_baselines(self, scope: str) -> list[Any]: ...
    def set_link_baselines(
        self, scope: str, values: Iterable[tuple[str, str, Any, Any, str]]
    ) -> None: ...


class LinkTableLastSynced:
    """LastSynced over the link table (storage/state/link_baselines.py)."""

    def __init__(self, db: StateDbLike, scope: str) -> None:
        self.db = db
        self.scope = scope

    def baselines(self) -> dict[tuple[str, str], Baseline]:
        return {
            (v.item, v.field): Baseline(v.clover_value, v.web_value, v.at, v.choice)
            for v in self.db.link_baselines(self.scope)
        }

    def record(self, values: Iterable[tuple[str, str, Any, Any]], choice: str = "") -> None:
        rows = [(item, name, plain(c), plain(w), choice) for item, name, c, w in values]
        if rows:
            self.db.set_link_baselines(self.scope, rows)


def item_key(sku: str | None, clover_id: str | None) -> str:
    """What an item's values are kept under: its SKU key, else (a product with variants) its
    Clover item group id."""
    return sku_key(sku) or f"group:{clover_id or ''}"


def plain(value: Any) -> Any:
    """A value as it is compared and stored."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, str):
        return value.strip()
    return value


def judge(clover: Any, web: Any, baseline: Baseline | None) -> str:
    """WRITE Clover's value, the stores are the SAME, KEEP the web's, or a CONFLICT."""
    clover, web = plain(clover), plain(web)
    if clover == web:
        return SAME
    if baseline is None or baseline.choice == CLOVER_SIDE:
        return WRITE
    clover_changed = clover != baseline.clover
    web_changed = web != baseline.web
    if clover_changed and web_changed:
        return CONFLICT
    if clover_changed or web_changed:
        return WRITE
    return KEEP


def row_item_key(row: PlanRow) -> str:
    return item_key(row.sku, row.clover_id)


def created_values(row: PlanRow) -> list[tuple[str, str, Any, Any]]:
    """The remembered fields a confirmed create wrote: both stores have them now."""
    return _body_values(row_item_key(row), row.payload)


def written_values(row: PlanRow, *, written: bool) -> list[tuple[str, str, Any, Any]]:
    """After an update-products row: the fields it wrote (when `written`) and those both
    stores already agreed on."""
    values = [(str(i), str(n), c, w) for i, n, c, w in row.payload.get(SYNCED, [])]
    if written:
        values += _body_values(row_item_key(row), row.payload)
    return values


def _body_values(key: str, body: Mapping[str, Any]) -> list[tuple[str, str, Any, Any]]:
    found = []
    for payload_key, value in body.items():
        name = field_of_key(payload_key)
        if name in REMEMBERED:
            found.append((key, name, value, value))
    return found


def choose(last: LastSynced, rows: Iterable[PlanRow], side: str) -> int:
    """Settle conflict rows (their facts hold both values): with "bigcommerce" the web's value
    stays and is remembered as synced; with "clover" the next update-products writes Clover's.
    Returns how many were settled."""
    if side not in SIDES:
        raise ValueError(f"choose {' or '.join(SIDES)}, not {side!r}")
    values = [
        (str(r.facts["item"]), str(r.facts["field"]), r.facts["clover_value"], r.facts["web_value"])
        for r in rows
        if r.reason is not None and r.reason.value == CONFLICT and "item" in r.facts
    ]
    last.record(values, choice=CLOVER_SIDE if side == CLOVER_SIDE else "")
    return len(values)
