"""`/v3/catalog/products`: list with filters, get, create (with variants), single and batch
update, delete, and the catalog summary."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import overload

from esync_desktop.sandbox.bigcommerce import writes
from esync_desktop.sandbox.bigcommerce.common import (
    Doc,
    csv_arg,
    int_arg,
    int_list,
    json_array,
    json_object,
    not_found_v3,
    ok,
    to_int,
    to_money,
    v3_error,
)
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.paging import v3_list, v3_page
from esync_desktop.sandbox.bigcommerce.query import (
    Spec,
    bad_filter,
    predicates,
    select,
    sort_rows,
)
from esync_desktop.sandbox.bigcommerce.render import Fields, calculated_price, product_out
from esync_desktop.sandbox.http import Request, Response, Router

BATCH_LIMIT = 10
DELETE_LIMIT = 250
SORTS = (
    "id",
    "name",
    "sku",
    "price",
    "date_modified",
    "date_last_imported",
    "inventory_level",
    "is_visible",
    "total_sold",
    "calculated_price",
)


def too_many(limit: int) -> Exception:
    return v3_error(
        413, f"The request payload is too large. The maximum items allowed in the array is {limit}."
    )


class Products:
    """Handlers bound to one BcDb."""

    def __init__(self, db: BcDb) -> None:
        self.db = db
        level = db.product_level
        self.spec: Spec = {
            "id": (lambda d: d["id"], "int"),
            "name": (lambda d: d["name"], "str"),
            "sku": (lambda d: d["sku"], "str"),
            "price": (lambda d: d["price"], "num"),
            "weight": (lambda d: d["weight"], "num"),
            "type": (lambda d: d["type"], "enum:physical,digital"),
            "date_modified": (lambda d: d["date_modified"], "date"),
            "date_created": (lambda d: d["date_created"], "date"),
            # Products made through the API were never imported: the field stays unset.
            "date_last_imported": (lambda d: d.get("date_last_imported"), "date"),
            "is_visible": (lambda d: d["is_visible"], "bool"),
            # The products file gives these two as integers 1/0, unlike `is_visible`.
            "is_featured": (lambda d: d["is_featured"], "flag"),
            "is_free_shipping": (lambda d: d["is_free_shipping"], "flag"),
            "inventory_level": (level, "int"),
            "total_sold": (lambda d: d["total_sold"], "int"),
            "brand_id": (lambda d: d["brand_id"], "int"),
            "availability": (lambda d: d["availability"], "enum:available,disabled,preorder"),
            "condition": (lambda d: d["condition"], "enum:New,Used,Refurbished"),
            "mpn": (lambda d: d["mpn"], "str"),
            "upc": (lambda d: d["upc"], "str"),
            "tax_class_id": (lambda d: d["tax_class_id"], "int"),
            "calculated_price": (lambda d: calculated_price(d["price"], d["sale_price"]), "num"),
        }

    def register(self, router: Router) -> None:
        router.add("GET", "/v3/catalog/products", self.list_products)
        router.add("POST", "/v3/catalog/products", self.create)
        router.add("PUT", "/v3/catalog/products", self.update_batch)
        router.add("DELETE", "/v3/catalog/products", self.delete_many)
        router.add("GET", "/v3/catalog/products/{product_id}", self.get)
        router.add("PUT", "/v3/catalog/products/{product_id}", self.update)
        router.add("DELETE", "/v3/catalog/products/{product_id}", self.delete)
        router.add("GET", "/v3/catalog/summary", self.summary)

    def product(self, request: Request) -> Doc:
        product = self.db.product(to_int(request.params.get("product_id")) or 0)
        if product is None:
            raise not_found_v3()
        return product

    # -- reads ---------------------------------------------------------------------------------

    def matching(self, request: Request) -> Sequence[Doc]:
        db = self.db
        skus = csv_arg(request, "sku:in")
        exact_sku = request.arg("sku")
        ids = int_list(request, "id:in")
        used: list[str] = []
        # Indexed lookups first, so `sku:in` and `id:in` stay fast on a 100k catalog.
        if skus is not None or exact_sku is not None:
            wanted = skus if skus is not None else [exact_sku or ""]
            found = {db.product_sku.get(s.strip().lower()) for s in wanted}
            # SKUs compare ignoring case, like the uniqueness rule (the store's collation).
            rows = db.docs(db.products, sorted(i for i in found if i is not None))
            used = ["sku:in", "sku"]
        elif ids is not None:
            rows = db.docs(db.products, sorted(set(ids)))
            used = ["id:in"]
        else:
            self._special(request, [])  # its arguments are checked all the same
            plain = not predicates(request, self.spec) and not _special_filters(request)
            direction = request.arg("direction") or "asc"
            if plain and (request.arg("sort") or "id") == "id" and direction in ("asc", "desc"):
                # The whole catalogue in id order: only the page asked for is looked up.
                ordered = _ProductsById(db)
                return ordered if direction == "asc" else list(reversed(ordered))
            rows = db.docs(db.products, db.product_ids)
        preds = predicates(request, self.spec, skip=used)
        rows = select(rows, preds)
        rows = self._special(request, rows)
        return sort_rows(rows, request, self.spec, SORTS)

    def _special(self, request: Request, rows: list[Doc]) -> list[Doc]:
        keyword = (request.arg("keyword") or "").strip().lower()
        if keyword:
            rows = [
                r
                for r in rows
                if keyword in r["name"].lower()
                or keyword in r["sku"].lower()
                or keyword in r["description"].lower()
            ]
        category = int_arg(request, "categories")
        if category is not None:
            # A product in several categories is not returned by the single-id filter (§6.4).
            rows = [r for r in rows if r["categories"] == [category]]
        every = int_list(request, "categories:in")
        if every:
            rows = [r for r in rows if all(c in r["categories"] for c in every)]
        context = request.arg("keyword_context")
        if context is not None and context not in {"shopper", "merchant"}:
            raise bad_filter("keyword_context", context)
        for flag in ("out_of_stock", "inventory_low"):
            int_arg(request, flag)  # integers in the file; only 1 filters
        if request.arg("out_of_stock") == "1":
            rows = [
                r
                for r in rows
                if r["inventory_tracking"] != "none" and self.db.product_level(r) == 0
            ]
        if request.arg("inventory_low") == "1":
            rows = [
                r
                for r in rows
                if r["inventory_tracking"] != "none"
                and self.db.product_level(r) <= r["inventory_warning_level"]
            ]
        return rows

    def list_products(self, request: Request) -> Response:
        fields = Fields(request)
        # Pages that include options or modifiers hold at most 10 products (products spec).
        cap = 10 if fields.include & {"options", "modifiers"} else None
        page = v3_page(request, cap=cap)
        rows = self.matching(request)
        return v3_list(request, rows, lambda p: product_out(self.db, p, fields), page=page)

    def get(self, request: Request) -> Response:
        return ok(product_out(self.db, self.product(request), Fields(request)))

    def summary(self, request: Request) -> Response:
        db = self.db
        products = db.products.values()
        value = sum((p["price"] * db.product_level(p) for p in products), Decimal(0))
        levels = [db.product_level(p) for p in products]
        return ok(
            {
                "inventory_count": sum(levels),
                "inventory_value": value,
                "primary_category_id": 0,
                "primary_category_name": "",
                "variant_count": len(db.variants),
                "highest_variant_price": max((p["price"] for p in products), default=0),
                "average_variant_price": (
                    to_money(sum((p["price"] for p in products), Decimal(0)) / len(products))
                    if products
                    else 0
                ),
                # The products spec types this one field as a string.
                "lowest_variant_price": f"{min((p['price'] for p in products), default=0):.4f}",
                "oldest_variant_date": min((p["date_created"] for p in products), default=""),
                "newest_variant_date": max((p["date_created"] for p in products), default=""),
            }
        )

    # -- writes --------------------------------------------------------------------------------

    def create(self, request: Request) -> Response:
        product = writes.create_product(self.db, json_object(request))
        return ok(product_out(self.db, product, Fields(request)))

    def update(self, request: Request) -> Response:
        product = writes.update_product(self.db, self.product(request), json_object(request))
        return ok(product_out(self.db, product, Fields(request)))

    def update_batch(self, request: Request) -> Response:
        items = json_array(request)
        if len(items) > BATCH_LIMIT:
            raise too_many(BATCH_LIMIT)
        targets = []
        for item in items:
            product = (
                self.db.product(to_int(item.get("id")) or 0) if isinstance(item, dict) else None
            )
            if product is None:
                raise v3_error(422, "JSON data is missing or invalid", {"id": "unknown product id"})
            targets.append((product, item))
        # Items are applied in order; one failing stops the batch (what came before stays,
        # which is why clients re-read after a failed batch, §13 gotcha 9).
        done = [writes.update_product(self.db, product, item) for product, item in targets]
        fields = Fields(request)
        return ok([product_out(self.db, p, fields) for p in done])

    def delete(self, request: Request) -> Response:
        self.db.remove_product(self.product(request)["id"])
        return Response.empty(204)

    def delete_many(self, request: Request) -> Response:
        filters = [k for k in request.query if k.split(":")[0] in self.spec or k == "id:in"]
        if not filters:
            raise v3_error(422, "A filter is required to delete products", {"id:in": "required"})
        rows = list(self.matching(request))
        if len(rows) > DELETE_LIMIT:
            raise too_many(DELETE_LIMIT)
        for row in rows:
            self.db.remove_product(row["id"])
        return Response.empty(204)


def _special_filters(request: Request) -> bool:
    """Whether a filter of Products._special narrows the listing."""
    return bool(
        (request.arg("keyword") or "").strip()
        or int_arg(request, "categories") is not None
        or int_list(request, "categories:in")
        or request.arg("out_of_stock") == "1"
        or request.arg("inventory_low") == "1"
    )


class _ProductsById(Sequence[Doc]):
    """Every product in id order, looked up only for the slice a page takes."""

    def __init__(self, db: BcDb) -> None:
        self._db = db
        self._ids = db.product_ids

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> Doc: ...
    @overload
    def __getitem__(self, index: slice) -> list[Doc]: ...
    def __getitem__(self, index: int | slice) -> Doc | list[Doc]:
        if isinstance(index, slice):
            return self._db.docs(self._db.products, self._ids[index])
        doc = self._db.products.get(self._ids[index])
        if doc is None:
            raise IndexError(index)
        return doc
