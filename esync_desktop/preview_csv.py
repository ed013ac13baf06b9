"""The preview as a CSV file, in the owner's words (the window's export and `preview --csv`).

Cells that a spreadsheet would run as a formula are neutralised (OWASP's CSV injection rule):
a Clover name such as `=HYPERLINK(...)` is written with a leading single quote.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from esync_desktop import wording
from esync_desktop.domain.plan import PlanRow

EXPORT_FIELDS = ["SKU", "Clover name", "BigCommerce name", "Action", "Result", "Why",
                 "What to do", "Changes", "Details"]  # fmt: skip

# What a spreadsheet takes as the start of a formula (or of a cell split by tab / CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """The CSV could not be written; says where and what to do."""

    title = "The preview was not saved"

    def __init__(self, path: Path, reason: str) -> None:
        self.message = (
            f"Could not write {path}: {reason}. Choose another folder, or free some disk space, "
            "and export again."
        )
        super().__init__(self.message)


def safe_cell(text: str) -> str:
    """The cell as a spreadsheet shows it literally: a formula start gets a leading quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row_cells(row: PlanRow, fix: str) -> list[str]:
    cells = [
        row.sku or "",
        row.clover_name or "",
        row.bc_name or "",
        wording.action_label(row.action),
        wording.OUTCOME_LABELS[row.outcome],
        wording.reason_text(row),
        fix,
        wording.changes_text(row.changes),
        row.detail,
    ]
    return [safe_cell(cell) for cell in cells]


def export_rows(path: Path, rows: Sequence[PlanRow], fix_for: Callable[[PlanRow], str]) -> int:
    """Writes the rows next to `path` and moves the file into place, so a full disk or a
    killed process never leaves half a CSV under the chosen name. Returns the row count."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_FIELDS)
            writer.writerows(row_cells(row, fix_for(row)) for row in rows)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(path, exc.strerror or str(exc)) from exc
    return len(rows)
