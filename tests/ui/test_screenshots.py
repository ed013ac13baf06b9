"""The screenshots script keeps its files under $ESYNC_HOME, or in a scratch folder of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from esync_desktop.ui.screenshots import screenshot_home
from tests.conftest import ROOT


def test_a_given_home_is_used_as_it_is(tmp_path: Path) -> None:
    environ = {"ESYNC_HOME": str(tmp_path / "mine")}
    with screenshot_home(environ) as (home, scratch):
        assert home == tmp_path / "mine" and not scratch
    assert environ == {"ESYNC_HOME": str(tmp_path / "mine")}


def test_without_a_home_a_scratch_folder_is_used_and_removed() -> None:
    environ: dict[str, str] = {}
    with screenshot_home(environ) as (home, scratch):
        assert scratch and home.is_dir()
        assert environ["ESYNC_HOME"] == str(home)
    assert not home.exists()
    assert "ESYNC_HOME" not in environ


@pytest.mark.slow
def test_the_script_writes_its_settings_under_esync_home(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "shots"
    env = {**os.environ, "ESYNC_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "esync_desktop.ui.screenshots", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"settings and data under {home}" in result.stderr
    settings = json.loads((home / "config" / "settings.json").read_text(encoding="utf-8"))
    assert settings["demo"] is True
    assert (home / "data" / "state.sqlite3").is_file()
    assert (out / "04-weight-rules.png").is_file()
