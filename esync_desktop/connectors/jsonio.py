"""JSON in and out of the APIs: Decimal money written exactly, bodies read with Decimal."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

# A float prints back the same digits for any decimal of up to 15 significant digits, so such a
# Decimal can go out as a JSON number without losing a cent.
_FLOAT_SAFE_DIGITS = 15


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send {value} to the API")
        if value == value.to_integral_value():
            return int(value)
        if len(value.normalize().as_tuple().digits) <= _FLOAT_SAFE_DIGITS:
            return float(value)
        # Longer than a float can carry: a numeric string, which both APIs accept for money.
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be sent as JSON")


def encode(body: Any) -> bytes:
    """The request body; NaN and infinities are refused rather than sent as invalid JSON."""
    return json.dumps(body, default=_default, ensure_ascii=False, allow_nan=False).encode("utf-8")


def decode(raw: bytes, parse_float: Callable[[str], Any]) -> Any:
    """The response body; None for an empty one. Raises ValueError when it is not JSON."""
    if not raw.strip():
        return None
    text = raw.decode("utf-8")  # UnicodeDecodeError is a ValueError
    return json.loads(text, parse_float=parse_float, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
