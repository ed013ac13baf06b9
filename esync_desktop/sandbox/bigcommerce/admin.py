"""Admin routes under /_sandbox/bigcommerce/: inspect products by SKU, stock per location, the
rate-limit window, and switch inventory read lag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from esync_desktop.sandbox.bigcommerce.common import Doc
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.limits import RateLimiter
from esync_desktop.sandbox.bigcommerce.order_create import admin as orders_admin
from esync_desktop.sandbox.bigcommerce.render import Fields, product_out
from esync_desktop.sandbox.http import BadJson, Request, Response

PREFIX = "/_sandbox/bigcommerce"


class Admin:
    """Bound to the emulated store's data and limiter; `configure` applies admin settings."""

    def __init__(
        self, db: BcDb, limiter: RateLimiter, configure: Callable[[dict[str, Any]], None]
    ) -> None:
        self.db = db
        self.limiter = limiter
        self.configure = configure

    def _stock(self, product: Doc) -> dict[str, Any]:
        """On-hand stock per location for the product's own and its variants' stock."""
        db = self.db
        targets = [f"p{product['id']}"] + [f"v{v}" for v in db.variants_of.get(product["id"], [])]
        return {
            target: {str(loc): db.onhand(loc, target) for loc in db.location_ids()}
            for target in targets
            if any(db.stock_doc(loc, target) is not None for loc in db.location_ids())
        }

    def handle(self, request: Request) -> Response | None:
        sub = request.path[len(PREFIX) :]
        db = self.db
        if sub == "/products" and request.method == "GET":
            sku = request.arg("sku")
            if sku is None:
                ids = db.product_ids[: int(request.arg("limit") or 50)]
                rows = db.docs(db.products, ids)
            else:
                found = db.find_by_sku(sku)
                rows = [found[0]] if found is not None else []
            fields = Fields(Request("GET", "", {"include": ["variants,options"]}, {}))
            out = []
            for product in rows:
                doc = product_out(db, product, fields)
                doc["stock_by_location"] = self._stock(product)
                out.append(doc)
            return Response.json(200, {"products": out, "count": len(db.products)})
        if sub == "/read-lag" and request.method == "POST":
            try:
                body = request.json()
            except BadJson as exc:
                raise ValueError(f"body is not JSON: {exc}") from None
            if not isinstance(body, dict) or "ms" not in body:
                raise ValueError('send {"ms": <milliseconds>}')
            self.configure({"read_lag_ms": int(body["ms"])})
            return Response.json(200, {"read_lag_ms": db.read_lag_ms})
        if sub.startswith("/orders/"):
            return orders_admin(self.db, request, sub)
        if sub == "/rate" and request.method == "GET":
            headers = self.limiter.peek()
            return Response.json(200, {"plan": self.limiter.plan, **headers})
        return None
