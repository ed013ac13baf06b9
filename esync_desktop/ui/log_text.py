"""The integration log in plain words: what each request did, the items it concerns, and its
bodies made readable. Part of `messages` (which re-exports these), kept apart for size."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import datetime
from typing import Any

from esync_desktop.log import redact

# (method, path pattern, words). The first match wins; paths are without the store's prefix.
_REQUESTS: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile(p), w)
    for m, p, w in (
        ("POST", r"^catalog/products$", "Create a product"),
        ("PUT", r"^catalog/products$", "Update products"),
        ("GET", r"^catalog/products$", "Read products"),
        ("GET", r"^catalog/products/\d+$", "Read a product"),
        ("PUT", r"^catalog/products/\d+$", "Update a product"),
        ("PUT", r"^catalog/variants$", "Update variants"),
        ("GET", r"^catalog/variants$", "Read variants"),
        ("GET", r"^catalog/trees/categories$", "Read categories"),
        ("PUT", r"^inventory/adjustments/absolute$", "Set stock levels"),
        ("GET", r"^inventory/locations$", "Read stock locations"),
        ("GET", r"^store$", "Read the store's details"),
        ("GET", r"^orders$", "Read orders"),
        ("GET", r"^$", "Read the merchant's details"),
        ("GET", r"^items$", "Read items"),
        ("GET", r"^items/[^/]+$", "Read an item"),
        ("POST", r"^items$", "Create an item"),
        ("POST", r"^items/[^/]+$", "Update an item"),
        ("POST", r"^bulk_items$", "Create or update items"),
        ("PUT", r"^bulk_items$", "Update items"),
        ("GET", r"^item_stocks$", "Read stock counts"),
        ("POST", r"^item_stocks/[^/]+$", "Set a stock count"),
        ("GET", r"^item_groups$", "Read item groups"),
        ("GET", r"^attributes$", "Read attributes"),
        ("GET", r"^options$", "Read options"),
        ("GET", r"^categories$", "Read categories"),
    )
]
# What comes before the API's own path: BigCommerce's store and version, Clover's merchant.
_PREFIX = re.compile(r"^/?(?:stores/[^/]+/v\d+|v\d+/merchants/[^/]+)/?")
_VERBS = {"GET": "Read", "POST": "Send", "PUT": "Update", "DELETE": "Delete"}
STATUS_WORDS: dict[int, str] = {
    200: "OK",
    201: "created",
    204: "done",
    207: "partly done",
    400: "refused: not understood",
    401: "refused: check the token",
    403: "refused: the token lacks a permission",
    404: "not found",
    409: "refused: conflict",
    413: "refused: too large",
    422: "refused: invalid values",
    429: "too many requests (waited, then tried again)",
}
_SKU = re.compile(r'"sku"\s*:\s*"((?:[^"\\]|\\.)+)"')
_WRITES = ("POST", "PUT", "PATCH", "DELETE")
SHOWN_SKUS = 3
TOOLTIP_LINES = 12
COMPACT_CHARS = 72
LINE_CHARS = 110


def log_when(value: Any) -> str:
    """A log entry's time in local time, to the second."""
    if isinstance(value, datetime):
        local = value.astimezone() if value.tzinfo else value
        return local.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    return str(value or "")


def short_path(path: str | None) -> str:
    """The API's own part of a path: 'catalog/products' for '/stores/x/v3/catalog/products'."""
    return _PREFIX.sub("", (path or "").split("?", 1)[0]).strip("/")


def request_words(method: str | None, path: str | None) -> str:
    """What a request did, in words: 'Create a product', 'Set stock levels'."""
    method, rest = (method or "").upper(), short_path(path)
    for m, pattern, words in _REQUESTS:
        if m == method and pattern.match(rest):
            return words
    last = next((p for p in reversed(rest.split("/")) if p and not p.isdigit()), "")
    what = last.replace("_", " ") or "the store"
    return f"{_VERBS.get(method, method.capitalize() or 'Ask')} {what}"


def status_words(status: int | None) -> str:
    if status is None:
        return ""
    if status in STATUS_WORDS:
        return STATUS_WORDS[status]
    if status >= 500:
        return "the store had a problem"
    return "refused" if status >= 400 else "OK"


def log_skus(entry: Any) -> list[str]:
    """The SKUs a log entry concerns: a refused item's own, or those a write sent (or, when
    the request named none, those its answer names). Reads name many items: none are listed."""
    if getattr(entry, "sku", None):
        return [entry.sku]
    if (getattr(entry, "method", None) or "").upper() not in _WRITES:
        return []
    for body in (entry.request_body, entry.response_body):
        found = list(dict.fromkeys(m.group(1) for m in _SKU.finditer(body or "")))
        if found:
            return found
    return []


def log_item(entry: Any) -> str:
    """'MUG-004', 'CP-SMA, CP-MED, CP-LAR and 3 more', or '6 items' for a stock update, whose
    request names products and variants by id only."""
    skus = log_skus(entry)
    if not skus and (getattr(entry, "method", None) or "").upper() in _WRITES:
        try:
            items = json.loads(entry.request_body or "").get("items")
        except (ValueError, AttributeError):
            items = None
        if isinstance(items, list) and items:
            return f"{len(items)} item" + ("" if len(items) == 1 else "s")
    shown = ", ".join(skus[:SHOWN_SKUS])
    more = len(skus) - SHOWN_SKUS
    return f"{shown} and {more} more" if more > 0 else shown


def log_what(entry: Any) -> str:
    """One line: what was asked and what came back, or the refused item's message."""
    if entry.kind != "exchange":
        for name in ("message", "summary"):
            value = getattr(entry, name, None)
            if value:
                return str(value)
        return ""
    if entry.status is not None:
        answer = f"{entry.status} {status_words(entry.status)}"
    else:
        answer = f"no answer: {entry.error}" if entry.error else "no answer"
    took = f", {entry.duration_ms:.0f} ms" if entry.duration_ms is not None else ""
    attempt = f", attempt {entry.attempt}" if (entry.attempt or 1) > 1 else ""
    # The path last: what was done and how it went come first; the path is there to search.
    asked = f"{(entry.method or '').upper()} {short_path(entry.path)}".strip()
    return f"{request_words(entry.method, entry.path)} → {answer}{took}{attempt} · {asked}"


def _pretty(value: Any, indent: str = "") -> str:
    """JSON with one key per line, but lists and objects that fit kept on one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(indent) + len(flat) <= COMPACT_CHARS or not isinstance(value, dict | list):
        return flat
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {_pretty(v, inner).lstrip()}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    items = [inner + _pretty(v, inner).lstrip() for v in value]
    return "[\n" + ",\n".join(items) + f"\n{indent}]"


def readable_body(text: str | None, max_lines: int = TOOLTIP_LINES) -> str:
    """A body pretty-printed when it is JSON, redacted, and cut to `max_lines` lines."""
    if not text:
        return ""
    text = redact(text)
    with contextlib.suppress(ValueError):
        text = _pretty(json.loads(text))
    lines = []
    for line in text.splitlines():
        lines.append(line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…")
    if len(lines) > max_lines:
        rest = len(lines) - max_lines
        lines = [*lines[:max_lines], f"… {rest} more line{'' if rest == 1 else 's'}"]
    return "\n".join(lines)


def log_details(entry: Any, max_lines: int = TOOLTIP_LINES) -> str:
    """The entry in full for a tooltip or a details pane: plain text, never a token."""
    if entry.kind != "exchange":
        parts = [log_what(entry)]
        details = getattr(entry, "details", None)
        if details:
            parts.append(readable_body(json.dumps(details, default=str), max_lines))
        return "\n".join(parts)
    parts = [log_what(entry), f"{(entry.method or '').upper()} {entry.path or ''}".strip()]
    skus = log_skus(entry)
    if skus:
        parts.append("Items: " + ", ".join(skus))
    if entry.error:
        parts.append(f"Problem: {redact(entry.error)}")
    for title, body in (("Sent", entry.request_body), ("Answer", entry.response_body)):
        shown = readable_body(body, max_lines)
        if shown:
            parts += ["", f"{title}:", shown]
    return "\n".join(parts)
