"""The Clover emulator's state over the shared Store: tables, ids, clock, links and sorted views."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from esync_desktop.sandbox.store import Store, Table

Doc = dict[str, Any]

# Crockford-style base 32 without I, L, O, U: Clover ids look like "9J1F7WW503CZW".
ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_LENGTH = 13
DAY_MS = 86_400_000

TABLES = (
    "merchant",
    "properties",
    "items",
    "item_stocks",
    "categories",
    "item_groups",
    "attributes",
    "options",
    "tags",
    "tax_rates",
    "tenders",
    "orders",
    "line_items",
    "payments",
    "refunds",
    "credits",
)

# name -> (table, left key, right key) for the many-to-many association endpoints.
LINKS = {
    "category_items": ("category", "item"),
    "tag_items": ("tag", "item"),
    "option_items": ("option", "item"),
    "tax_rate_items": ("taxRate", "item"),
}


class CloverError(Exception):
    """An error reply in Clover's shape, raised anywhere below a handler."""

    def __init__(self, status: int, body: Doc, headers: dict[str, str] | None = None) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body
        self.headers = headers or {}


def bad_request(message: str, details: str | None = None) -> CloverError:
    body: Doc = {"message": message}
    if details is not None:
        body["details"] = details
    return CloverError(400, body)


def invalid_id() -> CloverError:
    return CloverError(404, {"message": "invalid ID"})


def not_found(kind: str) -> CloverError:
    return CloverError(404, {"message": "Not Found", "details": f"{kind} not found"})


class Links:
    """One association table (e.g. category <-> item) with in-memory indexes both ways."""

    def __init__(self, db: CloverDb, name: str, left: str, right: str) -> None:
        self.table = db.store.table(f"{db.prefix}.{name}")
        self.name = name
        self.left = left
        self.right = right
        self.by_left: dict[str, dict[str, None]] = {}
        self.by_right: dict[str, dict[str, None]] = {}
        for doc in self.table.rows.values():
            self._index(doc[left]["id"], doc[right]["id"])

    def _index(self, a: str, b: str) -> None:
        # dicts keep insertion order, so links come back in the order they were made.
        self.by_left.setdefault(a, {})[b] = None
        self.by_right.setdefault(b, {})[a] = None

    def add(self, a: str, b: str) -> None:
        if b in self.by_left.get(a, {}):
            return
        self._index(a, b)
        self.table.put(f"{a}:{b}", {self.left: {"id": a}, self.right: {"id": b}})

    def remove(self, a: str, b: str) -> None:
        self.by_left.get(a, {}).pop(b, None)
        self.by_right.get(b, {}).pop(a, None)
        self.table.delete(f"{a}:{b}")

    def rights(self, a: str) -> list[str]:
        return list(self.by_left.get(a, {}))

    def lefts(self, b: str) -> list[str]:
        return list(self.by_right.get(b, {}))

    def drop_left(self, a: str) -> None:
        for b in self.rights(a):
            self.remove(a, b)

    def drop_right(self, b: str) -> None:
        for a in self.lefts(b):
            self.remove(a, b)


class CloverDb:
    """Typed access to the "clover.*" tables plus the indexes that make 100k-item lists fast."""

    def __init__(self, store: Store, merchant_id: str, prefix: str = "clover") -> None:
        self.store = store
        self.merchant_id = merchant_id
        # Each merchant's tables apart: the first merchant's under "clover.*" (as before).
        self.prefix = prefix
        self.clock: Callable[[], float] = time.time
        self._rng = random.Random()
        # Set while seeding historic sales, whose effect on stock is already in the catalogue.
        self.seeding = False
        self.t: dict[str, Table] = {name: store.table(f"{prefix}.{name}") for name in TABLES}
        self._versions: dict[str, int] = {}
        self._views: dict[tuple[Any, ...], tuple[tuple[int, ...], list[Doc]]] = {}
        self.rebuild()

    # -- lifecycle -----------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Recreate every in-memory index from the tables (after a load or a reseed)."""
        self.links = {name: Links(self, name, a, b) for name, (a, b) in LINKS.items()}
        self._versions.clear()
        self._views.clear()
        self.lines_by_order: dict[str, dict[str, None]] = {}
        for line in self.t["line_items"].rows.values():
            self.lines_by_order.setdefault(line["orderRef"]["id"], {})[line["id"]] = None
        self.payments_by_order: dict[str, dict[str, None]] = {}
        for pay in self.t["payments"].rows.values():
            self.payments_by_order.setdefault(pay["order"]["id"], {})[pay["id"]] = None
        self.items_by_group: dict[str, dict[str, None]] = {}
        for item in self.t["items"].rows.values():
            group = item.get("itemGroup")
            if group:
                self.items_by_group.setdefault(group["id"], {})[item["id"]] = None
        for stock in self.t["item_stocks"].rows.values():
            # SQLite round-trips 12.0 as 12; Clover always sends quantity as a double.
            if "quantity" in stock:
                stock["quantity"] = float(stock["quantity"])

    def reseed_random(self, seed: str) -> None:
        self._rng = random.Random(f"clover:{seed}")

    def unseeded_random(self) -> None:
        self._rng = random.Random()

    # -- ids, time -----------------------------------------------------------------------------

    def new_id(self) -> str:
        return "".join(self._rng.choices(ID_ALPHABET, k=ID_LENGTH))

    def now(self) -> int:
        return int(self.clock() * 1000)

    # -- writes (every write goes through here so sorted views know to refresh) ----------------

    def put(self, table: str, doc: Doc) -> Doc:
        self._versions[table] = self._versions.get(table, 0) + 1
        return self.t[table].put(doc["id"] if "id" in doc else doc["item"]["id"], doc)

    def bump(self, table: str) -> None:
        """Note a change made to a table directly (bulk seeding), so sorted views refresh."""
        self._versions[table] = self._versions.get(table, 0) + 1

    def touch(self, table: str, key: str) -> None:
        self._versions[table] = self._versions.get(table, 0) + 1
        self.t[table].touch(key)

    def remove(self, table: str, key: str) -> Doc | None:
        self._versions[table] = self._versions.get(table, 0) + 1
        return self.t[table].delete(key)

    def get(self, table: str, key: str) -> Doc | None:
        return self.t[table].rows.get(key)

    def live(self, table: str, key: str) -> Doc | None:
        """The document unless it is missing or soft-deleted."""
        doc = self.t[table].rows.get(key)
        if doc is None or doc.get("deleted") or doc.get("deletedTime"):
            return None
        return doc

    # -- sorted views --------------------------------------------------------------------------

    def view(
        self,
        table: str,
        key: tuple[Any, ...],
        build: Callable[[Iterable[Doc]], list[Doc]],
        also: tuple[str, ...] = (),
    ) -> list[Doc]:
        """A sorted/filtered list of a table's documents, rebuilt only after the table (or one
        of the `also` tables its filter reads) changed."""
        version = tuple(self._versions.get(t, 0) for t in (table, *also))
        cache_key = (table, *key)
        cached = self._views.get(cache_key)
        if cached is not None and cached[0] == version:
            return cached[1]
        rows = build(self.t[table].rows.values())
        self._views[cache_key] = (version, rows)
        return rows

    # -- stock ---------------------------------------------------------------------------------

    def stock(self, item_id: str) -> Doc | None:
        return self.t["item_stocks"].rows.get(item_id)

    def properties(self) -> Doc:
        return self.t["properties"].rows.get(self.merchant_id) or {}
