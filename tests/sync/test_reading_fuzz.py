"""Property-based: whatever JSON the stores send, reading never raises (a bad record is marked
bad, and planning it gives bad_data), and decoding raises only ValueError."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esync_desktop.connectors import jsonio
from esync_desktop.domain.catalog import BcProduct, CloverItem
from esync_desktop.sync.actions import ACTIONS, plan_actions
from esync_desktop.sync.model import Reason
from esync_desktop.sync.reading import (
    ReadNeeds,
    parse_bc_product,
    parse_clover_item,
    read_bc_categories,
    read_snapshot,
)
from esync_desktop.sync.reading_fields import MAX_SHOWN
from esync_desktop.sync.rules import Rules

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _like(fields: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Records with some of the API's fields, each either a plausible value or any JSON."""
    return st.one_of(
        json_values,
        st.fixed_dictionaries(
            {}, optional={k: st.one_of(v, json_values) for k, v in fields.items()}
        ),
    )


ids = st.text(alphabet="ABCDEFGHJKMNPQRS0123456789", min_size=1, max_size=13)
refs = st.fixed_dictionaries({"id": ids})
stocks = _like(
    {"quantity": st.floats(-1e6, 1e6), "modifiedTime": st.integers(0, 2**45), "item": refs}
)
clover_items = _like(
    {
        "id": ids,
        "name": st.text(max_size=300),
        "sku": st.text(max_size=10),
        "price": st.integers(-(2**64), 2**64),
        "modifiedTime": st.integers(-1, 2**48),
        "available": st.booleans(),
        "hidden": st.booleans(),
        "deleted": st.booleans(),
        "deletedTime": st.integers(0, 2**45),
        "itemGroup": refs,
        "itemStock": stocks,
        "categories": st.fixed_dictionaries(
            {"elements": st.lists(_like({"name": st.text(max_size=10)}), max_size=3)}
        ),
        "options": st.fixed_dictionaries(
            {"elements": st.lists(_like({"id": ids, "name": st.text(max_size=5)}), max_size=3)}
        ),
    }
)
amounts = st.one_of(st.decimals(allow_nan=False, allow_infinity=False), st.integers())
bc_variants = _like(
    {
        "id": st.integers(-1, 2**40),
        "product_id": st.integers(-1, 2**40),
        "sku": st.text(max_size=10),
        "price": amounts,
        "inventory_level": st.integers(-(2**40), 2**40),
        "option_values": st.lists(
            _like({"option_display_name": st.text(max_size=5), "label": st.text(max_size=5)}),
            max_size=2,
        ),
    }
)
bc_products = _like(
    {
        "id": st.integers(-1, 2**40),
        "name": st.text(max_size=300),
        "sku": st.text(max_size=10),
        "price": amounts,
        "inventory_level": st.integers(-(2**40), 2**40),
        "inventory_tracking": st.sampled_from(["none", "product", "variant", "x"]),
        "categories": st.lists(st.integers(-5, 2**40), max_size=3),
        "variants": st.lists(bc_variants, max_size=3),
    }
)
RULES = Rules.build(by_category={"a": "1"}, default="0.5")


def _well_typed(item: CloverItem) -> None:
    assert isinstance(item.id, str)
    assert type(item.price_cents) is int and type(item.modified_ms) is int
    assert item.stock is None or (isinstance(item.stock, Decimal) and item.stock.is_finite())
    assert item.name is None or isinstance(item.name, str)
    assert item.sku is None or isinstance(item.sku, str)
    assert all(isinstance(c, str) for c in item.categories)


@FUZZ
@given(clover_items, st.one_of(st.none(), stocks))
def test_any_clover_item_document_is_read_or_marked_bad(doc: Any, stock: Any) -> None:
    stock_doc = stock if isinstance(stock, dict) else None
    item = parse_clover_item(doc, {}, stock_doc, position=3)
    assert isinstance(item, CloverItem)
    _well_typed(item)
    if not isinstance(doc, dict):
        assert item.bad is not None and item.bad.position == 3
    if item.bad is not None:
        assert item.bad.field and len(item.bad.value) <= MAX_SHOWN


@FUZZ
@given(bc_products)
def test_any_bigcommerce_product_document_is_read_or_marked_bad(doc: Any) -> None:
    product = parse_bc_product(doc, position=0)
    assert isinstance(product, BcProduct)
    assert type(product.id) is int and isinstance(product.name, str)
    assert isinstance(product.price, Decimal) and product.price.is_finite()
    assert product.inventory_tracking in ("none", "product", "variant")
    for variant in product.variants:
        assert variant.sku is None or isinstance(variant.sku, str)


class _Reader:
    """Both stores' listings from generated JSON."""

    def __init__(self, items: list[Any], products: list[Any], other: list[Any]) -> None:
        self.items, self.products, self.other = items, products, other

    def iter_items(self, modified_since: int | None = None, expand: Any = ()) -> Iterable[Any]:
        return iter(self.items)

    def iter_item_stocks(self) -> Iterable[Any]:
        return iter(self.other)

    def iter_item_groups(self, expand: Any = ()) -> Iterable[Any]:
        return iter(self.other)

    def iter_attributes(self) -> Iterable[Any]:
        return iter(self.other)

    def iter_options(self) -> Iterable[Any]:
        return iter(self.other)

    def iter_products(self, include: Any = (), **filters: Any) -> Iterable[Any]:
        return iter(self.products)

    def iter_categories(self) -> Iterable[Any]:
        return iter(self.other)


@FUZZ
@given(
    st.lists(clover_items, max_size=6),
    st.lists(bc_products, max_size=4),
    st.lists(_like({"id": ids, "name": st.text(max_size=5), "item": refs}), max_size=4),
)
def test_any_listing_is_read_and_planned_without_an_exception(
    items: list[Any], products: list[Any], other: list[Any]
) -> None:
    reader = _Reader(items, products, other)
    snapshot = read_snapshot(reader, reader, ReadNeeds())
    assert len(snapshot.clover_items) == len(items)
    read_bc_categories(reader)
    actions = [(a, {}) for a in ACTIONS]
    plan = plan_actions("fuzz", actions, snapshot, {}, RULES, stop_when_empty=False)
    for action in plan.actions:
        for row in action.rows:
            row.public()
            if row.reason is Reason.BAD_DATA:
                assert not row.writes and row.facts["field"]


@FUZZ
@given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: repr(v).encode())))
def test_decoding_any_bytes_raises_only_value_error(raw: bytes) -> None:
    with contextlib.suppress(ValueError):
        jsonio.decode(raw, float)


@FUZZ
@given(
    st.integers(1, 80),
    st.lists(st.text(alphabet='[]{}"\\ab\n', max_size=6), min_size=1, max_size=5),
)
def test_the_depth_limit_counts_nesting_whatever_the_strings_hold(
    depth: int, texts: list[str]
) -> None:
    value: Any = texts
    for level in range(depth - 1):
        value = {texts[level % len(texts)]: value} if level % 2 else [texts[0], value]
    raw = json.dumps(value, ensure_ascii=_ascii_only(texts)).encode()
    if depth > jsonio.MAX_JSON_DEPTH:
        with pytest.raises(ValueError, match="nested deeper"):
            jsonio.decode(raw, float)
    else:
        assert jsonio.decode(raw, float) == value


def _ascii_only(texts: list[str]) -> bool:
    """Both spellings of non-ASCII text, so escapes like \\u005c are seen too."""
    return len(texts) % 2 == 0
