"""The state database's schema as an ordered list of migrations, and the code that applies them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from esync_desktop.storage.state.records import StateError

Migration = Callable[[sqlite3.Connection], None]


def _statements(*sql: str) -> Migration:
    """A migration made of plain statements (run one by one: executescript would commit)."""

    def run(conn: sqlite3.Connection) -> None:
        for statement in sql:
            conn.execute(statement)

    return run


_V1 = _statements(
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task TEXT NOT NULL,
        trigger TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        result TEXT NOT NULL DEFAULT 'running',
        cancelled INTEGER NOT NULL DEFAULT 0,
        counts TEXT NOT NULL DEFAULT '{}',
        api_calls TEXT NOT NULL DEFAULT '{}',
        error TEXT,
        pid INTEGER
    )""",
    "CREATE INDEX runs_by_task ON runs (task, started_at)",
    """CREATE TABLE run_items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        action TEXT NOT NULL,
        sku TEXT,
        planned TEXT,
        outcome TEXT NOT NULL,
        reason TEXT,
        clover_id TEXT,
        clover_name TEXT,
        bc_id INTEGER,
        bc_name TEXT,
        name TEXT,
        changes TEXT NOT NULL DEFAULT '{}',
        detail TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX run_items_by_run ON run_items (run_id, id)",
    """CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL,
        sku TEXT,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        status TEXT NOT NULL CHECK (status IN
            ('intent', 'confirmed', 'failed', 'resolved_applied', 'resolved_not_applied')),
        remote_id TEXT,
        result TEXT,
        message TEXT NOT NULL DEFAULT '',
        how TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX journal_by_status ON journal (status, id)",
    """CREATE TABLE cursors (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE item_hashes (
        action TEXT NOT NULL,
        sku TEXT NOT NULL,
        hash TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (action, sku)
    ) WITHOUT ROWID""",
    """CREATE TABLE log_entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        api TEXT,
        method TEXT,
        path TEXT,
        status INTEGER,
        duration_ms REAL,
        attempt INTEGER,
        request_body TEXT,
        response_body TEXT,
        error TEXT,
        action TEXT,
        sku TEXT,
        message TEXT NOT NULL DEFAULT '',
        details TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX log_by_run ON log_entries (run_id, id)",
    "CREATE INDEX log_by_time ON log_entries (at)",
)

# The facts a run's item keeps for the owner's words (domain.plan.PlanRow has the same).
_V2 = _statements(
    "ALTER TABLE run_items ADD COLUMN missing_categories TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE run_items ADD COLUMN held_back_by TEXT",
)

# A run's item keeps its row's facts (PlanRow.facts: an order's numbers, a refund's id...), so
# History names both stores' references without reading them out of the words.
_FACTS = _statements("ALTER TABLE run_items ADD COLUMN facts TEXT NOT NULL DEFAULT '{}'")

# What the engine remembers of both stores (storage/state/links.py, docs/ENGINE.md "Links"):
# SKU <-> ids, the values last written and last confirmed per field (stock per location), the
# records as last read (what a delta run plans from) and when each part was last read.
_LINKS = _statements(
    """CREATE TABLE links (
        scope TEXT NOT NULL,
        sku_key TEXT NOT NULL,
        sku TEXT NOT NULL,
        clover_item_id TEXT,
        bc_product_id INTEGER,
        bc_variant_id INTEGER,
        checked_at TEXT NOT NULL,
        PRIMARY KEY (scope, sku_key)
    ) WITHOUT ROWID""",
    "CREATE INDEX links_by_product ON links (scope, bc_product_id)",
    """CREATE TABLE link_fields (
        scope TEXT NOT NULL,
        sku_key TEXT NOT NULL,
        field TEXT NOT NULL,
        location_id INTEGER NOT NULL DEFAULT 0,
        written TEXT,
        written_at TEXT,
        confirmed TEXT,
        confirmed_at TEXT,
        PRIMARY KEY (scope, sku_key, field, location_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE link_records (
        scope TEXT NOT NULL,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (scope, kind, record_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE link_reads (
        scope TEXT NOT NULL,
        part TEXT NOT NULL,
        read_at TEXT NOT NULL,
        watermark_ms INTEGER,
        summary TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (scope, part)
    ) WITHOUT ROWID""",
)

# Field values each store had when a field was last synced (update-products' conflicts);
# _LINK_BASELINES moves them onto the link table.
_FIELD_VALUES = _statements(
    """CREATE TABLE field_values (
        scope TEXT NOT NULL,
        item TEXT NOT NULL,
        field TEXT NOT NULL,
        clover_value TEXT NOT NULL,
        web_value TEXT NOT NULL,
        at TEXT NOT NULL,
        choice TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (scope, item, field)
    ) WITHOUT ROWID""",
)

# The conflict baselines move onto the link table's field rows (storage/state/link_baselines.py):
# both stores' values at the last sync, when, and the owner's pick; the field_values rows are
# carried over (an item is a SKU key or `group:<id>`, the same keys) and the table dropped.
_BASELINES_TO_LINKS = _statements(
    "ALTER TABLE link_fields ADD COLUMN clover_value TEXT",
    "ALTER TABLE link_fields ADD COLUMN web_value TEXT",
    "ALTER TABLE link_fields ADD COLUMN values_at TEXT",
    "ALTER TABLE link_fields ADD COLUMN choice TEXT NOT NULL DEFAULT ''",
    """INSERT INTO link_fields (scope, sku_key, field, location_id, clover_value, web_value,
        values_at, choice)
    SELECT scope, item, field, 0, clover_value, web_value, at, choice FROM field_values WHERE 1
    ON CONFLICT (scope, sku_key, field, location_id) DO UPDATE SET
        clover_value = excluded.clover_value, web_value = excluded.web_value,
        values_at = excluded.values_at, choice = excluded.choice""",
    "DROP TABLE field_values",
)

# Cursor names of the merchants' last stock reads before they moved to the link table.
_STOCK_READ_CURSOR = ":stock-read:"


def _stock_reads_to_links(conn: sqlite3.Connection) -> None:
    """Each merchant's last stock read, kept as a cursor `<scope>:stock-read:<merchant>`, moves
    to the link table (sync/stock/last_read.py): its time in link_reads, each SKU's level in
    link_records, both under `clover_stock:<merchant>`. An unreadable one is dropped (the next
    read of that merchant records it again)."""
    rows = conn.execute(
        "SELECT name, value FROM cursors WHERE instr(name, ?) > 0", (_STOCK_READ_CURSOR,)
    ).fetchall()
    for name, value in rows:
        scope, _, merchant = name.partition(_STOCK_READ_CURSOR)
        conn.execute("DELETE FROM cursors WHERE name = ?", (name,))
        parsed = _stock_read(value)
        if parsed is None:
            continue
        read_ms, summary, docs = parsed
        part = f"clover_stock:{merchant}"
        read_at = datetime.fromtimestamp(read_ms / 1000, UTC).isoformat(timespec="milliseconds")
        conn.execute(
            "INSERT OR REPLACE INTO link_reads (scope, part, read_at, watermark_ms, summary) "
            "VALUES (?, ?, ?, ?, ?)",
            (scope, part, read_at, read_ms, json.dumps(summary, sort_keys=True)),
        )
        conn.executemany(
            "INSERT OR REPLACE INTO link_records (scope, kind, record_id, doc) VALUES (?, ?, ?, ?)",
            [(scope, part, key, json.dumps(doc, separators=(",", ":"))) for key, doc in docs],
        )


def _stock_read(
    value: str,
) -> tuple[int, dict[str, object], list[tuple[str, dict[str, str]]]] | None:
    try:
        record = json.loads(value)
        read_ms = record["read_ms"]
        if type(read_ms) is not int:
            return None
        levels = record.get("levels") or {}
        docs = [(str(k), {"sku": str(v[0]), "level": str(v[1])}) for k, v in levels.items()]
        summary = {k: record.get(k) for k in ("merchant", "location_id", "location")}
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None
    return read_ms, summary, docs


def _link_moves(conn: sqlite3.Connection) -> None:
    """What the link table now keeps: the conflict baselines and the last stock reads."""
    _BASELINES_TO_LINKS(conn)
    _stock_reads_to_links(conn)


# Records of a full read, written as they are read (not held until the plan is made), and
# moved into link_records in the transaction that saves the read (links_write).
_STAGED_RECORDS = _statements(
    """CREATE TABLE link_records_staged (
        read_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        doc TEXT NOT NULL,
        staged_at TEXT NOT NULL,
        PRIMARY KEY (read_id, kind, record_id)
    ) WITHOUT ROWID""",
)

# Ordered: MIGRATIONS[n - 1] takes the schema from version n - 1 to n. Never edit a released
# one; append a new one.
MIGRATIONS: list[Migration] = [
    _V1,
    _V2,
    _FACTS,
    _LINKS,
    _FIELD_VALUES,
    _link_moves,
    _STAGED_RECORDS,
]


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the database; 0 for a new (empty) one."""
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if row is None:
        return 0
    found = conn.execute("SELECT version FROM schema_version").fetchone()
    return int(found[0]) if found else 0


def migrate(conn: sqlite3.Connection, path: object) -> int:
    """Bring the schema to the newest version, each step in its own transaction, so a failing
    step leaves the database at the last good version. Returns the version reached."""
    target = len(MIGRATIONS)
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read inside the write transaction: another process may have migrated meanwhile.
            version = schema_version(conn)
            if version > target:
                raise StateError(
                    f"the state database {path} was written by a newer eSync Desktop (schema "
                    f"version {version}, this one knows up to {target}); update eSync Desktop"
                )
            if version == target:
                conn.execute("COMMIT")
                return version
            if version == 0:
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                conn.execute("DELETE FROM schema_version")
                conn.execute("INSERT INTO schema_version (version) VALUES (0)")
            MIGRATIONS[version](conn)
            conn.execute("UPDATE schema_version SET version = ?", (version + 1,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
