"""A fresh state database per test, closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from esync_desktop.storage.state import StateDb


@pytest.fixture
def db(tmp_path: Path) -> Iterator[StateDb]:
    state = StateDb(tmp_path / "state.sqlite3")
    try:
        yield state
    finally:
        state.close()
