"""The preview as a CSV file, written in the background (100k rows take about a second)."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from esync_desktop.sync.model import PlanRow
from esync_desktop.ui import messages

EXPORT_FIELDS = ["SKU", "Clover name", "BigCommerce name", "Action", "Result", "Why",
                 "What to do", "Changes", "Details"]  # fmt: skip


class ExportError(Exception):
    """The CSV could not be written; says where and what to do."""

    title = "The preview was not saved"

    def __init__(self, path: Path, reason: str) -> None:
        self.message = (
            f"Could not write {path}: {reason}. Choose another folder, or free some disk space, "
            "and export again."
        )
        super().__init__(self.message)


def export_rows(path: Path, rows: Sequence[PlanRow], fix_for: Callable[[PlanRow], str]) -> int:
    """Writes the rows next to `path` and moves the file into place, so a full disk or a
    killed process never leaves half a CSV under the chosen name. Returns the row count."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_FIELDS)
            writer.writerows(
                [
                    row.sku or "",
                    row.clover_name or "",
                    row.bc_name or "",
                    messages.action_label(row.action),
                    messages.OUTCOME_LABELS[row.outcome],
                    messages.reason_text(row),
                    fix_for(row),
                    messages.changes_text(row.changes),
                    row.detail,
                ]
                for row in rows
            )
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(path, exc.strerror or str(exc)) from exc
    return len(rows)
