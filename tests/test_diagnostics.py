"""The support zip: what a support desk asks for, and never a token."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from esync_desktop import __version__
from esync_desktop import log as esync_log
from esync_desktop.app import Services, default_task
from esync_desktop.cli import run
from esync_desktop.diagnostics import DiagnosticsError, export_diagnostics
from esync_desktop.log import REDACTED, configure_logging
from esync_desktop.paths import app_paths
from esync_desktop.sandbox.credentials import DEMO_CREDENTIALS
from esync_desktop.storage.secrets import BC_TOKEN, SecretStore

KEYRING_TOKEN = "kr-bc-token-5d1f9a7c3e2b"
ENV_TOKEN = "env-clover-token-8b6d4f2a"


@pytest.fixture
def stored_token() -> Iterator[str]:
    """A token in the real keyring of this session, removed afterwards."""
    store = SecretStore()
    store.set(BC_TOKEN, KEYRING_TOKEN)
    try:
        yield KEYRING_TOKEN
    finally:
        store.delete(BC_TOKEN)


@pytest.fixture
def logged() -> Iterator[Path]:
    esync_log.reset_logging()
    setup = configure_logging(app_paths())
    assert setup.log_file is not None
    try:
        yield setup.log_file
    finally:
        esync_log.reset_logging()


def _tokens() -> list[str]:
    return [KEYRING_TOKEN, ENV_TOKEN, DEMO_CREDENTIALS.clover_token, DEMO_CREDENTIALS.bc_token]


def test_the_zip_has_what_support_asks_for_and_no_token(
    tmp_path: Path, stored_token: str, logged: Path
) -> None:
    services = Services(environ={"ESYNC_CLOVER_TOKEN": ENV_TOKEN, "ESYNC_HOME": "x"})
    try:
        services.start_demo()
        result = services.run_plan(services.plan_task(default_task()))
        # A line an older version (or a library) wrote with the tokens in clear.
        with logged.open("a", encoding="utf-8") as handle:
            handle.write(
                f"old line Authorization: Bearer {DEMO_CREDENTIALS.bc_token} "
                f"token={stored_token} {ENV_TOKEN} {DEMO_CREDENTIALS.clover_token}\n"
            )
        zip_path = tmp_path / "support.zip"
        names = export_diagnostics(services, zip_path)
    finally:
        services.stop()

    with zipfile.ZipFile(zip_path) as archive:
        assert sorted(archive.namelist()) == sorted(names)
        members = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    for name, text in members.items():
        for token in _tokens():
            assert token not in text, (name, token)
    system = json.loads(members["system.json"])
    assert system["app"] == f"eSync Desktop {__version__}"
    assert system["python"] and system["os"]
    assert {"httpx", "keyring", "PySide6"} <= set(system["packages"])
    assert "SecretService" in system["keyring"] or system["keyring"]
    settings = json.loads(members["settings.json"])
    assert [t["name"] for t in settings["settings"]["tasks"]] == ["Catalogue sync"]
    assert json.loads(members["environment.json"]) == {
        "ESYNC_CLOVER_TOKEN": "(set, hidden)",
        "ESYNC_HOME": "x",
    }
    [last] = json.loads(members["runs.json"])
    assert last["run_id"] == result.run_id and last["counts"]["create"] == result.counts["create"]
    log_text = members["log.txt"]
    assert f"run {result.run_id} of task 'Catalogue sync' finished" in log_text
    assert "old line Authorization: Bearer " + REDACTED in log_text


def test_a_folder_that_is_not_there_is_named(tmp_path: Path) -> None:
    services = Services()
    try:
        with pytest.raises(DiagnosticsError) as caught:
            export_diagnostics(services, tmp_path / "missing" / "support.zip")
    finally:
        services.stop()
    assert "missing" in caught.value.message and "Choose another folder" in caught.value.message


def test_the_command_writes_the_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zip_path = tmp_path / "support.zip"
    assert run(["diagnostics", str(zip_path)]) == 0
    assert "no token is in it" in capsys.readouterr().out
    with zipfile.ZipFile(zip_path) as archive:
        assert {"README.txt", "system.json", "runs.json", "log.txt"} <= set(archive.namelist())
    assert run(["diagnostics", str(tmp_path / "nope" / "x.zip")]) == 2
