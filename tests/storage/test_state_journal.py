"""The write journal: intent before the write, idempotent keys, crash survival."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from esync_desktop.storage.state import (
    CONFIRMED,
    FAILED,
    INTENT,
    RESOLVED_APPLIED,
    RESOLVED_NOT_APPLIED,
    StateDb,
    StateError,
)
from tests.storage.helpers import expect_line, start_child


def test_intent_then_confirm(db: StateDb) -> None:
    run = db.start_run("Nightly", "manual")
    entry = db.record_intent(
        "plan1:0", "send-standard", "TEA-1", "create", {"sku": "TEA-1"}, run_id=run
    )
    assert (entry.status, entry.kind, entry.run_id, entry.attempts) == (INTENT, "create", run, 1)
    assert entry.is_open and not entry.applied
    assert [e.key for e in db.pending_intents()] == ["plan1:0"]
    done = db.confirm("plan1:0", 812, {"id": 812})
    assert (done.status, done.remote_id, done.result) == (CONFIRMED, "812", {"id": 812})
    assert done.applied
    assert db.pending_intents() == []


def test_same_key_returns_the_existing_entry(db: StateDb) -> None:
    first = db.record_intent("k", "send-standard", "A", "create", {"n": 1})
    again = db.record_intent("k", "send-standard", "A", "create", {"n": 2})
    assert again == first  # still open: nothing changed, the caller must not send it twice
    db.confirm("k", "7")
    confirmed = db.record_intent("k", "send-standard", "A", "create", {"n": 3})
    assert confirmed.status == CONFIRMED and confirmed.payload == {"n": 1}
    assert len(db.journal_entries()) == 1


def test_failed_or_not_applied_entries_are_reopened(db: StateDb) -> None:
    db.record_intent("k", "send-standard", "A", "create", {"n": 1})
    failed = db.mark_failed("k", "422: name already used")
    assert (failed.status, failed.message) == (FAILED, "422: name already used")
    retry = db.record_intent("k", "send-standard", "A", "create", {"n": 2})
    assert (retry.status, retry.payload, retry.attempts, retry.message) == (INTENT, {"n": 2}, 2, "")
    gone = db.resolve("k", None, "not found in BigCommerce by SKU")
    assert (gone.status, gone.how) == (RESOLVED_NOT_APPLIED, "not found in BigCommerce by SKU")
    assert db.record_intent("k", "send-standard", "A", "create", {"n": 3}).attempts == 3
    found = db.resolve("k", 99, "found in BigCommerce by SKU")
    assert (found.status, found.remote_id, found.applied) == (RESOLVED_APPLIED, "99", True)
    forced = db.record_intent("k2", "send-prices", None, "batch", {})
    assert db.resolve(forced.key, None, "absolute write", applied=True).status == RESOLVED_APPLIED


def test_unknown_keys_are_refused(db: StateDb) -> None:
    with pytest.raises(StateError, match="record the intent first"):
        db.confirm("never-recorded", 1)
    with pytest.raises(ValueError):
        db.record_intent("", "send-standard", None)
    assert db.get_intent("never-recorded") is None


def test_the_engines_journal_names(db: StateDb) -> None:
    """The names sync.journal.Journal uses map onto the same entries."""
    run = db.start_run("Nightly")
    db.journal_intent("p:1", "send-standard", "A", {"sku": "A"}, run)
    db.journal_intent("p:2", "send-standard", "B", {"sku": "B"}, run)
    db.journal_intent("p:3", "send-prices", None, {"items": []}, run)
    assert [(e.key, e.action, e.sku, e.payload) for e in db.journal_open()] == [
        ("p:1", "send-standard", "A", {"sku": "A"}),
        ("p:2", "send-standard", "B", {"sku": "B"}),
        ("p:3", "send-prices", None, {"items": []}),
    ]
    db.journal_confirm("p:1", {"id": 5})
    db.journal_resolve("p:2", True, {"id": 6})
    db.journal_fail("p:3", "500 after retries")
    assert db.journal_open() == []
    first, second, third = (db.journal_get(k) for k in ("p:1", "p:2", "p:3"))
    assert first is not None and (first.status, first.remote_id, first.result) == (
        CONFIRMED,
        "5",
        {"id": 5},
    )
    assert second is not None and (second.status, second.remote_id) == (RESOLVED_APPLIED, "6")
    assert third is not None and (third.status, third.message) == (FAILED, "500 after retries")
    assert all(e is not None and e.run_id == run for e in (first, second, third))


def test_intent_survives_a_killed_process(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    child = start_child(
        f"""
        import os, signal, sys
        from esync_desktop.storage.state import StateDb
        db = StateDb({str(path)!r})
        db.record_intent("plan9:3", "send-matrix", "GRP-1", "create", {{"name": "Mug", "n": 3}})
        # Killed the instant the intent is recorded: no close, no cleanup, no flush by Python.
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    db = StateDb(path)
    try:
        [entry] = db.pending_intents()
        assert (entry.key, entry.action, entry.sku, entry.payload) == (
            "plan9:3",
            "send-matrix",
            "GRP-1",
            {"name": "Mug", "n": 3},
        )
    finally:
        db.close()


def test_intent_recorded_while_another_process_is_writing(tmp_path: Path) -> None:
    """A child holds the database busy with its own intents when it is killed mid-stream;
    everything it committed is there, and the database is usable afterwards."""
    path = tmp_path / "state.sqlite3"
    child = start_child(
        f"""
        import sys
        from esync_desktop.storage.state import StateDb
        db = StateDb({str(path)!r})
        for n in range(100000):
            db.record_intent(f"k{{n}}", "send-standard", f"S{{n}}", "create", {{"n": n}})
            if n == 20:
                print("twenty", flush=True)
        """
    )
    expect_line(child, "twenty")
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    db = StateDb(path)
    try:
        keys = [e.key for e in db.pending_intents()]
        assert len(keys) >= 21
        assert keys == [f"k{n}" for n in range(len(keys))]  # in order, none half-written
        db.record_intent("after", "send-standard", "X")
    finally:
        db.close()
