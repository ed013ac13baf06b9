"""What BigCommerce refuses on a product create, from its catalog spec (products_catalog.v3.yml,
product_Base_POST and productVariant_Base), so the preview can say so before anything is sent."""

from __future__ import annotations

from decimal import Decimal

NAME_MAX = 250  # product `name`: 1-250 characters
SKU_MAX = 255  # product and variant `sku`
OPTION_TEXT_MAX = 255  # option `display_name` and option value `label`
WEIGHT_MAX = Decimal(9_999_999_999)  # product `weight`: 0-9999999999, the store's unit
VARIANTS_MAX = 600  # variants (SKUs) of one product
# `price` is documented only as >= 0. The engine sends nothing above the spec's largest number
# (the weight and dimension maximum): a price that high is a typo, not a product.
PRICE_MAX = Decimal(9_999_999_999)
PRICE_MAX_CENTS = int(PRICE_MAX * 100)  # the same in Clover's cents: an integer comparison


def product_name_key(name: str) -> str:
    """How product names collide: BigCommerce refuses a name already used by another product;
    whether case counts is undocumented, so runs of whitespace and case are both ignored (the
    stricter reading, as the sandbox does)."""
    return " ".join(name.split()).casefold()


def truncate_name(name: str, limit: int = NAME_MAX) -> str:
    """`name` cut to `limit` characters at the last word boundary (a single word longer than
    the limit is cut inside it), without a trailing space or dangling punctuation."""
    if len(name) <= limit:
        return name
    cut = name[:limit]
    if not name[limit].isspace():
        head, space, _ = cut.rpartition(" ")
        if space and head.strip():
            cut = head
    return cut.rstrip(" \t,;:-/(\u2013\u2014")
