"""Shared BigCommerce emulator helpers: error replies, envelopes, money, dates and body parsing."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from esync_desktop.sandbox.http import BadJson, Request, Response

Doc = dict[str, Any]

TYPE_URL = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
FOUR_PLACES = Decimal("0.0001")
INT_MAX = 2_147_483_647
# Whole digits a money or measure value may have: the store keeps 20 digits, 4 of them decimals [A].
MONEY_DIGITS = 16


class BcError(Exception):
    """An error reply in BigCommerce's shape, raised anywhere below a handler."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        return Response.json(self.status, self.body, self.headers)


def v3_error(status: int, title: str, errors: dict[str, str] | None = None) -> BcError:
    """`{"status", "title", "type", "errors"}`: the v3 error body (§5.1)."""
    return BcError(
        status, {"status": status, "title": title, "type": TYPE_URL, "errors": errors or {}}
    )


def v2_error(status: int, message: str, details: Doc | None = None) -> BcError:
    """`[{"status", "message"}]`: the v2 error body (§5.2)."""
    entry: Doc = {"status": status, "message": message}
    if details is not None:
        entry["details"] = details
    return BcError(status, [entry])


def not_found_v3() -> BcError:
    return v3_error(404, "The requested resource was not found.")


def invalid(errors: dict[str, str]) -> BcError:
    """A 422 whose title names the fields, as BigCommerce's validation errors do."""
    return v3_error(422, f"Invalid field(s): {', '.join(errors)}", errors)


def ok(data: Any, meta: Doc | None = None, status: int = 200) -> Response:
    return Response.json(status, {"data": data, "meta": meta if meta is not None else {}})


# -- time ----------------------------------------------------------------------------------------


def now() -> datetime:
    # BigCommerce dates carry whole seconds.
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """v3 date: `2018-08-24T14:41:00+00:00`; all stored dates are UTC, so strings sort by time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def rfc2822(moment: datetime) -> str:
    """v2 date: `Tue, 05 Mar 2019 21:40:11 +0000`."""
    return email.utils.format_datetime(moment.astimezone(UTC)).replace("-0000", "+0000")


def from_rfc2822(text: str) -> datetime:
    return email.utils.parsedate_to_datetime(text).astimezone(UTC)


def parse_when(text: str) -> datetime | None:
    """A date filter value: ISO-8601, RFC-2822 or Unix seconds; a bare date gets now's time of day
    appended, as the products spec says the real API does."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).date()
            return datetime.combine(day, now().time(), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except ValueError:
        pass
    try:
        return from_rfc2822(text)
    except (TypeError, ValueError):
        return None


def days_ago(days: float, at: time | None = None) -> datetime:
    moment = now() - timedelta(days=days)
    return moment if at is None else datetime.combine(moment.date(), at, UTC)


# -- values --------------------------------------------------------------------------------------


def to_money(value: Any) -> Decimal | None:
    """A money value as sent (number or numeric string), rounded to BigCommerce's 4 places."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount.adjusted() >= MONEY_DIGITS:
        return None
    return amount.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def money_str(value: Any) -> str:
    """v2 money: a string with 4 decimals."""
    amount = to_money(value) if value is not None else Decimal(0)
    return f"{amount if amount is not None else Decimal(0):.4f}"


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def json_body(request: Request, *, v2: bool = False) -> Any:
    """The parsed body; malformed JSON is a 400 in the API version's shape."""
    try:
        return request.json()
    except BadJson:
        if v2:
            raise v2_error(400, "The request body is not valid JSON.") from None
        raise BcError(
            400, {"status": 400, "title": "Input is invalid.", "type": TYPE_URL, "errors": {}}
        ) from None


def json_object(request: Request) -> Doc:
    body = json_body(request)
    if not isinstance(body, dict):
        raise v3_error(422, "The request payload has to be a JSON object for the endpoint.")
    return body


def json_array(request: Request) -> list[Any]:
    body = json_body(request)
    if not isinstance(body, list):
        raise v3_error(422, "The request payload has to be a JSON array for the endpoint.")
    return body


def csv_arg(request: Request, name: str) -> list[str] | None:
    """`name=a,b,c` (also repeated) as a list; None when absent."""
    values = request.args(name)
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def int_list(request: Request, name: str) -> list[int] | None:
    raw = csv_arg(request, name)
    if raw is None:
        return None
    out: list[int] = []
    for part in raw:
        value = to_int(part)
        if value is None:
            raise v3_error(422, f"Invalid value for {name}: {part}", {name: "must be integers"})
        out.append(value)
    return out


def int_arg(request: Request, name: str) -> int | None:
    raw = request.arg(name)
    if raw is None or raw == "":
        return None
    value = to_int(raw)
    if value is None:
        raise v3_error(422, f"Invalid value for {name}: {raw}", {name: "must be an integer"})
    return value


def bool_arg(request: Request, name: str) -> bool | None:
    raw = request.arg(name)
    if raw is None or raw == "":
        return None
    return raw.strip().lower() in {"1", "true", "yes"}
