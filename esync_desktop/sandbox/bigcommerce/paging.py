"""Offset paging: v3 `meta.pagination` envelopes and v2 bare arrays (204 when a page is empty)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from esync_desktop.sandbox.bigcommerce.common import (
    TYPE_URL,
    BcError,
    Doc,
    ok,
    to_int,
    v2_error,
    v3_error,
)
from esync_desktop.sandbox.http import Request, Response

DEFAULT_LIMIT = 50
MAX_LIMIT = 250

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    number: int
    limit: int

    @property
    def start(self) -> int:
        return (self.number - 1) * self.limit

    def cut(self, rows: Sequence[T]) -> Sequence[T]:
        return rows[self.start : self.start + self.limit]


def v3_page(request: Request, *, max_limit: int = MAX_LIMIT, cap: int | None = None) -> Page:
    """`page` from 1 and `limit` (default 50, over the maximum a 413 with the v3 body).
    `cap` silently lowers the page size (include=options pages hold 10)."""
    page = to_int(request.arg("page") or "1")
    limit = to_int(request.arg("limit") or str(DEFAULT_LIMIT))
    if page is None:
        raise v3_error(422, "Invalid field(s): page", {"page": "page must be an integer"})
    if limit is None:
        raise v3_error(422, "Invalid field(s): limit", {"limit": "limit must be an integer"})
    # The specs give both as plain integers: zero or below is served as the first page and the
    # default page size rather than refused.
    page = max(page, 1)
    if limit < 1:
        limit = DEFAULT_LIMIT
    if limit > max_limit:
        raise BcError(
            413,
            {
                "status": 413,
                "title": f"The specified limit exceeds the maximum allowed ({max_limit}).",
                "type": TYPE_URL,
                "errors": {"limit": f"limit must be at most {max_limit}"},
            },
        )
    if cap is not None:
        limit = min(limit, cap)
    return Page(page, limit)


def _link(request: Request, page: int, limit: int) -> str:
    pairs = [
        (key, value)
        for key, values in request.query.items()
        if key not in {"page", "limit"}
        for value in values
    ]
    pairs += [("page", str(page)), ("limit", str(limit))]
    return "?" + urlencode(pairs, safe=":,")


def pagination(request: Request, page: Page, total: int, count: int) -> Doc:
    """The `meta.pagination` object; `previous`/`next` links are left out at the ends."""
    total_pages = -(-total // page.limit)
    links: Doc = {}
    if page.number > 1:
        links["previous"] = _link(request, page.number - 1, page.limit)
    links["current"] = _link(request, page.number, page.limit)
    if page.number < total_pages:
        links["next"] = _link(request, page.number + 1, page.limit)
    return {
        "total": total,
        "count": count,
        "per_page": page.limit,
        "current_page": page.number,
        "total_pages": total_pages,
        "links": links,
    }


def v3_list(
    request: Request,
    rows: Sequence[T],
    render: Callable[[T], Any],
    *,
    page: Page | None = None,
) -> Response:
    """Slice one page of `rows` (already filtered and sorted) and wrap it in the v3 envelope."""
    page = page or v3_page(request)
    chosen = page.cut(rows)
    data = [render(row) for row in chosen]
    return ok(data, {"pagination": pagination(request, page, len(rows), len(data))})


def v2_page(request: Request) -> Page:
    """v2 paging: over 250 is a 413 with `details.max_limit` (bigcommerce-api-python#59)."""
    page = to_int(request.arg("page") or "1")
    limit = to_int(request.arg("limit") or str(DEFAULT_LIMIT))
    if page is None or page < 1 or limit is None or limit < 1:
        raise v2_error(400, "The page and limit parameters must be positive integers.")
    if limit > MAX_LIMIT:
        raise v2_error(
            413,
            "The specified limit exceeds the maximum allowed.",
            {"max_limit": MAX_LIMIT},
        )
    return Page(page, limit)


def v2_list(request: Request, rows: Sequence[T], render: Callable[[T], Any]) -> Response:
    """A bare JSON array, or 204 with an empty body when the page holds nothing."""
    page = v2_page(request)
    chosen = page.cut(rows)
    if not chosen:
        return Response.empty(204)
    return Response.json(200, [render(row) for row in chosen])
