"""Shared fixtures: a private ESYNC_HOME per test, the vendor specs folder, a running sandbox."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SPECS = SHARED / "specs"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def esync_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config/data/log folders."""
    home = tmp_path / "esync-home"
    monkeypatch.setenv("ESYNC_HOME", str(home))
    for name in list(os.environ):
        if name.startswith(("ESYNC_CLOVER_", "ESYNC_BC_")):
            monkeypatch.delenv(name)
    return home


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    """../shared/specs beside the checkout; missing is a skip for a user's clone, an error in CI."""
    if not SPECS.is_dir():
        if IN_CI:
            pytest.fail(f"CI=true but the vendor specs folder {SPECS} is missing")
        pytest.skip(f"vendor specs folder {SPECS} not present (a clone without ../shared)")
    return SPECS


@pytest.fixture
def sandbox() -> Iterator[object]:
    """A demo-seeded sandbox on a free loopback port, stopped after the test."""
    from esync_desktop.sandbox.server import SandboxServer

    server = SandboxServer(seed="demo").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def gc_on_the_gui_thread() -> Iterator[None]:
    """Once a QApplication exists, garbage is collected on the GUI thread only (as the app
    does), so a worker thread of a later test never destroys an earlier test's Qt objects."""
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is not None and widgets.QApplication.instance() is not None:
        from esync_desktop.ui import gc_guard

        gc_guard.install().check()
