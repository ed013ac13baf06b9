"""BigCommerceClient: the catalog, inventory and store calls the sync needs, paged and batched."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Unpack

from esync_desktop.connectors.bigcommerce_profile import BIGCOMMERCE_PACING, BigCommerceProfile
from esync_desktop.connectors.client_base import ClientBase, ClientOptions
from esync_desktop.connectors.http import HttpLayer, segment
from esync_desktop.connectors.paging import numbered_pages

BIGCOMMERCE_URL = "https://api.bigcommerce.com"
PAGE_LIMIT = 250  # v3 and v2 maximum
PRODUCT_BATCH = 10  # PUT /v3/catalog/products
VARIANT_BATCH = 50  # PUT /v3/catalog/variants
INVENTORY_BATCH = 2000  # PUT /v3/inventory/adjustments/absolute
# SKUs per `sku:in` lookup: keeps the URL short whatever the SKUs look like.
SKU_LOOKUP_CHUNK = 50
_IDENTIFIERS = ("product_id", "variant_id", "sku")

Doc = dict[str, Any]


class BigCommerceClient(ClientBase):
    """One store. `base_url` is https://api.bigcommerce.com or any URL (the sandbox)."""

    def __init__(
        self, base_url: str, store_hash: str, token: str, **options: Unpack[ClientOptions]
    ) -> None:
        self.store_hash = store_hash.strip()
        base_url = (base_url or "").strip() or BIGCOMMERCE_URL
        profile = BigCommerceProfile(self.store_hash, base_url)
        options.setdefault("pacing", BIGCOMMERCE_PACING)
        http = HttpLayer(
            profile,
            base_url,
            account=self.store_hash,
            token=token,
            auth_headers={"X-Auth-Token": token},
            **options,
        )
        super().__init__(http)
        self._store = f"/stores/{segment(self.store_hash)}"

    # -- plumbing --------------------------------------------------------------------------

    def _v3(self, *parts: str) -> str:
        return "/".join([f"{self._store}/v3", *parts])

    def _v2(self, *parts: str) -> str:
        return "/".join([f"{self._store}/v2", *parts])

    def _envelope(self, method: str, path: str, data: Any) -> Any:
        if not isinstance(data, dict) or "data" not in data:
            raise self.http.bad_shape(method, path, "a `data` member")
        return data["data"]

    def _v3_page(
        self, path: str, params: list[tuple[str, Any]], page: int
    ) -> tuple[list[Any], Any]:
        query = [*params, ("limit", PAGE_LIMIT), ("page", page)]
        data = self.http.request("GET", path, params=query).data
        rows = self._envelope("GET", path, data)
        if not isinstance(rows, list):
            raise self.http.bad_shape("GET", path, "a `data` list")
        return rows, data

    def _v3_pages(self, path: str, params: list[tuple[str, Any]]) -> Iterator[Doc]:
        """Every row, 250 a page, following meta.pagination (short page when it is missing).
        Once two pages said how many there are, the rest are fetched a few at a time (as many
        as the account may have in flight), and handed on in order."""
        page = 1
        previous: list[Any] = []
        ahead: Iterator[tuple[int, tuple[list[Any], Any]]] = iter(())
        try:
            while True:
                fetched = next(ahead, None)
                rows, data = fetched[1] if fetched else self._v3_page(path, params, page)
                if rows and rows == previous:
                    # The server ignores `page`: reading on would never end.
                    raise self.http.bad_shape("GET", path, "a next page (the same page came back)")
                previous = rows
                yield from rows
                meta = data.get("meta")
                pagination = meta.get("pagination") if isinstance(meta, dict) else None
                pagination = pagination if isinstance(pagination, dict) else {}
                total_pages = _count(pagination.get("total_pages"))
                current = _count(pagination.get("current_page")) or page
                per_page = _count(pagination.get("per_page")) or PAGE_LIMIT
                if not rows:
                    return
                if total_pages is not None:
                    if current >= total_pages:
                        return
                    # From the third page on: the second one shows that the server pages.
                    if not fetched and page >= 2 and total_pages >= page + 2:
                        in_flight = self.http.pacer.config.max_in_flight
                        ahead = numbered_pages(
                            lambda n: self._v3_page(path, params, n), page + 1, total_pages,
                            in_flight,
                        )  # fmt: skip
                elif len(rows) < per_page:
                    return
                page += 1
        finally:
            close = getattr(ahead, "close", None)
            if close is not None:
                close()

    def _v2_pages(self, path: str, params: list[tuple[str, Any]]) -> Iterator[Doc]:
        """Every row of a v2 list: 250 a page until an empty page (204) or a short one."""
        page = 1
        previous: list[Any] = []
        while True:
            query = [*params, ("limit", PAGE_LIMIT), ("page", page)]
            reply = self.http.request("GET", path, params=query)
            if reply.status == 204 or reply.data is None:
                return
            if not isinstance(reply.data, list):
                raise self.http.bad_shape("GET", path, "a list")
            if reply.data and reply.data == previous:
                raise self.http.bad_shape("GET", path, "a next page (the same page came back)")
            previous = reply.data
            yield from reply.data
            if len(reply.data) < PAGE_LIMIT:
                return
            page += 1

    # -- reads -----------------------------------------------------------------------------

    def store_info(self) -> Doc:
        """GET /v2/store: name, domain, weight units... (the connection test)."""
        path = self._v2("store")
        data = self.http.request("GET", path).data
        if not isinstance(data, dict):
            raise self.http.bad_shape("GET", path, "the store object")
        return data

    def iter_products(
        self, include: Sequence[str] = ("variants",), **filters: Any
    ) -> Iterator[Doc]:
        """Products by their API filter names, e.g. `**{"sku:in": "A,B",
        "date_modified:min": datetime}`; sorted by id so pages hold still while others write."""
        params = _filters(filters)
        if include:
            params.append(("include", ",".join(include)))
        if "sort" not in filters:
            params += [("sort", "id"), ("direction", "asc")]
        return self._v3_pages(self._v3("catalog", "products"), params)

    def get_product(self, product_id: int, include: Sequence[str] = ()) -> Doc:
        path = self._v3("catalog", "products", segment(product_id))
        params = [("include", ",".join(include))] if include else None
        product = self._envelope("GET", path, self.http.request("GET", path, params=params).data)
        if not isinstance(product, dict):
            raise self.http.bad_shape("GET", path, "the product")
        return product

    def products_by_sku(self, skus: Iterable[str], include: Sequence[str] = ()) -> list[Doc]:
        """Products whose product-level SKU is one of `skus` (variant SKUs: iter_variants)."""
        wanted = list(dict.fromkeys(s for s in skus if s))
        # A comma would split an `sku:in` list: such SKUs are asked for one by one.
        plain = [s for s in wanted if "," not in s]
        found: list[Doc] = []
        for start in range(0, len(plain), SKU_LOOKUP_CHUNK):
            chunk = ",".join(plain[start : start + SKU_LOOKUP_CHUNK])
            found += self.iter_products(include, **{"sku:in": chunk})
        for sku in (s for s in wanted if "," in s):
            found += self.iter_products(include, sku=sku)
        return found

    def iter_variants(self, **filters: Any) -> Iterator[Doc]:
        """Every variant of the store (base variants of simple products included)."""
        return self._v3_pages(self._v3("catalog", "variants"), _filters(filters))

    def iter_tax_classes(self) -> Iterator[Doc]:
        """GET /v2/tax_classes: `id` (a string in v2) and `name`; class 0 is not listed."""
        return self._v2_pages(self._v2("tax_classes"), [])

    def iter_categories(self, **filters: Any) -> Iterator[Doc]:
        """Tree categories, flat: `id` (the category_id), `name`, `parent_id`, `tree_id`, ..."""
        path = self._v3("catalog", "trees", "categories")
        for row in self._v3_pages(path, _filters(filters)):
            # A row that is not an object is passed on for the reader to name.
            yield (
                {"id": row.get("category_id", row.get("id")), **row}
                if isinstance(row, dict)
                else row
            )

    def iter_trees(self, **filters: Any) -> Iterator[Doc]:
        """The category trees (one per channel group: `id`, `name`, `channels`)."""
        return self._v3_pages(self._v3("catalog", "trees"), _filters(filters))

    def iter_locations(self, **filters: Any) -> Iterator[Doc]:
        return self._v3_pages(self._v3("inventory", "locations"), _filters(filters))

    def iter_orders(self, **filters: Any) -> Iterator[Doc]:
        """v2 orders, e.g. `min_date_modified=...`, `sort="date_modified:asc"`."""
        return self._v2_pages(self._v2("orders"), _filters(filters))

    def iter_order_products(self, order_id: int) -> Iterator[Doc]:
        """The lines of one v2 order, every page."""
        return self._v2_pages(self._v2("orders", str(int(order_id)), "products"), [])

    def iter_refunds(self, **filters: Any) -> Iterator[Doc]:
        """v3 refunds of every order, e.g. `**{"created:min": since}` (ascending id)."""
        return self._v3_pages(self._v3("orders", "payment_actions", "refunds"), _filters(filters))

    # -- writes ----------------------------------------------------------------------------

    def create_product(self, body: Doc) -> Doc:
        """POST one product (variants inline). Not idempotent: a lost answer raises
        TransportError(maybe_applied=True), and a 500 is not sent twice."""
        path = self._v3("catalog", "products")
        data = self.http.request("POST", path, body=body, idempotent=False).data
        product = self._envelope("POST", path, data)
        if not isinstance(product, dict):
            raise self.http.bad_shape("POST", path, "the product")
        return product

    def create_category(self, name: str, tree_id: int, parent_id: int = 0) -> Doc:
        """POST one category into a tree (the batch endpoint with one item). Not idempotent:
        a lost answer raises TransportError(maybe_applied=True); look it up by name."""
        path = self._v3("catalog", "trees", "categories")
        body = [{"name": name, "tree_id": int(tree_id), "parent_id": int(parent_id)}]
        data = self.http.request("POST", path, body=body, idempotent=False).data
        rows = self._envelope("POST", path, data)
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
            raise self.http.bad_shape("POST", path, "the category")
        row = rows[0]
        return {"id": row.get("category_id", row.get("id")), **row}

    def update_products(self, bodies: Sequence[Doc]) -> list[Doc]:
        """Batch updates (each with `id`), PRODUCT_BATCH per call; absolute, so retry-safe."""
        return self._batches(self._v3("catalog", "products"), bodies, PRODUCT_BATCH, "id")

    def update_variants(self, bodies: Sequence[Doc]) -> list[Doc]:
        """Batch variant updates (each with `id`), VARIANT_BATCH per call."""
        return self._batches(self._v3("catalog", "variants"), bodies, VARIANT_BATCH, "id")

    def _batches(self, path: str, bodies: Sequence[Doc], size: int, key: str) -> list[Doc]:
        if any(body.get(key) in (None, "") for body in bodies):
            raise ValueError(f"every batch update needs `{key}`")
        out: list[Doc] = []
        for start in range(0, len(bodies), size):
            chunk = list(bodies[start : start + size])
            data = self.http.request("PUT", path, body=chunk).data
            rows = self._envelope("PUT", path, data)
            if not isinstance(rows, list):
                raise self.http.bad_shape("PUT", path, "a `data` list")
            out.extend(rows)
        return out

    def set_inventory_absolute(self, items: Sequence[Doc], reason: str) -> list[str]:
        """Absolute stock per location; items are {"location_id", one of "product_id" /
        "variant_id" / "sku", "quantity"}. Returns the transaction ids, one per call."""
        for item in items:
            named = [k for k in _IDENTIFIERS if item.get(k) not in (None, "")]
            if "location_id" not in item or "quantity" not in item or len(named) != 1:
                raise ValueError(f"inventory item needs location_id, quantity and one id: {item}")
        path = self._v3("inventory", "adjustments", "absolute")
        transactions: list[str] = []
        for start in range(0, len(items), INVENTORY_BATCH):
            chunk = list(items[start : start + INVENTORY_BATCH])
            data = self.http.request("PUT", path, body={"reason": reason, "items": chunk}).data
            if isinstance(data, dict) and data.get("transaction_id"):
                transactions.append(str(data["transaction_id"]))
        return transactions

    def adjust_inventory_relative(self, items: Sequence[Doc], reason: str) -> str | None:
        """Add to (or take from) stock per location, in one call; items are {"location_id",
        one of the ids, "quantity" (signed)}. Not idempotent and BigCommerce has no way to read
        an adjustment back: it is sent once (a lost answer raises maybe_applied)."""
        for item in items:
            named = [k for k in _IDENTIFIERS if item.get(k) not in (None, "")]
            if "location_id" not in item or "quantity" not in item or len(named) != 1:
                raise ValueError(f"inventory item needs location_id, quantity and one id: {item}")
        if len(items) > INVENTORY_BATCH:
            raise ValueError(f"at most {INVENTORY_BATCH} items per relative adjustment")
        path = self._v3("inventory", "adjustments", "relative")
        body = {"reason": reason, "items": list(items)}
        data = self.http.request("POST", path, body=body, idempotent=False).data
        if isinstance(data, dict) and data.get("transaction_id"):
            return str(data["transaction_id"])
        return None


def _count(value: Any) -> int | None:
    """A pagination count, when it is one (a whole number, not a boolean)."""
    return value if type(value) is int and value >= 0 else None


def _filters(filters: dict[str, Any]) -> list[tuple[str, Any]]:
    """Filter values as BigCommerce reads them: ISO timestamps, comma lists, true/false."""
    out: list[tuple[str, Any]] = []
    for name, value in filters.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError(f"{name}: give a timezone-aware datetime")
            # A bare date would get the current time of day appended (bigcommerce.md §6.4).
            value = value.isoformat(timespec="seconds")
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple, set, frozenset)):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, Decimal):
            value = str(value)
        out.append((name, value))
    return out
