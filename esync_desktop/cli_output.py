"""What the CLI prints: the readable table and summary, and the progress bar on a terminal."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from esync_desktop.sync.runner import Progress

OUTCOME_ORDER = ("create", "update", "fail", "skip", "unchanged")


def print_json(document: Mapping[str, Any], out: TextIO | None = None) -> None:
    out = out if out is not None else sys.stdout
    out.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")


def _change_text(changes: Mapping[str, Any]) -> str:
    parts = []
    for name, (old, new) in changes.items():
        if old is None and name in ("name", "sku"):
            continue  # already in the row's own columns
        if isinstance(new, list):
            new = ", ".join(str(v) for v in new)
        parts.append(f"{name} {new}" if old is None else f"{name} {old} -> {new}")
    return "; ".join(parts)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _row_line(row: Mapping[str, Any], width: int) -> str:
    what = row["reason"] or _change_text(row["changes"])
    if row["detail"] and row["outcome"] in ("skip", "fail"):
        what = f"{what}: {row['detail']}"
    name = row["clover_name"] or row["bc_name"] or ""
    text = f"  {row['outcome']:<9} {row['sku'] or '-':<16} {_cut(name, 28):<28} {what}"
    return _cut(text, width)


def print_table(
    document: Mapping[str, Any], *, show_all: bool, verb: str, out: TextIO | None = None
) -> None:
    """One block per action: what is written or failed row by row, skips grouped by reason
    (every row with --all), then the summary."""
    out = out if out is not None else sys.stdout
    width = max(80, shutil.get_terminal_size((120, 20)).columns)
    for action in document["actions"]:
        counts = action["counts"]
        line = ", ".join(f"{counts[o]} {o}" for o in OUTCOME_ORDER if counts.get(o))
        out.write(f"\n{action['action']}: {line or 'nothing'}\n")
        rows = sorted(action["rows"], key=lambda r: OUTCOME_ORDER.index(r["outcome"]))
        grouped: dict[str, list[str]] = {}
        for row in rows:
            if show_all or row["outcome"] in ("create", "update", "fail"):
                out.write(_row_line(row, width) + "\n")
            elif row["outcome"] == "skip":
                label = row["sku"] or row["clover_name"] or row["clover_id"] or "?"
                grouped.setdefault(row["reason"], []).append(label)
        for reason, labels in grouped.items():
            shown = ", ".join(labels[:6]) + (f" +{len(labels) - 6} more" if len(labels) > 6 else "")
            out.write(_cut(f"  skip      {reason} ({len(labels)}): {shown}", width) + "\n")
        if not show_all and (counts.get("skip") or counts.get("unchanged")):
            out.write("  (--all lists every row, with the reason's details)\n")
        if action.get("note"):
            out.write(f"  note: {action['note']}\n")
    summary = document["summary"]
    calls = document["api_calls"]
    out.write(
        f"\n{verb}: "
        + ", ".join(f"{summary[o]} {o}" for o in OUTCOME_ORDER)
        + f"  (API calls: Clover {calls.get('clover', 0)}, "
        f"BigCommerce {calls.get('bigcommerce', 0)})\n"
    )


class ProgressBar:
    """A one-line bar on stderr, redrawn in place; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        stream = stream if stream is not None else sys.stderr
        self.stream = stream
        self.enabled = stream.isatty()
        self._drawn = False

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        width = 30
        if progress.total:
            filled = int(width * progress.done / progress.total)
            bar = "#" * filled + "-" * (width - filled)
            text = f"[{bar}] {progress.done}/{progress.total} {progress.sku or ''}"
        else:
            text = progress.message
        columns = shutil.get_terminal_size((80, 20)).columns
        self.stream.write("\r" + _cut(text, columns - 1).ljust(columns - 1))
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
