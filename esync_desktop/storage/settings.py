"""The settings file: typed settings loaded with warnings instead of crashes, saved atomically."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import tempfile
import threading
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from esync_desktop.storage.settings_codec import (
    MIGRATIONS,
    Problems,
    migrate,
    settings_from_json,
    settings_to_json,
)
from esync_desktop.storage.settings_model import (
    CLOVER_REGION_IDS,
    SCHEDULE_MODES,
    SETTINGS_VERSION,
    ActionConfig,
    BigCommerceConnection,
    CloverConnection,
    Schedule,
    Settings,
    TaskConfig,
    WeightRules,
)

__all__ = [
    "CLOVER_REGION_IDS",
    "MIGRATIONS",
    "SCHEDULE_MODES",
    "SETTINGS_VERSION",
    "ActionConfig",
    "BigCommerceConnection",
    "CloverConnection",
    "Schedule",
    "Settings",
    "SettingsError",
    "SettingsStore",
    "TaskConfig",
    "WeightRules",
]

log = logging.getLogger(__name__)


class SettingsError(RuntimeError):
    """The settings could not be saved; the message names the file and what to do."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class SettingsStore:
    """Reads and writes one settings file (JSON). load() never raises: whatever it cannot use
    is kept in a backup next to the file and reported in the returned warnings."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self) -> tuple[Settings, list[str]]:
        """The settings and a warning for each thing that was reset, moved aside or upgraded."""
        with self._lock:
            problems = Problems()
            settings, messages, raw = self._read(problems)
            messages += problems.messages
            if problems.messages:
                backup = self._backup_once(raw, "reset")
                where = f"the file as it was is kept at {backup}" if backup else "no copy was kept"
                count = len(problems.messages)
                were = "1 setting in" if count == 1 else f"{count} settings in"
                messages.append(
                    f"{were} {self.path} {'was' if count == 1 else 'were'} reset to defaults; "
                    f"{where}. Saving the settings writes the corrected values."
                )
            for message in messages:
                log.warning("%s", message)
            return settings, messages

    def save(self, settings: Settings) -> None:
        """Write the file atomically (temp file, fsync, rename): a failure leaves the old file
        as it was and raises SettingsError."""
        try:
            data = json.dumps(
                settings_to_json(settings), indent=2, ensure_ascii=False, default=_json_default
            )
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"the settings cannot be saved: {exc}", self.path) from exc
        with self._lock:
            try:
                _write_atomically(self.path, (data + "\n").encode("utf-8"))
            except OSError as exc:
                raise SettingsError(_save_advice(self.path, exc), self.path) from exc
        log.info("settings saved to %s", self.path)

    # -- loading steps --------------------------------------------------------------------------

    def _read(self, problems: Problems) -> tuple[Settings, list[str], bytes | None]:
        """The settings, the messages so far, and the file's bytes when values were parsed
        from them (so that a reset can keep a copy)."""
        if not self.path.exists():
            return Settings(), [], None
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            backup = self._move_aside("unreadable")
            kept = f"it was moved to {backup}" if backup else "saving will replace it"
            return (
                Settings(),
                [
                    f"the settings file {self.path} could not be read ({exc.strerror or exc}); "
                    f"{kept}; using default settings."
                ],
                None,
            )
        try:
            document = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return self._start_over(raw, "corrupt", f"is not valid settings JSON ({_why(exc)})")
        if not isinstance(document, dict):
            return self._start_over(raw, "corrupt", "does not hold a settings object")
        version = document.get("version")
        messages: list[str] = []
        if version is None:
            version = SETTINGS_VERSION
            messages.append(
                f"the settings file {self.path} has no version; read as version {version}"
            )
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            return self._start_over(raw, "unknown", f"has an unknown version {version!r}")
        if version > SETTINGS_VERSION:
            return self._start_over(
                raw,
                f"v{version}",
                f"was written by a newer eSync Desktop (settings version {version}, this one "
                f"reads up to {SETTINGS_VERSION})",
            )
        if version < SETTINGS_VERSION:
            try:
                document = migrate(document, version)
            except Exception as exc:  # a migration bug must not cost the user their settings
                log.exception("settings migration from version %s failed", version)
                return self._start_over(raw, f"v{version}", f"could not be upgraded ({exc})")
            backup = self._backup_once(raw, f"v{version}")
            messages.append(
                f"settings upgraded from version {version} to {SETTINGS_VERSION}; the old file is "
                f"kept at {backup}"
            )
        return settings_from_json(document, problems), messages, raw

    def _start_over(
        self, raw: bytes, label: str, what: str
    ) -> tuple[Settings, list[str], bytes | None]:
        """Defaults, with the unusable file kept in a backup and the warning saying where."""
        backup = self._backup_once(raw, label)
        kept = f"it is kept at {backup}" if backup else "no copy could be kept"
        message = f"the settings file {self.path} {what}; {kept}; using default settings."
        return Settings(), [message], None

    def _backup_path(self, label: str) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        candidate = self.path.with_name(f"{self.path.name}.{label}-{stamp}.bak")
        n = 1
        while candidate.exists():
            n += 1
            candidate = self.path.with_name(f"{self.path.name}.{label}-{stamp}-{n}.bak")
        return candidate

    def _backup_once(self, raw: bytes | None, label: str) -> Path | None:
        """A copy of `raw` next to the file, reusing an identical earlier backup so that loading
        the same bad file on every start does not pile up copies."""
        if raw is None:
            return None
        for existing in sorted(self.path.parent.glob(f"{self.path.name}.{label}-*.bak")):
            try:
                if existing.read_bytes() == raw:
                    return existing
            except OSError:
                continue
        target = self._backup_path(label)
        try:
            _write_atomically(target, raw)
        except OSError as exc:
            log.error("cannot keep a backup of the settings at %s: %s", target, exc)
            return None
        return target

    def _move_aside(self, label: str) -> Path | None:
        target = self._backup_path(label)
        try:
            os.replace(self.path, target)
        except OSError:
            return None
        return target


def _why(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
    return "not UTF-8 text"


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _write_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, then rename over the target: a reader (or a crash)
    sees either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder for this."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _save_advice(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "the disk is full: free some space, then save again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = f"the folder {path.parent} is not writable: check its permissions, then save again"
    else:
        what = f"{exc.strerror or exc}: check the folder {path.parent}, then save again"
    return f"Could not save the settings to {path}: {what}. The previous settings are unchanged."
