"""The tray on a real X display with a tray host (Xvfb + trayer), and the no-tray case."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from esync_desktop.ui import messages
from esync_desktop.ui.resources import TrayState
from esync_desktop.ui.tray import scheduled_notice, tray_state
from tests.conftest import IN_CI, ROOT
from tests.ui.fakes import FakeServices


@pytest.fixture
def x_display() -> Iterator[str]:
    """A virtual X display with a tray host; skipped where they are not installed (CI has them:
    tests/run.sh installs xvfb and trayer)."""
    missing = [tool for tool in ("Xvfb", "trayer") if shutil.which(tool) is None]
    if missing:
        reason = f"{' and '.join(missing)} not installed"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        pytest.fail("Xvfb did not start")
    display = f":{number}"
    env = {**os.environ, "DISPLAY": display}
    trayer = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield display
    finally:
        for process in (trayer, xvfb):
            process.terminate()
            process.wait(10)


def _probe(module: str, x_display: str) -> dict:
    """Run a probe on the display in a process of its own; it prints one JSON line."""
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.tray
def test_tray_menu_on_a_real_display(x_display: str, esync_home: Path) -> None:
    report = _probe("tests.ui.tray_probe", x_display)
    assert report["available"] is True
    assert report["visible"] is True
    menu = report["idle_menu"]
    assert menu[0] == "Sync now: Catalogue sync"
    assert menu[1].startswith("Next: Catalogue sync, ")
    assert menu[1].split(", ", 1)[1].split()[0] in {"now", "today", "tomorrow"}
    assert menu[2:] == ["Pause schedule", "Open eSync Desktop", "Quit"]
    assert report["idle_tooltip"] == "eSync Desktop: all good"
    assert "Schedule paused" in report["paused_menu"]
    assert "Resume schedule" in report["paused_menu"]
    assert report["paused_state"] == "paused"
    assert report["hidden_on_close"] is True and report["quit_on_close"] is False


def test_without_a_tray_closing_quits_and_says_so(qtbot, notices, monkeypatch) -> None:
    from esync_desktop.app import Services
    from esync_desktop.ui import app as ui_app
    from esync_desktop.ui.app import GuiApp

    quits = []
    monkeypatch.setattr(ui_app.QApplication, "quit", lambda: quits.append(True))
    services = Services(environ={})
    gui = GuiApp(services)
    qtbot.addWidget(gui.window)
    try:
        assert not gui.has_tray  # offscreen has none
        notes = [w.text() for w in gui.window.statusBar().findChildren(ui_app.QLabel)]
        assert messages.NO_TRAY in notes
        gui.window.show()
        gui.window.close()
        assert quits == [True]
    finally:
        gui.controller.shutdown(5000)
        services.stop()


def test_tray_state_and_notices() -> None:
    from esync_desktop.app import RunResult
    from esync_desktop.ui.controller import AppController

    services = FakeServices()
    controller = AppController(services)
    assert tray_state(controller) is TrayState.IDLE
    skipped = RunResult(1, {"create": 2, "skip": 3, "fail": 0}, False, {}, 1.0, [])
    assert scheduled_notice("Stock", skipped)[0] == "“Stock” skipped items"
    failed = RunResult(2, {"create": 0, "skip": 0, "fail": 1}, False, {}, 1.0, [])
    controller.last_result = failed
    assert tray_state(controller) is TrayState.FAILED
    assert "1 failed" in scheduled_notice("Stock", failed)[0]
    clean = RunResult(3, {"create": 1, "skip": 0, "fail": 0}, False, {}, 1.0, [])
    assert scheduled_notice("Stock", clean) is None
    error_title, error_text = scheduled_notice("Stock", ConnectionError("offline"))
    assert "did not run" in error_title and "offline" in error_text
    controller.last_result = clean
    controller.scheduler.set_paused(True)
    assert tray_state(controller) is TrayState.PAUSED


@pytest.mark.tray
def test_scheduled_runs_that_need_attention_show_a_notification(x_display: str) -> None:
    report = _probe("tests.ui.tray_notice_probe", x_display)
    assert report["available"] and report["visible"] and report["supports_messages"]
    clean, skipped, failed, unreachable, manual = report["after"]
    assert clean == []
    assert [(n["title"], n["icon"]) for n in skipped] == [("“Stock” skipped items", "Warning")]
    assert "3 skipped" in skipped[0]["text"] and "History" in skipped[0]["text"]
    assert [(n["title"], n["icon"]) for n in failed] == [
        ("Scheduled sync “Stock”: 2 failed", "Critical")
    ]
    assert len(unreachable) == 1 and unreachable[0]["icon"] == "Critical"
    assert "did not run" in unreachable[0]["title"]
    assert "Check the internet connection" in unreachable[0]["text"]
    assert manual == []  # a sync started by hand is reported in the window, not the tray
    assert report["states"] == ["idle", "idle", "failed", "failed", "failed"]


QUITS = 20


@pytest.mark.tray
def test_quitting_from_the_tray_during_a_scheduled_sync_never_crashes(
    x_display: str, esync_home: Path
) -> None:
    """Quit from the tray menu while a scheduled sync runs, 20 times: every exit is clean (a
    reference-count bug shows as "Fatal Python error" on stderr and an abort)."""
    for attempt in range(QUITS):
        # A home of its own each time: a task that already ran is not due again at once.
        home = esync_home / f"quit-{attempt}"
        env = {
            **os.environ,
            "DISPLAY": x_display,
            "QT_QPA_PLATFORM": "xcb",
            "ESYNC_HOME": str(home),
        }
        result = subprocess.run(
            [sys.executable, "-X", "faulthandler", "-m", "tests.ui.tray_quit_probe"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        logs = "".join(p.read_text(errors="replace") for p in home.rglob("*.log"))
        assert "Fatal Python error" not in result.stderr + logs, (attempt, result.stderr)
        assert result.returncode == 0, (attempt, result.returncode, result.stderr)
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert report["tray"] is True and report["running_at_quit"], report
