"""A zip for the support desk: versions, the system, the settings, the last runs and the recent
log, with every token removed (Help > Export diagnostics… and `esync-desktop diagnostics`).

Tokens are removed by value (the keyring's, the environment's, the demo stores') and by shape
(credential headers and members), with the same redaction the integration log uses.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from esync_desktop import APP_NAME, __version__
from esync_desktop.connectors.redaction import Redactor
from esync_desktop.log import LOG_FILE
from esync_desktop.paths import AppPaths
from esync_desktop.sandbox.credentials import DEMO_CREDENTIALS
from esync_desktop.storage.secrets import ENV_BC_TOKEN, ENV_CLOVER_TOKEN, SECRET_NAMES
from esync_desktop.storage.settings_codec import settings_to_json

RUNS = 20  # the last runs summarised
LOG_CHARS = 1_000_000  # the end of the log kept (the current file and the rotated ones before)
PACKAGES = ("PySide6", "httpx", "keyring", "platformdirs")
HIDDEN = "(set, hidden)"


class DiagnosticsError(Exception):
    """The zip could not be written; says where and what to do."""

    title = "The diagnostics were not saved"

    def __init__(self, path: Path, reason: str) -> None:
        self.message = f"Could not write {path}: {reason}. Choose another folder and try again."
        super().__init__(self.message)


class _Services(Protocol):
    """What the export reads from the facade (app.Services)."""

    paths: AppPaths
    settings: Any
    settings_problems: list[str]
    secrets: Any
    state: Any
    environ: Mapping[str, str]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def system_info(services: _Services) -> dict[str, Any]:
    info: dict[str, Any] = {
        "app": f"{APP_NAME} {__version__}",
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "os": platform.platform(),
        "machine": platform.machine(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "packages": {name: _version(name) for name in PACKAGES},
        "folders": {
            "settings": str(services.paths.config_dir),
            "data": str(services.paths.data_dir),
            "logs": str(services.paths.log_dir),
        },
    }
    qtcore = sys.modules.get("PySide6.QtCore")  # only when the window runs: no Qt import here
    if qtcore is not None:
        info["qt"] = qtcore.qVersion()
    try:
        info["keyring"] = services.secrets.backend_name
    except Exception as exc:  # no keyring is worth knowing too
        info["keyring"] = f"unavailable: {exc}"
    return info


def known_secrets(services: _Services) -> list[str]:
    """Every token this process could know: stored, from the environment, the demo's."""
    found = [DEMO_CREDENTIALS.clover_token, DEMO_CREDENTIALS.bc_token]
    for name in SECRET_NAMES:
        try:
            found.append(services.secrets.get(name) or "")
        except Exception:  # the keyring may be locked or missing: nothing to hide from it
            continue
    found.extend(services.environ.get(env, "") for env in (ENV_CLOVER_TOKEN, ENV_BC_TOKEN))
    return [s for s in found if s]


def environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The ESYNC_* variables set: values shown, tokens only as set."""
    return {
        name: HIDDEN if name.endswith("_TOKEN") else value
        for name, value in sorted(environ.items())
        if name.startswith("ESYNC_")
    }


def last_runs(services: _Services, count: int = RUNS) -> list[dict[str, Any]]:
    return [
        {
            "run_id": run.run_id,
            "task": run.task,
            "trigger": run.trigger,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "result": run.result,
            "cancelled": run.cancelled,
            "counts": run.counts,
            "api_calls": run.api_calls,
            "error": run.error,
        }
        for run in services.state.list_runs(count)
    ]


def recent_log(log_dir: Path, chars: int = LOG_CHARS) -> str:
    """The end of the log: rotated files oldest first, then the current one."""
    files = sorted(log_dir.glob(f"{LOG_FILE}.*"), key=lambda p: -_rotation(p))
    files.append(log_dir / LOG_FILE)
    text = ""
    for path in files:
        try:
            text += path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        text = text[-chars:]
    return text


def _rotation(path: Path) -> int:
    suffix = path.name.rsplit(".", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def _members(services: _Services) -> Iterable[tuple[str, str]]:
    settings = {
        "settings": settings_to_json(services.settings),
        "problems_when_read": list(services.settings_problems),
    }
    yield "system.json", json.dumps(system_info(services), indent=2)
    yield "settings.json", json.dumps(settings, indent=2, default=str)
    yield "environment.json", json.dumps(environment(services.environ), indent=2)
    yield "runs.json", json.dumps(last_runs(services), indent=2, default=str)
    yield "log.txt", recent_log(services.paths.log_dir)


def suggested_name() -> str:
    return f"esync-desktop-diagnostics-{datetime.now().strftime('%Y%m%d-%H%M')}.zip"


def export_diagnostics(services: _Services, path: Path) -> list[str]:
    """Write the zip (atomically: a failure never leaves half a file under `path`); returns
    the names of its members."""
    redactor = Redactor(known_secrets(services))
    made = datetime.now(UTC).isoformat(timespec="seconds")
    readme = (
        f"{APP_NAME} {__version__} diagnostics, made {made}.\n"
        "system.json: versions and the system; settings.json: the settings (tokens are never "
        "in them); environment.json: the ESYNC_* variables (tokens hidden); runs.json: the "
        f"last {RUNS} runs; log.txt: the end of the log. Every token is replaced by [REDACTED].\n"
    )
    partial = path.with_name(f".{path.name}.partial")
    names = ["README.txt"]
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", readme)
            for name, text in _members(services):
                archive.writestr(name, redactor.text(text))
                names.append(name)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DiagnosticsError(path, exc.strerror or str(exc)) from exc
    return names
