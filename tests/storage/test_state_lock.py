"""The run lock: one run at a time across threads and processes, freed when its holder dies."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from esync_desktop.storage.state import RunLock, RunLocked, StateDb
from tests.storage.helpers import expect_line, raw_db, start_child

HOLD_LOCK = """
    import sys
    from esync_desktop.storage.state import StateDb
    db = StateDb({path!r})
    with db.run_lock("Nightly"):
        print("locked", flush=True)
        sys.stdin.readline()
    print("released", flush=True)
    sys.stdin.readline()
"""


def test_second_holder_in_the_same_process_is_refused(tmp_path: Path, db: StateDb) -> None:
    other = StateDb(db.path)
    try:
        with db.run_lock("Nightly") as lock:
            assert lock.held
            with pytest.raises(RunLocked) as caught, other.run_lock("Stock"):
                pass
            holder = caught.value.holder
            assert holder is not None and (holder.pid, holder.task) == (os.getpid(), "Nightly")
            assert "Another sync is running (task 'Nightly'" in str(caught.value)
            with pytest.raises(RunLocked), db.run_lock():  # not re-entrant
                pass
        with other.run_lock("Stock"):
            pass
    finally:
        other.close()


def test_threads_take_turns(db: StateDb) -> None:
    results: list[str] = []
    inside = threading.Event()
    leave = threading.Event()

    def holder() -> None:
        with db.run_lock("A"):
            inside.set()
            leave.wait(10)
        results.append("A done")

    thread = threading.Thread(target=holder)
    thread.start()
    assert inside.wait(10)
    with pytest.raises(RunLocked):
        db.acquire_run_lock("B")
    leave.set()
    thread.join(10)
    lock = db.acquire_run_lock("B")
    lock.release()
    assert results == ["A done"]


def test_lock_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    child = start_child(HOLD_LOCK.format(path=str(path)))
    db = StateDb(path)
    try:
        expect_line(child, "locked")
        with pytest.raises(RunLocked) as caught, db.run_lock("Stock"):
            pass
        assert caught.value.holder is not None
        assert (caught.value.holder.pid, caught.value.holder.task) == (child.pid, "Nightly")
        assert f"process {child.pid}" in str(caught.value)
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        expect_line(child, "released")
        with db.run_lock("Stock"):
            pass
    finally:
        child.kill()
        child.communicate(timeout=10)
        db.close()


def test_lock_freed_when_the_holder_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    child = start_child(HOLD_LOCK.format(path=str(path)))
    db = StateDb(path)
    try:
        expect_line(child, "locked")
        run = db.start_run("Nightly")
        with raw_db(path) as conn:  # as if the child had started this run
            conn.execute("UPDATE runs SET pid = ? WHERE id = ?", (child.pid, run))
        with pytest.raises(RunLocked):
            db.acquire_run_lock()
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL
        with db.run_lock("Stock"):
            record = db.get_run(run)
            assert record is not None and record.result == "interrupted"
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate(timeout=10)
        db.close()


def test_unreadable_holder_is_reported_without_details(tmp_path: Path) -> None:
    lock = RunLock(tmp_path / "x.runlock")
    assert lock.holder() is None
    (tmp_path / "x.runlock").write_text("garbage")
    assert lock.holder() is None
    assert str(RunLocked(None)).startswith("Another sync is running. Wait")
