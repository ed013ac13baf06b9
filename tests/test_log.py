"""Logging: configured once, secrets and auth headers redacted everywhere, bounded memory buffer."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from esync_desktop import log as esync_log
from esync_desktop.log import (
    REDACTED,
    LogLine,
    MemoryLogHandler,
    configure_logging,
    redact,
    register_secret,
)
from esync_desktop.paths import app_paths


@pytest.fixture
def configured() -> Iterator[esync_log.LoggingSetup]:
    esync_log.reset_logging()
    setup = configure_logging(app_paths(), level=logging.DEBUG)
    try:
        yield setup
    finally:
        esync_log.reset_logging()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.def-123", f"Authorization: Bearer {REDACTED}"),
        ('{"X-Auth-Token": "zz9"}', f'{{"X-Auth-Token": "{REDACTED}"}}'),
        ("{'authorization': 'Basic dXNlcjpw'}", f"{{'authorization': 'Basic {REDACTED}'}}"),
        (
            "GET /v3/items?access_token=t0k&limit=5",
            f"GET /v3/items?access_token={REDACTED}&limit=5",
        ),
        ("x-auth-token=abc; next", f"x-auth-token={REDACTED}; next"),
        ("no secrets here", "no secrets here"),
    ],
)
def test_header_values_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(redact(text)) == expected  # idempotent: handlers may run it twice


def test_registered_secrets_are_redacted_anywhere() -> None:
    register_secret("registered-secret-xyz")
    register_secret("registered-secret-xyz-longer")  # contains the other: replaced whole
    register_secret("ab")  # too short to be a token: ignored, or every "ab" would go
    assert redact("a registered-secret-xyz-longer b") == f"a {REDACTED} b"
    assert redact("(registered-secret-xyz)") == f"({REDACTED})"
    assert redact("abc") == "abc"


def test_records_are_redacted_in_file_and_memory(configured: esync_log.LoggingSetup) -> None:
    register_secret("tok-in-a-record-7781")
    logger = logging.getLogger("esync_desktop.connectors.test")
    logger.info("sending %s with %r", "tok-in-a-record-7781", {"Authorization": "Bearer hdr-val"})
    try:
        raise RuntimeError("server said: bad token tok-in-a-record-7781")
    except RuntimeError:
        logger.exception("request failed")
    logger.warning("stack", stack_info=True, extra={"why": "test"})
    for handler in configured.handlers:
        handler.flush()
    assert configured.log_file is not None
    text = configured.log_file.read_text("utf-8")
    memory = "\n".join(line.message for line in configured.memory.lines())
    for output in (text, memory):
        assert "tok-in-a-record-7781" not in output
        assert "hdr-val" not in output
        assert "sending [REDACTED]" in output
        assert "RuntimeError: server said: bad token [REDACTED]" in output


def test_configured_once(configured: esync_log.LoggingSetup) -> None:
    root = logging.getLogger()
    count = len(root.handlers)
    assert configure_logging() is configured
    assert len(root.handlers) == count
    assert esync_log.memory_handler() is configured.memory
    assert configured.log_file is not None
    assert configured.log_file.parent == app_paths().log_dir


def test_memory_handler_is_bounded_and_notifies() -> None:
    handler = MemoryLogHandler(capacity=3)
    seen: list[LogLine] = []
    handler.add_listener(seen.append)
    logger = logging.getLogger("esync_desktop.test.memory")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        for n in range(5):
            logger.log(logging.WARNING if n == 4 else logging.INFO, "line %d", n)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert [line.message for line in handler.lines()] == ["line 2", "line 3", "line 4"]
    assert [line.message for line in handler.lines(logging.WARNING)] == ["line 4"]
    assert len(seen) == 5 and seen[-1].level == "WARNING"
    handler.remove_listener(seen.append)
    handler.clear()
    assert handler.lines() == []


def test_unwritable_log_folder_falls_back_to_console(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    paths = app_paths()
    bad = type(paths)(paths.config_dir, paths.data_dir, blocker / "logs")
    esync_log.reset_logging()
    try:
        setup = configure_logging(bad)
        assert setup.log_file is None
        assert any(type(h) is logging.StreamHandler for h in setup.handlers)
        assert "cannot write the log file" in setup.memory.lines()[-1].message
    finally:
        esync_log.reset_logging()


def _run(args: list[str], home: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ESYNC_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_a_sync_leaves_its_account_in_the_log_file(tmp_path: Path) -> None:
    """The task, each step's counts, every write with what changed, and the end."""
    done = _run(
        ["-m", "esync_desktop", "sync", "--demo", "--action", "send-standard", "--json"], tmp_path
    )
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)["summary"]["create"]
    assert created > 100
    text = (tmp_path / "logs" / esync_log.LOG_FILE).read_text(encoding="utf-8")
    assert "preview of task 'command line': " in text
    assert "run 1 of task 'command line' started (cli)" in text
    assert f"run 1 step send-standard: {created} create, " in text
    writes = [line for line in text.splitlines() if ": created " in line]
    assert len(writes) == created
    assert any(
        " INFO " in w and "created MUG-004 (product " in w and "price '20.99'" in w for w in writes
    )
    assert f"run 1 of task 'command line' finished: {created} create, " in text


def test_the_window_logs_its_start_and_stop(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        from PySide6.QtCore import QTimer
        import esync_desktop.ui.app as gui

        make = gui.create_application

        def create(argv=None):
            app = make(argv)
            QTimer.singleShot(1500, app.quit)
            return app

        gui.create_application = create
        raise SystemExit(gui.run_gui([]))
        """
    )
    done = _run(["-c", script], tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "logs" / esync_log.LOG_FILE).read_text(encoding="utf-8")
    assert "window starting: eSync Desktop" in text
    assert "window stopped (exit code 0)" in text


def test_the_log_file_rotates(configured: esync_log.LoggingSetup) -> None:
    [handler] = [h for h in configured.handlers if isinstance(h, RotatingFileHandler)]
    assert handler.maxBytes == esync_log.FILE_MAX_BYTES and handler.backupCount > 0
