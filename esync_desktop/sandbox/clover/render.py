"""Response shapes of Clover inventory objects and payments, with their expansions."""

from __future__ import annotations

import math

from esync_desktop.sandbox.clover.db import CloverDb, Doc
from esync_desktop.sandbox.clover.query import Expand, nested, public


def stock_count(quantity: float) -> int:
    """Clover's deprecated stockCount: quantity rounded half up (160.5 -> 161)."""
    return math.floor(quantity + 0.5)


def stock_shape(db: CloverDb, item_id: str) -> Doc:
    """An item's stock record; a never-stocked item is only `{"item": {"id": ...}}`."""
    stock = db.stock(item_id)
    if stock is None:
        return {"item": {"id": item_id}}
    return public(stock)


def short_category(doc: Doc) -> Doc:
    out: Doc = {"id": doc["id"], "name": doc["name"], "sortOrder": doc.get("sortOrder", 0)}
    if "colorCode" in doc:
        out["colorCode"] = doc["colorCode"]
    return out


def render_item(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    item_id = doc["id"]
    stock = db.stock(item_id)
    if stock is not None:
        out["stockCount"] = stock["stockCount"]
    if expand.has("itemStock"):
        out["itemStock"] = stock_shape(db, item_id)
    if expand.has("categories"):
        cats = (db.live("categories", c) for c in db.links["category_items"].lefts(item_id))
        out["categories"] = nested(short_category(c) for c in cats if c)
    if expand.has("tags"):
        tags = (db.live("tags", t) for t in db.links["tag_items"].lefts(item_id))
        out["tags"] = nested(public(t) for t in tags if t)
    if expand.has("taxRates"):
        rates = (db.live("tax_rates", r) for r in db.links["tax_rate_items"].lefts(item_id))
        out["taxRates"] = nested(public(r) for r in rates if r)
    if expand.has("options"):
        opts = (db.live("options", o) for o in db.links["option_items"].lefts(item_id))
        out["options"] = nested(render_option(o) for o in opts if o)
    if expand.has("modifierGroups"):
        out["modifierGroups"] = {"elements": []}
    return out


def render_category(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    # Clover leaves modifiedTime out of category output unless asked for (inventory FAQ).
    out.pop("modifiedTime", None)
    if expand.has("items"):
        items = (db.live("items", i) for i in db.links["category_items"].rights(doc["id"]))
        out["items"] = nested(render_item(db, i, expand.child("items")) for i in items if i)
    return out


def render_option(doc: Doc) -> Doc:
    return public(doc)


def render_attribute(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    if expand.has("options"):
        opts = [o for o in db.t["options"].rows.values() if o["attribute"]["id"] == doc["id"]]
        out["options"] = nested(render_option(o) for o in opts if not o.get("deleted"))
    return out


def render_item_group(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    if expand.has("items"):
        items = (db.live("items", i) for i in db.items_by_group.get(doc["id"], {}))
        out["items"] = nested(render_item(db, i, expand.child("items")) for i in items if i)
    if expand.has("attributes"):
        # The group's own order: the order its attributes were added in (`GET /attributes`
        # lists them newest first).
        attrs = sorted(
            (
                a
                for a in db.t["attributes"].rows.values()
                if a["itemGroup"]["id"] == doc["id"] and not a.get("deleted")
            ),
            key=lambda a: a.get("_created") or 0,
        )
        out["attributes"] = nested(
            render_attribute(db, a, expand.child("attributes")) for a in attrs
        )
    return out


def render_tag(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    if expand.has("items"):
        items = (db.live("items", i) for i in db.links["tag_items"].rights(doc["id"]))
        out["items"] = nested({"id": i["id"], "name": i["name"]} for i in items if i)
    return out


def render_tax_rate(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    if expand.has("items"):
        items = (db.live("items", i) for i in db.links["tax_rate_items"].rights(doc["id"]))
        out["items"] = nested({"id": i["id"], "name": i["name"]} for i in items if i)
    return out


def render_payment(db: CloverDb, doc: Doc, expand: Expand) -> Doc:
    out = public(doc)
    if expand.has("tender"):
        tender = db.get("tenders", doc["tender"]["id"])
        if tender is not None:
            out["tender"] = public(tender)
    if expand.has("refunds"):
        refunds = [r for r in db.t["refunds"].rows.values() if r["payment"]["id"] == doc["id"]]
        out["refunds"] = nested(public(r) for r in refunds)
    return out
