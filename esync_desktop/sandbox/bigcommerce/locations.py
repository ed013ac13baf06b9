"""Locations API: `/v3/inventory/locations` list and batch create/update/delete (id 1 is the
default and cannot be removed; plan caps from §9.1)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
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


# The shapes of the nested location fields (locations.v3.yml `LocationsCreateRequest`).
_HOURS_DAY = {"open": bool, "opening": str, "closing": str}
_SPECIAL = {
    "label": str,
    "date": str,
    "open": bool,
    "opening": str,
    "closing": str,
    "all_day": bool,
    "annual": bool,
}
_SPECIAL_REQUIRED = ("label", "date", "open")
_ADDRESS = {
    "address1": str,
    "address2": str,
    "city": str,
    "state": str,
    "zip": str,
    "email": str,
    "phone": str,
    "geo_coordinates": dict,
    "country_code": str,
}
_ADDRESS_REQUIRED = ("address1", "city", "state", "zip", "email", "geo_coordinates", "country_code")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_FLAT = {
    "code": str,
    "label": str,
    "description": str,
    "managed_by_external_source": bool,
    "type_id": str,
    "enabled": bool,
    "time_zone": str,
    "storefront_visibility": bool,
}


def _typed(doc: Any, kinds: Mapping[str, type], required: tuple[str, ...] = ()) -> str | None:
    if not isinstance(doc, dict):
        return "error.expected.jsobject"
    for key in required:
        if key not in doc:
            return f"{key}: {MISSING}"
    for key, value in doc.items():
        kind = kinds.get(key)
        if kind is not None and not isinstance(value, kind):
            return f"{key}: error.expected.{kind.__name__}"
    return None


def _coordinates(value: Any) -> str | None:
    limits: tuple[tuple[str, int], ...] = (("latitude", 90), ("longitude", 180))
    for key, limit in limits:
        number = value.get(key)
        if number is None:
            return f"geo_coordinates.{key}: {MISSING}"
        if isinstance(number, bool) or not isinstance(number, int | float | Decimal):
            return f"geo_coordinates.{key}: error.expected.jsnumber"
        if abs(float(number)) > limit:
            return f"geo_coordinates.{key}: must be between -{limit} and {limit}"
    return None


def _date(text: str) -> str | None:
    try:
        date.fromisoformat(text)
    except ValueError:
        return "date: must be a date like 2022-09-29"
    return None if len(text) == 10 else "date: must be a date like 2022-09-29"


def shape_problem(name: str, value: Any, *, creating: bool) -> str | None:
    """What is wrong with one sent location field, or None when it has the documented shape (a
    new location's address needs all its lines; an update may send some, with the country)."""
    if name in _FLAT:
        ok_type = isinstance(value, _FLAT[name])
        return None if ok_type else f"error.expected.{_FLAT[name].__name__}"
    if name == "operating_hours":
        if not isinstance(value, dict):
            return "error.expected.jsobject"
        for day, hours in value.items():
            problem = _typed(hours, _HOURS_DAY) if day in DAYS else None
            if problem is not None:
                return f"{day}.{problem}"
        return None
    if name == "special_hours":
        if not isinstance(value, list):
            return "error.expected.jsarray"
        for index, entry in enumerate(value):
            problem = _typed(entry, _SPECIAL, _SPECIAL_REQUIRED) or _date(entry["date"])
            if problem is not None:
                return f"{index}.{problem}"
        return None
    if name == "address":
        problem = _typed(value, _ADDRESS, _ADDRESS_REQUIRED if creating else ("country_code",))
        if problem is None and "email" in value and not EMAIL.fullmatch(value["email"]):
            problem = "email: must be an e-mail address"
        if problem is None and "geo_coordinates" in value:
            problem = _coordinates(value["geo_coordinates"])
        return problem
    return None


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

    def _fields(self, item: Doc, *, creating: bool) -> Doc:
        out = {k: item[k] for k in EDITABLE if k in item}
        if "type_id" in out and out["type_id"] not in ("PHYSICAL", "VIRTUAL"):
            raise v3_error(422, TITLE, {"type_id": "must be PHYSICAL or VIRTUAL"})
        errors = {
            name: problem
            for name, value in out.items()
            if (problem := shape_problem(name, value, creating=creating)) is not None
        }
        if errors:
            raise v3_error(422, TITLE, errors)
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
            planned.append(self._fields(item, creating=True))
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
            planned.append((doc, self._fields(item, creating=False)))
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
