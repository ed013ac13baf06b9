"""Schemathesis against the BigCommerce emulator: every operation of the products, category-trees,
inventory and locations specs in ../shared/specs/bigcommerce that the emulator serves, driven over
loopback HTTP through the examples, coverage and fuzzing phases (a bounded, seeded number of cases
so the run stays short), with every built-in check on. Where the vendor file contradicts the
documented real API, the finding is listed in EXCEPTIONS with its reason; anything else fails."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.filters import HasAPIOperation
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation

from esync_desktop.sandbox.bigcommerce.api import BigCommerceApi
from esync_desktop.sandbox.credentials import DEMO_CREDENTIALS
from esync_desktop.sandbox.server import SandboxServer
from esync_desktop.sandbox.store import Store

SPEC_FILES = (
    "products_catalog.v3.yml",
    "category-trees_catalog.v3.yml",
    "inventory.v3.yml",
    "locations.v3.yml",
)
MAX_EXAMPLES = 10
SEED = 20_260_401


@dataclass(frozen=True)
class Exception_:
    """One finding where the vendor file, not the emulator, is at odds with the real API."""

    operation: str  # regex over "METHOD /path" as the spec writes it
    code: str  # schemathesis failure code, e.g. "ST103"
    detail: str  # regex over the failure's title and message
    reason: str


EXCEPTIONS: tuple[Exception_, ...] = (
    Exception_(
        ".*",
        "ST201|ST203",
        r"Missing `Accept` at header|required 'Accept' header|violates `required` \(was [^)]*"
        r"Accept",
        "The files mark the `Accept` header required; the API answers JSON without it (api doc "
        "2.2 lists it as what a client sends, the status table has no error for its absence). "
        "The HTTP layer puts the auth token and the JSON Content-Type back, so only the missing "
        "Accept reaches the store.",
    ),
    Exception_(
        ".*",
        "ST103",
        r"Received: 401\b",
        "401 (token missing or wrong) is answered by every endpoint (api doc 2 and 5.3); most "
        "operations of these files do not list it.",
    ),
    Exception_(
        ".*",
        "ST103",
        r"Received: 400\b.*-> 400 .*Input is invalid",
        "A missing or malformed JSON body is a 400 (api doc 5.3, the webhooks file's body); "
        "the products, inventory and locations files list no 400.",
    ),
    Exception_(
        ".*",
        "ST103",
        r"Received: 404\b",
        "An id that does not exist is a 404 (api doc 5.3); these operations list no 404.",
    ),
    Exception_(
        r"^(GET|DELETE) ",
        "ST103",
        r"Received: 422\b.*-> 422 .*(Invalid (filter value|value|date) for|Invalid field\(s\): "
        r"(page|limit))",
        "A filter or paging value of the wrong type is a 422 naming the parameter (api doc 5.1 "
        "and 5.3); these list and bulk-delete operations list no 422.",
    ),
    Exception_(
        r"^GET ",
        "ST103",
        r"Received: 413\b",
        "limit > 250 is a 413 with the v3 error body (api doc 3.2, the products file's 413 "
        "body); the list operations list no 413.",
    ),
    Exception_(
        ".*",
        "ST201",
        r"-> 413 .*(exceeds the maximum allowed|maximum items allowed)",
        "A page size or batch over the documented limit is refused with 413 (api doc 3.2, 6.1) "
        "before the other values are read; that is a refusal, though not one of the codes the "
        "check counts.",
    ),
    Exception_(
        ".*",
        "ST202",
        r"-> (404|409|422) .*(does not exist|not found|already in use|is a duplicate|cannot be"
        r" deleted|unknown|requires absolute adjustment|not unique|plan allows at most)",
        "A well-formed request that names a record the store does not have, one whose name or "
        "code is taken, or one past the plan's location count is refused as the docs say (api "
        "doc 5.3, 6.1, 9.1, 9.4); a schema cannot know which ids exist.",
    ),
    Exception_(
        r"^(POST|PUT) ",
        "ST103|ST202",
        r"Received: 415\b|-> 415 ",
        "A body that is not JSON is a 415 (api doc 2.2); the write operations list no 415 and "
        "leave the Content-Type header free.",
    ),
    Exception_(
        r"^(POST|PUT) ",
        "ST202",
        r"-> 400 .*Input is invalid",
        "A write without a body is a 400 (api doc 5.3); some write operations of these files do "
        "not mark their body required.",
    ),
    Exception_(
        r"^GET ",
        "ST202",
        r"-> 413 .*limit",
        "The page size is capped (250 for the catalog, 1000 for inventory and locations: api doc "
        "3.2 and 9.1); the files give `limit` no maximum there.",
    ),
    Exception_(
        r"^(POST|PUT) /catalog/products",
        "ST202",
        r"-> 422 .*is out of range",
        "A price or measure beyond what the store keeps (20 digits, 4 of them decimals [A]) is a "
        "422 naming the field; the file gives these numbers no maximum.",
    ),
    Exception_(
        r"^(POST|PUT) /catalog/products",
        "ST202",
        r'-> 422 .*"errors":\{("(tax_class_id|brand_id|categories|related_products)":'
        r'"error\.expected\.js(number|array)",?)+\}',
        "The file types `tax_class_id`, `brand_id` and the `categories` ids as `number`; they are "
        "integer ids (every response schema and example of the same file), so a fraction is "
        "refused.",
    ),
    Exception_(
        r"^DELETE /catalog/products$|^DELETE /catalog/trees/categories$",
        "ST103|ST202",
        r"-> 422 .*A filter is required",
        "A bulk delete without a filter is refused: the products file's own description says a "
        "filter must be given (so nothing deletes the whole catalogue) and the category-trees "
        "one says to give category ids; neither marks a filter required.",
    ),
    Exception_(
        r"^POST /inventory/locations$",
        "ST202",
        r'-> 422 .*"errors":\{"label":"error\.path\.missing","code":"error\.path\.missing"\}',
        "The file marks no field of a new location required; a location without a `code` and a "
        "`label` could not be addressed by the `location_code` filters, so the emulator refuses "
        "it [A].",
    ),
    Exception_(
        r"^GET /catalog/products$",
        "ST202",
        r"-> 422 .*Invalid date for date_modified:(min|max)",
        "The file types `date_modified:min`/`:max` as free strings while `date_modified` and the "
        "`date_last_imported` ranges are dates (api doc 6.4: dates are ISO-8601, RFC-2822 or "
        "Unix seconds); text that is none of these is refused.",
    ),
    Exception_(
        r"^(GET|DELETE) /catalog/products$",
        "ST201",
        r"parameter `date_(modified|last_imported)(:\w+)?` in query - [\w:]+: Incorrect type"
        r".*-> 2\d\d ",
        "The file gives these filters `format: date`; the API also takes Unix seconds and "
        "RFC-2822 dates there (api doc 6.4).",
    ),
    Exception_(
        r"^PUT /catalog/products$",
        "ST202",
        r"-> 413 .*maximum items allowed in the array is 10",
        "A batch update takes at most 10 products (the file's own description and 413 body, "
        "api doc 6.1); the request schema sets no maxItems.",
    ),
    Exception_(
        r"^PUT /inventory/locations$",
        "ST201",
        r"address -> country_code: Invalid enum value",
        "The update schema's `country_code` enum lists only `US` while its description (and the "
        "create schema) take any ISO 3166-1 code; stores have locations abroad.",
    ),
    Exception_(
        ".*",
        "ST205",
        r"Allow header",
        "The emulator serves only the operations the sync uses; its `Allow` lists those, not "
        "every method the file documents on the path.",
    ),
    Exception_(
        r"^GET /catalog/trees|^(POST|PUT|DELETE) /catalog/trees/categories",
        "ST105",
        r"Received: application/json\b.*Documented: plain/text",
        "The category-trees file gives its 401 and 400 responses a `plain/text` body (not a media "
        "type); the API's 401 is the v3 JSON error (api doc 2.3, 5.3).",
    ),
    Exception_(
        r"^POST /catalog/trees/categories$|^PUT /catalog/trees/categories$",
        "ST103",
        r"Received: 409\b",
        "A duplicate category name among siblings is a 409 (api doc 5.3, the categories file); "
        "the category-trees file lists no 409.",
    ),
)


def _explained(case: Case, failure: Failure, answer: str) -> bool:
    operation = _label(case.operation)
    text = f"{failure}\n{answer}"
    return any(
        re.fullmatch(e.code, failure.code)
        and re.search(e.operation, operation)
        and re.search(e.detail, text, re.DOTALL)
        for e in EXCEPTIONS
    )


@functools.cache
def _served_operations() -> frozenset[str]:
    """ "METHOD /path" of every v3 route the emulator serves, in the spec files' spelling."""
    store = Store(None)
    try:
        api = BigCommerceApi(store, DEMO_CREDENTIALS)
        return frozenset(
            f"{method} {path.removeprefix('/v3')}"
            for method, path in (p.split(" ", 1) for p in api.router.patterns)
            if path.startswith("/v3/")
        )
    finally:
        store.close()


@pytest.fixture(scope="module")
def fuzzed_server() -> Iterator[SandboxServer]:
    """One demo store for all four files; the quota is lifted so fuzzing is never throttled."""
    with SandboxServer(seed="demo") as server:
        # The largest plan, so generated creates do not reach the location cap of a small one.
        server.bigcommerce.configure({"quota": 1_000_000, "plan": "enterprise"})
        yield server


@pytest.fixture(scope="module")
def figures() -> Iterator[Counter[str]]:
    counts: Counter[str] = Counter()
    yield counts
    phases = ", ".join(f"{k[6:]} {v}" for k, v in sorted(counts.items()) if k.startswith("phase "))
    print(
        f"\nschemathesis: {counts['operations']} operations, {counts['cases']} cases ({phases}), "
        f"{counts['explained']} findings explained by EXCEPTIONS"
    )


@pytest.fixture(params=SPEC_FILES)
def bc_schema(
    request: pytest.FixtureRequest,
    specs_dir: Path,
    fuzzed_server: SandboxServer,
    figures: Counter[str],
) -> schemathesis.BaseSchema:
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            # A busy CI machine must not turn a slow generator into a failure.
            "suppress-health-check": ["too_slow"],
            "base-url": (f"{fuzzed_server.url}/stores/{DEMO_CREDENTIALS.bc_store_hash}/v3"),
            # As the files' security scheme, so the auth checks can also send none or a bad one.
            "auth": {"openapi": {"X-Auth-Token": {"api_key": DEMO_CREDENTIALS.bc_token}}},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        }
    )
    schema = schemathesis.openapi.from_path(
        specs_dir / "bigcommerce" / request.param, config=config
    )
    operations = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
    figures["operations"] += sum(1 for op in operations if _label(op) in _served_operations())
    return schema


def _label(operation: APIOperation) -> str:
    return f"{operation.method.upper()} {operation.path}"


def _served(ctx: HasAPIOperation) -> bool:
    return _label(ctx.operation) in _served_operations()


schema = schemathesis.pytest.from_fixture("bc_schema").include(_served)


@pytest.mark.slow
@schema.parametrize()
def test_emulator_answers_as_the_vendor_schemas_say(case: Case, figures: Counter[str]) -> None:
    figures["cases"] += 1
    if case.meta is not None:
        figures[f"phase {case.meta.phase.name.value}"] += 1
    response = case.call()
    try:
        case.validate_response(response)
    except FailureGroup as group:
        answer = f"-> {response.status_code} {response.text[:300]}"
        left = [f for f in group.exceptions if not _explained(case, f, answer)]
        figures["explained"] += len(group.exceptions) - len(left)
        if left:
            raise FailureGroup(left, f"{case.as_curl_command()}\n{answer}") from None
