"""The records of both stores as remembered between runs: trimmed to the fields the engine reads
(reading.py), and replayed through the very code that parses a fresh read, so a plan made from
them is the plan a full read would give while neither store changed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from esync_desktop.storage.state.links import RecordText, StagedRecords, load_doc, record_text

Doc = dict[str, Any]

CLOVER_ITEM = "clover_item"
CLOVER_GROUP = "clover_group"
CLOVER_ATTRIBUTE = "clover_attribute"
CLOVER_OPTION = "clover_option"
BC_PRODUCT = "bc_product"
BC_CATEGORY = "bc_category"

# Parts of the stores a read mark is kept for (storage link_reads.part).
PART_CLOVER_ITEMS = "clover_items"
PART_CLOVER_GROUPS = "clover_groups"
PART_BC_PRODUCTS = "bc_products"
PART_BC_CATEGORIES = "bc_categories"

_ITEM_FIELDS = (
    "id",
    "name",
    "sku",
    "description",
    "price",
    "modifiedTime",
    "deletedTime",
    "available",
    "hidden",
    "deleted",
    "defaultTaxRates",
)
_PRODUCT_FIELDS = (
    "id",
    "name",
    "sku",
    "price",
    "inventory_level",
    "inventory_tracking",
    "categories",
    "description",
    "weight",
    "is_visible",
    "tax_class_id",
    "sale_price",
    "date_modified",
)
_VARIANT_FIELDS = ("id", "product_id", "sku", "price", "sale_price", "inventory_level")
# Where a record that is not an object (or has no id) is kept, so a replay shows it as a fresh
# read would (bad_data at its place in the listing).
RAW = "_raw"
ORDER = "_n"


def _pick(doc: Mapping[str, Any], names: Iterable[str]) -> Doc:
    return {k: doc[k] for k in names if k in doc}


def _elements(value: Any, names: tuple[str, ...]) -> Any:
    """An expanded list trimmed to `names` per element; anything unexpected is kept as sent."""
    inner = value.get("elements") if isinstance(value, dict) else value
    if not isinstance(inner, list):
        return value
    trimmed = [_pick(e, names) if isinstance(e, dict) else e for e in inner]
    return {"elements": trimmed} if isinstance(value, dict) else trimmed


def record_id(doc: Any) -> str | None:
    key = doc.get("id") if isinstance(doc, dict) else None
    if isinstance(key, str) and key:
        return key
    if type(key) is int:
        return str(key)
    return None


def trim_item(doc: Any) -> Doc:
    """A Clover item document (expanded categories, itemStock, options, itemGroup) trimmed."""
    if not isinstance(doc, dict) or record_id(doc) is None:
        return {RAW: doc}
    kept = _pick(doc, _ITEM_FIELDS)
    for name in ("categories", "options"):
        if name in doc:
            kept[name] = _elements(doc[name], ("id", "name"))
    for name, fields in (("itemGroup", ("id",)), ("itemStock", ("quantity", "modifiedTime"))):
        if name in doc:
            value = doc[name]
            kept[name] = _pick(value, fields) if isinstance(value, dict) else value
    return kept


def trim_product(doc: Any) -> Doc:
    """A BigCommerce product (with its variants) trimmed."""
    if not isinstance(doc, dict) or record_id(doc) is None:
        return {RAW: doc}
    kept = _pick(doc, _PRODUCT_FIELDS)
    if "variants" in doc:
        variants = doc["variants"]
        if isinstance(variants, list):
            kept["variants"] = [_variant(v) for v in variants]
        else:
            kept["variants"] = variants
    return kept


def _variant(doc: Any) -> Any:
    if not isinstance(doc, dict):
        return doc
    kept = _pick(doc, _VARIANT_FIELDS)
    if "option_values" in doc:
        kept["option_values"] = _elements(doc["option_values"], ("option_display_name", "label"))
    return kept


def as_sent(doc: Mapping[str, Any]) -> Any:
    """The record as the store sent it (trimmed), without the bookkeeping keys."""
    if RAW in doc:
        return doc[RAW]
    return {k: v for k, v in doc.items() if k != ORDER}


def in_order(docs: Mapping[str, Doc]) -> list[Doc]:
    return sorted(docs.values(), key=lambda d: d.get(ORDER, 0))


def by_id(docs: Iterable[Any], trim: Any = None) -> dict[str, Doc]:
    """Records keyed by id (an unreadable one by its place), numbered in listing order."""
    records = _Records(trim)
    for _ in records.keep(docs):
        pass
    return records.found


class _Records:
    """What a recording reader keeps of one listing: each record trimmed and numbered as it
    passes (in the reading thread), keyed as by_id keys them; the document itself goes on to
    the parser and is not held."""

    def __init__(
        self,
        trim: Any = None,
        as_text: bool = False,
        sink: Callable[[str, str], None] | None = None,
    ) -> None:
        self.trim = trim
        self.as_text = as_text  # kept as the text they are stored as (RecordText)
        # Given: each record's id and text go there (staged in the database) and `found`
        # stays empty, so 100k records are never held.
        self.sink = sink
        self.found: dict[str, Any] = {}
        self.count = 0  # records listed so far (a second listing numbers on)
        self.newest_ms = 0  # the newest integer `modifiedTime` among them (0: none)

    def keep(self, docs: Iterable[Any]) -> Iterator[Any]:
        found, trim = self.found, self.trim
        for doc in docs:
            n, key = self.count, record_id(doc)
            self.count += 1
            # A new dict either way: the listing's own document is not changed.
            kept = trim(doc) if trim is not None else {RAW: doc} if key is None else dict(doc)
            kept[ORDER] = n
            stamp = kept.get("modifiedTime")
            if type(stamp) is int and stamp > self.newest_ms:
                self.newest_ms = stamp
            if self.sink is not None:
                self.sink(key or f"#{n}", record_text(kept))
            else:
                found[key or f"#{n}"] = record_text(kept) if self.as_text else kept
            yield doc


class _Recording:
    """A reader that keeps what it passes on (the full read that fills the records):
    `kept(kind)` is by_id() of what was listed, each record as the text it is stored as."""

    def __init__(self, inner: Any, staging: StagedRecords | None = None) -> None:
        self.inner = inner
        self._records: dict[str, _Records] = {}
        # Where the big listings (items, products) stage their records; None: kept here.
        self.staging = staging

    def kept(self, kind: str) -> dict[str, RecordText]:
        records = self._records.get(kind)
        return records.found if records is not None else {}

    def listed(self, kind: str) -> int:
        """How many records of this kind were listed."""
        records = self._records.get(kind)
        return records.count if records is not None else 0

    def newest_ms(self, kind: str) -> int:
        """The newest integer `modifiedTime` of the records kept (0: none)."""
        records = self._records.get(kind)
        return records.newest_ms if records is not None else 0

    def _keep(
        self, kind: str, docs: Iterable[Any], trim: Any = None, staged: bool = False
    ) -> Iterator[Any]:
        sink = None
        if staged and self.staging is not None:
            staging = self.staging
            staging.kinds.add(kind)

            def sink(record_id: str, text: str) -> None:
                staging.add(kind, record_id, text)

        return self._records.setdefault(kind, _Records(trim, True, sink)).keep(docs)


class RecordingClover(_Recording):
    def iter_items(self, modified_since: int | None = None, expand: Any = ()) -> Iterator[Any]:
        return self._keep(
            CLOVER_ITEM,
            self.inner.iter_items(modified_since, expand=expand),
            trim_item,
            staged=True,
        )

    def iter_item_stocks(self) -> Iterator[Any]:
        return self.inner.iter_item_stocks()  # type: ignore[no-any-return]

    def iter_item_groups(self, expand: tuple[str, ...] = ()) -> Iterator[Any]:
        # Kept with their expansions: a group's attributes come in the group's own order.
        return self._keep(CLOVER_GROUP, self.inner.iter_item_groups(expand=expand))

    def iter_attributes(self) -> Iterator[Any]:
        return self._keep(CLOVER_ATTRIBUTE, self.inner.iter_attributes())

    def iter_options(self) -> Iterator[Any]:
        return self._keep(CLOVER_OPTION, self.inner.iter_options())


class RecordingBigCommerce(_Recording):
    def iter_products(self, include: tuple[str, ...] = ("variants",), **filters: Any) -> Any:
        return self._keep(
            BC_PRODUCT, self.inner.iter_products(include, **filters), trim_product, staged=True
        )

    def iter_categories(self) -> Iterator[Any]:
        return self._keep(BC_CATEGORY, self.inner.iter_categories())


class StoredRecords(MutableMapping[str, Doc]):
    """The remembered records of one kind (items or products) as stored: each decoded when
    asked for and not kept, so a delta run holds 100k items' and 100k products' records as
    about 80 MB of text, not as most of a GB of dicts. Records set here (read fresh, looked up)
    are held as given. What the delta run needs of every record (its listing order, its SKUs)
    is read by SQLite with the texts."""

    def __init__(self, store: Any, scope: str, kind: str) -> None:
        self.kind = kind
        self._texts: dict[str, str] = {}
        self._order: dict[str, tuple[int, int]] = {}
        self._skus: dict[str, list[Any]] = {}
        self._set: dict[str, Doc] = {}
        product = kind == BC_PRODUCT
        extracts = ("order", "id", "sku", "variant_skus") if product else ("order", "sku")
        for row in store.link_record_texts(scope, kind, extracts):
            key, text, order = row[0], row[1], row[2]
            self._texts[key] = text
            n = order if type(order) is int else 0
            if product:
                ident, sku, variants = row[3], row[4], row[5]
                self._order[key] = (ident if type(ident) is int else 0, n)
                self._skus[key] = [sku] + (json.loads(variants) if variants else [])
            else:
                self._order[key] = (0, n)
                self._skus[key] = [row[3]]

    def __getitem__(self, key: str) -> Doc:
        found = self._set.get(key)
        if found is not None:
            return found
        return load_doc(self._texts[key])  # type: ignore[no-any-return]

    def __setitem__(self, key: str, doc: Doc) -> None:
        self._set[key] = doc
        self._order[key] = _order_of(doc, self.kind)
        self._skus[key] = _skus_of(doc, self.kind)

    def __delitem__(self, key: str) -> None:
        self._set.pop(key, None)
        self._texts.pop(key, None)
        del self._order[key]
        del self._skus[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, key: object) -> bool:
        return key in self._order

    def listing_number(self, key: str) -> int | None:
        """The number the record was listed under (None: not held)."""
        order = self._order.get(key)
        return None if order is None else order[1]

    def skus(self, key: str) -> list[Any]:
        """The record's SKU values as stored (a product's, then its variants'; any type)."""
        return self._skus.get(key, [])

    def in_listing_order(self) -> Iterator[Doc]:
        """The records in the order a listing gave them (see in_order, _product_order)."""
        for key in sorted(self._order, key=self._order.__getitem__):
            yield self[key]


def _order_of(doc: Doc, kind: str) -> tuple[int, int]:
    """The key a listing of this kind is replayed in (in_order's, _product_order's)."""
    return _product_order(doc) if kind == BC_PRODUCT else (0, doc.get(ORDER, 0))


def _skus_of(doc: Doc, kind: str) -> list[Any]:
    if kind != BC_PRODUCT:
        return [doc.get("sku")]
    variants = doc.get("variants")
    return [doc.get("sku")] + [
        v.get("sku")
        for v in (variants if isinstance(variants, list) else [])
        if isinstance(v, dict)
    ]


class ReplayClover:
    """Remembered Clover records (with what was read fresh merged in), as a reader."""

    def __init__(
        self,
        items: Mapping[str, Doc],
        stocks: list[Any] | None,
        groups: Mapping[str, Doc],
        attributes: Mapping[str, Doc],
        options: Mapping[str, Doc],
    ) -> None:
        self.items, self.stocks = items, stocks or []
        self.groups, self.attributes, self.options = groups, attributes, options

    def iter_items(self, modified_since: int | None = None, expand: Any = ()) -> Iterator[Any]:
        if isinstance(self.items, StoredRecords):
            return (as_sent(d) for d in self.items.in_listing_order())
        return (as_sent(d) for d in in_order(self.items))

    def iter_item_stocks(self) -> Iterator[Any]:
        return iter(self.stocks)

    def iter_item_groups(self, expand: tuple[str, ...] = ()) -> Iterator[Any]:
        return (as_sent(d) for d in in_order(self.groups))

    def iter_attributes(self) -> Iterator[Any]:
        return (as_sent(d) for d in in_order(self.attributes))

    def iter_options(self) -> Iterator[Any]:
        return (as_sent(d) for d in in_order(self.options))


class ReplayBigCommerce:
    def __init__(self, products: Mapping[str, Doc], categories: Mapping[str, Doc]) -> None:
        self.products, self.categories = products, categories

    def iter_products(self, include: tuple[str, ...] = (), **filters: Any) -> Iterator[Any]:
        if isinstance(self.products, StoredRecords):
            return (as_sent(d) for d in self.products.in_listing_order())
        ordered = sorted(self.products.values(), key=_product_order)
        return (as_sent(d) for d in ordered)

    def iter_categories(self) -> Iterator[Any]:
        return (as_sent(d) for d in in_order(self.categories))


def _product_order(doc: Doc) -> tuple[int, int]:
    # BigCommerce lists by id (the reader asks for sort=id); unreadable rows where they were.
    key = doc.get("id")
    return (key if type(key) is int else 0, doc.get(ORDER, 0))
