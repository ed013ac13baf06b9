"""v2 store information (`/store`, `/time`) and tax classes (`/tax_classes[/{id}]`)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from esync_desktop.sandbox.bigcommerce.common import Doc, v2_error
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.paging import v2_list
from esync_desktop.sandbox.http import Request, Response, Router

STORE_NAME = "eSync Demo Gift Shop (web)"
PLAN_NAMES = {
    "standard": "Standard",
    "plus": "Plus",
    "pro": "Pro",
    "enterprise": "Enterprise",
    "unlimited": "Enterprise",
}


def store_doc(store_hash: str) -> Doc:
    return {
        "id": store_hash,
        "account_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bc-account-{store_hash}")),
        "domain": "esync-demo.example",
        "secure_url": "https://esync-demo.example",
        "control_panel_base_url": f"https://store-{store_hash}.mybigcommerce.com",
        "status": "live",
        "name": STORE_NAME,
        "first_name": "Dana",
        "last_name": "Demo",
        "address": "1 Main St\nAustin, TX 78701",
        "country": "United States",
        "country_code": "US",
        "phone": "800-555-0198",
        "admin_email": "owner@esync-demo.example",
        "order_email": "orders@esync-demo.example",
        "favicon_url": "",
        "timezone": {
            "name": "America/Chicago",
            "raw_offset": -21600,
            "dst_offset": -18000,
            "dst_correction": True,
            "date_format": {
                "display": "M jS Y",
                "export": "M jS Y",
                "extended_display": "M jS Y @ g:i A",
            },
        },
        "language": "en",
        "currency": "USD",
        "currency_symbol": "$",
        "decimal_separator": ".",
        "thousands_separator": ",",
        "decimal_places": 2,
        "currency_symbol_location": "left",
        "weight_units": "Ounces",
        "dimension_units": "Inches",
        "dimension_decimal_places": 2,
        "dimension_decimal_token": ".",
        "dimension_thousands_token": ",",
        "plan_name": "Standard",
        "plan_level": "Standard",
        "plan_is_trial": False,
        "industry": "Gifts",
        "is_price_entered_with_tax": False,
        "store_id": 1000123,
        "default_channel_id": 1,
        "default_site_id": 1000,
        "active_comparison_modules": [],
        "features": {
            "stencil_enabled": True,
            "sitewidehttps_enabled": True,
            "facebook_catalog_id": "",
            "checkout_type": "optimized",
            "wishlists_enabled": True,
            "graphql_storefront_api_enabled": True,
            "shopper_consent_tracking_enabled": True,
            "multi_storefront_enabled": True,
        },
    }


class StoreInfo:
    def __init__(self, db: BcDb, plan: Callable[[], str]) -> None:
        self.db = db
        self.plan = plan

    def register(self, router: Router) -> None:
        router.add("GET", "/v2/store", self.store)
        router.add("GET", "/v2/time", self.time)
        router.add("GET", "/v2/tax_classes", self.tax_classes)
        router.add("GET", "/v2/tax_classes/{id}", self.tax_class)

    def store(self, request: Request) -> Response:
        doc = dict(self.db.store_info())
        plan = PLAN_NAMES.get(self.plan(), "Standard")
        doc["plan_name"] = doc["plan_level"] = plan
        return Response.json(200, doc)

    def time(self, request: Request) -> Response:
        return Response.json(200, {"time": int(time.time())})

    def tax_classes(self, request: Request) -> Response:
        return v2_list(request, sorted(self.db.tax_classes, key=lambda d: int(d["id"])), dict)

    def tax_class(self, request: Request) -> Response:
        doc = self.db.tax_classes.get(request.params.get("id", ""))
        if doc is None:
            raise v2_error(404, "The requested resource was not found.")
        return Response.json(200, doc)
