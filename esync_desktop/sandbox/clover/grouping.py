"""Categories, item groups, attributes, options, tags, tax rates and their association endpoints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from esync_desktop.sandbox.clover.common import (
    as_bool,
    as_int,
    as_str,
    empty_ok,
    id_list,
    json_body,
    ok,
    ref_id,
)
from esync_desktop.sandbox.clover.db import LINKS, CloverDb, Doc, bad_request, invalid_id
from esync_desktop.sandbox.clover.inventory import item_collection
from esync_desktop.sandbox.clover.query import (
    Collection,
    Expand,
    field_getter,
    list_response,
    parse_expand,
)
from esync_desktop.sandbox.clover.render import (
    render_attribute,
    render_category,
    render_item,
    render_item_group,
    render_tag,
    render_tax_rate,
)
from esync_desktop.sandbox.http import Request, Response, Router

Render = Callable[[CloverDb, Doc, Expand], Doc]
# (body, doc, creating) -> None: validates and copies writable fields.
Apply = Callable[[Doc, Doc, bool], None]

TAX_TYPES = (
    "VAT_TAXABLE",
    "VAT_NON_TAXABLE",
    "VAT_EXEMPT",
    "INTERNAL_TAX",
    "PARTNER_TAX",
    "ORDER_FEES",
)


@dataclass
class Kind:
    """One simple inventory resource: its table, path, id parameter, rendering and fields."""

    table: str
    path: str
    param: str
    render: Render
    apply: Apply
    fields: dict[str, Callable[[Doc], object]]
    links: tuple[tuple[str, str], ...] = ()  # (link name, side) dropped on delete
    bulk_delete_param: str | None = None


def _name(body: Doc, doc: Doc, creating: bool) -> None:
    if "name" in body or creating:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("name is required")
        doc["name"] = name


def register(router: Router, db: CloverDb, base: str) -> None:
    def apply_category(body: Doc, doc: Doc, creating: bool) -> None:
        _name(body, doc, creating)
        if body.get("colorCode") is not None:
            doc["colorCode"] = as_str(body["colorCode"], "colorCode")
        if body.get("sortOrder") is not None:
            doc["sortOrder"] = as_int(body["sortOrder"], "sortOrder")
        elif creating:
            # New categories go last.
            orders = [c.get("sortOrder", 0) for c in db.t["categories"].rows.values()]
            doc["sortOrder"] = max(orders, default=0) + 1

    def apply_group(body: Doc, doc: Doc, creating: bool) -> None:
        _name(body, doc, creating)

    def apply_attribute(body: Doc, doc: Doc, creating: bool) -> None:
        _name(body, doc, creating)
        if creating:
            group_id = ref_id(body.get("itemGroup"))
            if group_id is None or db.get("item_groups", group_id) is None:
                raise bad_request("itemGroup is required", str(group_id))
            doc["itemGroup"] = {"id": group_id}

    def apply_tag(body: Doc, doc: Doc, creating: bool) -> None:
        _name(body, doc, creating)
        if body.get("showInReporting") is not None:
            doc["showInReporting"] = as_bool(body["showInReporting"], "showInReporting")
        elif creating:
            doc["showInReporting"] = False

    def apply_tax_rate(body: Doc, doc: Doc, creating: bool) -> None:
        _name(body, doc, creating)
        if body.get("rate") is not None:
            doc["rate"] = as_int(body["rate"], "rate")
        elif creating and body.get("taxAmount") is None:
            raise bad_request("rate or taxAmount is required")
        if body.get("taxAmount") is not None:
            doc["taxAmount"] = as_int(body["taxAmount"], "taxAmount")
        if body.get("isDefault") is not None:
            doc["isDefault"] = as_bool(body["isDefault"], "isDefault")
        elif creating:
            doc["isDefault"] = False
        if body.get("taxType") is not None:
            if body["taxType"] not in TAX_TYPES:
                raise bad_request(f"Invalid value for taxType: {body['taxType']}")
            doc["taxType"] = body["taxType"]

    id_name = {"id": field_getter("id"), "name": field_getter("name")}
    kinds = [
        Kind(
            "categories",
            "categories",
            "catId",
            render_category,
            apply_category,
            {
                "modifiedTime": field_getter("modifiedTime"),
                "deleted": lambda d: bool(d.get("deleted")),
                "sortOrder": field_getter("sortOrder"),
                "name": field_getter("name"),
                "colorCode": field_getter("colorCode"),
                "id": field_getter("id"),
            },
            (("category_items", "left"),),
            "categoryIds",
        ),
        Kind("item_groups", "item_groups", "itemGroupId", render_item_group, apply_group, id_name),
        Kind(
            "attributes",
            "attributes",
            "attributeId",
            render_attribute,
            apply_attribute,
            {**id_name, "itemGroup.id": field_getter("itemGroup.id")},
        ),
        Kind(
            "tags",
            "tags",
            "tagId",
            render_tag,
            apply_tag,
            id_name,
            (("tag_items", "left"),),
            "tagIds",
        ),
        Kind(
            "tax_rates",
            "tax_rates",
            "taxId",
            render_tax_rate,
            apply_tax_rate,
            {**id_name, "rate": field_getter("rate"), "isDefault": field_getter("isDefault")},
            (("tax_rate_items", "left"),),
        ),
    ]
    for kind in kinds:
        _register_kind(router, db, base, kind)
    _register_options(router, db, base)
    _register_links(router, db, base)


def _drop(db: CloverDb, kind: Kind, doc: Doc) -> None:
    for link, side in kind.links:
        if side == "left":
            db.links[link].drop_left(doc["id"])
        else:
            db.links[link].drop_right(doc["id"])
    if kind.table == "categories":
        # Categories carry a `deleted` flag; the rest simply disappear.
        doc["deleted"] = True
        doc["modifiedTime"] = db.now()
        db.put(kind.table, doc)
    else:
        db.remove(kind.table, doc["id"])


def _register_kind(router: Router, db: CloverDb, base: str, kind: Kind) -> None:
    coll = Collection(kind.table, kind.fields)

    def render(doc: Doc, expand: Expand) -> Doc:
        return kind.render(db, doc, expand)

    def find(request: Request) -> Doc:
        doc = db.live(kind.table, request.params[kind.param])
        if doc is None:
            raise invalid_id()
        return doc

    def list_all(request: Request) -> Response:
        return list_response(request, db, coll, render)

    def create(request: Request) -> Response:
        body = json_body(request)
        now = db.now()
        doc: Doc = {"id": db.new_id()}
        kind.apply(body, doc, True)
        doc["modifiedTime"] = now
        doc["_created"] = now
        db.put(kind.table, doc)
        return ok(render(doc, parse_expand(request)))

    def get_one(request: Request) -> Response:
        return ok(render(find(request), parse_expand(request)))

    def update(request: Request) -> Response:
        doc = find(request)
        kind.apply(json_body(request), doc, False)
        doc["modifiedTime"] = db.now()
        db.put(kind.table, doc)
        return ok(render(doc, parse_expand(request)))

    def delete(request: Request) -> Response:
        _drop(db, kind, find(request))
        return empty_ok()

    def bulk_delete(request: Request) -> Response:
        assert kind.bulk_delete_param is not None
        for doc_id in id_list(request, kind.bulk_delete_param):
            doc = db.live(kind.table, doc_id)
            if doc is not None:
                _drop(db, kind, doc)
        return empty_ok()

    path = f"{base}/{kind.path}"
    router.add("GET", path, list_all)
    router.add("POST", path, create)
    if kind.bulk_delete_param:
        router.add("DELETE", path, bulk_delete)
    one = f"{path}/{{{kind.param}}}"
    router.add("GET", one, get_one)
    router.add("POST", one, update)
    router.add("DELETE", one, delete)


def _register_options(router: Router, db: CloverDb, base: str) -> None:
    coll = Collection(
        "options",
        {
            "id": field_getter("id"),
            "name": field_getter("name"),
            "attribute.id": field_getter("attribute.id"),
        },
    )

    def render(doc: Doc, expand: Expand) -> Doc:
        out = {k: v for k, v in doc.items() if not k.startswith("_")}
        if expand.has("items"):
            ids = db.links["option_items"].rights(doc["id"])
            out["items"] = {"elements": [{"id": i} for i in ids if db.live("items", i)][:100]}
        return out

    def attribute(request: Request) -> Doc:
        doc = db.live("attributes", request.params["attributeId"])
        if doc is None:
            raise invalid_id()
        return doc

    def option(request: Request) -> Doc:
        attr = attribute(request)
        doc = db.live("options", request.params["optionId"])
        if doc is None or doc["attribute"]["id"] != attr["id"]:
            raise invalid_id()
        return doc

    def list_all(request: Request) -> Response:
        return list_response(request, db, coll, render)

    def list_of_attribute(request: Request) -> Response:
        attr_id = attribute(request)["id"]
        docs = [o for o in db.t["options"].rows.values() if o["attribute"]["id"] == attr_id]
        return list_response(request, db, coll, render, docs=docs)

    def create(request: Request) -> Response:
        attr = attribute(request)
        body = json_body(request)
        now = db.now()
        doc: Doc = {"id": db.new_id(), "attribute": {"id": attr["id"]}}
        _name(body, doc, True)
        doc["modifiedTime"] = now
        doc["_created"] = now
        db.put("options", doc)
        return ok(render(doc, parse_expand(request)))

    def get_one(request: Request) -> Response:
        return ok(render(option(request), parse_expand(request)))

    def update(request: Request) -> Response:
        doc = option(request)
        _name(json_body(request), doc, False)
        doc["modifiedTime"] = db.now()
        db.put("options", doc)
        return ok(render(doc, parse_expand(request)))

    def delete(request: Request) -> Response:
        doc = option(request)
        db.links["option_items"].drop_left(doc["id"])
        db.remove("options", doc["id"])
        return empty_ok()

    router.add("GET", f"{base}/options", list_all)
    router.add("GET", f"{base}/attributes/{{attributeId}}/options", list_of_attribute)
    router.add("POST", f"{base}/attributes/{{attributeId}}/options", create)
    one = f"{base}/attributes/{{attributeId}}/options/{{optionId}}"
    router.add("GET", one, get_one)
    router.add("POST", one, update)
    router.add("DELETE", one, delete)


_LINK_TABLES = {
    "category": "categories",
    "tag": "tags",
    "option": "options",
    "taxRate": "tax_rates",
}


def _register_links(router: Router, db: CloverDb, base: str) -> None:
    items = item_collection(db)
    cats = Collection(
        "categories",
        {
            "id": field_getter("id"),
            "name": field_getter("name"),
            "sortOrder": field_getter("sortOrder"),
        },
    )
    tags = Collection("tags", {"id": field_getter("id"), "name": field_getter("name")})

    def associate(name: str) -> Callable[[Request], Response]:
        left, right = LINKS[name]

        def handle(request: Request) -> Response:
            body = json_body(request)
            pairs = body.get("elements")
            if not isinstance(pairs, list):
                raise bad_request("elements is required")
            remove = (request.arg("delete") or "").lower() == "true"
            checked = []
            for pair in pairs:
                a = ref_id(pair.get(left)) if isinstance(pair, dict) else None
                b = ref_id(pair.get(right)) if isinstance(pair, dict) else None
                if a is None or db.live(_LINK_TABLES[left], a) is None:
                    raise bad_request("invalid ID", str(a))
                if b is None or db.live("items", b) is None:
                    raise bad_request("invalid ID", str(b))
                checked.append((a, b))
            for a, b in checked:
                if remove:
                    db.links[name].remove(a, b)
                else:
                    db.links[name].add(a, b)
            return empty_ok()

        return handle

    for name in LINKS:
        router.add("POST", f"{base}/{name}", associate(name))

    def item_of(request: Request) -> str:
        item_id = request.params["itemId"]
        if db.live("items", item_id) is None:
            raise invalid_id()
        return item_id

    def owner(table: str, param: str, request: Request) -> str:
        doc_id = request.params[param]
        if db.live(table, doc_id) is None:
            raise invalid_id()
        return doc_id

    def items_of(link: str, table: str, param: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            ids = db.links[link].rights(owner(table, param, request))
            docs = [d for d in (db.get("items", i) for i in ids) if d is not None]
            return list_response(request, db, items, lambda d, e: render_item(db, d, e), docs=docs)

        return handle

    def lefts_of(
        link: str, table: str, coll: Collection, render: Render
    ) -> Callable[..., Response]:
        def handle(request: Request) -> Response:
            ids = db.links[link].lefts(item_of(request))
            docs = [d for d in (db.get(table, i) for i in ids) if d is not None]
            return list_response(request, db, coll, lambda d, e: render(db, d, e), docs=docs)

        return handle

    router.add(
        "GET",
        f"{base}/categories/{{catId}}/items",
        items_of("category_items", "categories", "catId"),
    )
    router.add("GET", f"{base}/tags/{{tagId}}/items", items_of("tag_items", "tags", "tagId"))
    router.add(
        "GET", f"{base}/tax_rates/{{taxId}}/items", items_of("tax_rate_items", "tax_rates", "taxId")
    )
    router.add(
        "GET",
        f"{base}/items/{{itemId}}/categories",
        lefts_of("category_items", "categories", cats, render_category),
    )
    router.add(
        "GET", f"{base}/items/{{itemId}}/tags", lefts_of("tag_items", "tags", tags, render_tag)
    )
