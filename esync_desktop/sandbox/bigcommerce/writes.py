"""Catalog write rules: product and variant create/update with BigCommerce's invariants (unique
names and SKUs, known categories, required fields, base variants, stock through location 1)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import Doc, iso, now, to_int, v3_error
from esync_desktop.sandbox.bigcommerce.db import DEFAULT_LOCATION, BcDb, norm_sku
from esync_desktop.sandbox.bigcommerce.fields import (
    MISSING,
    PRODUCT_FIELDS,
    TITLE,
    VARIANT_FIELDS,
    clean,
)

MAX_VARIANTS = 600
OPTION_TYPES = (
    "radio_buttons",
    "rectangles",
    "dropdown",
    "product_list",
    "product_list_with_images",
    "swatch",
)


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "/" + (re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "product") + "/"


def product_url(db: BcDb, product: Doc) -> Doc:
    """The product's `custom_url`: as sent, else made from the name like BigCommerce does
    (`/ceramic-mug/`, then `/ceramic-mug-2/`... while taken). A URL another product holds is a
    409 (api doc 5.3)."""
    wanted = product["custom_url"]
    taken = {p["custom_url"]["url"] for p in db.products if p["id"] != product["id"]}
    if wanted["url"]:
        if wanted["url"] in taken:
            title = "The product custom_url is a duplicate"
            raise v3_error(409, title, {"custom_url": title})
        return dict(wanted)
    base = slug(product["name"])
    url, n = base, 1
    while url in taken:
        n += 1
        url = f"{base[:-1]}-{n}/"
    return {"url": url, "is_customized": False}


def duplicate_name() -> Exception:
    title = "The product name is a duplicate"
    return v3_error(409, title, {"name": title})


def duplicate_sku() -> Exception:
    title = "The product sku is a duplicate"
    return v3_error(409, title, {"sku": title})


def sku_not_unique(sku: str) -> Exception:
    title = f"Sku '{sku}' is not unique"
    return v3_error(409, title, {"sku": title})


def _check_categories(db: BcDb, categories: list[int]) -> None:
    missing = [c for c in categories if c not in db.categories]
    if missing:
        title = f"Invalid category id(s): {', '.join(str(c) for c in missing)}"
        raise v3_error(409, title, {"categories": title})


def _check_tax_class(db: BcDb, fields: Doc) -> None:
    """A tax_class_id names a class of /v2/tax_classes, or 0 (the Default Tax Class): any
    other is a 409 like a missing category (bigcommerce.md §5.4)."""
    class_id = fields.get("tax_class_id")
    if class_id in (None, 0) or db.tax_classes.get(str(class_id)) is not None:
        return
    title = f"Invalid tax_class_id: {class_id}"
    raise v3_error(409, title, {"tax_class_id": title})


def product_defaults(pid: int, moment: str) -> Doc:
    zero = Decimal(0)
    return {
        "id": pid,
        "name": "",
        "type": "physical",
        "sku": "",
        "description": "",
        "weight": zero,
        "width": zero,
        "depth": zero,
        "height": zero,
        "price": zero,
        "cost_price": zero,
        "retail_price": zero,
        "sale_price": zero,
        "map_price": zero,
        "tax_class_id": 0,
        "product_tax_code": "",
        "categories": [],
        "brand_id": 0,
        "inventory_warning_level": 0,
        "inventory_tracking": "none",
        "fixed_cost_shipping_price": zero,
        "is_free_shipping": False,
        "is_visible": True,
        "is_featured": False,
        "related_products": [-1],
        "warranty": "",
        "bin_picking_number": "",
        "layout_file": "product.html",
        "upc": "",
        "mpn": "",
        "gtin": "",
        "search_keywords": "",
        "availability": "available",
        "availability_description": "",
        "gift_wrapping_options_type": "any",
        "gift_wrapping_options_list": [],
        "sort_order": 0,
        "condition": "New",
        "is_condition_shown": False,
        "order_quantity_minimum": 0,
        "order_quantity_maximum": 0,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "view_count": 0,
        "preorder_message": "",
        "is_preorder_only": False,
        "is_price_hidden": False,
        "price_hidden_label": "",
        "custom_url": {"url": "", "is_customized": False},
        "open_graph_type": "product",
        "open_graph_title": "",
        "open_graph_description": "",
        "open_graph_use_meta_description": True,
        "open_graph_use_product_name": True,
        "open_graph_use_image": True,
        "reviews_rating_sum": 0,
        "reviews_count": 0,
        "total_sold": 0,
        "date_created": moment,
        "date_modified": moment,
        "base_variant_id": None,
        "option_set_id": None,
        "option_set_display": "right",
    }


def _set_stock(db: BcDb, product: Doc, level: int, variant: Doc | None = None) -> None:
    """Catalog `inventory_level` writes are absolute sets at the default location (§9.1)."""
    tracking = product["inventory_tracking"]
    if variant is None and tracking == "product":
        db.set_onhand(
            DEFAULT_LOCATION,
            f"p{product['id']}",
            level,
            product_id=product["id"],
            variant_id=product.get("base_variant_id"),
        )
    elif variant is not None and tracking == "variant":
        db.set_onhand(
            DEFAULT_LOCATION,
            f"v{variant['id']}",
            level,
            product_id=product["id"],
            variant_id=variant["id"],
        )
    elif variant is not None and tracking == "product" and db.is_base(variant):
        _set_stock(db, product, level)


def create_product(db: BcDb, body: Doc) -> Doc:
    required = ["name", "type", "price"]
    if body.get("type", "physical") == "physical":
        required.append("weight")
    fields = clean(body, PRODUCT_FIELDS, required=tuple(required))
    variants = body.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, dict) for v in variants):
        raise v3_error(422, TITLE, {"variants": "error.expected.jsarray"})
    if db.name_taken(fields["name"]):
        raise duplicate_name()
    if fields.get("sku") and db.sku_taken(fields["sku"]):
        raise duplicate_sku()
    _check_categories(db, fields.get("categories", []))
    _check_tax_class(db, fields)
    with_options = [v for v in variants if v.get("option_values")]
    _check_new_variant_skus(db, with_options)
    pid = db.next_id("products")
    product = product_defaults(pid, iso(now()))
    level = fields.pop("inventory_level", None)
    product.update(fields)
    product["custom_url"] = product_url(db, product)
    db.add_product(product)
    if with_options:
        for spec in with_options:
            create_variant(db, product, spec, by_label=True)
    else:
        base = new_variant(db, product, product["sku"], [])
        product["base_variant_id"] = base["id"]
        for spec in variants:
            # A variant without option values describes the base variant itself.
            update_variant(db, product, base, {k: v for k, v in spec.items() if k != "sku"})
    if level is not None:
        _set_stock(db, product, level)
    return product


def _check_new_variant_skus(db: BcDb, specs: list[Doc]) -> None:
    seen: set[str] = set()
    for spec in specs:
        sku = spec.get("sku")
        if not isinstance(sku, str) or not sku.strip():
            raise v3_error(422, TITLE, {"variants.sku": MISSING})
        if norm_sku(sku) in seen or db.sku_taken(sku):
            raise sku_not_unique(sku)
        seen.add(norm_sku(sku))
    if len(specs) > MAX_VARIANTS:
        raise v3_error(422, f"A product can have at most {MAX_VARIANTS} variants.")


def update_product(db: BcDb, product: Doc, body: Doc) -> Doc:
    fields = clean(body, PRODUCT_FIELDS)
    if "name" in fields and db.name_taken(fields["name"], product["id"]):
        raise duplicate_name()
    if fields.get("sku") and db.sku_taken(
        fields["sku"], product_id=product["id"], variant_id=product.get("base_variant_id") or 0
    ):
        raise duplicate_sku()
    _check_categories(db, fields.get("categories", []))
    _check_tax_class(db, fields)
    variant_updates = body.get("variants") or []
    if not isinstance(variant_updates, list):
        raise v3_error(422, TITLE, {"variants": "error.expected.jsarray"})
    targets = []
    for spec in variant_updates:
        variant = db.variant(to_int(spec.get("id")) or 0) if isinstance(spec, dict) else None
        if variant is None or variant["product_id"] != product["id"]:
            raise v3_error(422, TITLE, {"variants.id": "unknown variant id for this product"})
        targets.append((variant, spec))
    before = dict(product)
    level = fields.pop("inventory_level", None)
    product.update(fields)
    if "custom_url" in fields:
        product["custom_url"] = product_url(db, product)
    db.reindex_product(before, product)
    base_id = product.get("base_variant_id")
    if "sku" in fields and base_id:
        db.set_variant_sku(db.variants.rows[str(base_id)], product["sku"])
    for variant, spec in targets:
        update_variant(db, product, variant, spec)
    if level is not None:
        _set_stock(db, product, level)
    db.touch_product(product["id"])
    return product


# -- variants -----------------------------------------------------------------------------------


def new_variant(db: BcDb, product: Doc, sku: str, option_values: list[Doc]) -> Doc:
    variant: Doc = {
        "id": db.next_id("variants"),
        "product_id": product["id"],
        "sku": sku,
        "sku_id": db.next_id("sku_ids") if option_values else None,
        "price": None,
        "sale_price": None,
        "retail_price": None,
        "map_price": None,
        # Cost and fixed shipping are not inherited, so they start at 0 rather than null.
        "cost_price": Decimal(0),
        "weight": None,
        "width": None,
        "height": None,
        "depth": None,
        "is_free_shipping": False,
        "fixed_cost_shipping_price": Decimal(0),
        "purchasing_disabled": False,
        "purchasing_disabled_message": "",
        "image_url": "",
        "upc": "",
        "mpn": "",
        "gtin": "",
        "inventory_warning_level": 0,
        "bin_picking_number": "",
        "option_values": option_values,
    }
    db.add_variant(variant)
    return variant


def _option_value_by_label(db: BcDb, product: Doc, display_name: str, label: str) -> Doc:
    """Find or make the option and value named by `{option_display_name, label}` (§6.3)."""
    option = next(
        (o for o in db.options_for(product["id"]) if o["display_name"] == display_name), None
    )
    if option is None:
        option = {
            "id": db.next_id("options"),
            "product_id": product["id"],
            "display_name": display_name,
            "type": "radio_buttons",
            "config": {},
            "sort_order": len(db.options_of.get(product["id"], [])),
            "option_values": [],
            "name": f"{display_name}{product['id']}",
        }
        db.add_option(option)
    value = next((v for v in option["option_values"] if v["label"] == label), None)
    if value is None:
        value = {
            "id": db.next_id("option_values"),
            "label": label,
            "sort_order": len(option["option_values"]),
            "is_default": False,
            "value_data": {},
        }
        option["option_values"].append(value)
        db.options.touch(option["id"])
    return {
        "id": value["id"],
        "label": label,
        "option_id": option["id"],
        "option_display_name": display_name,
    }


def _option_value_by_id(db: BcDb, product: Doc, ref: Any) -> Doc:
    option = db.options.get(to_int(ref.get("option_id")) or 0) if isinstance(ref, dict) else None
    if option is None or option["product_id"] != product["id"]:
        raise v3_error(422, TITLE, {"option_values.option_id": "unknown option for this product"})
    value = next((v for v in option["option_values"] if v["id"] == to_int(ref.get("id"))), None)
    if value is None:
        raise v3_error(422, TITLE, {"option_values.id": "unknown option value for this option"})
    return {
        "id": value["id"],
        "label": value["label"],
        "option_id": option["id"],
        "option_display_name": option["display_name"],
    }


def create_variant(db: BcDb, product: Doc, spec: Doc, *, by_label: bool = False) -> Doc:
    """One variant with option values; replaces the product's base variant if it had one."""
    sku = spec.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        raise v3_error(422, TITLE, {"sku": MISSING})
    if db.sku_taken(sku):
        raise sku_not_unique(sku)
    refs = spec.get("option_values")
    if not isinstance(refs, list) or not refs:
        raise v3_error(422, TITLE, {"option_values": MISSING})
    fields = clean({k: v for k, v in spec.items() if k != "sku"}, VARIANT_FIELDS)
    if len(db.variants_of.get(product["id"], [])) >= MAX_VARIANTS:
        raise v3_error(422, f"A product can have at most {MAX_VARIANTS} variants.")
    values = []
    for ref in refs:
        if by_label or (isinstance(ref, dict) and "option_display_name" in ref and "id" not in ref):
            if (
                not isinstance(ref, dict)
                or not ref.get("option_display_name")
                or not ref.get("label")
            ):
                raise v3_error(422, TITLE, {"option_values": "option_display_name and label"})
            values.append(
                _option_value_by_label(
                    db, product, str(ref["option_display_name"]), str(ref["label"])
                )
            )
        else:
            values.append(_option_value_by_id(db, product, ref))
    combo = sorted(v["id"] for v in values)
    for other in db.variants_for(product["id"]):
        if sorted(v["id"] for v in other["option_values"]) == combo:
            raise v3_error(409, "Variant with the same option values set exists")
    base_id = product.get("base_variant_id")
    if base_id:
        db.remove_variant(base_id)
        product["base_variant_id"] = None
    variant = new_variant(db, product, sku, values)
    level = fields.pop("inventory_level", None)
    variant.update(fields)
    if level is not None:
        _set_stock(db, product, level, variant)
    db.touch_product(product["id"])
    return variant


def update_variant(db: BcDb, product: Doc, variant: Doc, body: Doc) -> Doc:
    fields = clean(body, VARIANT_FIELDS)
    sku = fields.pop("sku", None)
    if sku is not None and sku != variant["sku"]:
        if not sku.strip():
            raise v3_error(422, TITLE, {"sku": "must not be blank"})
        if db.is_base(variant):
            # The base variant's SKU is the product's SKU.
            if db.sku_taken(sku, product_id=product["id"], variant_id=variant["id"]):
                raise duplicate_sku()
            before = dict(product)
            product["sku"] = sku
            db.reindex_product(before, product)
        elif db.sku_taken(sku, variant_id=variant["id"]):
            raise sku_not_unique(sku)
        db.set_variant_sku(variant, sku)
    level = fields.pop("inventory_level", None)
    variant.update(fields)
    db.variants.touch(variant["id"])
    if level is not None:
        _set_stock(db, product, level, variant)
    db.touch_product(product["id"])
    return variant
