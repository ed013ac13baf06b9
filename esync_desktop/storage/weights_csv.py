"""Per-SKU weights from a CSV file (`sku,weight`), with each bad line reported and skipped.

The rules (shown to the owner by `weights import --help` and the import dialog):
- The first non-blank line is the header and must name the columns `sku` and `weight` (any case,
  any order; other columns are ignored). Without it the file is refused as a whole.
- Separator: a comma, or a semicolon or a tab when the header uses that instead (Excel in many
  European locales saves with semicolons).
- Encoding: UTF-8, with or without a BOM; a file that is not UTF-8 is read as Windows-1252
  (Excel's "CSV" on Windows) and a note says so.
- Whitespace around values is ignored; blank lines are skipped. A line with more or fewer
  values than the header is reported (an unquoted decimal comma, "A,0,5", is one such).
- Weights are in the store's weight unit, >= 0. A decimal comma is accepted ("0,45" is 0.45);
  a value with both a comma and a dot ("1,234.5") is refused as ambiguous, never guessed.
- A SKU given twice (trim + case-insensitive, as SKUs are matched) with the same weight is
  fine; with a different weight the later line is reported and the first kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from esync_desktop.domain.sku import clean_sku, sku_key

_SEPARATORS = (",", ";", "\t")


class WeightCsvError(ValueError):
    """The file cannot be imported at all (unreadable, or no `sku,weight` header)."""


@dataclass(frozen=True)
class CsvProblem:
    """A line that was skipped, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class WeightImport:
    """The weights read (SKU as typed, trimmed -> weight), the skipped lines, and notes."""

    weights: dict[str, Decimal] = field(default_factory=dict)
    problems: tuple[CsvProblem, ...] = ()
    notes: tuple[str, ...] = ()


def read_weights_csv(path: Path) -> WeightImport:
    """Read and parse a weights file; WeightCsvError when it cannot be used at all."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise WeightCsvError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return parse_weights_csv(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        result = parse_weights_csv(raw.decode("cp1252", errors="replace"))
        note = f"{path} is not UTF-8 text; it was read as Windows-1252"
        return WeightImport(result.weights, result.problems, (*result.notes, note))


def parse_weights_csv(text: str) -> WeightImport:
    """Parse the text of a weights file (see the module's rules)."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    header_at = next((n for n, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise WeightCsvError("the file is empty: expected a header line `sku,weight`")
    header_line = lines[header_at]
    separator = next((s for s in _SEPARATORS if s in header_line), ",")
    reader = csv.reader(io.StringIO("\n".join(lines[header_at:])), delimiter=separator)
    header = [cell.strip().casefold() for cell in next(reader)]
    while header and not header[-1]:
        header.pop()
    if "sku" not in header or "weight" not in header:
        raise WeightCsvError(
            f"line {header_at + 1}: expected a header naming the columns `sku` and `weight`, "
            f"found {header_line.strip()!r}"
        )
    sku_col, weight_col = header.index("sku"), header.index("weight")
    weights: dict[str, Decimal] = {}
    first_line: dict[str, tuple[int, Decimal]] = {}
    problems: list[CsvProblem] = []
    for cells in reader:
        line = header_at + reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        # Trailing empty cells (a spreadsheet's extra separators) are harmless; a real extra
        # value usually is an unquoted decimal comma ("A,0,5"), which must not be half-read.
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()
        if len(cells) != len(header):
            problems.append(CsvProblem(line, f"expected {len(header)} columns, found {len(cells)}"))
            continue
        sku = clean_sku(cells[sku_col])
        key = sku_key(cells[sku_col])
        if sku is None or key is None:
            problems.append(CsvProblem(line, "no SKU"))
            continue
        weight, error = parse_csv_weight(cells[weight_col])
        if weight is None:
            problems.append(CsvProblem(line, f"SKU {sku}: {error}"))
            continue
        if key in first_line:
            earlier, kept = first_line[key]
            if kept != weight:
                problems.append(
                    CsvProblem(
                        line,
                        f"SKU {sku} already has weight {kept} on line {earlier}; "
                        f"this line's {weight} was skipped",
                    )
                )
            continue
        first_line[key] = (line, weight)
        weights[sku] = weight
    return WeightImport(weights, tuple(problems))


def parse_csv_weight(raw: str) -> tuple[Decimal | None, str]:
    """A weight as typed in a spreadsheet, or None and why it was refused."""
    value = raw.strip()
    if not value:
        return None, "no weight"
    if "," in value and "." in value:
        return (
            None,
            f"weight {value!r} is ambiguous: use a dot for decimals, no thousands separator",
        )
    if value.count(",") == 1:
        value = value.replace(",", ".")
    try:
        weight = Decimal(value)
    except InvalidOperation:
        return None, f"weight {raw.strip()!r} is not a number"
    if not weight.is_finite():
        return None, f"weight {raw.strip()!r} is not a number"
    if weight < 0:
        return None, f"weight {raw.strip()} is negative"
    return weight, ""
