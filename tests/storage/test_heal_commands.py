"""A damaged state database or settings file no longer stops the commands: `tasks list` works
and says what happened (a real subprocess over real damaged files)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from esync_desktop.paths import app_paths
from esync_desktop.storage.notices import STATE_RESTORED
from esync_desktop.storage.settings import ActionConfig, SettingsStore, TaskConfig
from esync_desktop.storage.state.health import last_good_path
from tests.storage.damage import garbage, kill_while_open, make_history, overwrite_middle, truncate
from tests.storage.helpers import ROOT
from tests.sync.live import services_for, task


def _tasks_list(shows: str = "Nightly stock: send-inventory-standard") -> str:
    """Run `tasks list`; it must succeed and list `shows`. Its stderr (what it said)."""
    done = subprocess.run(
        [sys.executable, "-m", "esync_desktop", "tasks", "list"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert shows in done.stdout
    assert "Traceback" not in done.stderr
    return done.stderr


def _setup() -> tuple[Path, Path]:
    paths = app_paths().ensure()
    store = SettingsStore(paths.settings_file)
    settings, _ = store.load()
    settings.tasks.append(TaskConfig("Nightly stock", [ActionConfig("send-inventory-standard")]))
    store.save(settings)
    make_history(paths.state_db, runs=3, kept_after=2)
    return paths.settings_file, paths.state_db


def _killed_then_overwritten(path: Path) -> None:
    kill_while_open(path)
    overwrite_middle(path)


@pytest.mark.parametrize(
    "damage",
    [garbage, truncate, _killed_then_overwritten],
    ids=["garbage", "truncated", "page-overwritten-after-a-kill"],
)
def test_tasks_list_works_with_a_damaged_state_database(
    damage: Callable[[Path], None],
) -> None:
    _, state_db = _setup()
    damage(state_db)
    said = _tasks_list()
    assert f"The state database {state_db} was damaged" in said
    assert "the copy kept after the last successful run" in said
    assert "at most the last run's history" in said
    (aside,) = state_db.parent.glob("state.sqlite3.damaged-*")
    assert str(aside) in said
    assert _tasks_list() == ""  # healed: quiet the next time


def test_tasks_list_works_with_a_damaged_settings_file() -> None:
    settings_file, _ = _setup()
    settings_file.write_bytes(b'{"version": 1, "tasks": [{"name": "Nigh')
    # The owner's task comes back from the last good copy, not the defaults.
    said = _tasks_list()
    assert f"the settings file {settings_file} is not valid settings JSON" in said
    assert "The last good copy of the settings" in said
    (kept,) = settings_file.parent.glob("settings.json.corrupt-*.bak")
    assert kept.read_bytes() == b'{"version": 1, "tasks": [{"name": "Nigh'
    assert str(kept) in said
    assert _tasks_list() == ""


def test_without_any_good_copy_tasks_list_still_works() -> None:
    paths = app_paths().ensure()
    make_history(paths.state_db, runs=1, kept_after=0)
    garbage(paths.state_db)
    paths.settings_file.write_bytes(b"\x00\x01 not json")
    assert not last_good_path(paths.state_db).exists()
    said = _tasks_list(shows="Catalogue sync")  # the default task
    assert "no good copy of it had been kept yet" in said
    assert "using default settings" in said


def test_a_finished_sync_is_the_copy_put_back(sandbox: Any) -> None:
    """Services keeps the last good copy after each run that ended; a damaged database is
    replaced by it at the next start, and Services lists the notice as data."""
    services = services_for(sandbox)
    try:
        result = services.run_plan(services.plan_task(task("send-prices")))
        assert last_good_path(services.state.path).exists()
        state_db = services.state.path
    finally:
        services.stop()
    truncate(state_db)
    services = services_for(sandbox)
    try:
        (notice,) = services.startup_notices
        assert notice.kind == STATE_RESTORED and notice.restored_from is not None
        assert [run.run_id for run in services.history()] == [result.run_id]
    finally:
        services.stop()
