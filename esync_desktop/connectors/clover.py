"""CloverClient: the Clover Platform REST API v3 calls the sync needs, paged at Clover's maximum."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Unpack

from esync_desktop.connectors.client_base import ClientBase, ClientOptions
from esync_desktop.connectors.clover_profile import CLOVER_PACING, CloverProfile
from esync_desktop.connectors.http import HttpLayer, segment

CLOVER_REGIONS = {
    "na": "https://api.clover.com",
    "eu": "https://api.eu.clover.com",
    "la": "https://api.la.clover.com",
    "sandbox": "https://apisandbox.dev.clover.com",
}
PAGE_LIMIT = 1000  # Clover's documented maximum page size
MAX_EXPANSIONS = 3  # Clover honours at most three; a fourth would be dropped silently
# No documented maximum for bulk_items; Clover's guidance is to keep batches modest.
BULK_ITEMS = 100
DEFAULT_ITEM_EXPAND = ("categories", "itemStock", "options")

Doc = dict[str, Any]


class CloverClient(ClientBase):
    """One merchant. `base_url` is a region URL from CLOVER_REGIONS or any URL (the sandbox)."""

    def __init__(
        self, base_url: str, merchant_id: str, token: str, **options: Unpack[ClientOptions]
    ) -> None:
        base_url = CLOVER_REGIONS.get(base_url, base_url)
        self.merchant_id = merchant_id.strip()
        profile = CloverProfile(self.merchant_id, base_url)
        options.setdefault("pacing", CLOVER_PACING)
        http = HttpLayer(
            profile,
            base_url,
            account=self.merchant_id,
            token=token,
            auth_headers={"Authorization": f"Bearer {token}"},
            **options,
        )
        super().__init__(http)
        self._prefix = f"/v3/merchants/{segment(self.merchant_id)}"

    # -- plumbing --------------------------------------------------------------------------

    def _path(self, *parts: object) -> str:
        return "/".join([self._prefix, *(segment(p) for p in parts)])

    def _get(self, path: str, params: list[tuple[str, Any]] | None = None) -> Doc:
        data = self.http.request("GET", path, params=params).data
        if not isinstance(data, dict):
            raise self.http.bad_shape("GET", path, "a JSON object")
        return data

    def _write(self, method: str, path: str, body: Any, *, idempotent: bool) -> Any:
        return self.http.request(method, path, body=body, idempotent=idempotent).data

    def _pages(self, path: str, params: list[tuple[str, Any]] | None = None) -> Iterator[Doc]:
        """Every element, 1000 a page, until a short page (Clover gives no count or next link).
        Ids already seen are skipped: an object created mid-listing can shift a page."""
        seen: set[str] = set()
        offset = 0
        while True:
            query = [*(params or []), ("limit", PAGE_LIMIT), ("offset", offset)]
            data = self._get(path, query)
            elements = data.get("elements")
            if not isinstance(elements, list):
                raise self.http.bad_shape("GET", path, "an `elements` list")
            fresh = 0
            for element in elements:
                key = _element_key(element)
                if key is not None:
                    if key in seen:
                        continue
                    seen.add(key)
                fresh += 1
                yield element
            if len(elements) < PAGE_LIMIT:
                return
            if not fresh:
                # A full page of nothing new: the server ignores `offset`; reading on would
                # never end.
                raise self.http.bad_shape("GET", path, "a next page (the same page came back)")
            offset += len(elements)

    # -- reads -----------------------------------------------------------------------------

    def merchant(self) -> Doc:
        """The merchant (name, address...); the connection test."""
        return self._get(self._prefix)

    def iter_items(
        self,
        modified_since: int | datetime | None = None,
        expand: Sequence[str] = DEFAULT_ITEM_EXPAND,
        *,
        filters: Iterable[str] = (),
    ) -> Iterator[Doc]:
        """All items, or those modified at or after `modified_since` (epoch ms or datetime), in
        modifiedTime order so a cursor can follow. Stock changes do not move modifiedTime: read
        iter_item_stocks() for those (clover.md §8.3)."""
        params: list[tuple[str, Any]] = [("filter", f) for f in filters]
        if modified_since is not None:
            params.append(("filter", f"modifiedTime>={_epoch_ms(modified_since)}"))
            params.append(("orderBy", "modifiedTime ASC"))
        else:
            # Oldest first: items created while paging land on the last page, not mid-way.
            params.append(("orderBy", "createdTime ASC"))
        params += _expand(expand)
        return self._pages(self._path("items"), params)

    def find_items_by_sku(self, sku: str, expand: Sequence[str] = ()) -> list[Doc]:
        """Items whose SKU is exactly `sku` (Clover compares case-sensitively)."""
        params: list[tuple[str, Any]] = [("filter", f"sku={sku}"), *_expand(expand)]
        return list(self._pages(self._path("items"), params))

    def iter_item_stocks(self) -> Iterator[Doc]:
        """Every stock record (`quantity` is the truth; never-stocked items have none)."""
        return self._pages(self._path("item_stocks"))

    def iter_categories(self) -> Iterator[Doc]:
        return self._pages(self._path("categories"))

    def iter_item_groups(self, expand: Sequence[str] = ()) -> Iterator[Doc]:
        """Item groups; with `expand=("attributes",)` each carries its attributes in the
        group's own order (`GET /attributes` lists them newest first)."""
        return self._pages(self._path("item_groups"), _expand(expand))

    def iter_attributes(self) -> Iterator[Doc]:
        return self._pages(self._path("attributes"))

    def iter_options(self) -> Iterator[Doc]:
        return self._pages(self._path("options"))

    def iter_tax_rates(self) -> Iterator[Doc]:
        """The merchant's tax rates (`name`, `rate` x 100 000, `isDefault`)."""
        return self._pages(self._path("tax_rates"))

    def iter_tax_rate_items(self, rate_id: str) -> Iterator[Doc]:
        """The items linked to one tax rate (items with defaultTaxRates false use links)."""
        return self._pages(self._path("tax_rates", rate_id, "items"))

    def get_item(self, item_id: str, expand: Sequence[str] = ()) -> Doc:
        return self._get(self._path("items", item_id), _expand(expand))

    # -- writes ----------------------------------------------------------------------------

    def create_item(self, body: Doc) -> Doc:
        """POST /items. Not idempotent: a lost answer raises TransportError(maybe_applied)."""
        path = self._path("items")
        return _object(self, "POST", path, self._write("POST", path, body, idempotent=False))

    def update_item(self, item_id: str, body: Doc) -> Doc:
        """Partial update (POST /items/{id}); repeating it changes nothing more."""
        path = self._path("items", item_id)
        return _object(self, "POST", path, self._write("POST", path, body, idempotent=True))

    def set_item_stock(self, item_id: str, quantity: float | int) -> Doc:
        """Absolute stock (POST /item_stocks/{id}); the only way Clover takes stock writes."""
        path = self._path("item_stocks", item_id)
        data = self._write("POST", path, {"quantity": quantity}, idempotent=True)
        return data if isinstance(data, dict) else {}

    def create_items(self, bodies: Sequence[Doc]) -> list[Doc]:
        """Several creates through POST /bulk_items, BULK_ITEMS per call."""
        return self._bulk("POST", bodies, idempotent=False)

    def update_items(self, bodies: Sequence[Doc]) -> list[Doc]:
        """Several partial updates (each with `id`) through PUT /bulk_items."""
        if any(not body.get("id") for body in bodies):
            raise ValueError("every bulk update needs the item's id")
        return self._bulk("PUT", bodies, idempotent=True)

    def _bulk(self, method: str, bodies: Sequence[Doc], *, idempotent: bool) -> list[Doc]:
        path = self._path("bulk_items")
        out: list[Doc] = []
        for start in range(0, len(bodies), BULK_ITEMS):
            chunk = list(bodies[start : start + BULK_ITEMS])
            data = self._write(method, path, {"items": chunk}, idempotent=idempotent)
            if isinstance(data, dict):  # some answers wrap the list
                data = data.get("elements", data.get("items"))
            if not isinstance(data, list):
                raise self.http.bad_shape(method, path, "the list of items")
            out.extend(data)
        return out


def _object(client: CloverClient, method: str, path: str, data: Any) -> Doc:
    if not isinstance(data, dict):
        raise client.http.bad_shape(method, path, "the item")
    return data


def _expand(names: Sequence[str]) -> list[tuple[str, Any]]:
    names = [n for n in names if n]
    if len(names) > MAX_EXPANSIONS:
        raise ValueError(f"Clover honours at most {MAX_EXPANSIONS} expansions, not {names}")
    return [("expand", ",".join(names))] if names else []


def _element_key(element: Any) -> str | None:
    if not isinstance(element, dict):
        return None
    if element.get("id"):
        return str(element["id"])
    item = element.get("item")  # item_stocks are keyed by their item
    return f"item:{item['id']}" if isinstance(item, dict) and item.get("id") else None


def _epoch_ms(value: int | datetime) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("modified_since must be timezone-aware")
        return int(value.timestamp() * 1000)
    return int(value)
