"""JSON in and out of the APIs: Decimal money written exactly, bodies read with Decimal."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

# A float prints back the same digits for any decimal of up to 15 significant digits, so such a
# Decimal can go out as a JSON number without losing a cent.
_FLOAT_SAFE_DIGITS = 15
# The deepest nesting read from an API. Clover's and BigCommerce's documents are a few levels
# deep (an item, its expanded categories, their elements); anything past this is refused before
# parsing, so a hostile body can neither exhaust the stack nor slow the parser down.
MAX_JSON_DEPTH = 64
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_OPEN_CLOSE = bytes.maketrans(b"[{]}", b"(())")


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
    check_depth(raw)
    try:
        return json.loads(text, parse_float=parse_float, parse_constant=_no_constant)
    except RecursionError:  # not reached after check_depth; kept as the last line of defence
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None


def check_depth(raw: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """ValueError when arrays and objects nest deeper than `limit`. Strings are set aside first
    (a bracket in a name is not nesting); then each pass drops the innermost pairs, so the
    number of passes is the depth. Every step runs in C."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return
    # Escapes first (left to right, as JSON reads them): an escaped backslash, then an escaped
    # quote. What is left of the structure are quotes and brackets, and every other piece
    # between two quotes is a string's inside.
    plain = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = plain.translate(None, _NOT_STRUCTURE)
    brackets = b"".join(kept.split(b'"')[0::2]).translate(_OPEN_CLOSE)
    for _ in range(limit):
        shorter = brackets.replace(b"()", b"")
        if shorter == brackets:
            raise ValueError("unbalanced brackets: not valid JSON")
        brackets = shorter
        if not brackets:
            return
    if b"()" in brackets:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
