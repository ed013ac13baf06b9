"""The emulators' state: named tables of JSON documents, optionally persisted to SQLite."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from esync_desktop.sandbox.http import dumps


class Table:
    """An ordered id -> document map; changes are remembered until the store flushes."""

    def __init__(self, store: Store, name: str) -> None:
        self._store = store
        self.name = name
        self.rows: dict[str, dict[str, Any]] = {}

    def get(self, key: str | int) -> dict[str, Any] | None:
        return self.rows.get(str(key))

    def put(self, key: str | int, doc: dict[str, Any]) -> dict[str, Any]:
        self.rows[str(key)] = doc
        self._store._dirty.add((self.name, str(key)))
        return doc

    def touch(self, key: str | int) -> None:
        """Mark a document changed in place as dirty."""
        self._store._dirty.add((self.name, str(key)))

    def delete(self, key: str | int) -> dict[str, Any] | None:
        doc = self.rows.pop(str(key), None)
        if doc is not None:
            self._store._dirty.add((self.name, str(key)))
        return doc

    def values(self) -> list[dict[str, Any]]:
        return list(self.rows.values())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self.rows.values()))

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, key: object) -> bool:
        return str(key) in self.rows

    def clear(self) -> None:
        for key in self.rows:
            self._store._dirty.add((self.name, key))
        self.rows.clear()


class Store:
    """All tables of one sandbox. Handlers run under `lock`; `flush()` persists what changed."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._tables: dict[str, Table] = {}
        self._dirty: set[tuple[str, str]] = set()
        self.meta: dict[str, Any] = {}
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS records"
                " (tbl TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tbl, id))"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self._load()

    @property
    def is_empty(self) -> bool:
        return not any(len(t) for t in self._tables.values()) and not self.meta

    def table(self, name: str) -> Table:
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = Table(self, name)
        return table

    def next_id(self, counter: str, start: int = 1) -> int:
        value = int(self.meta.get(f"seq:{counter}", start - 1)) + 1
        self.meta[f"seq:{counter}"] = value
        return value

    def clear(self) -> None:
        for table in self._tables.values():
            table.clear()
        self.meta.clear()
        if self._db is not None:
            with self._db:
                self._db.execute("DELETE FROM records")
                self._db.execute("DELETE FROM meta")
            self._dirty.clear()

    def flush(self) -> None:
        if self._db is None:
            self._dirty.clear()
            return
        with self.lock, self._db:
            for tbl, key in self._dirty:
                doc = self._tables[tbl].rows.get(key) if tbl in self._tables else None
                if doc is None:
                    self._db.execute("DELETE FROM records WHERE tbl=? AND id=?", (tbl, key))
                else:
                    self._db.execute(
                        "INSERT OR REPLACE INTO records (tbl, id, doc) VALUES (?, ?, ?)",
                        (tbl, key, dumps_exact(doc)),
                    )
            self._db.execute("DELETE FROM meta")
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in self.meta.items()],
            )
            self._dirty.clear()

    def close(self) -> None:
        if self._db is not None:
            self.flush()
            self._db.close()
            self._db = None

    def _load(self) -> None:
        assert self._db is not None
        for tbl, key, doc in self._db.execute("SELECT tbl, id, doc FROM records ORDER BY rowid"):
            self.table(tbl).rows[key] = json.loads(doc, parse_float=Decimal)
        for key, value in self._db.execute("SELECT key, value FROM meta"):
            self.meta[key] = json.loads(value)


def dumps_exact(doc: dict[str, Any]) -> str:
    """JSON for storage; Decimals keep every digit (as strings tagged for reload would be overkill:
    the emulators only store money they were sent, at most 4 decimals, which floats round-trip)."""
    return dumps(doc).decode()
