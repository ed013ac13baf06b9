"""What every CLI command needs: the exit codes, opening the facade, and reporting an error
(on stderr, and as a JSON document with --json)."""

from __future__ import annotations

import sys
from typing import Any

from esync_desktop.cli_output import print_json
from esync_desktop.storage.state import StateError

EXIT_OK, EXIT_ITEMS_FAILED, EXIT_USAGE, EXIT_CONNECT = 0, 1, 2, 3


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def fail_json(
    message: str, code: int, kind: str, json_out: bool, done: dict[str, Any] | None = None
) -> int:
    """The error on stderr and, with --json, a document on stdout: what was done (the task,
    the rows so far) beside an `error` object, so a script always has something to read."""
    if json_out:
        print_json({**(done or {}), "error": {"kind": kind, "message": message}})
    return _fail(message, code)


def open_services(json_out: bool = False) -> Any:
    """The facade, or None after printing why it cannot be opened."""
    # lazy: the facade loads httpx and the whole engine; help and usage errors answer without it.
    from esync_desktop.app import Services

    try:
        return Services()
    except StateError as exc:
        fail_json(str(exc), EXIT_USAGE, "data", json_out)
        return None
    except OSError as exc:
        message = f"cannot open the settings or data folder: {exc}. Check ESYNC_HOME."
        fail_json(message, EXIT_USAGE, "data", json_out)
        return None
