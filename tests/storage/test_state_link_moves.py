"""What moved onto the link table: the conflict baselines (both stores' values at the last sync,
on the field rows beside the values last written and confirmed) and each Clover merchant's last
stock read; an upgraded store keeps both (from the field_values table and the cursors)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from esync_desktop.storage.state import StateDb, schema
from esync_desktop.storage.state.links import CONFIRMED, FieldMark, LinkChange
from esync_desktop.sync.last_synced import LinkTableLastSynced
from esync_desktop.sync.stock.last_read import LastRead, last_read, save_last_read
from tests.storage.helpers import raw_db
from tests.storage.test_state_schema import tables

SCOPE = "MID>hash"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_baselines_sit_beside_the_values_last_written_and_confirmed(db: StateDb) -> None:
    db.links_write(SCOPE, LinkChange(fields=[FieldMark("mug-1", "name", "Mug", CONFIRMED, at=T0)]))
    last = LinkTableLastSynced(db, SCOPE)
    last.record([("mug-1", "name", "Mug", " Mug "), ("mug-1", "weight", Decimal("1.50"), 2)])
    last.record([("group:G1", "categories", ["Tea", "Mugs"], ["Mugs"])], choice="clover")
    found = last.baselines()
    assert set(found) == {("mug-1", "name"), ("mug-1", "weight"), ("group:G1", "categories")}
    assert (found[("mug-1", "name")].clover, found[("mug-1", "name")].web) == ("Mug", "Mug")
    assert found[("mug-1", "weight")].clover == "1.5"
    assert found[("group:G1", "categories")].clover == ["Mugs", "Tea"]
    assert found[("group:G1", "categories")].choice == "clover"
    # The same row: the value last confirmed is still there, and still alone in link_fields_get.
    name = db.last_synced(SCOPE, "mug-1", "name")
    assert name is not None and name.synced == ("Mug", T0)
    # A later record replaces the baseline and clears the choice.
    last.record([("group:G1", "categories", ["Mugs"], ["Mugs"])])
    assert last.baselines()[("group:G1", "categories")].choice == ""
    # A SKU forgotten (in neither store) loses its baselines; a store pair forgotten, all.
    db.links_write(SCOPE, LinkChange(forget={"mug-1"}))
    assert set(last.baselines()) == {("group:G1", "categories")}
    assert LinkTableLastSynced(db, "other>store").baselines() == {}
    db.links_forget_scope(SCOPE)
    assert last.baselines() == {}


def test_an_upgraded_store_keeps_its_conflict_baselines(tmp_path: Path) -> None:
    """A state database from before the move: its field_values rows land on the link table's
    field rows (next to a value already confirmed there), and the old table is gone."""
    path = tmp_path / "state.sqlite3"
    with _before_the_move(path) as conn:
        conn.executemany(
            "INSERT INTO field_values (scope, item, field, clover_value, web_value, at, choice) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (SCOPE, "mug-1", "name", '"Mug"', '"Mug"', "2026-03-01T12:00:00+00:00", ""),
                (SCOPE, "group:G1", "visibility", "true", "false", "2026-03-02T08:00:00+00:00", ""),
                (SCOPE, "tee-1", "weight", '"2"', '"3"', "2026-03-03T08:00:00+00:00", "clover"),
            ],
        )
        conn.execute(
            "INSERT INTO link_fields (scope, sku_key, field, location_id, confirmed, "
            "confirmed_at) VALUES (?, 'mug-1', 'name', 0, 'Mug', '2026-02-01T00:00:00+00:00')",
            (SCOPE,),
        )
    db = StateDb(path)
    try:
        assert db.schema_version == len(schema.MIGRATIONS)
        assert "field_values" not in tables(path)
        found = LinkTableLastSynced(db, SCOPE).baselines()
        assert set(found) == {("mug-1", "name"), ("group:G1", "visibility"), ("tee-1", "weight")}
        assert (
            found[("group:G1", "visibility")].clover,
            found[("group:G1", "visibility")].web,
        ) == (
            True,
            False,
        )
        assert found[("tee-1", "weight")].choice == "clover"
        assert found[("mug-1", "name")].at == "2026-03-01T12:00:00+00:00"
        name = db.last_synced(SCOPE, "mug-1", "name")
        assert name is not None and name.confirmed == "Mug"
    finally:
        db.close()


@contextmanager
def _before_the_move(path: Path) -> Iterator[sqlite3.Connection]:
    """A state database at the version before the link table took these over."""
    before = schema.MIGRATIONS.index(schema._link_moves)
    with raw_db(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (before,))
        for migration in schema.MIGRATIONS[:before]:
            migration(conn)
        yield conn


def test_a_merchants_last_stock_read_replaces_the_one_before(db: StateDb) -> None:
    first = LastRead(1_700_000_000_123, {"mug-1": ("MUG-1", Decimal("3.5"))}, "Warehouse")
    save_last_read(db, SCOPE, "M2", first, merchant="Warehouse", location_id=2)
    assert last_read(db, SCOPE, "M2") == first
    assert last_read(db, SCOPE, "M1") is None and last_read(db, "other>store", "M2") is None
    then = LastRead(1_700_000_600_000, {"tee-1": ("TEE-1", Decimal("-2"))}, "Warehouse")
    save_last_read(db, SCOPE, "M2", then, merchant="Warehouse", location_id=2)
    assert last_read(db, SCOPE, "M2") == then  # the SKUs of the earlier read are gone
    assert last_read(db, SCOPE, "M2", levels=False) == LastRead(then.read_ms, {}, "Warehouse")
    db.links_forget_scope(SCOPE)
    assert last_read(db, SCOPE, "M2") is None


def test_an_upgraded_store_keeps_each_merchants_last_stock_read(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    demo = "demo:M1>hash"
    kept = {
        "read_ms": 1_700_000_000_123,
        "merchant": "Warehouse",
        "location_id": 2,
        "location": "Back room",
        "levels": {"mug-1": ["MUG-1", "3.5"], "tee-1": ["TEE-1", "0"]},
    }
    with _before_the_move(path) as conn:
        conn.executemany(
            "INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, 'x')",
            [
                (f"{demo}:stock-read:M2", json.dumps(kept)),
                (f"{SCOPE}:stock-read:M1", '{"read_ms": "yesterday"}'),
                (f"{SCOPE}:send-prices", '{"since_ms": 5}'),
            ],
        )
    db = StateDb(path)
    try:
        found = last_read(db, demo, "M2")
        assert found == LastRead(
            1_700_000_000_123,
            {"mug-1": ("MUG-1", Decimal("3.5")), "tee-1": ("TEE-1", Decimal("0"))},
            "Back room",
        )
        assert last_read(db, SCOPE, "M1") is None  # unreadable: the next read records it
        assert db.get_cursor(f"{demo}:stock-read:M2") is None
        assert db.get_cursor(f"{SCOPE}:send-prices") == {"since_ms": 5}
    finally:
        db.close()
