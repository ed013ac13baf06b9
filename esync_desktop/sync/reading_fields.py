"""The checks every field read from either store passes, once, where it is read: a value of the
wrong type, out of range or unparseable raises BadData naming the field and the value, and the
reader turns that into a `bad` mark on its one record (reason `bad_data`), never a crash.
Records are decoded JSON, so objects are checked as `dict` (an ABC check costs more per field)."""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from esync_desktop.domain.catalog import BadField
from esync_desktop.domain.money import decimal_of

# Shown values are cut to this many characters.
MAX_SHOWN = 40
# Epoch milliseconds up to 9999-12-31T23:59:59.999Z.
EPOCH_MS_MAX = 253_402_300_799_999
# Clover's `price` is a 64-bit integer of cents.
INT64_MAX = 2**63 - 1
# A double (Clover's stock quantity) holds every whole number up to here exactly.
QUANTITY_MAX = 2**53
# BigCommerce ids and inventory levels are 32-bit (inventory_level 0..2147483647).
INT32_MAX = 2**31 - 1
# BigCommerce amounts are decimals with four places; nothing real comes near this.
AMOUNT_MAX = Decimal(10) ** 15

_repr = reprlib.Repr()
_repr.maxstring = MAX_SHOWN
_repr.maxother = MAX_SHOWN
_repr.maxlong = MAX_SHOWN
_repr.maxlevel = 2
_repr.maxlist = _repr.maxdict = _repr.maxtuple = 3


def shown(value: object) -> str:
    """A value as sent, short: JSON words for null and booleans, quotes around text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value) if isinstance(value, Decimal) else _repr.repr(value)
    return text if len(text) <= MAX_SHOWN else f"{text[: MAX_SHOWN - 3]}..."


class BadData(Exception):
    """A field that cannot be used; `field` is its name as the API spells it."""

    def __init__(self, field: str, value: object) -> None:
        self.field = field
        self.value = value
        super().__init__(f"{field}: {shown(value)}")

    def as_field(self, position: int | None = None) -> BadField:
        return BadField(self.field, shown(self.value), position)


def text(doc: Mapping[str, Any], key: str, field: str, *, required: bool = False) -> str | None:
    value = doc.get(key)
    if value is None:
        if required:
            raise BadData(field, value)
        return None
    if not isinstance(value, str):
        raise BadData(field, value)
    return value


def flag(doc: Mapping[str, Any], key: str, field: str, default: bool) -> bool:
    value = doc.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise BadData(field, value)
    return value


def whole(
    doc: Mapping[str, Any], key: str, field: str, low: int, high: int, *, required: bool = False
) -> int | None:
    """A whole number in [low, high]; a JSON number with a fraction of zero counts (12.0)."""
    value = doc.get(key)
    if value is None:
        if required:
            raise BadData(field, value)
        return None
    if isinstance(value, bool) or not _is_whole(value):
        raise BadData(field, value)
    number = int(value)
    if not low <= number <= high:
        raise BadData(field, value)
    return number


def _is_whole(value: object) -> bool:
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()


def quantity(doc: Mapping[str, Any], key: str, field: str, limit: int) -> Decimal | None:
    """A JSON number with |value| <= limit, as the Decimal of its shortest text (Clover sends
    doubles: 3.5 is the 3.5 the merchant typed)."""
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise BadData(field, value)
    if isinstance(value, float) and not math.isfinite(value):
        raise BadData(field, value)
    number = value if isinstance(value, Decimal) else decimal_of(str(value))
    if not number.is_finite() or abs(number) > limit:
        raise BadData(field, value)
    return number


def amount(doc: Mapping[str, Any], key: str, field: str) -> Decimal | None:
    """A BigCommerce amount: a number or a numeric string (v2 sends strings), finite, small
    enough to be money."""
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            raise BadData(field, value) from None
        if not parsed.is_finite() or abs(parsed) > AMOUNT_MAX:
            raise BadData(field, value)
        return parsed
    return quantity(doc, key, field, int(AMOUNT_MAX))


def record(value: object, field: str) -> Mapping[str, Any] | None:
    """An object, or None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadData(field, value)
    return value


def elements(value: object, field: str) -> list[Mapping[str, Any]]:
    """Clover's expanded to-many field ({"elements": [...]}) or a plain list: every element an
    object."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = value.get("elements")
        if value is None:
            return []
    if not isinstance(value, list):
        raise BadData(field, value)
    for n, element in enumerate(value):
        if not isinstance(element, dict):
            raise BadData(f"{field}[{n}]", element)
    return value


def ref(value: object, field: str) -> str | None:
    """The id of a reference such as {"id": "ABC"}; None when absent."""
    doc = record(value, field)
    if doc is None:
        return None
    found = doc.get("id")
    if found is None or found == "":
        return None
    if isinstance(found, bool) or not isinstance(found, str | int):
        raise BadData(f"{field}.id", found)
    return str(found)


def loose_text(doc: object, key: str) -> str | None:
    """A text field of a record already known to be bad, if it happens to be text (to name
    the record in the preview)."""
    value = doc.get(key) if isinstance(doc, dict) else None
    return value if isinstance(value, str) else None


def loose_ref(doc: object, key: str) -> str | None:
    try:
        return ref(doc.get(key), key) if isinstance(doc, dict) else None
    except BadData:
        return None
