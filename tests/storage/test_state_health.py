"""A damaged state database is moved aside and its last good copy put back, on real files."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from esync_desktop.storage.notices import STATE_RESET, STATE_RESTORED
from esync_desktop.storage.state import StateDb, StateError
from esync_desktop.storage.state.health import last_good_path
from tests.storage.damage import (
    empty,
    garbage,
    kill_while_open,
    make_history,
    overwrite_middle,
    truncate,
)
from tests.storage.helpers import expect_line, start_child


def _sessions(path: Path) -> list[str]:
    folder = path.with_name(path.name + ".sessions")
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_last_good_copy_is_a_checked_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    make_history(path, runs=2, kept_after=2)
    copy = last_good_path(path)
    conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (2,)
        # A plain file: no write-ahead log to carry along.
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        conn.close()
    assert not list(tmp_path.glob(".*tmp"))


@pytest.mark.parametrize(
    "damage", [garbage, truncate, empty], ids=["garbage", "truncated", "emptied"]
)
def test_damage_found_at_open_restores_the_last_good_copy(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    path = tmp_path / "state.sqlite3"
    make_history(path, runs=3, kept_after=2)
    damage(path)
    broken = path.read_bytes()
    with StateDb(path) as db:
        (notice,) = db.notices
        # Run 3 came after the copy: it is what was lost, and the notice says so.
        assert [r.run_id for r in db.list_runs()] == [2, 1]
        assert db.integrity_problem() is None
    assert _sessions(path) == []  # healed and closed: no check next time
    assert notice.kind == STATE_RESTORED
    assert notice.restored_from == last_good_path(path)
    assert notice.moved_to is not None and notice.moved_to.read_bytes() == broken
    assert notice.moved_to.name.startswith("state.sqlite3.damaged-")
    assert "at most the last run's history" in notice.message and str(notice.moved_to) in (
        notice.message
    )
    # The healed database opens quietly the next time.
    with StateDb(path) as db:
        assert db.notices == []


def test_a_page_overwritten_is_found_after_a_process_was_killed(tmp_path: Path) -> None:
    """integrity_check runs at start when a process did not close the database."""
    path = tmp_path / "state.sqlite3"
    make_history(path, runs=3, kept_after=2)
    kill_while_open(path)
    assert len(_sessions(path)) == 1  # the killed process's mark is left behind
    overwrite_middle(path)
    with StateDb(path) as db:
        assert [n.kind for n in db.notices] == [STATE_RESTORED]
        assert "integrity" in db.notices[0].message or "malformed" in db.notices[0].message
        assert [r.run_id for r in db.list_runs()] == [2, 1]
    assert _sessions(path) == []


def test_a_page_overwritten_after_a_clean_close_is_named_when_met_then_healed(
    tmp_path: Path,
) -> None:
    """Without an unclean end, the start does only the cheap checks; the damaged page is met
    by a read (a StateError with the owner's words, not sqlite3's), and the next start heals."""
    path = tmp_path / "state.sqlite3"
    make_history(path, runs=3, kept_after=2)
    overwrite_middle(path)
    db = StateDb(path, prune=False)
    try:
        with pytest.raises(StateError, match=r"is damaged .* start it again"):
            db.log_entries(limit=100_000, text="no such text")
    finally:
        db.close()
    assert len(_sessions(path)) == 1  # kept: the next start checks
    with StateDb(path) as healed:
        assert [n.kind for n in healed.notices] == [STATE_RESTORED]
        assert [r.run_id for r in healed.list_runs()] == [2, 1]


def test_without_a_good_copy_a_new_database_is_started(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    make_history(path, runs=2, kept_after=0)
    garbage(path)
    with StateDb(path) as db:
        (notice,) = db.notices
        assert db.list_runs() == []
    assert notice.kind == STATE_RESET
    assert "no good copy" in notice.message and "settings are not affected" in notice.message


def test_a_damaged_last_good_copy_is_not_put_back(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    make_history(path, runs=2, kept_after=2)
    overwrite_middle(last_good_path(path))
    truncate(path)
    with StateDb(path) as db:
        assert [n.kind for n in db.notices] == [STATE_RESET]
        assert db.list_runs() == []


def test_a_clean_close_leaves_no_mark_and_no_check(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    StateDb(path).close()
    assert _sessions(path) == []
    with StateDb(path) as db:
        assert _sessions(path) != []  # open: marked
        assert db.notices == []
    assert _sessions(path) == []


def test_damage_is_not_repaired_under_a_process_that_has_the_file_open(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    make_history(path, runs=2, kept_after=2)
    child = start_child(
        f"""
        import sys
        from esync_desktop.storage.state import StateDb
        db = StateDb({str(path)!r}, prune=False)
        print("open", flush=True)
        sys.stdin.readline()
        db.close()
        print("closed", flush=True)
        """
    )
    try:
        expect_line(child, "open")
        truncate(path)
        with pytest.raises(StateError, match="Close eSync Desktop everywhere"):
            StateDb(path)
        assert not list(tmp_path.glob("state.sqlite3.damaged-*"))
    finally:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        expect_line(child, "closed")
        child.communicate(timeout=30)
    with StateDb(path) as db:
        assert [n.kind for n in db.notices] == [STATE_RESTORED]
