"""Typed field checking for catalog writes: one table of field kinds, one error map per body."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import INT_MAX, Doc, to_int, to_money, v3_error

MISSING = "error.path.missing"
TITLE = "JSON data is missing or invalid"

# kind: "str", "money" (4-place Decimal >= 0), "money?" (nullable), "num" (>= 0), "num?", "int",
# "bool", "ints", "strs", "list", "url", or a tuple of allowed strings.
PRODUCT_FIELDS: dict[str, Any] = {
    "name": "str",
    "sku": "str",
    "description": "str",
    "type": ("physical", "digital"),
    "weight": "num",
    "width": "num",
    "depth": "num",
    "height": "num",
    "price": "money",
    "cost_price": "money",
    "retail_price": "money",
    "sale_price": "money",
    "map_price": "money",
    "fixed_cost_shipping_price": "money",
    "tax_class_id": "int",
    "product_tax_code": "str",
    "categories": "ints",
    "brand_id": "int",
    "inventory_level": "int",
    "inventory_warning_level": "int",
    "inventory_tracking": ("none", "product", "variant"),
    "is_free_shipping": "bool",
    "is_visible": "bool",
    "is_featured": "bool",
    "related_products": "ints",
    "warranty": "str",
    "bin_picking_number": "str",
    "layout_file": "str",
    "upc": "str",
    "mpn": "str",
    "gtin": "str",
    "search_keywords": "str",
    "availability": ("available", "disabled", "preorder"),
    "availability_description": "str",
    "condition": ("New", "Used", "Refurbished"),
    "is_condition_shown": "bool",
    "sort_order": "int",
    "order_quantity_minimum": "int",
    "order_quantity_maximum": "int",
    "page_title": "str",
    "meta_keywords": "strs",
    "meta_description": "str",
    "preorder_message": "str",
    "is_preorder_only": "bool",
    "is_price_hidden": "bool",
    "price_hidden_label": "str",
    "custom_url": "url",
    "open_graph_title": "str",
    "open_graph_description": "str",
    "gift_wrapping_options_type": ("any", "none", "list"),
    "gift_wrapping_options_list": "ints",
}

VARIANT_FIELDS: dict[str, Any] = {
    "sku": "str",
    "price": "money?",
    "sale_price": "money?",
    "retail_price": "money?",
    "map_price": "money?",
    "cost_price": "money",
    "weight": "num?",
    "width": "num?",
    "height": "num?",
    "depth": "num?",
    "is_free_shipping": "bool",
    "fixed_cost_shipping_price": "money",
    "purchasing_disabled": "bool",
    "purchasing_disabled_message": "str",
    "image_url": "str",
    "upc": "str",
    "mpn": "str",
    "gtin": "str",
    "inventory_level": "int",
    "inventory_warning_level": "int",
    "bin_picking_number": "str",
}

MAX_LENGTH = {"name": 250, "sku": 255}


def _check(kind: Any, value: Any) -> tuple[Any, str | None]:
    """(converted value, error message or None)."""
    nullable = isinstance(kind, str) and kind.endswith("?")
    base = kind.rstrip("?") if isinstance(kind, str) else kind
    if value is None:
        return None, None if nullable else "error.expected.not_null"
    if isinstance(base, tuple):
        return (value, None) if value in base else (value, f"must be one of {', '.join(base)}")
    if base == "str":
        return (value, None) if isinstance(value, str) else (value, "error.expected.jsstring")
    if base == "bool":
        return (value, None) if isinstance(value, bool) else (value, "error.expected.jsboolean")
    if base in {"money", "num"}:
        amount = to_money(value)
        if amount is None:
            big = isinstance(value, int | Decimal) and not isinstance(value, bool)
            return value, "is out of range" if big else "error.expected.jsnumber"
        if amount < 0:
            return value, "must be greater than or equal to 0"
        return amount, None
    if base == "int":
        number = to_int(value)
        if number is None or isinstance(value, str):
            return value, "error.expected.jsnumber"
        return number, None
    if base == "ints":
        if not isinstance(value, list) or any(to_int(v) is None for v in value):
            return value, "error.expected.jsarray"
        return [int(v) for v in value], None
    if base == "strs":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return value, "error.expected.jsarray"
        return list(value), None
    if base == "url":
        if not isinstance(value, dict) or not isinstance(value.get("url", ""), str):
            return value, "error.expected.jsobject"
        return {
            "url": value.get("url", ""),
            "is_customized": bool(value.get("is_customized")),
        }, None
    return value, None


def clean(body: Doc, kinds: dict[str, Any], *, required: tuple[str, ...] = ()) -> Doc:
    """The known fields of `body`, converted; unknown and read-only fields are ignored. Missing
    required fields and wrong types become one 422 with an `errors` map (§5.1)."""
    errors: dict[str, str] = {name: MISSING for name in required if body.get(name) is None}
    out: Doc = {}
    for name, value in body.items():
        kind = kinds.get(name)
        if kind is None or name in errors:
            continue
        converted, problem = _check(kind, value)
        if problem is None and name in MAX_LENGTH and len(converted) > MAX_LENGTH[name]:
            problem = f"must be at most {MAX_LENGTH[name]} characters"
        if problem is None and name == "name" and not converted.strip():
            problem = "must not be blank"
        if problem is not None:
            errors[name] = problem
        else:
            out[name] = converted
    if "inventory_level" in out:
        # The catalog clamps stock at the documented cap rather than refusing it (§9.1).
        out["inventory_level"] = max(0, min(int(out["inventory_level"]), INT_MAX))
    if errors:
        raise v3_error(422, TITLE, errors)
    return out


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
