"""The state database's schema: created from nothing, migrated step by step, never downgraded."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from esync_desktop.storage.state import StateDb, StateError, schema
from tests.storage.helpers import raw_db


def tables(path: Path) -> set[str]:
    with raw_db(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def test_new_database_is_migrated_from_v0(tmp_path: Path) -> None:
    path = tmp_path / "new" / "state.sqlite3"
    db = StateDb(path)
    try:
        assert db.schema_version == len(schema.MIGRATIONS)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [
            (len(schema.MIGRATIONS),)
        ]
        conn.close()
    finally:
        db.close()
    assert tables(path) >= {
        "schema_version",
        "runs",
        "run_items",
        "journal",
        "cursors",
        "item_hashes",
        "log_entries",
    }
    # Opening again migrates nothing and keeps the data.
    db = StateDb(path)
    run = db.start_run("t")
    db.close()
    db = StateDb(path)
    assert db.get_run(run) is not None
    db.close()


def test_an_empty_existing_file_is_v0(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    path.touch()
    StateDb(path).close()
    assert "journal" in tables(path)


def test_later_migrations_keep_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.sqlite3"
    db = StateDb(path)
    db.record_intent("k", "send-standard", "A", "create", {"sku": "A"})
    db.close()

    def v2(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE journal ADD COLUMN note TEXT NOT NULL DEFAULT 'migrated'")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, v2])
    db = StateDb(path)
    try:
        assert db.schema_version == len(schema.MIGRATIONS)
        assert db.get_intent("k") is not None
        with raw_db(path) as conn:
            assert conn.execute("SELECT key, note FROM journal").fetchall() == [("k", "migrated")]
    finally:
        db.close()


def test_a_failing_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.sqlite3"
    StateDb(path).close()
    known = len(schema.MIGRATIONS)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(StateError, match="cannot be used"):
        StateDb(path)
    assert "half_done" not in tables(path)
    with raw_db(path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (known,)


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    StateDb(path).close()
    with raw_db(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StateError, match="newer eSync Desktop"):
        StateDb(path)


def test_not_a_database_is_moved_aside_and_started_over(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    with StateDb(path) as db:
        assert [n.kind for n in db.notices] == ["state_reset"]
        assert db.list_runs() == []
    (aside,) = tmp_path.glob("state.sqlite3.damaged-*")
    assert aside.read_bytes() == b"this is not SQLite" * 100


def test_threads_share_one_database(db: StateDb) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                db.record_intent(f"t{n}:{i}", "send-standard", f"S{i}")
                db.set_cursor(f"c{n}", {"i": i})
                db.log_mapping_error(None, "send-standard", f"S{i}", "refused")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(db.pending_intents()) == 300
    assert db.get_cursor("c3") == {"i": 49}
    assert len(db.log_entries(limit=1000)) == 300


def test_two_connections_from_two_objects(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first, second = StateDb(path), StateDb(path)
    try:
        first.set_cursor("a", {"x": 1})
        assert second.get_cursor("a") == {"x": 1}
    finally:
        first.close()
        second.close()
    with pytest.raises(StateError, match="closed"):
        first.get_cursor("a")


def test_a_database_of_the_first_version_gains_the_item_facts(tmp_path: Path) -> None:
    """Items recorded before the facts were kept read back without them."""
    path = tmp_path / "state.sqlite3"
    with raw_db(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version (version) VALUES (1)")
        schema.MIGRATIONS[0](conn)
        conn.execute("INSERT INTO runs (task, trigger, started_at) VALUES ('t', 'manual', 'x')")
        conn.execute(
            "INSERT INTO run_items (run_id, action, sku, outcome) VALUES (1, 'a', 'S', 'skip')"
        )
    db = StateDb(path)
    try:
        (item,) = db.run_items(1)
        assert item.missing_categories == () and item.held_back_by is None
    finally:
        db.close()
