"""Categories, item groups, attributes, options, tags, tax rates and their association endpoints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from esync_desktop.sandbox.clover.common import (
    BASE,
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
# (db, body, doc, creating) -> None: validates and copies writable fields.
Apply = Callable[[CloverDb, Doc, Doc, bool], None]

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


def _name(db: CloverDb, body: Doc, doc: Doc, creating: bool) -> None:
    if "name" in body or creating:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("name is required")
        doc["name"] = name


def _category(db: CloverDb, body: Doc, doc: Doc, creating: bool) -> None:
    _name(db, body, doc, creating)
    if body.get("colorCode") is not None:
        doc["colorCode"] = as_str(body["colorCode"], "colorCode")
    if body.get("sortOrder") is not None:
        doc["sortOrder"] = as_int(body["sortOrder"], "sortOrder")
    elif creating:
        # New categories go last.
        orders = [c.get("sortOrder", 0) for c in db.t["categories"].rows.values()]
        doc["sortOrder"] = max(orders, default=0) + 1


def _attribute(db: CloverDb, body: Doc, doc: Doc, creating: bool) -> None:
    _name(db, body, doc, creating)
    if creating:
        group_id = ref_id(body.get("itemGroup"))
        if group_id is None or db.get("item_groups", group_id) is None:
            raise bad_request("itemGroup is required", str(group_id))
        doc["itemGroup"] = {"id": group_id}


def _tag(db: CloverDb, body: Doc, doc: Doc, creating: bool) -> None:
    _name(db, body, doc, creating)
    if body.get("showInReporting") is not None:
        doc["showInReporting"] = as_bool(body["showInReporting"], "showInReporting")
    elif creating:
        doc["showInReporting"] = False


def _tax_rate(db: CloverDb, body: Doc, doc: Doc, creating: bool) -> None:
    _name(db, body, doc, creating)
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


_ID_NAME = {"id": field_getter("id"), "name": field_getter("name")}
KINDS = (
    Kind(
        "categories",
        "categories",
        "catId",
        render_category,
        _category,
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
    Kind("item_groups", "item_groups", "itemGroupId", render_item_group, _name, _ID_NAME),
    Kind(
        "attributes",
        "attributes",
        "attributeId",
        render_attribute,
        _attribute,
        {**_ID_NAME, "itemGroup.id": field_getter("itemGroup.id")},
    ),
    Kind("tags", "tags", "tagId", render_tag, _tag, _ID_NAME, (("tag_items", "left"),), "tagIds"),
    Kind(
        "tax_rates",
        "tax_rates",
        "taxId",
        render_tax_rate,
        _tax_rate,
        {**_ID_NAME, "rate": field_getter("rate"), "isDefault": field_getter("isDefault")},
        (("tax_rate_items", "left"),),
    ),
)


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


class Resource:
    """Handlers bound to one CloverDb for one simple inventory Kind: list, create, get, update,
    delete (and bulk delete where Clover has it)."""

    def __init__(self, db: CloverDb, kind: Kind) -> None:
        self.db = db
        self.kind = kind
        self.coll = Collection(kind.table, kind.fields)

    def register(self, router: Router) -> None:
        path = f"{BASE}/{self.kind.path}"
        one = f"{path}/{{{self.kind.param}}}"
        router.add("GET", path, self.list_all)
        router.add("POST", path, self.create)
        if self.kind.bulk_delete_param:
            router.add("DELETE", path, self.bulk_delete)
        router.add("GET", one, self.get_one)
        router.add("POST", one, self.update)
        router.add("DELETE", one, self.delete)

    def _render(self, doc: Doc, expand: Expand) -> Doc:
        return self.kind.render(self.db, doc, expand)

    def _find(self, request: Request) -> Doc:
        doc = self.db.live(self.kind.table, request.params[self.kind.param])
        if doc is None:
            raise invalid_id()
        return doc

    def list_all(self, request: Request) -> Response:
        return list_response(request, self.db, self.coll, self._render)

    def create(self, request: Request) -> Response:
        body = json_body(request)
        now = self.db.now()
        doc: Doc = {"id": self.db.new_id()}
        self.kind.apply(self.db, body, doc, True)
        doc["modifiedTime"] = now
        doc["_created"] = now
        self.db.put(self.kind.table, doc)
        return ok(self._render(doc, parse_expand(request)))

    def get_one(self, request: Request) -> Response:
        return ok(self._render(self._find(request), parse_expand(request)))

    def update(self, request: Request) -> Response:
        doc = self._find(request)
        self.kind.apply(self.db, json_body(request), doc, False)
        doc["modifiedTime"] = self.db.now()
        self.db.put(self.kind.table, doc)
        return ok(self._render(doc, parse_expand(request)))

    def delete(self, request: Request) -> Response:
        _drop(self.db, self.kind, self._find(request))
        return empty_ok()

    def bulk_delete(self, request: Request) -> Response:
        assert self.kind.bulk_delete_param is not None
        for doc_id in id_list(request, self.kind.bulk_delete_param):
            doc = self.db.live(self.kind.table, doc_id)
            if doc is not None:
                _drop(self.db, self.kind, doc)
        return empty_ok()


class Options:
    """Handlers bound to one CloverDb: the options of item-group attributes."""

    def __init__(self, db: CloverDb) -> None:
        self.db = db
        self.coll = Collection(
            "options",
            {
                "id": field_getter("id"),
                "name": field_getter("name"),
                "attribute.id": field_getter("attribute.id"),
            },
        )

    def register(self, router: Router) -> None:
        of_attribute = f"{BASE}/attributes/{{attributeId}}/options"
        one = f"{of_attribute}/{{optionId}}"
        router.add("GET", f"{BASE}/options", self.list_all)
        router.add("GET", of_attribute, self.list_of_attribute)
        router.add("POST", of_attribute, self.create)
        router.add("GET", one, self.get_one)
        router.add("POST", one, self.update)
        router.add("DELETE", one, self.delete)

    def _render(self, doc: Doc, expand: Expand) -> Doc:
        out = {k: v for k, v in doc.items() if not k.startswith("_")}
        if expand.has("items"):
            ids = self.db.links["option_items"].rights(doc["id"])
            live = [{"id": i} for i in ids if self.db.live("items", i)]
            out["items"] = {"elements": live[:100]}
        return out

    def _attribute(self, request: Request) -> Doc:
        doc = self.db.live("attributes", request.params["attributeId"])
        if doc is None:
            raise invalid_id()
        return doc

    def _option(self, request: Request) -> Doc:
        attr = self._attribute(request)
        doc = self.db.live("options", request.params["optionId"])
        if doc is None or doc["attribute"]["id"] != attr["id"]:
            raise invalid_id()
        return doc

    def list_all(self, request: Request) -> Response:
        return list_response(request, self.db, self.coll, self._render)

    def list_of_attribute(self, request: Request) -> Response:
        attr_id = self._attribute(request)["id"]
        rows = self.db.t["options"].rows.values()
        docs = [o for o in rows if o["attribute"]["id"] == attr_id]
        return list_response(request, self.db, self.coll, self._render, docs=docs)

    def create(self, request: Request) -> Response:
        attr = self._attribute(request)
        now = self.db.now()
        doc: Doc = {"id": self.db.new_id(), "attribute": {"id": attr["id"]}}
        _name(self.db, json_body(request), doc, True)
        doc["modifiedTime"] = now
        doc["_created"] = now
        self.db.put("options", doc)
        return ok(self._render(doc, parse_expand(request)))

    def get_one(self, request: Request) -> Response:
        return ok(self._render(self._option(request), parse_expand(request)))

    def update(self, request: Request) -> Response:
        doc = self._option(request)
        _name(self.db, json_body(request), doc, False)
        doc["modifiedTime"] = self.db.now()
        self.db.put("options", doc)
        return ok(self._render(doc, parse_expand(request)))

    def delete(self, request: Request) -> Response:
        doc = self._option(request)
        self.db.links["option_items"].drop_left(doc["id"])
        self.db.remove("options", doc["id"])
        return empty_ok()


_LINK_TABLES = {
    "category": "categories",
    "tag": "tags",
    "option": "options",
    "taxRate": "tax_rates",
}


class Links:
    """Handlers bound to one CloverDb: the association endpoints (category_items, tag_items...)
    and the items of a category, tag or tax rate, and the categories and tags of an item."""

    def __init__(self, db: CloverDb) -> None:
        self.db = db
        self.items = item_collection(db)
        self.categories = Collection(
            "categories",
            {
                "id": field_getter("id"),
                "name": field_getter("name"),
                "sortOrder": field_getter("sortOrder"),
            },
        )
        self.tags = Collection("tags", {"id": field_getter("id"), "name": field_getter("name")})

    def register(self, router: Router) -> None:
        for name in LINKS:
            router.add("POST", f"{BASE}/{name}", partial(self.associate, name))
        for path, link, table, param in (
            ("categories/{catId}/items", "category_items", "categories", "catId"),
            ("tags/{tagId}/items", "tag_items", "tags", "tagId"),
            ("tax_rates/{taxId}/items", "tax_rate_items", "tax_rates", "taxId"),
        ):
            router.add("GET", f"{BASE}/{path}", partial(self.items_of, link, table, param))
        router.add(
            "GET",
            f"{BASE}/items/{{itemId}}/categories",
            partial(self.linked, "category_items", "categories", self.categories, render_category),
        )
        router.add(
            "GET",
            f"{BASE}/items/{{itemId}}/tags",
            partial(self.linked, "tag_items", "tags", self.tags, render_tag),
        )

    def associate(self, name: str, request: Request) -> Response:
        left, right = LINKS[name]
        pairs = json_body(request).get("elements")
        if not isinstance(pairs, list):
            raise bad_request("elements is required")
        remove = (request.arg("delete") or "").lower() == "true"
        checked = []
        for pair in pairs:
            a = ref_id(pair.get(left)) if isinstance(pair, dict) else None
            b = ref_id(pair.get(right)) if isinstance(pair, dict) else None
            if a is None or self.db.live(_LINK_TABLES[left], a) is None:
                raise bad_request("invalid ID", str(a))
            if b is None or self.db.live("items", b) is None:
                raise bad_request("invalid ID", str(b))
            checked.append((a, b))
        for a, b in checked:
            if remove:
                self.db.links[name].remove(a, b)
            else:
                self.db.links[name].add(a, b)
        return empty_ok()

    def _live_param(self, table: str, param: str, request: Request) -> str:
        doc_id = request.params[param]
        if self.db.live(table, doc_id) is None:
            raise invalid_id()
        return doc_id

    def items_of(self, link: str, table: str, param: str, request: Request) -> Response:
        ids = self.db.links[link].rights(self._live_param(table, param, request))
        docs = [d for d in (self.db.get("items", i) for i in ids) if d is not None]
        return list_response(
            request, self.db, self.items, lambda d, e: render_item(self.db, d, e), docs=docs
        )

    def linked(
        self, link: str, table: str, coll: Collection, render: Render, request: Request
    ) -> Response:
        ids = self.db.links[link].lefts(self._live_param("items", "itemId", request))
        docs = [d for d in (self.db.get(table, i) for i in ids) if d is not None]
        return list_response(request, self.db, coll, lambda d, e: render(self.db, d, e), docs=docs)
