"""Variants: per product (`/catalog/products/{id}/variants`) and store-wide (`/catalog/variants`,
with the batch PUT of at most 50 that also creates)."""

from __future__ import annotations

from collections.abc import Callable

from esync_desktop.sandbox.bigcommerce import writes
from esync_desktop.sandbox.bigcommerce.common import (
    Doc,
    csv_arg,
    int_list,
    json_array,
    json_object,
    not_found_v3,
    ok,
    to_int,
    v3_error,
)
from esync_desktop.sandbox.bigcommerce.db import BcDb, norm_sku
from esync_desktop.sandbox.bigcommerce.paging import v3_list
from esync_desktop.sandbox.bigcommerce.products import too_many
from esync_desktop.sandbox.bigcommerce.query import Spec, predicates, select
from esync_desktop.sandbox.bigcommerce.render import Fields, variant_out
from esync_desktop.sandbox.http import Request, Response, Router

BATCH_LIMIT = 50
SPEC: Spec = {
    "id": (lambda d: d["id"], "int"),
    "sku": (lambda d: d["sku"], "str"),
    "upc": (lambda d: d["upc"], "str"),
    "product_id": (lambda d: d["product_id"], "int"),
}


class Variants:
    def __init__(self, db: BcDb) -> None:
        self.db = db

    def register(self, router: Router) -> None:
        base = "/v3/catalog/products/{product_id}/variants"
        router.add("GET", base, self.list_for_product)
        router.add("POST", base, self.create)
        router.add("GET", base + "/{variant_id}", self.get)
        router.add("PUT", base + "/{variant_id}", self.update)
        router.add("DELETE", base + "/{variant_id}", self.delete)
        router.add("GET", "/v3/catalog/variants", self.list_all)
        router.add("PUT", "/v3/catalog/variants", self.batch)

    def _product(self, request: Request) -> Doc:
        product = self.db.product(to_int(request.params.get("product_id")) or 0)
        if product is None:
            raise not_found_v3()
        return product

    def _variant(self, request: Request) -> tuple[Doc, Doc]:
        product = self._product(request)
        variant = self.db.variant(to_int(request.params.get("variant_id")) or 0)
        if variant is None or variant["product_id"] != product["id"]:
            raise not_found_v3()
        return product, variant

    def _render(self, request: Request) -> Callable[[Doc], Doc]:
        fields = Fields(request)
        products = self.db.products

        def render(variant: Doc) -> Doc:
            product = products.rows[str(variant["product_id"])]
            return fields.trim(variant_out(self.db, product, variant))

        return render

    # -- reads ---------------------------------------------------------------------------------

    def list_for_product(self, request: Request) -> Response:
        product = self._product(request)
        rows = select(self.db.variants_for(product["id"]), predicates(request, SPEC))
        return v3_list(request, rows, self._render(request))

    def list_all(self, request: Request) -> Response:
        db = self.db
        sku = request.arg("sku")
        skus = csv_arg(request, "sku:in")
        ids = int_list(request, "id:in")
        used: list[str] = []
        if sku is not None or skus is not None:
            # Any SKU, a simple product's base variant included (api-specs#1460).
            rows = []
            for wanted in skus if skus is not None else [sku or ""]:
                found = db.find_by_sku(wanted)
                if found is not None and found[1] is not None:
                    rows.append(found[1])
            rows.sort(key=lambda v: v["id"])
            used = ["sku", "sku:in"]
        elif ids is not None:
            rows = db.docs(db.variants, sorted(set(ids)))
            used = ["id:in"]
        else:
            pids = int_list(request, "product_id:in")
            rows = [
                v
                for pid in (sorted(set(pids)) if pids is not None else db.product_ids)
                for v in db.variants_for(pid)
            ]
            used = ["product_id:in"]
        rows = select(rows, predicates(request, SPEC, skip=used))
        return v3_list(request, rows, self._render(request))

    def get(self, request: Request) -> Response:
        _, variant = self._variant(request)
        return ok(self._render(request)(variant))

    # -- writes --------------------------------------------------------------------------------

    def create(self, request: Request) -> Response:
        product = self._product(request)
        variant = writes.create_variant(self.db, product, json_object(request))
        return ok(variant_out(self.db, product, variant))

    def update(self, request: Request) -> Response:
        product, variant = self._variant(request)
        writes.update_variant(self.db, product, variant, json_object(request))
        return ok(variant_out(self.db, product, variant))

    def delete(self, request: Request) -> Response:
        product, variant = self._variant(request)
        if self.db.is_base(variant):
            raise v3_error(422, "The base variant of a product cannot be deleted.")
        self.db.remove_variant(variant["id"])
        self.db.touch_product(product["id"])
        return Response.empty(204)

    def batch(self, request: Request) -> Response:
        items = json_array(request)
        if len(items) > BATCH_LIMIT:
            raise too_many(BATCH_LIMIT)
        plans: list[tuple[Doc, Doc | None, Doc]] = []
        seen: set[str] = set()
        for item in items:
            if not isinstance(item, dict):
                raise v3_error(422, "JSON data is missing or invalid", {"items": "objects"})
            if item.get("id") is not None:
                variant = self.db.variant(to_int(item["id"]) or 0)
                if variant is None:
                    raise v3_error(422, "JSON data is missing or invalid", {"id": "unknown id"})
                product = self.db.products.rows[str(variant["product_id"])]
                plans.append((product, variant, item))
            else:
                parent = self.db.product(to_int(item.get("product_id")) or 0)
                if parent is None:
                    raise v3_error(
                        422, "JSON data is missing or invalid", {"product_id": "unknown product"}
                    )
                plans.append((parent, None, item))
            sku = item.get("sku")
            if isinstance(sku, str) and sku.strip():
                if norm_sku(sku) in seen:
                    raise writes.sku_not_unique(sku)
                seen.add(norm_sku(sku))
        out = []
        for product, variant, item in plans:
            if variant is None:
                variant = writes.create_variant(self.db, product, item)
            else:
                writes.update_variant(self.db, product, variant, item)
            out.append(variant_out(self.db, product, variant))
        return ok(out)
