"""Every endpoint the BigCommerce emulator serves, exercised over loopback HTTP and checked, request
and response, against BigCommerce's own OpenAPI files in ../shared/specs/bigcommerce (used as they
are, never copied). Where the vendor file contradicts documented behaviour, the exception is listed
in EXCEPTIONS with its reason; anything else that does not validate fails the test."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from esync_desktop.sandbox.server import SandboxServer

VENDOR_HOST = "https://api.bigcommerce.com"
SPEC_FILES = (
    "products_catalog.v3.yml",
    "product-variants_catalog.v3.yml",
    "product-variant-options_catalog.v3.yml",
    "categories_catalog.v3.yml",
    "category-trees_catalog.v3.yml",
    "inventory.v3.yml",
    "locations.v3.yml",
    "orders.v2.oas2.yml",
    "orders.v3.yml",
    "store_information.v2.yml",
    "tax_classes.v2.yml",
)


# -- documented exceptions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Exception_:
    """One place where the vendor file and documented behaviour disagree."""

    route: str  # regex over the emulator's route, e.g. "GET /v3/catalog/products"
    problem: str  # regex over "<status> <request|response>: <finding>"
    reason: str


EXCEPTIONS: tuple[Exception_, ...] = (
    Exception_(
        ".*",
        r"^204 response: MissingData",
        "Some vendor files attach a body schema to a 204 (product/variant/option/category "
        "deletes, order transactions); a 204 has no body (RFC 9110 15.3.5) and the docs describe "
        "204 No Content (api doc 3.3, 3.6).",
    ),
    Exception_(
        r"^GET /v2/orders$",
        r"^204 response: ResponseNotFound",
        "An empty v2 page answers 204 with no body (api doc 3.3; "
        "aligent/bigcommerce-v3-api-php-client#161); orders.v2 lists only 200.",
    ),
    Exception_(
        r"^GET /v2/orders$",
        r"^413 response: ResponseNotFound",
        "limit > 250 on v2 is a 413 with the v2 error array (api doc 3.3; "
        "bigcommerce-api-python#59); orders.v2 lists no 413.",
    ),
    Exception_(
        r"^GET /v3/catalog/products$",
        r"^413 response: ResponseNotFound",
        "limit > 250 is a 413 with the v3 error body (the status-codes page lists 413 for an "
        "exceeded limit, api doc 3.2); the products spec lists no 413 for GET.",
    ),
    Exception_(
        r"^PUT /v3/catalog/products$",
        r"request: .*\*/id: Tried to write read-only property",
        "The batch-update items reuse the product schema whose `id` is readOnly, while the same "
        "operation (and api doc 6.1) requires `id` in every item.",
    ),
    Exception_(
        r"^POST /v3/catalog/products$",
        r"request: .*variants/\*: '(id|product_id)' is a required property",
        "Inline variants on create reuse a variant schema that requires `id` and `product_id`; a "
        "variant being created has neither (api doc 6.3, catalog/index.mdx example).",
    ),
    Exception_(
        r"^(GET|POST|PUT) /v3/catalog/(products|variants)",
        r"response: .*/(price|sale_price|retail_price|weight|width|height|depth|sku_id): None "
        r"(for not nullable|is not of type)",
        "A variant's price, sale_price, retail_price, weight and dimensions are null when they "
        "inherit the product's value, and a base variant's sku_id is null (api doc 7.1 and the "
        "field descriptions in the file); the schema lacks `nullable: true`.",
    ),
    Exception_(
        r"^PUT /v3/inventory/locations/\{location_id\}/items$",
        r"request: .*identity: .* is valid under each of",
        "`identity` is a oneOf of three objects without required keys, so every identity matches "
        "all three branches; the docs send exactly one of sku/variant_id/product_id (api doc 9.2).",
    ),
    Exception_(
        r"^GET /v3/orders/payment_actions/refunds/\{refund_id\}$",
        r"response: .*requested_amount: .* is not of type 'string'",
        "The single-refund schema types `requested_amount` as a string; the create and list "
        "schemas of the same file (and api doc 10.6) give a number.",
    ),
)

# Vendor files that are not valid OpenAPI 3.0 themselves: their schemas are still used to validate
# every exchange, only the meta-schema check of the file is skipped.
SPEC_DEFECTS = {
    "tax_classes.v2.yml": "the `page`/`limit` parameters declare exclusiveMinimum/exclusiveMaximum"
    " without minimum/maximum, which OpenAPI 3.0 (JSON Schema draft 4) forbids",
}


# -- adapters: httpx exchanges as openapi-core requests and responses ----------------------------


class SpecRequest:
    """An httpx request seen as if it had been sent to api.bigcommerce.com."""

    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return VENDOR_HOST

    @property
    def path(self) -> str:
        return self._request.url.path

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self._request.content or None

    @property
    def content_type(self) -> str:
        return str(self._request.headers.get("Content-Type", "application/json"))


class SpecResponse:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def content_type(self) -> str:
        return str(self._response.headers.get("Content-Type", ""))

    @property
    def headers(self) -> Headers:
        return Headers(dict(self._response.headers))

    @property
    def data(self) -> bytes | None:
        return self._response.content or None


# -- spec selection ------------------------------------------------------------------------------


@dataclass
class LoadedSpec:
    name: str
    version: str  # "v2" / "v3", from the spec's server URL
    api: OpenAPI
    templates: list[tuple[re.Pattern[str], int, set[str]]]  # regex, literal segments, methods


def _load(path: Path) -> LoadedSpec:
    raw = yaml.safe_load(path.read_text())
    version = raw["servers"][0]["url"].rstrip("/").rsplit("/", 1)[1]
    templates = []
    for template, ops in raw["paths"].items():
        regex = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$")
        literal = sum(1 for part in template.split("/") if part and not part.startswith("{"))
        templates.append((regex, literal, {m.upper() for m in ops}))
    # Inventory and locations answer errors as application/problem+json (JSON underneath).
    problem_json: dict[str, Callable[[bytes], Any]] = {"application/problem+json": json.loads}
    try:
        api = OpenAPI.from_dict(raw, config=Config(extra_media_type_deserializers=problem_json))
        assert path.name not in SPEC_DEFECTS, (
            f"{path.name} now validates: drop it from SPEC_DEFECTS"
        )
    except OpenAPIValidationError:
        if path.name not in SPEC_DEFECTS:
            raise
        api = OpenAPI.from_dict(
            raw,
            config=Config(spec_validator_cls=None, extra_media_type_deserializers=problem_json),
        )
    return LoadedSpec(path.name, version, api, templates)


def pick(specs: list[LoadedSpec], method: str, version: str, rest: str) -> LoadedSpec | None:
    """The spec whose path template fits best (most literal segments) for this request."""
    best: tuple[int, LoadedSpec] | None = None
    for spec in specs:
        if spec.version != version:
            continue
        for regex, literal, methods in spec.templates:
            if method in methods and regex.match(rest) and (best is None or literal > best[0]):
                best = (literal, spec)
    return best[1] if best else None


def findings(error: BaseException) -> list[str]:
    """Flatten an openapi-core error into one line per schema problem."""
    out: list[str] = []
    seen: set[int] = set()

    def walk(exc: BaseException | None) -> None:
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            for schema_error in getattr(exc, "schema_errors", []) or []:
                # Item indexes are left out so one finding reads the same for every row.
                where = "/".join(
                    "*" if isinstance(p, int) else str(p) for p in schema_error.absolute_path
                )
                out.append(f"{type(exc).__name__} at {where or '<root>'}: {schema_error.message}")
            for sub in getattr(exc, "exceptions", []) or []:
                walk(sub)
            exc = exc.__cause__ or exc.__context__

    walk(error)
    return out or [f"{type(error).__name__}: {error}"]


# -- the scenario: every route, success and the documented error shapes --------------------------


@pytest.fixture(scope="module")
def specs(specs_dir: Path) -> list[LoadedSpec]:
    return [_load(specs_dir / "bigcommerce" / name) for name in SPEC_FILES]


Exchange = tuple[httpx.Request, httpx.Response]


def run_scenario(bc: httpx.Client, invalid: set[int]) -> None:
    """Call every route at least once (the coverage check below proves it). Requests that break
    the documented rules on purpose (to see the error reply) are collected in `invalid`."""
    ok = _expect(bc, invalid)
    v2, v3 = "/v2", "/v3"
    # store, time, tax classes
    ok("GET", f"{v2}/store")
    ok("GET", f"{v2}/time")
    ok("GET", f"{v2}/tax_classes")
    ok("GET", f"{v2}/tax_classes/1")
    # products
    ok("GET", f"{v3}/catalog/products", params={"limit": 3, "include": "variants"})
    ok("GET", f"{v3}/catalog/products", params={"sku:in": "MUG-001,COF-002"})
    ok("GET", f"{v3}/catalog/products", params={"include": "options", "name": "Pocket Tee"})
    ok("GET", f"{v3}/catalog/products", params={"limit": 251}, status=413, bad=True)
    ok("GET", f"{v3}/catalog/summary")
    body = {
        "name": "Conformance Mug",
        "type": "physical",
        "sku": "CONF-1",
        "price": 12.5,
        "weight": 1,
        "categories": [1],
        "inventory_tracking": "product",
        "inventory_level": 5,
    }
    product = ok("POST", f"{v3}/catalog/products", json=body)["data"]
    pid = product["id"]
    ok("POST", f"{v3}/catalog/products", json=body, status=409)
    ok(
        "POST",
        f"{v3}/catalog/products",
        json={"name": "No Price", "type": "physical"},
        status=422,
        bad=True,
    )
    ok("GET", f"{v3}/catalog/products/{pid}")
    ok("GET", f"{v3}/catalog/products/999999", status=404)
    ok("PUT", f"{v3}/catalog/products/{pid}", json={"price": 13})
    ok("PUT", f"{v3}/catalog/products", json=[{"id": pid, "sale_price": 11}])
    ok("PUT", f"{v3}/catalog/products", json=[{"id": pid}] * 11, status=413)
    with_variants = ok(
        "POST",
        f"{v3}/catalog/products",
        json={
            "name": "Conformance Tee",
            "type": "physical",
            "price": 20,
            "weight": 0.3,
            "inventory_tracking": "variant",
            "variants": [
                {
                    "sku": "CONF-T-S",
                    "inventory_level": 2,
                    "option_values": [{"option_display_name": "Size", "label": "S"}],
                }
            ],
        },
    )["data"]
    tid = with_variants["id"]
    # options and values
    options = ok("GET", f"{v3}/catalog/products/{tid}/options")["data"]
    oid = options[0]["id"]
    ok("GET", f"{v3}/catalog/products/{tid}/options/{oid}")
    ok("PUT", f"{v3}/catalog/products/{tid}/options/{oid}", json={"display_name": "Size"})
    ok("GET", f"{v3}/catalog/products/{tid}/options/{oid}/values")
    value = ok(
        "POST",
        f"{v3}/catalog/products/{tid}/options/{oid}/values",
        json={"label": "M", "sort_order": 1},
    )["data"]
    ok("GET", f"{v3}/catalog/products/{tid}/options/{oid}/values/{value['id']}")
    ok(
        "PUT",
        f"{v3}/catalog/products/{tid}/options/{oid}/values/{value['id']}",
        json={"label": "Medium", "sort_order": 1},
    )
    extra = ok(
        "POST",
        f"{v3}/catalog/products/{tid}/options",
        json={
            "display_name": "Fit",
            "type": "dropdown",
            "option_values": [{"label": "Slim", "sort_order": 0}],
        },
    )["data"]
    # variants
    ok("GET", f"{v3}/catalog/products/{tid}/variants")
    variant = ok(
        "POST",
        f"{v3}/catalog/products/{tid}/variants",
        json={
            "sku": "CONF-T-M",
            "price": 21,
            "option_values": [{"id": value["id"], "option_id": oid}],
        },
    )["data"]
    vid = variant["id"]
    ok("GET", f"{v3}/catalog/products/{tid}/variants/{vid}")
    ok("PUT", f"{v3}/catalog/products/{tid}/variants/{vid}", json={"inventory_level": 4})
    ok("GET", f"{v3}/catalog/variants", params={"sku": "CONF-T-M"})
    ok("GET", f"{v3}/catalog/variants", params={"limit": 5})
    ok("PUT", f"{v3}/catalog/variants", json=[{"id": vid, "price": 22}])
    ok("PUT", f"{v3}/catalog/variants", json=[{"id": vid}] * 51, status=413)
    ok("DELETE", f"{v3}/catalog/products/{tid}/variants/{vid}", status=204)
    ok("DELETE", f"{v3}/catalog/products/{tid}/options/{oid}/values/{value['id']}", status=204)
    ok("DELETE", f"{v3}/catalog/products/{tid}/options/{extra['id']}", status=204)
    # categories (deprecated API) and trees
    ok("GET", f"{v3}/catalog/categories", params={"limit": 5})
    legacy = ok("POST", f"{v3}/catalog/categories", json={"name": "Conformance", "parent_id": 0})[
        "data"
    ]
    ok("GET", f"{v3}/catalog/categories/{legacy['id']}")
    ok(
        "PUT",
        f"{v3}/catalog/categories/{legacy['id']}",
        json={"name": "Conformance 2", "parent_id": 0},
    )
    ok("DELETE", f"{v3}/catalog/categories/{legacy['id']}", status=204)
    other = ok("POST", f"{v3}/catalog/categories", json={"name": "Gone", "parent_id": 0})["data"]
    ok("DELETE", f"{v3}/catalog/categories", params={"id:in": other["id"]}, status=204)
    ok("GET", f"{v3}/catalog/trees")
    ok("GET", f"{v3}/catalog/trees/categories", params={"tree_id:in": 1, "limit": 5})
    made = ok(
        "POST",
        f"{v3}/catalog/trees/categories",
        json=[{"name": "Tree Conf", "tree_id": 1, "parent_id": 0}],
        status=201,
    )["data"]
    ok(
        "PUT",
        f"{v3}/catalog/trees/categories",
        json=[{"category_id": made[0]["category_id"], "name": "Tree Conf 2"}],
    )
    ok("GET", f"{v3}/catalog/trees/1/categories")
    ok(
        "DELETE",
        f"{v3}/catalog/trees/categories",
        params={"category_id:in": made[0]["category_id"]},
        status=202,
    )
    # locations and inventory
    ok("GET", f"{v3}/inventory/locations")
    ok(
        "POST",
        f"{v3}/inventory/locations",
        json=[
            {
                "code": "POP-1",
                "label": "Pop-up",
                "type_id": "PHYSICAL",
                "enabled": True,
                "address": {
                    "address1": "2 Side St",
                    "city": "Austin",
                    "state": "TX",
                    "zip": "78702",
                    "email": "popup@example.com",
                    "country_code": "US",
                    "geo_coordinates": {"latitude": 30.2, "longitude": -97.7},
                },
            }
        ],
    )
    locations = ok("GET", f"{v3}/inventory/locations", params={"location_code:in": "POP-1"})
    lid = locations["data"][0]["id"]
    ok("PUT", f"{v3}/inventory/locations", json=[{"id": lid, "label": "Pop-up shop"}])
    ok("GET", f"{v3}/inventory/items", params={"limit": 5})
    ok("GET", f"{v3}/inventory/locations/1/items", params={"sku:in": "CONF-1"})
    ok("GET", f"{v3}/inventory/locations/99/items", status=404)
    ok(
        "PUT",
        f"{v3}/inventory/locations/1/items",
        json={"settings": [{"identity": {"sku": "CONF-1"}, "safety_stock": 1, "warning_level": 2}]},
    )
    ok(
        "PUT",
        f"{v3}/inventory/adjustments/absolute",
        json={
            "reason": "conformance",
            "items": [{"location_id": 1, "product_id": pid, "quantity": 9}],
        },
    )
    ok(
        "PUT",
        f"{v3}/inventory/adjustments/absolute",
        json={
            "items": [{"location_id": 1, "variant_id": product["base_variant_id"], "quantity": 1}]
        },
        status=422,
    )
    ok(
        "POST",
        f"{v3}/inventory/adjustments/relative",
        json={
            "reason": "conformance",
            "items": [{"location_id": 1, "sku": "CONF-1", "quantity": -2}],
        },
    )
    ok("DELETE", f"{v3}/inventory/locations", params={"location_id:in": lid})
    ok("DELETE", f"{v3}/catalog/products/{pid}", status=204)
    ok("DELETE", f"{v3}/catalog/products", params={"id:in": tid}, status=204)
    # v2 orders
    orders = ok("GET", f"{v2}/orders", params={"limit": 50})
    ok("GET", f"{v2}/orders", params={"limit": 251}, status=413)
    ok("GET", f"{v2}/orders", params={"page": 99}, status=204)
    ok("GET", f"{v2}/orders/count")
    awaiting = next(o for o in orders if o["status_id"] == 11)
    order_id = awaiting["id"]
    ok("GET", f"{v2}/orders/{order_id}")
    ok("GET", f"{v2}/orders/999999", status=404)
    lines = ok("GET", f"{v2}/orders/{order_id}/products")
    ok("GET", f"{v2}/orders/{order_id}/products/{lines[0]['id']}")
    addresses = ok("GET", f"{v2}/orders/{order_id}/shipping_addresses")
    ok("GET", f"{v2}/orders/{order_id}/shipping_addresses/{addresses[0]['id']}")
    ok(
        "PUT",
        f"{v2}/orders/{order_id}/shipping_addresses/{addresses[0]['id']}",
        json={"street_2": "Suite 5"},
    )
    with_coupon = next(o for o in orders if o["coupon_discount"] != "0.0000")
    ok("GET", f"{v2}/orders/{with_coupon['id']}/coupons")
    ok(
        "POST",
        f"{v2}/orders",
        json={
            "status_id": 11,
            "billing_address": {"first_name": "Conf", "zip": "78701", "email": "c@o.test"},
            "products": [
                {"name": "Custom", "quantity": 2, "price_ex_tax": 2.5, "price_inc_tax": 2.7},
                {"product_id": lines[0]["product_id"], "quantity": 1},
            ],
            "shipping_cost_ex_tax": "4.00",
            "shipping_cost_inc_tax": "4.00",
        },
    )
    ok("GET", f"{v2}/order_statuses")
    ok("GET", f"{v2}/order_statuses/11")
    # v3 payments
    ok("GET", f"{v3}/orders/{order_id}/transactions")
    pending = next(o for o in orders if o["status_id"] == 1)
    ok("GET", f"{v3}/orders/{pending['id']}/transactions", status=204)
    items = [{"item_type": "PRODUCT", "item_id": lines[0]["id"], "quantity": 1}]
    quote = ok(
        "POST",
        f"{v3}/orders/{order_id}/payment_actions/refund_quotes",
        json={"items": items},
        status=201,
    )["data"]
    method = quote["refund_methods"][0][0]
    ok(
        "POST",
        f"{v3}/orders/{order_id}/payment_actions/refunds",
        json={
            "items": items,
            "payments": [{"provider_id": method["provider_id"], "amount": 0.01, "offline": False}],
        },
        status=422,
    )
    refund = ok(
        "POST",
        f"{v3}/orders/{order_id}/payment_actions/refunds",
        json={
            "items": items,
            "payments": [
                {"provider_id": method["provider_id"], "amount": method["amount"], "offline": False}
            ],
        },
        status=201,
    )["data"]
    ok("GET", f"{v3}/orders/{order_id}/payment_actions/refunds")
    ok("GET", f"{v3}/orders/payment_actions/refunds", params={"order_id:in": order_id})
    ok("GET", f"{v3}/orders/payment_actions/refunds/{refund['id']}")
    ok("PUT", f"{v2}/orders/{order_id}", json={"status_id": 2})
    ok("DELETE", f"{v2}/orders/{order_id}", status=204)


def _expect(bc: httpx.Client, invalid: set[int]) -> Callable[..., Any]:
    def call(method: str, path: str, *, status: int = 200, bad: bool = False, **kwargs: Any) -> Any:
        response = bc.request(method, path, **kwargs)
        if bad:
            invalid.add(id(response.request))
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    return call


def test_every_served_endpoint_conforms_to_the_vendor_specs(
    specs: list[LoadedSpec], server: SandboxServer
) -> None:
    exchanges: list[Exchange] = []
    invalid: set[int] = set()

    def record(response: httpx.Response) -> None:
        response.read()
        exchanges.append((response.request, response))

    creds = server.describe()
    server.reset_counters()
    with httpx.Client(
        base_url=f"{creds['url']}/stores/{creds['bc_store_hash']}",
        # The vendor files declare Accept (and on some GETs Content-Type) as required headers.
        headers={
            "X-Auth-Token": creds["bc_token"],
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        event_hooks={"response": [record]},
    ) as bc:
        run_scenario(bc, invalid)

    # Coverage: every route the emulator serves was called.
    served = set(server.bigcommerce.router.patterns)
    called = set(server.counter_snapshot()["bigcommerce"]["endpoints"])
    assert served - called == set(), "routes never exercised"

    problems: list[str] = []
    used: set[Exception_] = set()
    for request, response in exchanges:
        parts = request.url.path.split("/")
        version, rest = parts[3], "/" + "/".join(parts[4:])
        spec = pick(specs, request.method, version, rest)
        label = f"{request.method} /{version}{rest} -> {response.status_code}"
        if spec is None:
            problems.append(f"{label}: no vendor spec describes this path")
            continue
        route = _route_of(server, request.method, f"/{version}{rest}")
        sent = SpecRequest(request)
        request_findings = _errors(partial(spec.api.validate_request, sent))
        if id(request) in invalid:
            # Sent on purpose against the rules: the vendor file must agree it is invalid.
            if not request_findings:
                problems.append(
                    f"{label} [{spec.name}]: the spec accepts a request sent as invalid"
                )
            request_findings = []
        answered = SpecResponse(response)
        response_findings = _errors(partial(spec.api.validate_response, sent, answered))
        for kind, found in (("request", request_findings), ("response", response_findings)):
            for finding in found:
                line = f"{response.status_code} {kind}: {finding}"
                match = next(
                    (
                        e
                        for e in EXCEPTIONS
                        if re.search(e.route, route) and re.search(e.problem, line)
                    ),
                    None,
                )
                if match is None:
                    problems.append(f"{label} [{spec.name}] {line}")
                else:
                    used.add(match)
    problems = list(dict.fromkeys(problems))
    assert problems == [], "\n".join(problems)
    # An exception that no longer matches anything is stale and must go.
    assert set(EXCEPTIONS) - used == set(), "stale documented exceptions"


def _errors(check: Callable[[], object]) -> list[str]:
    try:
        check()
    except Exception as error:  # every finding is classified by the caller
        return findings(error)
    return []


def _route_of(server: SandboxServer, method: str, path: str) -> str:
    matched = server.bigcommerce.router.match(method, path)
    return f"{method} {matched[0].pattern}" if isinstance(matched, tuple) else f"{method} {path}"
