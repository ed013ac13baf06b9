"""What each store had in a field when it was last synced or chosen, kept on the link table's
field rows (`link_fields`, location 0, beside the value last written and last confirmed): what
conflict detection compares against (sync/last_synced.py). The two sides may differ: the owner
kept the web's value in a conflict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from esync_desktop.storage.state.base import Database, dumps, loads, now_text
from esync_desktop.storage.state.links import NO_LOCATION


@dataclass(frozen=True)
class FieldBaseline:
    """One field of one item (a SKU key, or `group:<id>` for a product's own fields)."""

    item: str
    field: str
    clover_value: Any
    web_value: Any
    at: str
    # "clover" when the owner chose Clover's value in a conflict and it is not written yet.
    choice: str = ""


class LinkBaselinesMixin(Database):
    def link_baselines(self, scope: str) -> list[FieldBaseline]:
        rows = self._rows(
            "SELECT sku_key, field, clover_value, web_value, values_at, choice FROM link_fields "
            "WHERE scope = ? AND location_id = ? AND values_at IS NOT NULL",
            (scope, NO_LOCATION),
        )
        return [
            FieldBaseline(
                r["sku_key"],
                r["field"],
                loads(r["clover_value"]),
                loads(r["web_value"]),
                r["values_at"],
                r["choice"],
            )
            for r in rows
        ]

    def set_link_baselines(
        self, scope: str, values: Iterable[tuple[str, str, Any, Any, str]]
    ) -> None:
        """(item, field, Clover's value, the web's value, choice) rows, replacing earlier ones;
        the values last written and confirmed on those rows stay as they are."""
        now = now_text()
        with self._tx() as conn:
            conn.executemany(
                "INSERT INTO link_fields (scope, sku_key, field, location_id, clover_value, "
                "web_value, values_at, choice) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (scope, sku_key, field, location_id) DO UPDATE SET "
                "clover_value = excluded.clover_value, web_value = excluded.web_value, "
                "values_at = excluded.values_at, choice = excluded.choice",
                [
                    (scope, item, name, NO_LOCATION, dumps(clover), dumps(web), now, choice)
                    for item, name, clover, web, choice in values
                ],
            )
