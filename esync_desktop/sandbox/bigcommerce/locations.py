"""Locations API: `/v3/inventory/locations` list and batch create/update/delete (id 1 is the
default and cannot be removed; plan caps from §9.1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import (
    Doc,
    int_list,
    iso,
    json_array,
    now,
    to_int,
    v3_error,
)
from esync_desktop.sandbox.bigcommerce.db import DEFAULT_LOCATION, BcDb
from esync_desktop.sandbox.bigcommerce.fields import MISSING, TITLE
from esync_desktop.sandbox.bigcommerce.inventory import transaction
from esync_desktop.sandbox.bigcommerce.paging import v3_list, v3_page
from esync_desktop.sandbox.bigcommerce.query import Spec, predicates, select
from esync_desktop.sandbox.http import Request, Response, Router

PLAN_CAPS = {"standard": 4, "plus": 5, "pro": 8, "enterprise": 100, "unlimited": 100}
READ_LIMIT = 1000
DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
EDITABLE = (
    "code",
    "label",
    "description",
    "managed_by_external_source",
    "type_id",
    "enabled",
    "time_zone",
    "storefront_visibility",
    "operating_hours",
    "address",
    "special_hours",
)
SPEC: Spec = {
    "location_id": (lambda d: d["id"], "int"),
    "location_code": (lambda d: d["code"], "str"),
    "type_id": (lambda d: d["type_id"], "str"),
    "managed_by_external_source": (lambda d: d["managed_by_external_source"], "bool"),
    "is_active": (lambda d: d["enabled"], "bool"),
    "storefront_visibility": (lambda d: d["storefront_visibility"], "bool"),
    "is_default": (lambda d: d["id"] == DEFAULT_LOCATION, "bool"),
}


def new_location(db: BcDb, label: str, code: str, **extra: Any) -> Doc:
    lid = db.next_id("locations")
    moment = iso(now()).replace("+00:00", "Z")
    doc: Doc = {
        "id": lid,
        "code": code,
        "label": label,
        "description": "",
        "managed_by_external_source": False,
        "type_id": "PHYSICAL",
        "enabled": True,
        "operating_hours": {
            day: {"open": day not in {"sunday"}, "opening": "09:00", "closing": "17:00"}
            for day in DAYS
        },
        "time_zone": "America/Chicago",
        "created_at": moment,
        "updated_at": moment,
        "address": {
            "address1": "1 Main St",
            "address2": "",
            "city": "Austin",
            "state": "TX",
            "zip": "78701",
            "email": "store@example.com",
            "phone": "800-555-0198",
            "geo_coordinates": {"latitude": 30.26, "longitude": -97.74},
            "country_code": "US",
        },
        "storefront_visibility": True,
        "special_hours": [],
    }
    doc.update(extra)
    db.locations.put(lid, doc)
    return doc


class Locations:
    def __init__(self, db: BcDb, plan: Callable[[], str]) -> None:
        self.db = db
        self.plan = plan

    def register(self, router: Router) -> None:
        router.add("GET", "/v3/inventory/locations", self.list_locations)
        router.add("POST", "/v3/inventory/locations", self.create)
        router.add("PUT", "/v3/inventory/locations", self.update)
        router.add("DELETE", "/v3/inventory/locations", self.delete)

    def list_locations(self, request: Request) -> Response:
        page = v3_page(request, max_limit=READ_LIMIT)
        rows = select(self.db.sorted_rows(self.db.locations), predicates(request, SPEC))
        return v3_list(request, rows, dict, page=page)

    def _fields(self, item: Doc) -> Doc:
        out = {k: item[k] for k in EDITABLE if k in item}
        if "type_id" in out and out["type_id"] not in {"PHYSICAL", "VIRTUAL"}:
            raise v3_error(422, TITLE, {"type_id": "must be PHYSICAL or VIRTUAL"})
        return out

    def _code_taken(self, code: str, lid: int = 0) -> bool:
        return any(loc["code"] == code and loc["id"] != lid for loc in self.db.locations)

    def create(self, request: Request) -> Response:
        items = json_array(request)
        cap = PLAN_CAPS.get(self.plan(), 4)
        if len(self.db.locations) + len(items) > cap:
            raise v3_error(422, f"The store's plan allows at most {cap} locations.")
        planned = []
        for item in items:
            if not isinstance(item, dict) or not item.get("label") or not item.get("code"):
                raise v3_error(422, TITLE, {"label": MISSING, "code": MISSING})
            if self._code_taken(str(item["code"])):
                raise v3_error(422, f"Location code {item['code']} is already in use.")
            planned.append(self._fields(item))
        for fields in planned:
            new_location(self.db, str(fields.pop("label")), str(fields.pop("code")), **fields)
        return transaction()

    def update(self, request: Request) -> Response:
        items = json_array(request)
        planned = []
        for item in items:
            doc = self.db.locations.get(
                to_int(item.get("id")) or 0 if isinstance(item, dict) else 0
            )
            if doc is None:
                raise v3_error(422, TITLE, {"id": "location does not exist"})
            if item.get("code") and self._code_taken(str(item["code"]), doc["id"]):
                raise v3_error(422, f"Location code {item['code']} is already in use.")
            planned.append((doc, self._fields(item)))
        for doc, fields in planned:
            doc.update(fields)
            doc["updated_at"] = iso(now()).replace("+00:00", "Z")
            self.db.locations.touch(doc["id"])
        return transaction()

    def delete(self, request: Request) -> Response:
        ids = int_list(request, "location_id:in")
        if not ids:
            raise v3_error(422, TITLE, {"location_id:in": MISSING})
        if DEFAULT_LOCATION in ids:
            raise v3_error(422, "The default location cannot be deleted.")
        missing = [i for i in ids if i not in self.db.locations]
        if missing:
            raise v3_error(404, f"Location(s) not found: {', '.join(map(str, missing))}")
        for lid in ids:
            for key in [k for k in self.db.stock.rows if k.startswith(f"{lid}:")]:
                self.db.stock.delete(key)
            self.db.locations.delete(lid)
        return transaction()
