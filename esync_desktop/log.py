"""Logging, configured once: a rotating file, secret redaction, and a bounded in-memory buffer."""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from esync_desktop.paths import AppPaths, app_paths

LOG_FILE = "esync-desktop.log"
FILE_MAX_BYTES = 2 * 1024 * 1024
FILE_BACKUPS = 5
MEMORY_CAPACITY = 5000
REDACTED = "[REDACTED]"
FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"

# Secrets shorter than this are not redacted by value: replacing every "ab" in the log would make
# it unreadable and such a string cannot be a real token anyway.
MIN_SECRET_LENGTH = 6

# Header and parameter values that carry credentials, however they are printed: `Name: value`,
# `"Name": "value"`, `'Name': 'value'` or `name=value`. A Bearer/Basic scheme word is kept.
_HEADER_VALUE = re.compile(
    r"(?i)(?P<name>authorization|x-auth-token|access_token)"
    r"(?P<sep>[\"']?\s*[:=]\s*[\"']?)"
    r"(?!(?:(?:bearer|basic|token)\s+)?\[REDACTED\])"  # already redacted: leave it
    r"(?P<scheme>(?:bearer|basic|token)\s+)?"
    r"(?P<value>[^\s\"',;&}\]]+)"
)

_secrets_lock = threading.Lock()
_secrets: set[str] = set()
_secret_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Redact this exact string from every log record from now on (tokens as they are loaded)."""
    global _secret_pattern
    if not value or len(value.strip()) < MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first, so a secret that contains another is replaced whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _secret_pattern = re.compile("|".join(re.escape(s) for s in ordered))


def longest_secret() -> int:
    """The length of the longest registered secret (0 when none): how far past a cut a secret
    that starts before it can reach."""
    with _secrets_lock:
        return max(map(len, _secrets), default=0)


def redact(text: str) -> str:
    """`text` without registered secrets and without credential header values."""
    text = _HEADER_VALUE.sub(lambda m: f"{m['name']}{m['sep']}{m['scheme'] or ''}{REDACTED}", text)
    pattern = _secret_pattern
    return pattern.sub(REDACTED, text) if pattern is not None else text


class RedactionFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack with secrets removed."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_esync_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad %-format must still reach the log, redacted
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._esync_redacted = True
        return True


@dataclass(frozen=True)
class LogLine:
    """One redacted record as the log panel shows it."""

    created: float
    level: str
    levelno: int
    logger: str
    message: str


LogListener = Callable[[LogLine], None]


class MemoryLogHandler(logging.Handler):
    """Keeps the last `capacity` records and tells listeners (the UI's Qt bridge) of new ones."""

    def __init__(self, capacity: int = MEMORY_CAPACITY, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self._lines: deque[LogLine] = deque(maxlen=capacity)
        self._listeners: list[LogListener] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_text:
                message = f"{message}\n{record.exc_text}"
            line = LogLine(record.created, record.levelname, record.levelno, record.name, message)
            with self._guard:
                self._lines.append(line)
                listeners = list(self._listeners)
            for listener in listeners:
                listener(line)
        except Exception:
            self.handleError(record)

    def lines(self, min_level: int = logging.NOTSET) -> list[LogLine]:
        with self._guard:
            return [line for line in self._lines if line.levelno >= min_level]

    def clear(self) -> None:
        with self._guard:
            self._lines.clear()

    def add_listener(self, listener: LogListener) -> None:
        with self._guard:
            self._listeners.append(listener)

    def remove_listener(self, listener: LogListener) -> None:
        with self._guard:
            if listener in self._listeners:
                self._listeners.remove(listener)


@dataclass(frozen=True)
class LoggingSetup:
    """What configure_logging() installed on the root logger."""

    log_file: Path | None
    memory: MemoryLogHandler
    handlers: tuple[logging.Handler, ...]
    previous_level: int


_setup_lock = threading.Lock()
_setup: LoggingSetup | None = None


def configure_logging(
    paths: AppPaths | None = None,
    *,
    level: int = logging.INFO,
    console: bool = False,
    to_file: bool = True,
) -> LoggingSetup:
    """Install the handlers on the root logger once; later calls return the same setup.
    A log folder that cannot be created leaves file logging off (reported on the console)."""
    global _setup
    with _setup_lock:
        if _setup is not None:
            return _setup
        redaction = RedactionFilter()
        formatter = logging.Formatter(FORMAT)
        handlers: list[logging.Handler] = []
        log_file: Path | None = None
        file_error: OSError | None = None
        if to_file:
            folder = (paths or app_paths()).log_dir
            try:
                folder.mkdir(parents=True, exist_ok=True)
                log_file = folder / LOG_FILE
                handlers.append(
                    logging.handlers.RotatingFileHandler(
                        log_file,
                        maxBytes=FILE_MAX_BYTES,
                        backupCount=FILE_BACKUPS,
                        encoding="utf-8",
                    )
                )
            except OSError as exc:
                log_file, file_error = None, exc
        memory = MemoryLogHandler()
        handlers.append(memory)
        if console or file_error is not None:
            handlers.append(logging.StreamHandler())
        root = logging.getLogger()
        previous_level = root.level
        for handler in handlers:
            # On the handler, not the logger: a logger's filters do not see records that
            # propagate up from child loggers, a handler's do.
            handler.addFilter(redaction)
            handler.setFormatter(formatter)
            root.addHandler(handler)
        root.setLevel(level)
        _setup = LoggingSetup(log_file, memory, tuple(handlers), previous_level)
    if file_error is not None:
        logging.getLogger(__name__).error("cannot write the log file: %s", file_error)
    return _setup


def memory_handler() -> MemoryLogHandler | None:
    """The in-memory handler, once logging is configured."""
    return _setup.memory if _setup is not None else None


def reset_logging() -> None:
    """Remove what configure_logging() installed (tests, and a second configuration)."""
    global _setup
    with _setup_lock:
        if _setup is None:
            return
        root = logging.getLogger()
        for handler in _setup.handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(_setup.previous_level)
        _setup = None
