"""Seeds for the BigCommerce emulator: the demo web store, an empty store, or N generated items."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from esync_desktop.sandbox import catalog
from esync_desktop.sandbox.bigcommerce.categories import new_category
from esync_desktop.sandbox.bigcommerce.common import Doc, iso, now
from esync_desktop.sandbox.bigcommerce.db import DEFAULT_LOCATION, BcDb
from esync_desktop.sandbox.bigcommerce.locations import new_location
from esync_desktop.sandbox.bigcommerce.seed_orders import seed_orders
from esync_desktop.sandbox.bigcommerce.storeinfo import store_doc
from esync_desktop.sandbox.bigcommerce.writes import new_variant, product_defaults, slug

TAX_CLASSES = ("Non-Taxable Products", "Shipping", "Gift Wrapping", "Reduced Rate")
WAREHOUSE = 2


def seed(db: BcDb, name: str, items: int, in_bigcommerce_every: int = 4) -> None:
    """Fill the (just cleared) tables. Every seed has the store, its tree and location 1; of
    `items` generated items every `in_bigcommerce_every`-th is a product."""
    db.reindex()
    db.info.put("store", store_doc(db.store_hash))
    db.trees.put(1, {"id": 1, "name": "Default", "channels": [1]})
    new_location(db, "Main Store", "BIGC-1")
    if items > 0:
        _basics(db)
        _catalog(db, catalog.generated_catalog(items, in_bigcommerce_every), warehouse_every=0)
    elif name == "demo":
        _basics(db)
        _catalog(db, catalog.demo_catalog(), warehouse_every=3)

        seed_orders(db)
    db.reindex()


def _basics(db: BcDb) -> None:
    new_location(
        db,
        "Warehouse",
        "WH-1",
        storefront_visibility=False,
        description="Back room and overflow stock",
    )
    stamp = "2024-01-15T09:00:00.000+00:00"
    for number, label in enumerate(TAX_CLASSES, start=1):
        db.tax_classes.put(
            str(number),
            {"id": str(number), "name": label, "created_at": stamp, "updated_at": stamp},
        )


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.0001"))


def _catalog(db: BcDb, source: catalog.Catalog, *, warehouse_every: int) -> None:
    categories = {}
    for label in source.bc_categories:
        # Kept exactly as BigCommerce spells them ("mugs", "Candles "); matching is the sync's job.
        categories[" ".join(label.split()).lower()] = new_category(db, label)["id"]
    start = now() - timedelta(days=90)

    def category_ids(names: list[str]) -> list[int]:
        found = (categories.get(" ".join(n.split()).lower()) for n in names)
        return [c for c in found if c is not None]

    count = 0
    for item in source.items:
        if not item.in_bigcommerce or item.group is not None or not item.sku:
            continue
        count += 1
        moment = iso(start + timedelta(minutes=7 * count))
        product = _product(db, item.bc_name or item.name, moment)
        # The demo catalogue lower-cases a Clover SKU ("tea-001") to show a case mismatch with
        # BigCommerce's upper-case one; the web store keeps the upper-case form.
        product["sku"] = item.sku.strip().upper()
        product["price"] = _money(
            item.bc_price_cents if item.bc_price_cents is not None else item.price_cents
        )
        product["description"] = item.description or ""
        product["is_visible"] = not item.hidden
        product["categories"] = category_ids(item.categories)
        product["inventory_tracking"] = "product"
        db.add_product(product)
        base = new_variant(db, product, product["sku"], [])
        product["base_variant_id"] = base["id"]
        stock = item.bc_stock if item.bc_stock is not None else max(int(item.stock or 0), 0)
        db.set_onhand(
            DEFAULT_LOCATION,
            f"p{product['id']}",
            stock,
            product_id=product["id"],
            variant_id=base["id"],
        )
        if warehouse_every and count % warehouse_every == 0:
            db.set_onhand(
                WAREHOUSE, f"p{product['id']}", 4, product_id=product["id"], variant_id=base["id"]
            )
    for group in source.groups:
        if group.in_bigcommerce:
            count += 1
            members = [i for i in source.items if i.group == group.name and i.sku]
            _group(
                db,
                group,
                members,
                category_ids(group.categories),
                iso(start + timedelta(minutes=7 * count)),
            )


def _product(db: BcDb, name: str, moment: str) -> Doc:
    product = product_defaults(db.next_id("products"), moment)
    product["name"] = name
    product["weight"] = Decimal(1)
    product["custom_url"] = {"url": slug(name), "is_customized": False}
    return product


def _group(
    db: BcDb,
    group: catalog.CatalogGroup,
    members: list[catalog.CatalogItem],
    category_ids: list[int],
    moment: str,
) -> None:
    """One product with an option per attribute and a variant per member item."""
    product = _product(db, group.name, moment)
    product["price"] = min(_money(m.bc_price_cents or m.price_cents) for m in members)
    product["categories"] = category_ids
    product["inventory_tracking"] = "variant"
    db.add_product(product)
    values: dict[tuple[str, str], Doc] = {}
    for sort_order, (attribute, labels) in enumerate(group.attributes.items()):
        option = {
            "id": db.next_id("options"),
            "product_id": product["id"],
            "display_name": attribute,
            "type": "rectangles",
            "config": {},
            "sort_order": sort_order,
            "option_values": [],
            "name": f"{attribute}{product['id']}",
        }
        for position, label in enumerate(labels):
            value = {
                "id": db.next_id("option_values"),
                "label": label,
                "sort_order": position,
                "is_default": False,
                "value_data": {},
            }
            option["option_values"].append(value)
            values[(attribute, label)] = {
                "id": value["id"],
                "label": label,
                "option_id": option["id"],
                "option_display_name": attribute,
            }
        db.add_option(option)
    for member in members:
        refs = [values[(a, v)] for a, v in member.options.items()]
        variant = new_variant(db, product, (member.sku or "").strip().upper(), refs)
        price = _money(member.bc_price_cents or member.price_cents)
        if price != product["price"]:
            variant["price"] = price
        stock = member.bc_stock if member.bc_stock is not None else max(int(member.stock or 0), 0)
        db.set_onhand(
            DEFAULT_LOCATION,
            f"v{variant['id']}",
            stock,
            product_id=product["id"],
            variant_id=variant["id"],
        )
