"""The value of each synced field in both stores when it was last synced or chosen, per store
pair: what conflict detection compares against (sync/last_synced.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from esync_desktop.storage.state.base import Database, dumps, loads, now_text


@dataclass(frozen=True)
class FieldValue:
    item: str
    field: str
    clover_value: Any
    web_value: Any
    at: str
    # "clover" when the owner chose Clover's value in a conflict and it is not written yet.
    choice: str = ""


class FieldValuesMixin(Database):
    def field_values(self, scope: str) -> list[FieldValue]:
        rows = self._rows(
            "SELECT item, field, clover_value, web_value, at, choice FROM field_values "
            "WHERE scope = ?",
            (scope,),
        )
        return [
            FieldValue(
                r["item"],
                r["field"],
                loads(r["clover_value"]),
                loads(r["web_value"]),
                r["at"],
                r["choice"],
            )
            for r in rows
        ]

    def set_field_values(
        self, scope: str, values: Iterable[tuple[str, str, Any, Any, str]]
    ) -> None:
        """(item, field, clover value, web value, choice) rows, replacing earlier ones."""
        now = now_text()
        with self._tx() as conn:
            conn.executemany(
                "INSERT INTO field_values (scope, item, field, clover_value, web_value, at, "
                "choice) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, item, field) DO "
                "UPDATE SET clover_value = excluded.clover_value, web_value = "
                "excluded.web_value, at = excluded.at, choice = excluded.choice",
                [
                    (scope, item, name, dumps(clover), dumps(web), now, choice)
                    for item, name, clover, web, choice in values
                ],
            )
