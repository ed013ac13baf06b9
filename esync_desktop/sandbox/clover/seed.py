"""Seeds for the Clover emulator: the demo gift shop, an empty merchant, or N generated items."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from esync_desktop.sandbox import catalog
from esync_desktop.sandbox.clover.atomic import create_order, parse_cart
from esync_desktop.sandbox.clover.db import DAY_MS, CloverDb, Doc
from esync_desktop.sandbox.clover.inventory import item_collection
from esync_desktop.sandbox.clover.orders import order_lines
from esync_desktop.sandbox.clover.payments import record_payment
from esync_desktop.sandbox.clover.query import Expand, Query, created, select
from esync_desktop.sandbox.clover.render import stock_count

MERCHANT_NAME = "eSync Demo Gift Shop"
# The demo's second merchant: the same catalogue (its own ids) with its own stock counts.
WAREHOUSE_NAME = "eSync Demo Gift Shop Warehouse"
TAX_RATES = (
    # name, rate (percent x 100 000), default
    ("NO_TAX_APPLIED", 0, False),
    ("NYC Sales Tax", 887500, True),
    ("Reduced Rate", 400000, False),
)
TENDERS = (
    # label, labelKey, opens cash drawer
    ("Cash", "com.clover.tender.cash", True),
    ("Check", "com.clover.tender.check", True),
    ("Credit Card", "com.clover.tender.credit_card", False),
    ("Debit Card", "com.clover.tender.debit_card", False),
    ("External Payment", "com.clover.tender.external_payment", False),
    ("Gift Card", "com.clover.tender.external_gift_card", False),
)


def seed(db: CloverDb, name: str, items: int) -> None:
    """Fill the (just cleared) Clover tables; ids are repeatable for a given seed."""
    db.rebuild()
    db.reseed_random(f"{name}:{items}")
    clock = db.clock
    try:
        now = db.now()
        _merchant(db, now)
        if items > 0:
            _basics(db, now)
            _catalog(db, catalog.generated_catalog(items), now, random.Random(items))
        elif name == "demo":
            _basics(db, now)
            _catalog(db, catalog.demo_catalog(), now, random.Random(20261123))
            _orders(db, now, random.Random(7))
            _recent_sales(db, now)
    finally:
        db.clock = clock
        db.unseeded_random()
    _sort_listings(db)


def seed_second(db: CloverDb, name: str, items: int, merchant_name: str) -> None:
    """A second merchant. In the demo it sells the same catalogue (its own item ids) and
    counts its own stock; other seeds give it no items (a large generated catalogue is made
    once, for the first merchant)."""
    db.rebuild()
    db.reseed_random(f"second:{name}:{items}")
    try:
        now = db.now()
        _merchant(db, now, merchant_name)
        if name == "demo" and items == 0:
            _basics(db, now)
            _catalog(db, catalog.demo_catalog(), now, random.Random(20261123))
            for stock in db.t["item_stocks"].rows.values():
                # The back room holds other counts than the shop floor, never the same.
                quantity = (int(stock["quantity"]) * 7 + 3) % 13
                stock["quantity"] = float(quantity)
                stock["stockCount"] = stock_count(quantity)
            db.bump("item_stocks")
    finally:
        db.unseeded_random()
    _sort_listings(db)


def _sort_listings(db: CloverDb) -> None:
    # Sort the default listing and the incremental-sync order now, so first pages are fast too.
    listing = item_collection(db)
    select(
        db, listing, Query([], [(created, True)], 1, 0, Expand([]), False, (("createdTime", True),))
    )
    modified = listing.fields["modifiedTime"]
    select(
        db,
        listing,
        Query([], [(modified, False)], 1, 0, Expand([]), False, (("modifiedTime", False),)),
    )


def _merchant(db: CloverDb, now: int, name: str = MERCHANT_NAME) -> None:
    db.put(
        "merchant",
        {
            "id": db.merchant_id,
            "name": name,
            "website": "https://demo.esync.invalid",
            "phoneNumber": "212-555-0142",
            "defaultCurrency": "USD",
            "createdTime": now - 400 * DAY_MS,
            "_address": {
                "address1": "14 Mercer Street",
                "city": "New York",
                "state": "NY",
                "zip": "10013",
                "country": "US",
            },
            "_serviceCharge": {
                "id": db.new_id(),
                "name": "Service charge",
                "enabled": True,
                "percentageDecimal": 180000,
            },
        },
    )
    db.put(
        "properties",
        {
            "id": db.merchant_id,
            "defaultCurrency": "USD",
            "timezone": "America/New_York",
            "locale": "en_US",
            "trackStock": True,
            "updateStock": True,
            "tipsEnabled": False,
            "vat": False,
        },
    )


def _basics(db: CloverDb, now: int) -> None:
    for n, (name, rate, default) in enumerate(TAX_RATES):
        db.put(
            "tax_rates",
            {
                "id": db.new_id(),
                "name": name,
                "rate": rate,
                "isDefault": default,
                "taxType": "VAT_TAXABLE",
                "modifiedTime": now - 300 * DAY_MS + n,
                "_created": now - 300 * DAY_MS + n,
            },
        )
    for n, (label, key, drawer) in enumerate(TENDERS):
        db.put(
            "tenders",
            {
                "id": db.new_id(),
                "editable": False,
                "labelKey": key,
                "label": label,
                "opensCashDrawer": drawer,
                "supportsTipping": key.endswith("card"),
                "enabled": True,
                "visible": True,
                "_created": now - 300 * DAY_MS + n,
            },
        )


def _spread(now: int, count: int, rng: random.Random) -> Iterator[tuple[int, int]]:
    """(createdTime, modifiedTime) pairs over the last eight weeks; a tenth edited this week."""
    start = now - 56 * DAY_MS
    span = 49 * DAY_MS
    for n in range(count):
        made = start + (span * n) // max(count, 1)
        if rng.random() < 0.1:
            changed = now - rng.randrange(1, 5 * DAY_MS)
        else:
            changed = made + rng.randrange(0, max(1, (now - made) // 2))
        yield made, max(made, changed)


def _catalog(db: CloverDb, cat: catalog.Catalog, now: int, rng: random.Random) -> None:
    category_ids: dict[str, str] = {}
    for n, name in enumerate(cat.clover_categories):
        doc: Doc = {
            "id": db.new_id(),
            "name": name,
            "sortOrder": n + 1,
            "modifiedTime": now - 70 * DAY_MS + n,
            "_created": now - 70 * DAY_MS + n,
        }
        db.put("categories", doc)
        category_ids[name] = doc["id"]
    groups: dict[str, str] = {}
    options: dict[tuple[str, str, str], str] = {}
    for n, group in enumerate(cat.groups):
        stamp = now - 60 * DAY_MS + n
        group_id = db.new_id()
        groups[group.name] = group_id
        db.put("item_groups", {"id": group_id, "name": group.name, "_created": stamp})
        for attr_name, values in group.attributes.items():
            attr: Doc = {"id": db.new_id(), "name": attr_name, "itemGroup": {"id": group_id}}
            db.put("attributes", {**attr, "_created": stamp})
            for value in values:
                option: Doc = {"id": db.new_id(), "name": value, "attribute": {"id": attr["id"]}}
                db.put("options", {**option, "_created": stamp})
                options[(group.name, attr_name, value)] = option["id"]
    online: Doc = {"id": db.new_id(), "name": "Online", "showInReporting": False, "_created": now}
    db.put("tags", online)
    stocks = db.t["item_stocks"]
    category_links = db.links["category_items"]
    for entry, (made, changed) in zip(cat.items, _spread(now, len(cat.items), rng), strict=True):
        item: Doc = {
            "id": db.new_id(),
            "hidden": entry.hidden,
            "available": entry.available,
            "autoManage": False,
            "name": entry.name,
            "price": entry.price_cents,
            "priceType": "FIXED",
            "defaultTaxRates": not entry.sku or not entry.sku.startswith("GC-"),
            "cost": entry.price_cents * 2 // 5,
            "isRevenue": not (entry.sku or "").startswith("GC-"),
            "modifiedTime": changed,
            "_created": made,
        }
        if entry.sku is not None:
            item["sku"] = entry.sku
        if entry.group is not None:
            item["itemGroup"] = {"id": groups[entry.group]}
            db.items_by_group.setdefault(groups[entry.group], {})[item["id"]] = None
        db.put("items", item)
        if entry.stock is not None:
            stocks.put(
                item["id"],
                {
                    "item": {"id": item["id"]},
                    "quantity": float(entry.stock),
                    "stockCount": stock_count(entry.stock),
                    "modifiedTime": max(changed, now - rng.randrange(1, 20 * DAY_MS)),
                    "_created": made,
                },
            )
        for name in entry.categories:
            category_links.add(category_ids[name], item["id"])
        for attr_name, value in entry.options.items():
            db.links["option_items"].add(options[(entry.group or "", attr_name, value)], item["id"])
        if entry.in_bigcommerce:
            db.links["tag_items"].add(online["id"], item["id"])
    db.bump("item_stocks")  # the direct puts above bypassed the version counter


def _orders(db: CloverDb, now: int, rng: random.Random) -> None:
    """Eight paid in-store sales over the last six days, and one partial refund."""
    sellable = [
        i
        for i in db.t["items"].rows.values()
        if i.get("sku") and i.get("available") and i["price"] > 0 and db.stock(i["id"])
    ]
    tenders = {t["label"]: t for t in db.t["tenders"].rows.values()}
    stamp = now - 6 * DAY_MS
    last: tuple[Doc, Doc] | None = None
    for n in range(8):
        stamp += rng.randrange(DAY_MS // 3, DAY_MS * 2 // 3)
        db.clock = _fixed_clock(stamp)  # everything this sale writes is "then"
        lines = []
        for item in rng.sample(sellable, rng.randint(1, 3)):
            lines += [{"item": {"id": item["id"]}}] * rng.randint(1, 2)
        # Historic sales are already reflected in the catalogue's stock: do not decrement.
        cart = parse_cart(db, {"orderCart": {"lineItems": lines, "title": f"In-store #{101 + n}"}})
        db.seeding = True
        try:
            order = create_order(db, cart)
        finally:
            db.seeding = False
        tender = tenders["Cash" if n % 3 == 0 else "Credit Card"]
        assert cart.totals is not None
        payment = record_payment(
            db,
            order,
            {
                "amount": order["total"],
                "taxAmount": cart.totals.tax,
                "tender": {"id": tender["id"]},
            },
            card_ok=True,
        )
        last = (order, payment)
    assert last is not None
    order, payment = last
    db.clock = _fixed_clock(stamp + 3_600_000)
    line = order_lines(db, order["id"])[0]
    tax = round(line["price"] * 887500 / 10_000_000)
    refund = {
        "id": db.new_id(),
        "orderRef": {"id": order["id"]},
        "payment": {"id": payment["id"]},
        "amount": line["price"] + tax,
        "taxAmount": tax,
        "tipAmount": 0,
        "lineItems": [{"id": line["id"]}],
        "voided": False,
        "status": "SUCCESS",
        "createdTime": db.now(),
        "clientCreatedTime": db.now(),
    }
    db.put("refunds", refund)
    line["refunded"] = True
    line["refund"] = {"id": refund["id"]}
    db.put("line_items", line)
    order["paymentState"] = "PARTIALLY_REFUNDED"
    order["modifiedTime"] = db.now()
    db.put("orders", order)


# Sales of the last hours, of items the demo web store also stocks (pull-sales has units to
# take off): (hours ago, [(SKU, quantity) or (custom line name, price in cents)], tender).
# Like the older sales, Clover's stock already reflects them.
RECENT_SALES: tuple[tuple[int, tuple[tuple[str, int], ...], str], ...] = (
    (5, (("MUG-005", 2), ("CND-001", 1)), "Cash"),
    (3, (("COF-001", 1), ("JWL-001", 1), ("Gift wrap", 300)), "Credit Card"),
    (2, (("CRD-001", 3), ("MUG-005", 1)), "Cash"),
)


def _recent_sales(db: CloverDb, now: int) -> None:
    by_sku = {str(i.get("sku") or "").casefold(): i for i in db.t["items"].rows.values()}
    tenders = {t["label"]: t for t in db.t["tenders"].rows.values()}
    for n, (hours, entries, tender) in enumerate(RECENT_SALES):
        db.clock = _fixed_clock(now - hours * 3_600_000)
        lines: list[Doc] = []
        for name, amount in entries:
            item = by_sku.get(name.casefold())
            if item is None:
                lines.append({"name": name, "price": amount})
            else:
                lines += [{"item": {"id": item["id"]}}] * amount
        cart = parse_cart(db, {"orderCart": {"lineItems": lines, "title": f"In-store #{201 + n}"}})
        db.seeding = True
        try:
            order = create_order(db, cart)
        finally:
            db.seeding = False
        assert cart.totals is not None
        record_payment(
            db,
            order,
            {
                "amount": order["total"],
                "taxAmount": cart.totals.tax,
                "tender": {"id": tenders[tender]["id"]},
            },
            card_ok=True,
        )


def _fixed_clock(ms: int) -> Callable[[], float]:
    return lambda: ms / 1000
