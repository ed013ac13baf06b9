"""Categories: the deprecated `/catalog/categories` and the category trees API
(`/catalog/trees`, `/catalog/trees/categories`, `/catalog/trees/{id}/categories`)."""

from __future__ import annotations

import uuid
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import (
    BcError,
    Doc,
    json_array,
    json_object,
    not_found_v3,
    ok,
    to_int,
    v3_error,
)
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.fields import MISSING, TITLE
from esync_desktop.sandbox.bigcommerce.paging import v3_list
from esync_desktop.sandbox.bigcommerce.query import Spec, predicates, select
from esync_desktop.sandbox.bigcommerce.writes import slug
from esync_desktop.sandbox.http import Request, Response, Router

TREE_ID = 1
BATCH_LIMIT = 50  # not stated for tree categories; like other batch endpoints [A]
MAX_DEPTH = 8
TEXT = (
    "description",
    "page_title",
    "meta_description",
    "layout_file",
    "image_url",
    "search_keywords",
    "default_product_sort",
)

LEGACY: Spec = {
    "id": (lambda d: d["id"], "int"),
    "name": (lambda d: d["name"], "str"),
    "parent_id": (lambda d: d["parent_id"], "int"),
    "page_title": (lambda d: d["page_title"], "str"),
    "is_visible": (lambda d: d["is_visible"], "bool"),
}
TREES: Spec = {
    "category_id": (lambda d: d["id"], "int"),
    "category_uuid": (lambda d: d["category_uuid"], "uuid"),
    "tree_id": (lambda d: d["tree_id"], "int"),
    "parent_id": (lambda d: d["parent_id"], "int"),
    "name": (lambda d: d["name"], "str"),
    "page_title": (lambda d: d["page_title"], "str"),
    "is_visible": (lambda d: d["is_visible"], "bool"),
}


# JSON types of the writable category fields (both category files).
KINDS = {
    **dict.fromkeys(TEXT, "jsstring"),
    "name": "jsstring",
    "parent_id": "jsnumber",
    "tree_id": "jsnumber",
    "category_id": "jsnumber",
    "views": "jsnumber",
    "sort_order": "jsnumber",
    "is_visible": "jsboolean",
    "meta_keywords": "jsarray",
}


def _is(kind: str, value: Any) -> bool:
    if kind == "jsstring":
        return isinstance(value, str)
    if kind == "jsboolean":
        return isinstance(value, bool)
    if kind == "jsarray":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return to_int(value) is not None and not isinstance(value, str)


def new_category(db: BcDb, name: str, parent_id: int = 0, **extra: Any) -> Doc:
    """Store one category (seeds and both create endpoints come through here)."""
    cid = db.next_id("categories")
    doc: Doc = {
        "id": cid,
        "category_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bc-category-{cid}")),
        "tree_id": TREE_ID,
        "parent_id": parent_id,
        "name": name,
        "description": "",
        "views": 0,
        "sort_order": 0,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "layout_file": "category.html",
        "image_url": "",
        "is_visible": True,
        "search_keywords": "",
        "default_product_sort": "use_store_settings",
        "custom_url": {"url": slug(name.strip() or f"category-{cid}"), "is_customized": False},
    }
    doc.update(extra)
    db.categories.put(cid, doc)
    return doc


def legacy_out(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k not in {"category_uuid", "tree_id"}}


def tree_out(doc: Doc) -> Doc:
    out = {k: v for k, v in doc.items() if k not in {"id", "custom_url"}}
    out["category_id"] = doc["id"]
    out["url"] = {
        "path": doc["custom_url"]["url"],
        "is_customized": doc["custom_url"]["is_customized"],
    }
    return out


class Categories:
    def __init__(self, db: BcDb) -> None:
        self.db = db

    def register(self, router: Router) -> None:
        router.add("GET", "/v3/catalog/categories", self.legacy_list)
        router.add("POST", "/v3/catalog/categories", self.legacy_create)
        router.add("DELETE", "/v3/catalog/categories", self.legacy_delete_many)
        router.add("GET", "/v3/catalog/categories/{category_id}", self.legacy_get)
        router.add("PUT", "/v3/catalog/categories/{category_id}", self.legacy_update)
        router.add("DELETE", "/v3/catalog/categories/{category_id}", self.legacy_delete)
        router.add("GET", "/v3/catalog/trees", self.trees)
        router.add("GET", "/v3/catalog/trees/categories", self.tree_list)
        router.add("POST", "/v3/catalog/trees/categories", self.tree_create)
        router.add("PUT", "/v3/catalog/trees/categories", self.tree_update)
        router.add("DELETE", "/v3/catalog/trees/categories", self.tree_delete)
        router.add("GET", "/v3/catalog/trees/{tree_id}/categories", self.nested)

    # -- rules ---------------------------------------------------------------------------------

    def _depth(self, cid: int) -> int:
        depth = 0
        while cid:
            depth += 1
            parent = self.db.categories.get(cid)
            cid = parent["parent_id"] if parent else 0
        return depth

    def _check(self, body: Doc, cid: int = 0, *, creating: bool) -> Doc:
        """Validated fields; 422 for missing/invalid ones, 409 for a sibling with the name."""
        errors: dict[str, str] = {
            key: f"error.expected.{kind}"
            for key, kind in KINDS.items()
            if body.get(key) is not None and not _is(kind, body[key])
        }
        name = body.get("name")
        if creating and (not isinstance(name, str) or not name.strip()):
            errors["name"] = MISSING
        elif name is not None and (not isinstance(name, str) or len(name) > 50):
            errors["name"] = "must be a string of at most 50 characters"
        parent_id = to_int(body.get("parent_id", 0 if creating else None))
        if parent_id is not None and parent_id and parent_id not in self.db.categories:
            errors["parent_id"] = "parent category does not exist"
        if parent_id is not None and parent_id and self._depth(parent_id) >= MAX_DEPTH:
            errors["parent_id"] = f"categories nest at most {MAX_DEPTH} levels"
        if errors:
            raise v3_error(422, TITLE, errors)
        current = self.db.categories.get(cid) or {}
        final_parent = parent_id if parent_id is not None else current.get("parent_id", 0)
        final_name = name if isinstance(name, str) else current.get("name", "")
        for other in self.db.categories:
            if (
                other["id"] != cid
                and other["parent_id"] == final_parent
                and other["name"].strip().lower() == final_name.strip().lower()
            ):
                title = f"Category name '{final_name}' is already in use among its siblings."
                raise v3_error(409, title, {"name": title})
        out: Doc = {k: body[k] for k in TEXT if isinstance(body.get(k), str)}
        if isinstance(body.get("is_visible"), bool):
            out["is_visible"] = body["is_visible"]
        if to_int(body.get("sort_order")) is not None:
            out["sort_order"] = to_int(body["sort_order"])
        if isinstance(name, str):
            out["name"] = name
        if parent_id is not None:
            out["parent_id"] = parent_id
        return out

    def _delete(self, doc: Doc) -> None:
        if any(doc["id"] in p["categories"] for p in self.db.products):
            raise v3_error(
                422,
                "A category holding products cannot be deleted.",
                {"category_id": str(doc["id"])},
            )
        if any(c["parent_id"] == doc["id"] for c in self.db.categories):
            raise v3_error(
                422,
                "A category with subcategories cannot be deleted.",
                {"category_id": str(doc["id"])},
            )
        self.db.categories.delete(doc["id"])

    def _one(self, request: Request) -> Doc:
        doc = self.db.categories.get(to_int(request.params.get("category_id")) or 0)
        if doc is None:
            raise not_found_v3()
        return doc

    # -- deprecated /catalog/categories --------------------------------------------------------

    def legacy_list(self, request: Request) -> Response:
        rows = select(self.db.sorted_rows(self.db.categories), predicates(request, LEGACY))
        return v3_list(request, rows, legacy_out)

    def legacy_get(self, request: Request) -> Response:
        return ok(legacy_out(self._one(request)))

    def legacy_create(self, request: Request) -> Response:
        body = json_object(request)
        if body.get("parent_id") is None:
            raise v3_error(422, TITLE, {"parent_id": MISSING})
        fields = self._check(body, creating=True)
        name = fields.pop("name")
        return ok(legacy_out(new_category(self.db, name, **fields)))

    def legacy_update(self, request: Request) -> Response:
        doc = self._one(request)
        doc.update(self._check(json_object(request), doc["id"], creating=False))
        self.db.categories.touch(doc["id"])
        return ok(legacy_out(doc))

    def legacy_delete(self, request: Request) -> Response:
        self._delete(self._one(request))
        return Response.empty(204)

    def legacy_delete_many(self, request: Request) -> Response:
        preds = predicates(request, LEGACY)
        if not preds:
            raise v3_error(422, "A filter is required to delete categories", {"id:in": "required"})
        for doc in select(self.db.sorted_rows(self.db.categories), preds):
            self._delete(doc)
        return Response.empty(204)

    # -- trees ---------------------------------------------------------------------------------

    def trees(self, request: Request) -> Response:
        rows = [{"id": TREE_ID, "name": "Default", "channels": [1]}]
        ids = request.arg("id:in")
        if ids and str(TREE_ID) not in ids.split(","):
            rows = []
        return v3_list(request, rows, dict)

    def tree_list(self, request: Request) -> Response:
        rows = select(self.db.sorted_rows(self.db.categories), predicates(request, TREES))
        keyword = (request.arg("keyword") or "").lower()
        if keyword:
            rows = [r for r in rows if keyword in r["name"].lower()]
        return v3_list(request, rows, tree_out)

    def _batch(self, request: Request) -> list[Any]:
        items = json_array(request)
        if len(items) > BATCH_LIMIT:
            raise v3_error(
                413,
                "The request payload is too large. "
                f"The maximum items allowed in the array is {BATCH_LIMIT}.",
            )
        return items

    def tree_create(self, request: Request) -> Response:
        made, errors = [], []
        for item in self._batch(request):
            try:
                if not isinstance(item, dict):
                    raise v3_error(422, TITLE, {"name": MISSING})
                if item.get("parent_id") is None and to_int(item.get("tree_id")) != TREE_ID:
                    raise v3_error(422, TITLE, {"tree_id": "tree_id or parent_id is required"})
                fields = self._check(item, creating=True)
                name = fields.pop("name")
                made.append(tree_out(new_category(self.db, name, **fields)))
            except Exception as exc:  # one bad item makes a 207, not a failed batch
                errors.append(_batch_error(exc))
        return _batch_reply(made, errors, 201)

    def tree_update(self, request: Request) -> Response:
        done, errors = [], []
        for item in self._batch(request):
            try:
                if not isinstance(item, dict):
                    raise v3_error(422, TITLE, {"category_id": MISSING})
                doc = self.db.categories.get(to_int(item.get("category_id")) or 0)
                if doc is None:
                    raise v3_error(422, TITLE, {"category_id": "category does not exist"})
                doc.update(self._check(item, doc["id"], creating=False))
                self.db.categories.touch(doc["id"])
                done.append(tree_out(doc))
            except Exception as exc:
                errors.append(_batch_error(exc))
        return _batch_reply(done, errors, 200)

    def tree_delete(self, request: Request) -> Response:
        preds = predicates(request, TREES)
        if not preds:
            raise v3_error(
                422, "A filter is required to delete categories", {"category_id:in": "required"}
            )
        rows = select(self.db.sorted_rows(self.db.categories), preds)
        for doc in rows:
            self._delete(doc)
        meta = {"total": len(rows), "success": len(rows), "failed": 0}
        return Response.json(202, {"meta": meta})

    def nested(self, request: Request) -> Response:
        if to_int(request.params.get("tree_id")) != TREE_ID:
            raise not_found_v3()
        depth_limit = to_int(request.arg("depth") or "") or MAX_DEPTH
        rows = self.db.sorted_rows(self.db.categories)

        def children(parent: int, path: list[int]) -> list[Doc]:
            if len(path) >= depth_limit:
                return []
            return [
                {
                    "id": c["id"],
                    "parent_id": c["parent_id"],
                    "depth": len(path) + 1,
                    "path": [*path, c["id"]],
                    "name": c["name"],
                    "is_visible": c["is_visible"],
                    "url": c["custom_url"]["url"],
                    "children": children(c["id"], [*path, c["id"]]),
                }
                for c in rows
                if c["parent_id"] == parent
            ]

        return ok(children(0, []))


def _batch_error(exc: Exception) -> Doc:
    body = getattr(exc, "body", None)
    if not isinstance(body, dict):
        raise exc
    return body


def _batch_reply(data: list[Doc], errors: list[Doc], status: int) -> Response:
    meta = {"total": len(data) + len(errors), "success": len(data), "failed": len(errors)}
    if not errors:
        return ok(data, meta, status)
    if not data:
        first = errors[0]
        raise BcError(int(first.get("status", 422)), first)
    return Response.json(207, {"data": data, "errors": _meta_error(errors), "meta": meta})


def _meta_error(errors: list[Doc]) -> Doc:
    """The vendor's PartialSuccessResponse has one `errors` object (MetaError: status, title,
    type and the details), not a list: the failed items' field errors keyed by their place
    among the failures ("0.name")."""
    first = errors[0]
    details: Doc = {}
    for n, error in enumerate(errors):
        fields = error.get("errors")
        if isinstance(fields, dict):
            details.update({f"{n}.{k}": v for k, v in fields.items()})
        else:
            details[str(n)] = str(error.get("title") or "")
    return {
        "status": int(first.get("status", 422)),
        "title": str(first.get("title") or ""),
        "type": str(first.get("type") or ""),
        "errors": details,
    }


def tree_error(error: BcError) -> BcError:
    """The category-trees file wraps its errors: a 400 as `{"errors": [{status, title, type}]}`,
    a 422 as `{"errors": {status, title, type, errors}, "meta": {}}` (api doc 6.2)."""
    body = error.body
    if not isinstance(body, dict) or "status" not in body:
        return error
    if error.status == 400:
        entry = {k: body[k] for k in ("status", "title", "type") if k in body}
        return BcError(400, {"errors": [entry]}, error.headers)
    if error.status == 422:
        return BcError(422, {"errors": body, "meta": {}}, error.headers)
    return error
