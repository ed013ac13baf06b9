"""How catalog documents leave the emulator: computed fields, `include` and field trimming."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import Doc
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.http import Request

# Sub-resources the emulator keeps no data for still come back as empty lists when included.
EMPTY_INCLUDES = (
    "images",
    "custom_fields",
    "bulk_pricing_rules",
    "modifiers",
    "videos",
    "reviews",
    "parent_relations",
)

# Integers in the products schema that BigCommerce has no value for on some products: the base
# variant of a product with option variants, the legacy option set of most products.
NULL_IF_UNSET = ("base_variant_id", "option_set_id")


def calculated_price(price: Any, sale_price: Any) -> Decimal:
    """Sale price when one is set (> 0), else the price."""
    sale = Decimal(sale_price or 0)
    return sale if sale > 0 else Decimal(price or 0)


def public(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def variant_out(db: BcDb, product: Doc, variant: Doc) -> Doc:
    out = public(variant)
    price = variant["price"] if variant.get("price") is not None else product["price"]
    sale = variant["sale_price"] if variant.get("sale_price") is not None else product["sale_price"]
    out["calculated_price"] = calculated_price(price, sale)
    weight = variant["weight"] if variant.get("weight") is not None else product["weight"]
    out["calculated_weight"] = weight
    out["inventory_level"] = db.variant_level(product, variant)
    return out


def option_out(option: Doc) -> Doc:
    return public(option)


class Fields:
    """`include`, `include_fields` and `exclude_fields` of one request (`id` always stays)."""

    def __init__(self, request: Request) -> None:
        self.include = set(_csv(request, "include"))
        self.only = set(_csv(request, "include_fields"))
        self.without = set(_csv(request, "exclude_fields")) - {"id"}

    def trim(self, doc: Doc) -> Doc:
        if self.only:
            keep = self.only | {"id"} | (self.include & {"variants", "options"} | _extra(self))
            doc = {k: v for k, v in doc.items() if k in keep}
        if self.without:
            doc = {k: v for k, v in doc.items() if k not in self.without}
        return doc


def _extra(fields: Fields) -> set[str]:
    return {name for name in EMPTY_INCLUDES if name in fields.include}


def _csv(request: Request, name: str) -> list[str]:
    return [p.strip() for v in request.args(name) for p in v.split(",") if p.strip()]


def product_out(db: BcDb, product: Doc, fields: Fields | None = None) -> Doc:
    out = public(product)
    for name in NULL_IF_UNSET:
        # The schema types these as integers: a product without one leaves the field out.
        if out.get(name) is None:
            out.pop(name, None)
    out["inventory_level"] = db.product_level(product)
    out["calculated_price"] = calculated_price(product["price"], product["sale_price"])
    if fields is None:
        return out
    if "variants" in fields.include:
        out["variants"] = [variant_out(db, product, v) for v in db.variants_for(product["id"])]
    if "options" in fields.include:
        out["options"] = [option_out(o) for o in db.options_for(product["id"])]
    for name in EMPTY_INCLUDES:
        if name in fields.include:
            out[name] = []
    if "primary_image" in fields.include:
        out["primary_image"] = {}
    if "channels" in fields.include:
        out["channels"] = [1]
    return fields.trim(out)
