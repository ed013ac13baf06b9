"""Emulated BigCommerce REST API (v3 + v2): store hash, auth, rate limit, routing and errors."""

from __future__ import annotations

import threading
from typing import Any

from esync_desktop.sandbox.bigcommerce import seed
from esync_desktop.sandbox.bigcommerce.admin import Admin
from esync_desktop.sandbox.bigcommerce.categories import Categories, tree_error
from esync_desktop.sandbox.bigcommerce.common import TYPE_URL, BcError, v2_error, v3_error
from esync_desktop.sandbox.bigcommerce.db import BcDb
from esync_desktop.sandbox.bigcommerce.inventory import Inventory
from esync_desktop.sandbox.bigcommerce.limits import PLAN_QUOTAS, RateLimiter
from esync_desktop.sandbox.bigcommerce.locations import Locations
from esync_desktop.sandbox.bigcommerce.options import Options
from esync_desktop.sandbox.bigcommerce.order_create import OrderCreate
from esync_desktop.sandbox.bigcommerce.orders import Orders
from esync_desktop.sandbox.bigcommerce.products import Products
from esync_desktop.sandbox.bigcommerce.refunds import Refunds
from esync_desktop.sandbox.bigcommerce.storeinfo import StoreInfo
from esync_desktop.sandbox.bigcommerce.variants import Variants
from esync_desktop.sandbox.credentials import SandboxCredentials
from esync_desktop.sandbox.http import Handler, Request, Response, Router
from esync_desktop.sandbox.store import Store

PREFIX = "/stores/"
VERSIONS = ("v2", "v3")
UNAUTHORIZED_V3 = {
    "status": 401,
    "title": "Unauthorized - the v3 Auth client ID or token in the request are not a valid"
    " combination for this store.",
    "type": "/api-docs/getting-started/api-status-codes",
}
ROUTE_NOT_FOUND = "The route is not found, check the URL"
REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
SETTINGS = ("plan", "window_ms", "quota", "read_lag_ms")


class ListedRouter(Router):
    """A Router that can list its routes, so a test can check every one is exercised."""

    def __init__(self) -> None:
        super().__init__()
        self.patterns: list[str] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        super().add(method, pattern, handler)
        self.patterns.append(f"{method.upper()} {pattern}")


def split_path(path: str) -> tuple[str, str, str]:
    """`/stores/{hash}/{version}/rest` -> (hash, version, "/rest"); missing parts are ""."""
    parts = path[len(PREFIX) :].split("/", 2)
    store_hash = parts[0]
    version = parts[1] if len(parts) > 1 else ""
    rest = "/" + parts[2] if len(parts) > 2 else ""
    return store_hash, version, rest


class BigCommerceApi:
    """The emulated API; see `server.EmulatedApi` for the contract with the server."""

    name = "bigcommerce"

    def __init__(
        self, store: Store, credentials: SandboxCredentials, plan: str = "standard"
    ) -> None:
        self.store = store
        self.credentials = credentials
        self.limiter = RateLimiter(plan)
        # Of generated items (`--items N`), every n-th is already a product (benchmarks: 1).
        self.generated_in_bigcommerce_every = 4
        self.db = BcDb(store, credentials.bc_store_hash)
        self.router = ListedRouter()
        modules: list[Any] = [
            StoreInfo(self.db, self._plan),
            Products(self.db),
            Variants(self.db),
            Options(self.db),
            Categories(self.db),
            Locations(self.db, self._plan),
            Inventory(self.db),
            Orders(self.db),
            OrderCreate(self.db),
            Refunds(self.db),
        ]
        for module in modules:
            module.register(self.router)
        self._admin = Admin(self.db, self.limiter, self.configure)
        # Rate headers decided in admit() travel to handle() by request identity.
        self._headers: dict[int, dict[str, str]] = {}
        self._headers_lock = threading.Lock()

    @property
    def plan(self) -> str:
        return self.limiter.plan

    def _plan(self) -> str:
        return self.limiter.plan

    # -- EmulatedApi ---------------------------------------------------------------------------

    def owns(self, path: str) -> bool:
        return path.startswith(PREFIX)

    def admit(self, request: Request) -> Response | None:
        store_hash, version, rest = split_path(request.path)
        v2 = version == "v2"
        matched = self.router.match(request.method, f"/{version}{rest.rstrip('/')}")
        if isinstance(matched, tuple):
            request.route = f"{request.method} {matched[0].pattern}"
        if store_hash != self.credentials.bc_store_hash or version not in VERSIONS:
            return self._reject(_not_found_route(v2))
        if request.header("X-Auth-Token") != self.credentials.bc_token:
            body: Any = (
                [{"status": 401, "message": "No valid credentials were found in the request."}]
                if v2
                else UNAUTHORIZED_V3
            )
            return self._reject(BcError(401, body))
        admitted, headers = self.limiter.acquire()
        if not admitted:
            too_many = BcError(
                429,
                {"status": 429, "title": "Too many requests", "type": TYPE_URL, "errors": {}},
            )
            return _with(too_many.response(), headers)
        if rest.endswith("/"):
            # A trailing slash has been seen to answer 403 (bigcommerce/api#95).
            error = (
                v2_error(403, "Authentication Required")
                if v2
                else v3_error(403, "Authentication Required")
            )
            return _with(error.response(), headers)
        with self._headers_lock:
            self._headers[id(request)] = headers
        return None

    def _reject(self, error: BcError) -> Response:
        return _with(error.response(), self.limiter.peek())

    def release(self, request: Request) -> None:
        with self._headers_lock:
            self._headers.pop(id(request), None)

    def handle(self, request: Request) -> Response:
        with self._headers_lock:
            headers = self._headers.get(id(request)) or self.limiter.peek()
        return _with(self._route(request), headers)

    def _route(self, request: Request) -> Response:
        _, version, rest = split_path(request.path)
        v2 = version == "v2"
        path = f"/{version}{rest}"
        matched = self.router.match(request.method, path)
        if matched is None:
            return _not_found_route(v2).response()
        if matched == "405":
            request.route = f"{request.method} (method not allowed)"
            error = (
                v2_error(405, "The requested method is not supported.")
                if v2
                else v3_error(405, "Method Not Allowed")
            )
            return _with(error.response(), {"Allow": self.router.allowed(path)})
        assert isinstance(matched, tuple)
        route, params = matched
        request.params = params
        request.route = f"{request.method} {route.pattern}"
        try:
            if request.body.strip() and request.method in {"POST", "PUT"}:
                content_type = (request.header("Content-Type") or "").lower()
                if "json" not in content_type:
                    raise _unsupported(v2)
            # Inventory reads may lag behind writes (admin switch); write replies never do.
            self.db.lagged_reads = request.method == "GET"
            response = route.handler(request)
        except BcError as exc:
            if rest.startswith("/catalog/trees"):
                exc = tree_error(exc)
            response = exc.response()
        finally:
            self.db.lagged_reads = False
        if rest.startswith("/inventory") and response.status >= 400:
            # The inventory and locations specs answer errors as problem+json.
            response.headers["Content-Type"] = "application/problem+json"
        return response

    def server_error(self, status: int) -> Response:
        body = {"status": status, "title": REASONS.get(status, "Server Error"), "type": TYPE_URL}
        return Response.json(status, body, self.limiter.peek())

    def throttled(self) -> Response:
        headers = self.limiter.peek()
        headers["X-Rate-Limit-Requests-Left"] = "0"
        reset_ms = int(headers["X-Rate-Limit-Time-Reset-Ms"])
        headers["X-Retry-After"] = str(max(1, -(-reset_ms // 1000)))
        body = {"status": 429, "title": "Too many requests", "type": TYPE_URL, "errors": {}}
        return Response.json(429, body, headers)

    def seed(self, seed_name: str, items: int) -> None:
        seed.seed(self.db, seed_name, items, self.generated_in_bigcommerce_every)
        self.limiter.reset()

    def configure(self, changes: dict[str, Any]) -> None:
        unknown = set(changes) - set(SETTINGS)
        if unknown:
            raise ValueError(
                f"unknown BigCommerce settings: {', '.join(sorted(unknown))};"
                f" known: {', '.join(SETTINGS)}"
            )
        if "plan" in changes:
            plan = str(changes["plan"])
            if plan not in PLAN_QUOTAS:
                raise ValueError(f"unknown plan {plan!r}; choose one of {', '.join(PLAN_QUOTAS)}")
            self.limiter.set_plan(plan)
        if "window_ms" in changes or "quota" in changes:
            self.limiter.set_limits(
                window_ms=int(changes["window_ms"]) if "window_ms" in changes else None,
                quota=int(changes["quota"]) if "quota" in changes else None,
            )
        if "read_lag_ms" in changes:
            self.db.read_lag_ms = max(0, int(changes["read_lag_ms"]))

    def admin(self, request: Request) -> Response | None:
        return self._admin.handle(request)


def _with(response: Response, headers: dict[str, str]) -> Response:
    response.headers.update(headers)
    return response


def _not_found_route(v2: bool) -> BcError:
    if v2:
        return v2_error(404, "The requested resource was not found.")
    return v3_error(404, ROUTE_NOT_FOUND)


def _unsupported(v2: bool) -> BcError:
    message = "The request's Content-Type is not supported. Send application/json."
    return v2_error(415, message) if v2 else v3_error(415, message)
