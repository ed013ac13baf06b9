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

from esync_desktop.storage.notices import (
    SETTINGS_RESET,
    SETTINGS_RESTORED,
    SETTINGS_UPGRADED,
    Notice,
)
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
    STALE_MODES,
    ActionConfig,
    BigCommerceConnection,
    BufferRule,
    CloverConnection,
    MerchantConfig,
    Schedule,
    Settings,
    StockSettings,
    TaskConfig,
    WeightRules,
)

__all__ = [
    "CLOVER_REGION_IDS",
    "MIGRATIONS",
    "SCHEDULE_MODES",
    "SETTINGS_VERSION",
    "STALE_MODES",
    "ActionConfig",
    "BigCommerceConnection",
    "BufferRule",
    "CloverConnection",
    "MerchantConfig",
    "Schedule",
    "Settings",
    "SettingsError",
    "SettingsStore",
    "StockSettings",
    "TaskConfig",
    "WeightRules",
]

log = logging.getLogger(__name__)


class SettingsError(RuntimeError):
    """The settings could not be saved; the message names the file and what to do."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class _Unusable(Exception):
    """The file cannot be read as settings at all: `label` names its backup, `what` says why."""

    def __init__(self, label: str, what: str) -> None:
        super().__init__(what)
        self.label = label
        self.what = what


class SettingsStore:
    """Reads and writes one settings file (JSON). load() never raises: whatever it cannot use
    is kept in a backup next to the file and reported in the returned warnings. A copy of the
    last file that loaded or saved cleanly is kept beside it and put back when the file is
    damaged, rather than starting from defaults."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.last_good = self.path.with_name(self.path.name + ".last-good")
        self._lock = threading.Lock()
        # What the last load() found, as data (the returned warnings are their messages).
        self.notices: list[Notice] = []

    def load(self) -> tuple[Settings, list[str]]:
        """The settings and a warning for each thing that was reset, moved aside or upgraded."""
        with self._lock:
            problems = Problems()
            settings, notices, raw = self._read(problems)
            notices += [Notice(SETTINGS_RESET, m) for m in problems.messages]
            if problems.messages:
                backup = self._backup_once(raw, "reset")
                where = f"the file as it was is kept at {backup}" if backup else "no copy was kept"
                count = len(problems.messages)
                were = "1 setting in" if count == 1 else f"{count} settings in"
                message = (
                    f"{were} {self.path} {'was' if count == 1 else 'were'} reset to defaults; "
                    f"{where}. Saving the settings writes the corrected values."
                )
                notices.append(Notice(SETTINGS_RESET, message, moved_to=backup))
            elif raw is not None:
                self._keep_last_good(raw)
            for notice in notices:
                log.warning("%s", notice.message)
            self.notices = notices
            return settings, [n.message for n in notices]

    def save(self, settings: Settings) -> None:
        """Write the file atomically (temp file, fsync, rename): a failure leaves the old file
        as it was and raises SettingsError."""
        try:
            data = json.dumps(
                settings_to_json(settings), indent=2, ensure_ascii=False, default=_json_default
            )
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"the settings cannot be saved: {exc}", self.path) from exc
        encoded = (data + "\n").encode("utf-8")
        with self._lock:
            try:
                _write_atomically(self.path, encoded)
            except OSError as exc:
                raise SettingsError(_save_advice(self.path, exc), self.path) from exc
            self._keep_last_good(encoded)
        log.info("settings saved to %s", self.path)

    # -- loading steps --------------------------------------------------------------------------

    def _read(self, problems: Problems) -> tuple[Settings, list[Notice], bytes | None]:
        """The settings, the notices so far, and the file's bytes when values were parsed
        from them (so that a reset can keep a copy)."""
        if not self.path.exists():
            return Settings(), [], None
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            backup = self._move_aside("unreadable")
            kept = f"it was moved to {backup}" if backup else "saving will replace it"
            return self._fall_back(f"could not be read ({exc.strerror or exc})", kept, backup)
        try:
            settings, notices = self._parse(raw, problems)
        except _Unusable as bad:
            backup = self._backup_once(raw, bad.label)
            kept = f"it is kept at {backup}" if backup else "no copy could be kept"
            return self._fall_back(bad.what, kept, backup)
        return settings, notices, raw

    def _parse(self, raw: bytes, problems: Problems) -> tuple[Settings, list[Notice]]:
        """Settings from a file's bytes, migrated to this version; _Unusable when they are
        not settings this version can read."""
        try:
            document = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _Unusable("corrupt", f"is not valid settings JSON ({_why(exc)})") from None
        if not isinstance(document, dict):
            raise _Unusable("corrupt", "does not hold a settings object")
        version = document.get("version")
        notices: list[Notice] = []
        if version is None:
            version = SETTINGS_VERSION
            notices.append(
                Notice(
                    SETTINGS_UPGRADED,
                    f"the settings file {self.path} has no version; read as version {version}",
                )
            )
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise _Unusable("unknown", f"has an unknown version {version!r}")
        if version > SETTINGS_VERSION:
            raise _Unusable(
                f"v{version}",
                f"was written by a newer eSync Desktop (settings version {version}, this one "
                f"reads up to {SETTINGS_VERSION})",
            )
        if version < SETTINGS_VERSION:
            try:
                document = migrate(document, version)
            except Exception as exc:  # a migration bug must not cost the user their settings
                log.exception("settings migration from version %s failed", version)
                raise _Unusable(f"v{version}", f"could not be upgraded ({exc})") from None
            backup = self._backup_once(raw, f"v{version}")
            notices.append(
                Notice(
                    SETTINGS_UPGRADED,
                    f"settings upgraded from version {version} to {SETTINGS_VERSION}; the old "
                    f"file is kept at {backup}",
                    moved_to=backup,
                )
            )
        return settings_from_json(document, problems), notices

    def _fall_back(
        self, what: str, kept: str, backup: Path | None
    ) -> tuple[Settings, list[Notice], bytes | None]:
        """The last good copy put back in place of an unusable file, or defaults when there
        is no usable copy; the notice says which, and where the unusable file is kept."""
        restored = self._restore_last_good()
        if restored is None:
            message = f"the settings file {self.path} {what}; {kept}; using default settings."
            return Settings(), [Notice(SETTINGS_RESET, message, moved_to=backup)], None
        settings, as_of = restored
        message = (
            f"the settings file {self.path} {what}; {kept}. The last good copy of the settings "
            f"(saved {as_of:%Y-%m-%d %H:%M}) was put back: changes made after it are lost."
        )
        notice = Notice(
            SETTINGS_RESTORED, message, moved_to=backup, restored_from=self.last_good,
            good_as_of=as_of,
        )  # fmt: skip
        return settings, [notice], None

    def _restore_last_good(self) -> tuple[Settings, datetime] | None:
        try:
            raw = self.last_good.read_bytes()
            as_of = datetime.fromtimestamp(self.last_good.stat().st_mtime)
        except OSError:
            return None
        problems = Problems()
        try:
            settings, _ = self._parse(raw, problems)
        except _Unusable as bad:
            log.error("the last good settings copy %s %s; not using it", self.last_good, bad.what)
            return None
        if problems.messages:
            log.error("the last good settings copy %s has bad values; not using it", self.last_good)
            return None
        try:
            _write_atomically(self.path, raw)
        except OSError as exc:
            log.warning("could not put the last good settings back in %s: %s", self.path, exc)
        return settings, as_of

    def _keep_last_good(self, raw: bytes) -> None:
        """A copy of settings that loaded or saved cleanly (written only when it changed)."""
        try:
            if self.last_good.exists() and self.last_good.read_bytes() == raw:
                return
            _write_atomically(self.last_good, raw)
        except OSError as exc:
            log.warning("could not keep a last good copy of the settings: %s", exc)

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
