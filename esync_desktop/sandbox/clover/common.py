"""Request-body helpers shared by the Clover handlers: JSON parsing, typed fields, references."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop.sandbox.clover.db import CloverError, Doc, bad_request
from esync_desktop.sandbox.http import BadJson, Request, Response

# Every Clover route is under the merchant; the router matches `{mId}` as a parameter.
BASE = "/v3/merchants/{mId}"


def json_body(request: Request, *, required: bool = True) -> Doc:
    """The request's JSON object; malformed JSON and non-objects are a 400 like Clover's."""
    if not request.body.strip():
        if required:
            raise bad_request("Request body is required")
        return {}
    try:
        body = request.json()
    except BadJson as exc:
        raise bad_request(f"Malformed JSON: {exc}") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body


def as_int(value: Any, name: str) -> int:
    """Money and counts are integers; a whole-valued decimal is accepted, a fraction is not."""
    if isinstance(value, bool):
        raise bad_request(f"Invalid value for {name}: {value}")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise bad_request(f"Invalid value for {name}: {value}")


def as_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise bad_request(f"Invalid value for {name}: {value}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"Invalid value for {name}: {value}") from None


def as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    raise bad_request(f"Invalid value for {name}: {value}")


def as_str(value: Any, name: str) -> str:
    if isinstance(value, str):
        return value
    raise bad_request(f"Invalid value for {name}: {value}")


def ref_id(value: Any) -> str | None:
    """The id of a `{"id": ...}` reference, or None."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def ref(doc_id: str) -> Doc:
    return {"id": doc_id}


def ok(doc: Doc) -> Response:
    return Response.json(200, doc)


def empty_ok() -> Response:
    # Association and delete endpoints answer 200 with an empty body.
    return Response(200, b"", {"Content-Type": "application/json"})


def id_list(request: Request, name: str) -> list[str]:
    raw = ",".join(request.args(name))
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not ids:
        raise CloverError(400, {"message": f"Missing required parameter {name}"})
    return ids
