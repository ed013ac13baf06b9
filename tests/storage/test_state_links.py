"""The link table: bulk reads and writes per store pair, values last written and confirmed per
field (stock per location), remembered records kept exact, read marks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from esync_desktop.storage.state import StateDb
from esync_desktop.storage.state.links import (
    CONFIRMED,
    WRITTEN,
    FieldMark,
    Link,
    LinkChange,
    LinkRead,
)
from tests.storage.helpers import raw_db

SCOPE = "MID>hash"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_links_bulk_upsert_and_get(db: StateDb) -> None:
    links = [Link(f"sku-{n}", f"SKU-{n}", f"C{n}", 100 + n, None, T0) for n in range(1200)]
    db.links_write(SCOPE, LinkChange(links=links))
    found = db.links_get(SCOPE, [f"sku-{n}" for n in range(0, 1200, 2)] + ["absent"])
    assert len(found) == 600 and found["sku-10"] == links[10]
    assert len(db.links_get(SCOPE)) == 1200
    assert db.links_get("other>store") == {}
    # An upsert replaces the row: a product deleted on the web store leaves no id.
    db.links_write(SCOPE, LinkChange(links=[Link("sku-10", "SKU-10", "C10", None, None, T0)]))
    assert db.links_get(SCOPE, ["sku-10"])["sku-10"].bc_product_id is None
    # A full read replaces them whole: a SKU in neither store any more has no link.
    db.links_write(SCOPE, LinkChange(links=links[:3], replace_links=True))
    assert set(db.links_get(SCOPE)) == {"sku-0", "sku-1", "sku-2"}


def test_written_and_confirmed_values_per_field_and_location(db: StateDb) -> None:
    marks = [
        FieldMark("mug-1", "price", "12.50", CONFIRMED, at=T0),
        FieldMark("mug-1", "stock", "7", WRITTEN, 1, T0 + timedelta(hours=1)),
        FieldMark("mug-1", "stock", "3", WRITTEN, 2, T0 + timedelta(hours=2)),
    ]
    db.links_write(SCOPE, LinkChange(fields=marks))
    price = db.last_synced(SCOPE, "mug-1", "price")
    assert price is not None and price.synced == ("12.50", T0)
    assert price.written is None
    at_one = db.last_synced(SCOPE, "mug-1", "stock", 1)
    at_two = db.last_synced(SCOPE, "mug-1", "stock", 2)
    assert at_one is not None and at_one.synced == ("7", T0 + timedelta(hours=1))
    assert at_two is not None and at_two.synced == ("3", T0 + timedelta(hours=2))
    assert db.last_synced(SCOPE, "mug-1", "stock") is None  # not a store-wide field
    # A later write is the value last synced; the confirmed one stays beside it.
    later = T0 + timedelta(days=1)
    db.links_write(SCOPE, LinkChange(fields=[FieldMark("mug-1", "price", "13", WRITTEN, at=later)]))
    price = db.last_synced(SCOPE, "mug-1", "price")
    assert price is not None and price.synced == ("13", later)
    assert (price.confirmed, price.confirmed_at) == ("12.50", T0)


def test_records_keep_exact_amounts_and_are_replaced_whole(db: StateDb) -> None:
    docs = {"1": {"id": 1, "price": Decimal("24.4900")}, "2": {"id": 2, "price": 3}}
    change = LinkChange(records={"bc_product": docs}, replace_kinds={"bc_product"})
    db.links_write(SCOPE, change)
    assert db.link_records(SCOPE, "bc_product")["1"]["price"] == Decimal("24.4900")
    db.links_write(SCOPE, LinkChange(records={"bc_product": {"2": None, "3": {"id": 3}}}))
    assert set(db.link_records(SCOPE, "bc_product")) == {"1", "3"}
    assert set(db.link_records_get(SCOPE, "bc_product", ["3", "9"])) == {"3"}
    full = LinkChange(records={"bc_product": {"4": {"id": 4}}}, replace_kinds={"bc_product"})
    db.links_write(SCOPE, full)
    assert set(db.link_records(SCOPE, "bc_product")) == {"4"}


def test_read_marks_and_forgetting_a_store_pair(db: StateDb) -> None:
    mark = LinkRead("clover_items", T0, 1_700_000_000_000, {"fresh": 3})
    db.links_write(
        SCOPE,
        LinkChange(
            links=[Link("a", "A", "C1", 1, None, T0)],
            fields=[FieldMark("a", "price", "1", WRITTEN, at=T0)],
            records={"clover_item": {"C1": {"id": "C1"}}},
            reads=[mark],
        ),
    )
    assert db.link_read(SCOPE, "clover_items") == mark
    db.links_forget_scope(SCOPE)
    assert db.link_read(SCOPE, "clover_items") is None
    assert db.links_get(SCOPE) == {} and db.link_records(SCOPE, "clover_item") == {}
    assert db.last_synced(SCOPE, "a", "price") is None


def test_one_change_is_one_transaction(db: StateDb) -> None:
    bad = LinkChange(
        links=[Link("a", "A", "C1", 1, None, T0)],
        records={"bc_product": {"1": {"id": {1, 2}}}},  # a set cannot be stored
    )
    with pytest.raises(TypeError):
        db.links_write(SCOPE, bad)
    assert db.links_get(SCOPE) == {}


def test_a_full_read_stages_its_records_and_the_save_moves_them(db: StateDb) -> None:
    """Records staged as a listing passes (in batches) replace their kind's records whole when
    the read is saved; a staged kind that listed nothing is emptied; nothing stays staged."""
    db.links_write(
        SCOPE,
        LinkChange(records={"clover_item": {"old": {"id": "old"}}, "bc_product": {"9": {"id": 9}}}),
    )
    staging = db.records_staging("read-1")
    staging.BATCH = 2
    for n in range(5):
        staging.add("clover_item", f"I{n}", f'{{"id":"I{n}","_n":{n}}}')
    staging.kinds.add("bc_product")  # listed, with nothing in it
    staging.flush()
    with raw_db(db.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_records_staged").fetchone()[0] == 5
    db.links_write(SCOPE, LinkChange(staged=staging))
    assert db.link_records(SCOPE, "clover_item") == {
        f"I{n}": {"id": f"I{n}", "_n": n} for n in range(5)
    }
    assert db.link_records(SCOPE, "bc_product") == {}
    with raw_db(db.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_records_staged").fetchone()[0] == 0


def test_records_of_a_read_never_saved_are_cleared_an_hour_later(db: StateDb) -> None:
    db.records_stage("lost", "clover_item", [("I1", '{"id":"I1"}')])
    db.records_staging("next")  # the lost read's records are not an hour old yet
    with raw_db(db.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_records_staged").fetchone()[0] == 1
        old = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="milliseconds")
        conn.execute("UPDATE link_records_staged SET staged_at = ?", (old,))
    db.records_staging("later")
    with raw_db(db.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_records_staged").fetchone()[0] == 0


def test_a_write_behind_saves_what_links_write_saves_and_lets_go_of_it(db: StateDb) -> None:
    links = [Link(f"sku-{n}", f"SKU-{n}", f"C{n}", 100 + n, None, T0) for n in range(4500)]
    marks = [FieldMark(f"sku-{n}", "price", f"{n}.50", CONFIRMED, at=T0) for n in range(4500)]
    change = LinkChange(links=list(links), fields=list(marks), replace_links=True)
    db.links_write_behind(SCOPE, change).wait()
    assert change.links == [] and change.fields == []  # freed as written
    assert db.links_get(SCOPE) == {link.sku_key: link for link in links}
    fields = db.link_fields_get(SCOPE)
    assert len(fields) == 4500 and fields[("sku-7", "price", 0)].confirmed == "7.50"


def test_a_write_behind_that_fails_raises_when_waited_for(db: StateDb) -> None:
    # A record that cannot be stored: the thread's transaction rolls back, wait() says why.
    bad = LinkChange(
        links=[Link("sku-1", "SKU-1", "C1", 1, None, T0)], records={"k": {"r": {"x": object()}}}
    )
    pending = db.links_write_behind(SCOPE, bad)
    with pytest.raises(TypeError):
        pending.wait()
    assert db.links_get(SCOPE) == {}
