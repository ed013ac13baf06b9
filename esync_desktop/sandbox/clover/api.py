"""Emulated Clover Platform REST API v3: authentication, limits, routing and merchant settings."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from esync_desktop.sandbox.clover import seed
from esync_desktop.sandbox.clover.admin import PREFIX as ADMIN_PREFIX
from esync_desktop.sandbox.clover.admin import Admin
from esync_desktop.sandbox.clover.atomic import AtomicOrders
from esync_desktop.sandbox.clover.common import BASE, ok
from esync_desktop.sandbox.clover.db import CloverDb, CloverError
from esync_desktop.sandbox.clover.grouping import KINDS, Links, Options, Resource
from esync_desktop.sandbox.clover.inventory import Items
from esync_desktop.sandbox.clover.limits import LimitSettings, TokenLimiter
from esync_desktop.sandbox.clover.orders import Orders
from esync_desktop.sandbox.clover.payments import Payments, ReadOnly, Tenders
from esync_desktop.sandbox.clover.query import parse_expand, public
from esync_desktop.sandbox.credentials import SandboxCredentials
from esync_desktop.sandbox.http import Request, Response, Router
from esync_desktop.sandbox.store import Store

PREFIX = "/v3/merchants/"
UNAUTHORIZED = {"message": "401 Unauthorized"}


def bearer_token(request: Request) -> str | None:
    header = request.header("Authorization") or ""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class CloverApi:
    """The emulated API; see `server.EmulatedApi` for the contract with the server."""

    name = "clover"

    def __init__(self, store: Store, credentials: SandboxCredentials) -> None:
        self.store = store
        self.credentials = credentials
        self.limits = LimitSettings()
        self.limiter = TokenLimiter(self.limits)
        self.require_user_agent = True
        main = Merchant(
            CloverDb(store, credentials.clover_merchant_id),
            credentials.clover_token,
            seed.MERCHANT_NAME,
        )
        # The second demo merchant (the warehouse): its own id, token and tables.
        warehouse = Merchant(
            CloverDb(store, credentials.warehouse_merchant_id, prefix="clover-warehouse"),
            credentials.warehouse_token,
            seed.WAREHOUSE_NAME,
        )
        self.merchants: dict[str, Merchant] = {m.db.merchant_id: m for m in (main, warehouse)}
        # The first merchant: the one the admin routes and the demo links speak of.
        self.db = main.db
        self.router = main.router

    def merchant(self, merchant_id: str) -> Merchant:
        """A served merchant by id (KeyError when not served)."""
        return self.merchants[merchant_id]

    # -- EmulatedApi ---------------------------------------------------------------------------

    def owns(self, path: str) -> bool:
        return path.startswith(PREFIX)

    def _served(self, request: Request) -> Merchant | None:
        return self.merchants.get(request.path[len(PREFIX) :].split("/", 1)[0])

    def admit(self, request: Request) -> Response | None:
        matched = self.router.match(request.method, request.path.rstrip("/"))
        if isinstance(matched, tuple):
            request.route = f"{request.method} {matched[0].pattern}"
        token = bearer_token(request)
        merchant = self._served(request)
        # A bad token, a missing scope and another merchant's id all look the same: 401.
        if merchant is None or token != merchant.token:
            return Response.json(401, UNAUTHORIZED)
        if self.require_user_agent and not (request.header("User-Agent") or "").strip():
            return Response.json(
                400, {"message": "A User-Agent header is required (e.g. MyApp/1.0)"}
            )
        tripped = self.limiter.acquire(token)
        if tripped == "rate":
            return self._too_many({"X-RateLimit-tokenLimit": str(self.limits.rate_per_second)})
        if tripped == "concurrency":
            return self._too_many(
                {
                    "X-RateLimit-tokenConcurrentLimit": str(self.limits.concurrency),
                    "retry-after": str(self.limits.retry_after),
                }
            )
        return None

    def release(self, request: Request) -> None:
        token = bearer_token(request)
        if token is not None:
            self.limiter.release(token)

    def handle(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        merchant = self._served(request)
        router = self.router if merchant is None else merchant.router
        matched = router.match(request.method, path)
        if matched is None:
            return Response.json(404, {"message": "404 Not Found"})
        if matched == "405":
            request.route = f"{request.method} (method not allowed)"
            allow = {"Allow": router.allowed(path)}
            return Response.json(405, {"message": "405 Method Not Allowed"}, allow)
        assert isinstance(matched, tuple)
        route, params = matched
        request.params = params
        request.route = f"{request.method} {route.pattern}"
        try:
            return route.handler(request)
        except CloverError as exc:
            return Response.json(exc.status, exc.body, exc.headers)

    def server_error(self, status: int) -> Response:
        return Response.json(
            status, {"message": f"{status} {_REASONS.get(status, 'Server Error')}"}
        )

    def throttled(self) -> Response:
        return self._too_many({"X-RateLimit-tokenLimit": str(self.limits.rate_per_second)})

    def seed(self, seed_name: str, items: int) -> None:
        seed.seed(self.db, seed_name, items)
        for merchant in self.merchants.values():
            if merchant.db is not self.db:
                seed.seed_second(merchant.db, seed_name, items, merchant.name)
        self.limiter.reset()

    def seed_missing(self, seed_name: str) -> None:
        """Seed a merchant whose tables are empty (a data file saved before it was served)."""
        for merchant in self.merchants.values():
            if merchant.db is not self.db and not merchant.db.t["merchant"].rows:
                seed.seed_second(merchant.db, seed_name, 0, merchant.name)

    def configure(self, changes: dict[str, Any]) -> None:
        known = {"rate_per_second", "concurrency", "retry_after", "require_user_agent"}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(
                f"unknown Clover settings: {', '.join(sorted(unknown))};"
                f" known: {', '.join(sorted(known))}"
            )
        for key in ("rate_per_second", "concurrency", "retry_after"):
            if key in changes:
                value = int(changes[key])
                if value < (0 if key == "retry_after" else 1):
                    raise ValueError(f"{key} must be positive")
                setattr(self.limits, key, value)
        if "require_user_agent" in changes:
            self.require_user_agent = bool(changes["require_user_agent"])

    def admin(self, request: Request) -> Response | None:
        """The first merchant's admin routes; `/_sandbox/clover/merchants/{id}/...` are the
        same routes for another served merchant (e.g. its stock counted on its device)."""
        marker = f"{ADMIN_PREFIX}/merchants/"
        if request.path.startswith(marker):
            merchant_id, _, rest = request.path[len(marker) :].partition("/")
            if merchant_id not in self.merchants:
                raise ValueError(f"no served Clover merchant {merchant_id!r}")
            inner = replace(request, path=f"{ADMIN_PREFIX}/{rest}")
            return self.merchants[merchant_id].admin.handle(inner)
        return self.merchants[self.db.merchant_id].admin.handle(request)

    def _too_many(self, headers: dict[str, str]) -> Response:
        return Response.json(429, {"message": "429 Too Many Requests"}, headers)


class Merchant:
    """One served merchant: its tables, token, routes and admin routes."""

    def __init__(self, db: CloverDb, token: str, name: str) -> None:
        self.db = db
        self.token = token
        self.name = name
        self.router = Router()
        self.router.add("GET", BASE, self._merchant)
        self.router.add("GET", f"{BASE}/properties", self._properties)
        modules: list[Any] = [
            Items(db),
            *(Resource(db, kind) for kind in KINDS),
            Options(db),
            Links(db),
            Orders(db),
            Payments(db),
            ReadOnly(db, "refunds", "refundId", "Refund"),
            ReadOnly(db, "credits", "creditId", "Credit"),
            Tenders(db),
            AtomicOrders(db),
        ]
        for module in modules:
            module.register(self.router)
        self.admin = Admin(db)

    def _merchant(self, request: Request) -> Response:
        doc = self.db.get("merchant", self.db.merchant_id)
        if doc is None:
            raise CloverError(404, {"message": "Not Found"})
        out = public(doc)
        expand = parse_expand(request)
        if expand.has("address"):
            out["address"] = doc.get("_address", {})
        if expand.has("properties"):
            out["properties"] = public(self.db.properties())
        return ok(out)

    def _properties(self, request: Request) -> Response:
        return ok(public(self.db.properties()))


_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
