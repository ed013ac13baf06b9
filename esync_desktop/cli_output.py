"""What the CLI prints: the preview or sync in the owner's words (the window's labels and "what
to do" texts, from esync_desktop.wording), --json with the stable codes, and the progress bar."""

from __future__ import annotations

import json
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from esync_desktop import wording
from esync_desktop.domain.plan import Outcome
from esync_desktop.sync import analysis

if TYPE_CHECKING:
    from esync_desktop.sync.runner import Progress

# Rows in this order within a step: what is written first, then what needs the owner.
OUTCOME_ORDER = ("create", "update", "fail", "skip", "unchanged")
SHOWN_PER_GROUP = 8  # SKUs listed per group of skips (--all lists every row)
SKU_COLUMN = 16  # padding only: a longer SKU is printed whole


def print_json(document: Mapping[str, Any], out: TextIO | None = None) -> None:
    out = out if out is not None else sys.stdout
    out.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")


def print_json_chunks(chunks: Iterable[str], out: TextIO | None = None) -> None:
    """A JSON document written as it is made (see sync.report.plan_json_chunks)."""
    out = out if out is not None else sys.stdout
    for chunk in chunks:
        out.write(chunk)
    out.write("\n")


def printable(text: object) -> str:
    """Text from a store as a terminal shows it harmlessly: control and format characters
    (escape sequences, bidirectional overrides) are written as escapes, e.g. \\x1b."""
    value = "" if text is None else str(text)
    if all(ch.isprintable() or ch == " " for ch in value):
        return value
    return "".join(
        ch
        if ch == " " or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
        else ch.encode("unicode_escape").decode("ascii")
        for ch in value
    )


@dataclass(frozen=True)
class Heading:
    """What the printed report is about."""

    task: str
    default_task: bool
    demo: bool
    applied: bool


def heading_text(heading: Heading) -> str:
    which = ", the default task" if heading.default_task else ""
    where = " (demo stores)" if heading.demo else ""
    what = "Sync of" if heading.applied else "Preview of"
    after = "" if heading.applied else ": nothing is written"
    return f"{what} “{printable(heading.task)}”{which}{where}{after}."


def _name(row: Any) -> str:
    return printable(row.clover_name or row.bc_name or "")


def _sku(row: Any) -> str:
    return printable(row.sku or "-")


def _row_line(row: Any, fix: str) -> list[str]:
    label = wording.OUTCOME_LABELS.get(row.outcome, row.outcome)
    head = f"  {label:<12} {_sku(row):<{SKU_COLUMN}} {_name(row)}"
    # A stock step has a row per SKU and location: the location tells the two apart.
    location = (getattr(row, "facts", None) or {}).get("location")
    if location and row.outcome in (Outcome.CREATE, Outcome.UPDATE):
        head += f" at {printable(location)}"
    lines = []
    if row.outcome in (Outcome.CREATE, Outcome.UPDATE):
        changes = wording.changes_text(row.changes or {}, limit=None, skip=("name", "sku"))
        lines.append(f"{head} — {printable(changes)}" if changes else head)
    else:
        why = wording.reason_label(row.reason)
        detail = f" ({printable(row.detail)})" if row.detail else ""
        lines.append(f"{head} — {why}{detail}" if why or detail else head)
    if fix:
        lines.append(f"      What to do: {printable(fix)}")
    return lines


class _Report:
    """The rows of one document with what the window would say about each."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        rows = analysis.document_rows(document)
        self.creating = analysis.created_skus(rows)
        self.skips = analysis.create_skips(rows)
        self.attention = analysis.count_items(
            rows, lambda r: analysis.needs_attention(r, self.creating)
        )

    def fix(self, row: Any, subject: str = "") -> str:
        if row.outcome not in (Outcome.SKIP, Outcome.FAIL):
            return ""
        return wording.fix_for(row, self.creating, self.skips, subject=subject)

    def action_lines(
        self, action: Mapping[str, Any], show_all: bool, applied: bool = False
    ) -> list[str]:
        counts = action["counts"]
        names = wording.OUTCOME_COUNT_WORDS if applied else wording.PREVIEW_COUNT_WORDS
        words = ", ".join(
            f"{counts[o.value]} {names[o.value]}" for o in Outcome if counts.get(o.value)
        )
        lines = [f"{wording.action_label(action['action'])}: {words or 'nothing to do'}"]
        rows = sorted(
            (r for r in analysis.document_rows({"actions": [action]})),
            key=lambda r: OUTCOME_ORDER.index(r.outcome),
        )
        groups: dict[tuple[str, str, bool], list[Any]] = {}
        for row in rows:
            if show_all or row.outcome in ("create", "update", "fail"):
                lines.extend(_row_line(row, self.fix(row)))
            elif row.outcome == "skip":
                key = (
                    wording.reason_label(row.reason),
                    self.fix(row, subject="each item"),
                    analysis.needs_attention(row, self.creating),
                )
                groups.setdefault(key, []).append(row)
        for (why, fix, attention), members in groups.items():
            labels = [printable(r.sku or r.clover_name or r.clover_id or "?") for r in members]
            shown = ", ".join(labels[:SHOWN_PER_GROUP])
            if len(labels) > SHOWN_PER_GROUP:
                shown += f" and {len(labels) - SHOWN_PER_GROUP} more"
            lines.append(f"  Skipped: {why} ({len(labels)}): {shown}")
            if fix:
                lines.append(f"      {'What to do: ' if attention else ''}{printable(fix)}")
        if not show_all and (counts.get("skip") or counts.get("unchanged")):
            lines.append("  (--all lists every item, with the details)")
        if action.get("note"):
            lines.append(f"  Note: {action['note']}")
        return lines


def print_report(
    document: Mapping[str, Any],
    heading: Heading,
    *,
    show_all: bool,
    seconds: float = 0.0,
    cancelled: bool = False,
    out: TextIO | None = None,
) -> None:
    """One block per step: what is written or failed row by row, skips grouped by why and
    what to do (every row with --all), then the totals in the words of the window."""
    out = out if out is not None else sys.stdout
    report = _Report(document)
    lines = [heading_text(heading)]
    for action in document["actions"]:
        lines.append("")
        lines.extend(report.action_lines(action, show_all, heading.applied))
    lines.append("")
    lines.extend(totals_lines(document, heading, report.attention, seconds, cancelled))
    out.write("\n".join(lines) + "\n")


def totals_lines(
    document: Mapping[str, Any],
    heading: Heading,
    attention: int,
    seconds: float,
    cancelled: bool,
) -> list[str]:
    summary = document["summary"]
    calls = document.get("api_calls", {})
    if heading.applied:
        total = wording.run_summary(summary, cancelled=cancelled, seconds=seconds)
    else:
        writes = summary.get("create", 0) + summary.get("update", 0)
        counts = wording.counts_text(summary, wording.PREVIEW_COUNT_WORDS)
        total = f"In total: {counts}. "
        total += (
            f"A sync would make {wording.plural(writes, 'change')} in BigCommerce."
            if writes
            else "Nothing to send right now."
        )
    lines = [total]
    if attention:
        lines.append(
            f"{wording.plural(attention, 'item')} {wording.verb(attention, 'needs', 'need')} "
            "your attention: see “What to do” above."
        )
    lines.append(
        f"(API calls: Clover {calls.get('clover', 0)}, BigCommerce {calls.get('bigcommerce', 0)})"
    )
    return lines


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


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
            text = f"[{bar}] {progress.done}/{progress.total} {printable(progress.sku or '')}"
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
