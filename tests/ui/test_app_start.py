"""Starting the window as the installed app does: a start that fails is in the log file, and the
smoke runs' ESYNC_QUIT_AFTER_MS hook."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from esync_desktop.log import LOG_FILE
from esync_desktop.ui.app import QUIT_AFTER_ENV, quit_after_ms


def test_a_window_that_cannot_start_says_why_in_the_log(esync_home: Path) -> None:
    """An install without its resources (as once happened) ends with a message and the reason
    written to the log file, which is all a user without a console has."""
    script = textwrap.dedent(
        """
        import sys
        import esync_desktop.ui.resources as resources
        def missing(name):
            raise FileNotFoundError(f"resource {name!r} is missing from /nowhere/resources")
        resources.asset_path = missing
        from esync_desktop.__main__ import main
        sys.exit(main([]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr
    assert "could not start: resource 'icons/app.svg' is missing" in done.stderr
    assert "Traceback" not in done.stderr
    logs = list(esync_home.rglob(LOG_FILE))
    assert len(logs) == 1
    text = logs[0].read_text(encoding="utf-8")
    assert "CRITICAL" in text and "the window could not start" in text
    assert "FileNotFoundError: resource 'icons/app.svg' is missing from /nowhere" in text


@pytest.mark.parametrize(
    ("value", "expected"), [("", None), ("4000", 4000), (" 250 ", 250), ("soon", None)]
)
def test_quit_after_ms(value: str, expected: int | None) -> None:
    assert quit_after_ms({QUIT_AFTER_ENV: value}) == expected
