"""Variant options and their values: `/catalog/products/{id}/options[/{id}[/values[/{id}]]]`."""

from __future__ import annotations

from typing import Any

from esync_desktop.sandbox.bigcommerce.common import (
    Doc,
    json_object,
    not_found_v3,
    ok,
    to_int,
    v3_error,
)
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.fields import MISSING, TITLE
from esync_desktop.sandbox.bigcommerce.paging import v3_list
from esync_desktop.sandbox.bigcommerce.writes import OPTION_TYPES
from esync_desktop.sandbox.http import Request, Response, Router


def _value(db: BcDb, spec: Any, sort_order: int) -> Doc:
    if not isinstance(spec, dict) or not isinstance(spec.get("label"), str) or not spec["label"]:
        raise v3_error(422, TITLE, {"option_values.label": MISSING})
    return {
        "id": db.next_id("option_values"),
        "label": spec["label"],
        "sort_order": to_int(spec.get("sort_order")) or sort_order,
        "is_default": bool(spec.get("is_default", False)),
        "value_data": spec.get("value_data") if isinstance(spec.get("value_data"), dict) else {},
    }


class Options:
    def __init__(self, db: BcDb) -> None:
        self.db = db

    def register(self, router: Router) -> None:
        base = "/v3/catalog/products/{product_id}/options"
        router.add("GET", base, self.list_options)
        router.add("POST", base, self.create)
        router.add("GET", base + "/{option_id}", self.get)
        router.add("PUT", base + "/{option_id}", self.update)
        router.add("DELETE", base + "/{option_id}", self.delete)
        router.add("GET", base + "/{option_id}/values", self.list_values)
        router.add("POST", base + "/{option_id}/values", self.create_value)
        router.add("GET", base + "/{option_id}/values/{value_id}", self.get_value)
        router.add("PUT", base + "/{option_id}/values/{value_id}", self.update_value)
        router.add("DELETE", base + "/{option_id}/values/{value_id}", self.delete_value)

    def _product(self, request: Request) -> Doc:
        product = self.db.product(to_int(request.params.get("product_id")) or 0)
        if product is None:
            raise not_found_v3()
        return product

    def _option(self, request: Request) -> tuple[Doc, Doc]:
        product = self._product(request)
        option = self.db.options.get(to_int(request.params.get("option_id")) or 0)
        if option is None or option["product_id"] != product["id"]:
            raise not_found_v3()
        return product, option

    def _value(self, request: Request) -> tuple[Doc, Doc, Doc]:
        product, option = self._option(request)
        wanted = to_int(request.params.get("value_id"))
        value = next((v for v in option["option_values"] if v["id"] == wanted), None)
        if value is None:
            raise not_found_v3()
        return product, option, value

    def _check_name(self, product: Doc, name: str, option_id: int = 0) -> None:
        for other in self.db.options_for(product["id"]):
            if other["id"] != option_id and other["display_name"].lower() == name.lower():
                raise v3_error(
                    409,
                    f"The display name '{name}' has already been used on this product.",
                    {"display_name": "duplicate"},
                )

    # -- options -------------------------------------------------------------------------------

    def list_options(self, request: Request) -> Response:
        product = self._product(request)
        return v3_list(request, self.db.options_for(product["id"]), dict)

    def get(self, request: Request) -> Response:
        return ok(self._option(request)[1])

    def create(self, request: Request) -> Response:
        product = self._product(request)
        body = json_object(request)
        errors = {k: MISSING for k in ("display_name", "type", "option_values") if not body.get(k)}
        if body.get("type") and body["type"] not in OPTION_TYPES:
            errors["type"] = f"must be one of {', '.join(OPTION_TYPES)}"
        if errors:
            raise v3_error(422, TITLE, errors)
        name = str(body["display_name"])
        self._check_name(product, name)
        if not isinstance(body["option_values"], list):
            raise v3_error(422, TITLE, {"option_values": "error.expected.jsarray"})
        option = {
            "id": self.db.next_id("options"),
            "product_id": product["id"],
            "display_name": name,
            "type": body["type"],
            "config": body.get("config") if isinstance(body.get("config"), dict) else {},
            "sort_order": to_int(body.get("sort_order")) or 0,
            "option_values": [],
            "name": f"{name}{product['id']}",
        }
        option["option_values"] = [
            _value(self.db, spec, n) for n, spec in enumerate(body["option_values"])
        ]
        # Creating an option does not create variants (§7.3).
        self.db.add_option(option)
        self.db.touch_product(product["id"])
        return ok(option)

    def update(self, request: Request) -> Response:
        product, option = self._option(request)
        body = json_object(request)
        if "display_name" in body:
            self._check_name(product, str(body["display_name"]), option["id"])
            option["display_name"] = str(body["display_name"])
        if "type" in body:
            if body["type"] not in OPTION_TYPES:
                raise v3_error(422, TITLE, {"type": f"must be one of {', '.join(OPTION_TYPES)}"})
            option["type"] = body["type"]
        if "sort_order" in body:
            option["sort_order"] = to_int(body["sort_order"]) or 0
        self.db.options.touch(option["id"])
        self._sync_variant_labels(product, option)
        self.db.touch_product(product["id"])
        return ok(option)

    def delete(self, request: Request) -> Response:
        product, option = self._option(request)
        for variant in self.db.variants_for(product["id"]):
            if any(v["option_id"] == option["id"] for v in variant["option_values"]):
                self.db.remove_variant(variant["id"])
        self.db.remove_option(option["id"])
        self.db.touch_product(product["id"])
        return Response.empty(204)

    # -- values --------------------------------------------------------------------------------

    def list_values(self, request: Request) -> Response:
        return v3_list(request, self._option(request)[1]["option_values"], dict)

    def get_value(self, request: Request) -> Response:
        return ok(self._value(request)[2])

    def create_value(self, request: Request) -> Response:
        product, option = self._option(request)
        body = json_object(request)
        label = body.get("label")
        if any(v["label"].lower() == str(label).lower() for v in option["option_values"]):
            raise v3_error(409, f"The option value '{label}' already exists on this option.")
        value = _value(self.db, body, len(option["option_values"]))
        option["option_values"].append(value)
        self.db.options.touch(option["id"])
        self.db.touch_product(product["id"])
        return ok(value)

    def update_value(self, request: Request) -> Response:
        product, option, value = self._value(request)
        body = json_object(request)
        if isinstance(body.get("label"), str) and body["label"]:
            value["label"] = body["label"]
        if "sort_order" in body:
            value["sort_order"] = to_int(body["sort_order"]) or 0
        if "is_default" in body:
            value["is_default"] = bool(body["is_default"])
        self.db.options.touch(option["id"])
        self._sync_variant_labels(product, option)
        self.db.touch_product(product["id"])
        return ok(value)

    def delete_value(self, request: Request) -> Response:
        product, option, value = self._value(request)
        for variant in self.db.variants_for(product["id"]):
            if any(v["id"] == value["id"] for v in variant["option_values"]):
                self.db.remove_variant(variant["id"])
        option["option_values"].remove(value)
        self.db.options.touch(option["id"])
        self.db.touch_product(product["id"])
        return Response.empty(204)

    def _sync_variant_labels(self, product: Doc, option: Doc) -> None:
        """Variants carry copies of option and value names; keep them current."""
        labels = {v["id"]: v["label"] for v in option["option_values"]}
        for variant in self.db.variants_for(product["id"]):
            for ref in variant["option_values"]:
                if ref["option_id"] == option["id"]:
                    ref["option_display_name"] = option["display_name"]
                    ref["label"] = labels.get(ref["id"], ref["label"])
                    self.db.variants.touch(variant["id"])
