"""ESYNC_HOME moves every folder; without it platformdirs decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from esync_desktop.paths import app_paths


def test_esync_home_moves_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESYNC_HOME", str(tmp_path))
    paths = app_paths().ensure()
    for folder in (paths.config_dir, paths.data_dir, paths.log_dir):
        assert folder.is_dir()
        assert tmp_path in folder.parents


def test_platformdirs_without_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESYNC_HOME")
    paths = app_paths()
    assert "esync-desktop" in str(paths.config_dir)
    assert paths.config_dir != paths.data_dir
