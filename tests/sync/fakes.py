"""In-memory stand-ins for the journal/cursor store and a BigCommerce client, for unit tests of
apply and the runner (the sandbox tests cover the real HTTP path)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from esync_desktop.connectors.errors import ApiError, ConflictError, TransportError
from esync_desktop.sync.journal import OpenIntent


class MemoryState:
    """Journal + cursors, kept in dicts."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.cursors: dict[str, Mapping[str, Any]] = {}

    def journal_intent(
        self, key: str, action: str, sku: str | None, payload: Mapping[str, Any], run_id: int
    ) -> None:
        self.entries[key] = {
            "action": action,
            "sku": sku,
            "payload": dict(payload),
            "status": "intent",
        }

    def journal_confirm(self, key: str, result: Mapping[str, Any]) -> None:
        self.entries[key].update(status="confirmed", result=dict(result))

    def journal_fail(self, key: str, error: str) -> None:
        self.entries[key].update(status="failed", error=error)

    def journal_resolve(self, key: str, applied: bool, result: Mapping[str, Any]) -> None:
        status = "resolved_applied" if applied else "resolved_absent"
        self.entries[key].update(status=status, result=dict(result))

    def journal_open(self) -> list[OpenIntent]:
        return [
            OpenIntent(k, e["action"], e["sku"], e["payload"])
            for k, e in self.entries.items()
            if e["status"] == "intent"
        ]

    def journal_confirmed(self, key: str) -> Mapping[str, Any] | None:
        entry = self.entries.get(key)
        if entry and entry["status"] in ("confirmed", "resolved_applied"):
            return entry.get("result", {})
        return None

    def get_cursor(self, name: str) -> Mapping[str, Any] | None:
        return self.cursors.get(name)

    def set_cursor(self, name: str, value: Mapping[str, Any]) -> None:
        self.cursors[name] = value


class FakeBigCommerce:
    """Products by id; `lose_next` applies the next create and then loses the response;
    `refuse` maps a SKU (or variant/product id) to a 409 on write."""

    def __init__(self) -> None:
        self.products: dict[int, dict[str, Any]] = {}
        self.calls: list[tuple[str, int]] = []
        self.lose_next = 0
        self.refuse: set[object] = set()
        # Failures to raise: on the create of a SKU / a batch holding an id (once each, or
        # always with `sticky`), on every write (`down`), on every lookup (`lookup_down`).
        self.fail: dict[object, ApiError] = {}
        self.sticky = False
        self.down: ApiError | None = None
        self.lookup_down: ApiError | None = None
        self._next = 1

    def _failure(self, keys: Iterable[object]) -> None:
        if self.down is not None:
            raise self.down
        for key in keys:
            if key in self.fail:
                raise self.fail[key] if self.sticky else self.fail.pop(key)

    def create_product(self, body: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append(("create", 1))
        self._failure([body.get("sku")])
        if body.get("sku") in self.refuse:
            raise ConflictError("The product name is a duplicate", "rename it", status=409)
        product = {**body, "id": self._next}
        self.products[self._next] = product
        self._next += 1
        if self.lose_next:
            self.lose_next -= 1
            raise TransportError("lost", "retry later", maybe_applied=True)
        return product

    def products_by_sku(self, skus: Iterable[str]) -> list[dict[str, Any]]:
        self.calls.append(("lookup", 1))
        if self.lookup_down is not None:
            raise self.lookup_down
        wanted = set(skus)
        return [p for p in self.products.values() if p.get("sku") in wanted]

    def iter_products(self, include: tuple[str, ...] = (), **filters: Any) -> list[dict[str, Any]]:
        self.calls.append(("list", 1))
        name = filters.get("name")
        return [p for p in self.products.values() if name is None or p["name"] == name]

    def _batch(self, kind: str, bodies: list[dict[str, Any]], limit: int) -> None:
        assert len(bodies) <= limit, f"{kind} batch of {len(bodies)} over {limit}"
        self.calls.append((kind, len(bodies)))
        ids = {b.get("id") or b.get("product_id") or b.get("variant_id") for b in bodies}
        self._failure(ids)
        if ids & self.refuse:
            raise ConflictError("refused", "fix it", status=409)

    def update_products(self, bodies: list[dict[str, Any]]) -> None:
        self._batch("products", bodies, 10)

    def update_variants(self, bodies: list[dict[str, Any]]) -> None:
        self._batch("variants", bodies, 50)

    def set_inventory_absolute(self, items: list[dict[str, Any]], reason: str) -> None:
        self._batch("inventory", items, 2000)
