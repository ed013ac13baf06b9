"""The integration log: every HTTP exchange and every mapping error, searchable and pruned."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from esync_desktop.log import redact
from esync_desktop.storage.state.base import Database, dumps, loads, now_text, parse_time, to_text
from esync_desktop.storage.state.records import EXCHANGE, MAPPING_ERROR, LogEntry

# Bodies are truncated by the connectors already; this bounds what one entry can cost here.
MAX_BODY_CHARS = 64 * 1024
KEEP_DAYS = 30
KEEP_ROWS = 200_000
_EXCHANGE_FIELDS = (
    "api", "method", "path", "status", "duration_ms", "request_body", "response_body", "error",
    "attempt",
)  # fmt: skip
_SEARCHED = ("message", "path", "error", "sku", "action", "api", "request_body", "response_body")


class IntegrationLogMixin(Database):
    """Entries are redacted again on the way in: a token must never reach the database."""

    def log_exchange(self, run_id: int | None, exchange: Any) -> int:
        """Record an HTTP exchange (connectors.http.Exchange, or a mapping with its fields)."""
        fields: dict[str, Any] = {
            name: exchange.get(name)
            if isinstance(exchange, Mapping)
            else getattr(exchange, name, None)
            for name in _EXCHANGE_FIELDS
        }
        for name in ("path", "request_body", "response_body", "error"):
            fields[name] = _text(fields[name])
        query = _text(
            exchange.get("query")
            if isinstance(exchange, Mapping)
            else getattr(exchange, "query", "")
        )
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO log_entries (run_id, at, kind, api, method, path, status, "
                "duration_ms, attempt, request_body, response_body, error, details) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    now_text(),
                    EXCHANGE,
                    fields["api"],
                    fields["method"],
                    fields["path"],
                    fields["status"],
                    fields["duration_ms"],
                    fields["attempt"],
                    fields["request_body"],
                    fields["response_body"],
                    fields["error"],
                    # The query (already redacted by the HTTP layer): which page, which filter.
                    dumps({"query": query}) if query else "{}",
                ),
            )
            return int(cursor.lastrowid or 0)

    def log_mapping_error(
        self,
        run_id: int | None,
        action: str,
        sku: str | None = None,
        message: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> int:
        """Record an item the store refused or that could not be mapped. Called with only a
        text after the run id (no message), that text is the message and no action is named."""
        if message is None:
            action, message = "", action
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO log_entries (run_id, at, kind, action, sku, message, details) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    now_text(),
                    MAPPING_ERROR,
                    action or None,
                    sku,
                    redact(message),
                    redact(dumps(dict(details or {}))),
                ),
            )
            return int(cursor.lastrowid or 0)

    def log_entries(
        self,
        *,
        run_id: int | None = None,
        kind: str | None = None,
        text: str = "",
        limit: int = 5000,
    ) -> list[LogEntry]:
        """The latest `limit` entries matching every filter given, oldest first. `text` is a
        case-insensitive substring of the message, path, error, SKU, action, API or bodies."""
        where: list[str] = []
        params: list[Any] = []
        if run_id is not None:
            where.append("run_id = ?")
            params.append(run_id)
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        if text.strip():
            pattern = "%" + _escape_like(text.strip()) + "%"
            where.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in _SEARCHED) + ")")
            params.extend([pattern] * len(_SEARCHED))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(
            f"SELECT * FROM log_entries {clause} ORDER BY id DESC LIMIT ?", (*params, limit)
        )
        return [_entry(row) for row in reversed(rows)]

    def prune_log(
        self,
        *,
        max_age_days: int = KEEP_DAYS,
        max_rows: int = KEEP_ROWS,
        now: datetime | None = None,
    ) -> int:
        """Delete entries older than `max_age_days` and all but the newest `max_rows`."""
        cutoff = to_text((now or datetime.now().astimezone()) - timedelta(days=max_age_days))
        with self._tx() as conn:
            removed = conn.execute("DELETE FROM log_entries WHERE at < ?", (cutoff,)).rowcount
            row = conn.execute(
                "SELECT id FROM log_entries ORDER BY id DESC LIMIT 1 OFFSET ?", (max_rows,)
            ).fetchone()
            if row is not None:
                removed += conn.execute("DELETE FROM log_entries WHERE id <= ?", (row[0],)).rowcount
        return removed


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    # Redact before cutting: a token cut in half would no longer be recognised.
    text = redact(text)
    if len(text) > MAX_BODY_CHARS:
        text = text[:MAX_BODY_CHARS] + f"... [{len(text) - MAX_BODY_CHARS} more characters]"
    return text


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _entry(row: sqlite3.Row) -> LogEntry:
    at = parse_time(row["at"])
    assert at is not None  # NOT NULL in the schema
    return LogEntry(
        id=row["id"],
        run_id=row["run_id"],
        at=at,
        kind=row["kind"],
        api=row["api"],
        method=row["method"],
        path=row["path"],
        status=row["status"],
        duration_ms=row["duration_ms"],
        attempt=row["attempt"],
        request_body=row["request_body"],
        response_body=row["response_body"],
        error=row["error"],
        action=row["action"],
        sku=row["sku"],
        message=row["message"],
        details=loads(row["details"]) or {},
    )
