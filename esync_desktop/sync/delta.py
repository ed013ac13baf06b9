"""Reading what can have changed: a full read of both stores fills the link table and the
remembered records; a delta run then reads Clover's items modified since (with an overlap),
Clover's stock records (a stock change does not move an item's modifiedTime), and from
BigCommerce only the SKUs the link table cannot place (docs/ENGINE.md "Delta runs")."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from esync_desktop.domain.sku import clean_sku, sku_key
from esync_desktop.storage.state.links import LinkChange, LinkRead, StagedRecords
from esync_desktop.sync import link_records as rec
from esync_desktop.sync.collector import collector_paused
from esync_desktop.sync.cursors import OVERLAP_MS
from esync_desktop.sync.link_records import Doc
from esync_desktop.sync.links import (
    LinkStore,
    confirmed_fields,
    iter_confirmed,
    iter_links,
    now,
    snapshot_links,
)
from esync_desktop.sync.reading import ReadNeeds, read_snapshot
from esync_desktop.sync.snapshot import Snapshot

log = logging.getLogger(__name__)

ITEM_EXPAND = ("categories", "itemStock", "options")
# SKUs per `sku:in` lookup: BigCommerce's page limit (each SKU matches at most one variant, so
# one page answers a whole chunk), and a URL kept well under the 8 KB servers accept.
LOOKUP_MAX_SKUS = 250
LOOKUP_MAX_CHARS = 4000


@dataclass
class Read:
    """A snapshot and what it changes in the link table once the plan is made."""

    snapshot: Snapshot
    change: LinkChange
    full: bool
    # What a delta run read: Clover items modified since, SKUs looked up in BigCommerce.
    fresh_items: int = 0
    looked_up: list[str] = field(default_factory=list)


def _parts(needs: ReadNeeds) -> list[str]:
    parts = [rec.PART_CLOVER_ITEMS]
    if needs.groups:
        parts.append(rec.PART_CLOVER_GROUPS)
    if needs.bigcommerce:
        parts.append(rec.PART_BC_PRODUCTS)
        if needs.categories:
            parts.append(rec.PART_BC_CATEGORIES)
    return parts


def read_stores(
    clover: Any,
    bc: Any,
    needs: ReadNeeds,
    store: LinkStore,
    scope: str,
    *,
    full: bool = False,
    cancel: threading.Event | None = None,
) -> Read:
    """A delta read when the link table has every part this task needs, else (or with
    `full`) a full read of both stores."""
    marks = {p: store.link_read(scope, p) for p in _parts(needs)}
    with collector_paused():
        if full or any(m is None for m in marks.values()):
            return read_full(clover, bc, needs, cancel, store.records_staging(uuid.uuid4().hex))
        return read_delta(clover, bc, needs, store, scope, marks, cancel)


def read_full(
    clover: Any,
    bc: Any,
    needs: ReadNeeds,
    cancel: threading.Event | None,
    staging: StagedRecords | None = None,
) -> Read:
    """Both stores read whole. With `staging`, the items' and products' records go to the
    database as they are read (links_write moves them in place); else they are kept in the
    change."""
    at = now()
    rc = rec.RecordingClover(clover, staging)
    rb = rec.RecordingBigCommerce(bc, staging if needs.bigcommerce else None)
    snapshot = read_snapshot(rc, rb, needs, cancel)
    change = LinkChange(staged=staging)
    if staging is not None:
        staging.flush()
        staging.kinds.add(rec.CLOVER_ITEM)
        if needs.bigcommerce:
            staging.kinds.add(rec.BC_PRODUCT)
    else:
        _replace(change, rec.CLOVER_ITEM, rc.kept(rec.CLOVER_ITEM))
    newest = rc.newest_ms(rec.CLOVER_ITEM)
    change.reads.append(LinkRead(rec.PART_CLOVER_ITEMS, at, newest, {}))
    if needs.groups:
        for kind in (rec.CLOVER_GROUP, rec.CLOVER_ATTRIBUTE, rec.CLOVER_OPTION):
            _replace(change, kind, rc.kept(kind))
        change.reads.append(LinkRead(rec.PART_CLOVER_GROUPS, at, None, {}))
    if needs.bigcommerce:
        if staging is None:
            _replace(change, rec.BC_PRODUCT, rb.kept(rec.BC_PRODUCT))
        change.reads.append(LinkRead(rec.PART_BC_PRODUCTS, at, None, {}))
        if needs.categories:
            _replace(change, rec.BC_CATEGORY, rb.kept(rec.BC_CATEGORY))
            change.reads.append(LinkRead(rec.PART_BC_CATEGORIES, at, None, {}))
        change.replace_links = True
        # Made as they are written (links_write_behind, while the plan is made), never all held.
        change.made = lambda: (iter_links(snapshot, at), iter_confirmed(snapshot, None, at))
    return Read(snapshot, change, full=True, fresh_items=rc.listed(rec.CLOVER_ITEM))


def _replace(change: LinkChange, kind: str, docs: Mapping[str, Any]) -> None:
    change.replace_kinds.add(kind)
    change.records[kind] = dict(docs)


def _watermark(docs: Any, start: int) -> int:
    newest = start
    for doc in docs:
        stamp = doc.get("modifiedTime") if isinstance(doc, dict) else None
        if type(stamp) is int and stamp > newest:
            newest = stamp
    return newest


def read_delta(
    clover: Any,
    bc: Any,
    needs: ReadNeeds,
    store: LinkStore,
    scope: str,
    marks: dict[str, LinkRead | None],
    cancel: threading.Event | None,
) -> Read:
    at = now()
    change = LinkChange()
    items = rec.StoredRecords(store, scope, rec.CLOVER_ITEM)
    watermark = (marks[rec.PART_CLOVER_ITEMS] or _never()).watermark_ms or 0
    # Stock is read whole for the catalogue: its changes do not move the items' modifiedTime.
    read_stocks = needs.stocks or needs.bigcommerce
    stocks = list(clover.iter_item_stocks()) if read_stocks else None
    since = max(0, watermark - OVERLAP_MS)
    fresh = list(clover.iter_items(since, expand=ITEM_EXPAND))
    numbers = (items.listing_number(key) for key in items)
    next_n = max((n for n in numbers if n is not None), default=-1) + 1
    updated: dict[str, Doc] = {}
    for doc in fresh:
        key = rec.record_id(doc)
        if key is None:
            continue  # an unreadable entry of a delta page: shown again by the next full read
        kept = rec.trim_item(doc)
        number = items.listing_number(key)
        kept[rec.ORDER] = next_n if number is None else number
        next_n += number is None
        updated[key] = kept
    items.update(updated)
    if updated:
        change.records[rec.CLOVER_ITEM] = dict(updated)
    change.reads.append(
        LinkRead(rec.PART_CLOVER_ITEMS, at, _watermark(fresh, watermark), {"fresh": len(fresh)})
    )
    groups, attributes, options = _groups(clover, needs, store, scope, updated, change, at)
    products: dict[str, Doc] | rec.StoredRecords = {}
    categories: dict[str, Doc] = {}
    looked_up: list[str] = []
    if needs.bigcommerce:
        products = rec.StoredRecords(store, scope, rec.BC_PRODUCT)
        looked_up = _unplaced(items, products, store, scope)
        if needs.fresh_web:
            looked_up = sorted(set(looked_up) | _skus(updated.values()))
        if looked_up:
            found = lookup_skus(bc, looked_up)
            products.update(found)
            change.records[rec.BC_PRODUCT] = dict(found)
        if needs.categories:
            categories = store.link_records(scope, rec.BC_CATEGORY)
            if looked_up:
                # New items may be created: the categories they go into are read fresh.
                categories = rec.by_id(bc.iter_categories())
                _replace(change, rec.BC_CATEGORY, categories)
                change.reads.append(LinkRead(rec.PART_BC_CATEGORIES, at, None, {}))
    replay_clover = rec.ReplayClover(items, stocks, groups, attributes, options)
    replay_bc = rec.ReplayBigCommerce(products, categories)
    snapshot = read_snapshot(replay_clover, replay_bc, replace(needs, stocks=read_stocks), cancel)
    if looked_up:
        keys = {k for k in (sku_key(s) for s in looked_up) if k is not None}
        change.links = [link for link in snapshot_links(snapshot, at) if link.sku_key in keys]
        change.fields = confirmed_fields(snapshot, keys, at)
    log.info(
        "delta read: %d Clover items modified since %d, %d SKUs looked up in BigCommerce",
        len(fresh),
        since,
        len(looked_up),
    )
    return Read(snapshot, change, full=False, fresh_items=len(fresh), looked_up=looked_up)


def _never() -> LinkRead:
    return LinkRead("", datetime.min, 0, {})


def _groups(
    clover: Any,
    needs: ReadNeeds,
    store: LinkStore,
    scope: str,
    updated: dict[str, Doc],
    change: LinkChange,
    at: datetime,
) -> tuple[dict[str, Doc], dict[str, Doc], dict[str, Doc]]:
    """The item groups, attributes and options: remembered, and read again only when a changed
    item names a group or an option the records lack (a new group was made)."""
    if not needs.groups:
        return {}, {}, {}
    # Renaming a group moves none of its items' modifiedTime: the groups are read every run
    # (a page holds a thousand); their attributes and options only when one is new.
    groups = rec.by_id(clover.iter_item_groups(expand=("attributes",)))
    _replace(change, rec.CLOVER_GROUP, groups)
    attributes = store.link_records(scope, rec.CLOVER_ATTRIBUTE)
    options = store.link_records(scope, rec.CLOVER_OPTION)
    unknown = False
    for doc in updated.values():
        group = doc.get("itemGroup")
        if isinstance(group, dict) and isinstance(group.get("id"), str):
            unknown |= group["id"] not in groups
        raw = doc.get("options")
        elements = raw.get("elements") if isinstance(raw, dict) else raw
        for option in elements if isinstance(elements, list) else []:
            if isinstance(option, dict) and isinstance(option.get("id"), str):
                unknown |= option["id"] not in options
    if not unknown:
        return groups, attributes, options
    attributes = rec.by_id(clover.iter_attributes())
    options = rec.by_id(clover.iter_options())
    for kind, docs in (
        (rec.CLOVER_ATTRIBUTE, attributes),
        (rec.CLOVER_OPTION, options),
    ):
        _replace(change, kind, docs)
    change.reads.append(LinkRead(rec.PART_CLOVER_GROUPS, at, None, {}))
    return groups, attributes, options


def _skus(docs: Any) -> set[str]:
    found = set()
    for doc in docs:
        sku = clean_sku(doc.get("sku")) if isinstance(doc.get("sku"), str) else None
        if sku is not None and sku_key(sku) is not None:
            found.add(sku)
    return found


def _unplaced(
    items: rec.StoredRecords, products: rec.StoredRecords, store: LinkStore, scope: str
) -> list[str]:
    """The SKUs of Clover items that the link table has never seen, or whose linked product the
    remembered records do not hold with that SKU (a product this app just created)."""
    skus: dict[str, str] = {}
    for item in items:
        (value,) = items.skus(item)
        sku = clean_sku(value) if isinstance(value, str) else None
        key = sku_key(sku)
        if key is not None and sku is not None:
            skus.setdefault(key, sku)
    if not skus:
        return []
    links = store.links_get(scope)
    held: set[str] = set()
    for product in products:
        for value in products.skus(product):
            key = sku_key(value) if isinstance(value, str) else None
            if key is not None:
                held.add(key)
    wanted = []
    for key, sku in skus.items():
        link = links.get(key)
        if link is None or (link.bc_product_id is not None and key not in held):
            wanted.append(sku)
    return sorted(wanted)


def lookup_skus(bc: Any, skus: list[str]) -> dict[str, Doc]:
    """The products (with their variants) holding these SKUs: `sku:in` on the store-wide
    variants list (it holds every simple product's base variant too), then the products of the
    variants found by `id:in`; chunked at the page limit."""
    found: dict[str, Doc] = {}
    for chunk in _chunks([s for s in skus if "," not in s]):
        product_ids = sorted(
            {
                v["product_id"]
                for v in bc.iter_variants(**{"sku:in": ",".join(chunk)})
                if isinstance(v, dict) and type(v.get("product_id")) is int
            }
        )
        for ids in _id_chunks(product_ids):
            listing = bc.iter_products(("variants",), **{"id:in": ",".join(map(str, ids))})
            for doc in listing:
                key = rec.record_id(doc)
                if key is not None:
                    found[key] = rec.trim_product(doc)
    for sku in (s for s in skus if "," in s):
        # A comma would split an `sku:in` list: such a SKU is asked for alone.
        for doc in bc.iter_products(("variants",), sku=sku):
            key = rec.record_id(doc)
            if key is not None:
                found[key] = rec.trim_product(doc)
    return found


def _chunks(skus: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for sku in skus:
        cost = len(quote(sku, safe="")) + 3
        if current and (len(current) >= LOOKUP_MAX_SKUS or size + cost > LOOKUP_MAX_CHARS):
            chunks.append(current)
            current, size = [], 0
        current.append(sku)
        size += cost
    if current:
        chunks.append(current)
    return chunks


def _id_chunks(ids: list[int]) -> list[list[int]]:
    return [ids[n : n + LOOKUP_MAX_SKUS] for n in range(0, len(ids), LOOKUP_MAX_SKUS)]
