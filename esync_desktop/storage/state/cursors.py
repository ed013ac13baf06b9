"""Per-action cursors (JSON values) and content hashes per (action, SKU)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from esync_desktop.storage.state.base import Database, dumps, loads, now_text

# SQLite allows 999 bound parameters in older builds; stay well below in IN (...) lists.
_CHUNK = 500


class CursorsMixin(Database):
    """Cursor values are whatever JSON object the engine keeps (e.g. a watermark and hashes)."""

    def get_cursor(self, name: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT value FROM cursors WHERE name = ?", (name,))
        return loads(rows[0]["value"]) if rows else None

    def set_cursor(self, name: str, value: Mapping[str, Any]) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (name, dumps(dict(value)), now_text()),
            )

    def delete_cursors(self, *, prefix: str = "") -> int:
        """Forget the cursors (and hashes) whose name starts with `prefix` (all when empty):
        the next run of those actions starts from scratch."""
        pattern = _like_prefix(prefix)
        with self._tx() as conn:
            removed = conn.execute(
                "DELETE FROM cursors WHERE name LIKE ? ESCAPE '\\'", (pattern,)
            ).rowcount
            conn.execute("DELETE FROM item_hashes WHERE action LIKE ? ESCAPE '\\'", (pattern,))
        return removed

    def get_hashes(self, action: str, skus: Iterable[str]) -> dict[str, str]:
        """The recorded content hash of each of these SKUs that has one."""
        wanted = list(dict.fromkeys(skus))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._rows(
                "SELECT sku, hash FROM item_hashes WHERE action = ? AND sku IN "
                f"({', '.join('?' * len(chunk))})",
                (action, *chunk),
            )
            found.update({row["sku"]: row["hash"] for row in rows})
        return found

    def set_hashes(self, action: str, hashes: Mapping[str, str]) -> None:
        now = now_text()
        with self._tx() as conn:
            conn.executemany(
                "INSERT INTO item_hashes (action, sku, hash, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (action, sku) DO UPDATE SET hash = excluded.hash, "
                "updated_at = excluded.updated_at",
                [(action, sku, digest, now) for sku, digest in hashes.items()],
            )


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
