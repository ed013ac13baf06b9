"""Clover emulator responses validated against the vendor OpenAPI description (openapi-core).

The spec (shared/specs/clover/api-evangelist_clover-platform-rest-api-openapi.yml, third-party,
OpenAPI 3.1) is partial and loose, so this checks what it has and no more:

- It covers 16 paths; item_stocks, tags, item groups, atomic orders, refunds and tenders are not
  in it, so those are covered only by the behaviour tests.
- Its schemas declare no `required` fields and allow extra properties: the check is on the
  types and enums of the fields we do send (ids strings, money integers, priceType/paymentState
  enums, the list envelope's `elements` array).
- It models expanded to-many fields (item.categories, order.lineItems, ...) as plain arrays,
  while Clover's documentation and every real response wrap them as `{"elements": [...]}`; the
  emulator follows Clover, so the responses checked here are the unexpanded ones.
- Where the spec names the wrong schema it is not used: `GET /orders/{id}/line_items` claims a
  list of Orders and `POST /orders/{id}/payments` an Order; those bodies are checked against
  the Payment component (for the payment) or not at all (line items have no component).
- Error responses (401, 429) have no body schema in the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.validation.response.exceptions import InvalidData
from werkzeug.datastructures import Headers, ImmutableMultiDict

from esync_desktop.sandbox.server import SandboxServer

SPEC_FILE = "clover/api-evangelist_clover-platform-rest-api-openapi.yml"


@dataclass
class SpecRequest:
    """openapi-core's request protocol over an httpx request."""

    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass
class SpecResponse:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes


@pytest.fixture(scope="module")
def spec_dict(specs_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((specs_dir / SPEC_FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def openapi(spec_dict: dict[str, Any], running: SandboxServer) -> OpenAPI:
    # The spec lists Clover's hosts; the emulator's loopback URL is added as one more server.
    spec = {**spec_dict, "servers": [*spec_dict["servers"], {"url": running.url}]}
    return OpenAPI.from_dict(spec)


def check(openapi: OpenAPI, response: httpx.Response) -> None:
    """Validate one real exchange against the spec operation it matches."""
    assert response.status_code == 200, response.text
    request = response.request
    url = request.url
    spec_request = SpecRequest(
        host_url=f"{url.scheme}://{url.netloc.decode()}",
        path=url.path,
        method=request.method.lower(),
        body=request.content or None,
        content_type=request.headers.get("Content-Type", ""),
        parameters=RequestParameters(
            query=ImmutableMultiDict(list(url.params.multi_items())),
            header=Headers(dict(request.headers)),
        ),
    )
    spec_response = SpecResponse(
        status_code=response.status_code,
        content_type=response.headers.get("Content-Type", ""),
        headers=Headers(dict(response.headers)),
        data=response.content,
    )
    openapi.validate_response(spec_request, spec_response)


def component(spec_dict: dict[str, Any], name: str) -> Draft202012Validator:
    # The whole document is the root so that "#/components/..." references resolve.
    return Draft202012Validator({**spec_dict, "$ref": f"#/components/schemas/{name}"})


def test_validator_rejects_a_broken_item(openapi: OpenAPI, clover: httpx.Client) -> None:
    """The check is live: a wrong type in a real response body is reported."""
    good = clover.get("/items", params={"limit": 1})
    broken = httpx.Response(
        200,
        json={"elements": [{**good.json()["elements"][0], "price": "12.99"}]},
        request=good.request,
    )
    with pytest.raises(InvalidData, match="is not of type 'integer'"):
        check(openapi, broken)


def test_items(openapi: OpenAPI, clover: httpx.Client) -> None:
    listed = clover.get("/items", params={"limit": 1000, "filter": "price>=0"})
    check(openapi, listed)
    first = listed.json()["elements"][0]
    check(openapi, clover.get(f"/items/{first['id']}"))
    created = clover.post("/items", json={"name": "Spec Check", "price": 1234, "sku": "SPEC-1"})
    check(openapi, created)


def test_categories(openapi: OpenAPI, clover: httpx.Client) -> None:
    listed = clover.get("/categories")
    check(openapi, listed)
    check(openapi, clover.get(f"/categories/{listed.json()['elements'][0]['id']}"))
    check(openapi, clover.post("/categories", json={"name": "Spec Shelf"}))


def test_orders(openapi: OpenAPI, clover: httpx.Client) -> None:
    listed = clover.get("/orders", params={"limit": 20})
    check(openapi, listed)
    assert listed.json()["elements"]
    check(openapi, clover.get(f"/orders/{listed.json()['elements'][0]['id']}"))
    made = clover.post("/orders", json={"state": "open", "title": "spec"})
    check(openapi, made)
    check(openapi, clover.post(f"/orders/{made.json()['id']}", json={"total": 1000}))


def test_payments(openapi: OpenAPI, clover: httpx.Client, spec_dict: dict[str, Any]) -> None:
    listed = clover.get("/payments")
    check(openapi, listed)
    check(openapi, clover.get(f"/payments/{listed.json()['elements'][0]['id']}"))
    tender = next(
        t
        for t in clover.get("/tenders").json()["elements"]
        if t["labelKey"] == "com.clover.tender.external_payment"
    )
    order = clover.post("/orders", json={"state": "open", "total": 500}).json()
    paid = clover.post(
        f"/orders/{order['id']}/payments", json={"amount": 500, "tender": {"id": tender["id"]}}
    )
    assert paid.status_code == 200
    errors = list(component(spec_dict, "Payment").iter_errors(paid.json()))
    assert errors == []
