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
- Weights are in the store's weight unit, more than 0 and at most 9,999,999,999 (BigCommerce's
  largest product weight). A decimal comma is accepted ("0,45" is 0.45); a value with both a
  comma and a dot ("1,234.5") is refused as ambiguous, never guessed. NaN, infinity and numbers
  written with an exponent beyond that range (1e309) are refused.
- A SKU is at most 255 characters (BigCommerce's limit).
- A SKU given twice (trim + case-insensitive, as SKUs are matched) with the same weight is
  fine; with a different weight the later line is reported and the first kept.
- Limits: a file over 50 MB or with more than 200,000 lines of weights is refused as a whole
  (split it); a line over 10,000 characters, or a line the CSV reader cannot read (a value over
  the CSV field limit, a quote never closed), is reported and skipped.

The file is read as a stream, a line at a time: memory stays small whatever its size.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from esync_desktop.domain.sku import clean_sku, sku_key
from esync_desktop.storage.settings_model import MAX_WEIGHT

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_LINE_CHARS = 10_000
# BigCommerce takes product weights from 0 to MAX_WEIGHT; a weight of 0 would ship for free, so
# the import asks for more than 0.
MAX_SKU_CHARS = 255
_SEPARATORS = (",", ";", "\t")
_SHOWN_CHARS = 40


class WeightCsvError(ValueError):
    """The file cannot be imported at all (unreadable, too big, or no `sku,weight` header)."""


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


@dataclass(frozen=True)
class Limits:
    """How much one import may hold; None lifts a limit (the benchmark does)."""

    max_bytes: int | None = MAX_FILE_BYTES
    max_rows: int | None = MAX_ROWS
    max_line_chars: int = MAX_LINE_CHARS


class _TooBig(Exception):
    pass


class _CountingReader(io.RawIOBase):
    """A binary file that refuses to be read past `limit` bytes (a pipe or a device has no size
    to check beforehand)."""

    def __init__(self, raw: io.FileIO, limit: int | None) -> None:
        self._raw = raw
        self._limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        self.count += n
        if self._limit is not None and self.count > self._limit:
            raise _TooBig
        return n


def read_weights_csv(path: Path, limits: Limits = Limits()) -> WeightImport:
    """Read and parse a weights file; WeightCsvError when it cannot be used at all."""
    path = Path(path)
    try:
        return _read_file(path, "utf-8-sig", "strict", limits)
    except UnicodeDecodeError as exc:
        if not path.is_file():  # a pipe cannot be read a second time
            raise WeightCsvError(
                f"{path} is not UTF-8 text (byte {exc.start + 1} of a line): save it as UTF-8 "
                "and import it again (nothing was changed)"
            ) from None
        result = _read_file(path, "cp1252", "replace", limits)
        note = f"{path} is not UTF-8 text; it was read as Windows-1252"
        return WeightImport(result.weights, result.problems, (*result.notes, note))


def _read_file(path: Path, encoding: str, errors: str, limits: Limits) -> WeightImport:
    try:
        raw = path.open("rb", buffering=0)
    except OSError as exc:
        raise WeightCsvError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with raw:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if limits.max_bytes is not None and size > limits.max_bytes:
            raise WeightCsvError(_too_big(path, limits.max_bytes))
        counting = _CountingReader(raw, limits.max_bytes)
        text = io.TextIOWrapper(io.BufferedReader(counting), encoding=encoding, errors=errors,
                                newline="")  # fmt: skip
        try:
            return _parse(text, limits)
        except _TooBig:
            raise WeightCsvError(_too_big(path, limits.max_bytes or 0)) from None
        except OSError as exc:
            raise WeightCsvError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _too_big(path: Path, limit: int) -> str:
    mb = 1024 * 1024
    most = f"{limit // mb} MB" if limit % mb == 0 else f"{limit:,} bytes"
    return (
        f"{path} is larger than {most}, the most one import takes: split it "
        "into smaller files and import each (nothing was changed)"
    )


def parse_weights_csv(text: str, limits: Limits = Limits(max_bytes=None)) -> WeightImport:
    """Parse the text of a weights file (see the module's rules)."""
    return _parse(io.StringIO(text.removeprefix("\ufeff"), newline=""), limits)


class _Lines:
    """The physical lines of a text stream, each cut at the line limit: the rest of an
    over-long line is read and dropped (never held), and its number remembered."""

    def __init__(self, stream: IO[str], max_chars: int) -> None:
        self._stream = stream
        self._max = max_chars
        self.number = 0
        self.too_long: list[int] = []

    def __iter__(self) -> Iterator[str]:
        while True:
            line = self._stream.readline(self._max + 1)
            if not line:
                return
            self.number += 1
            if len(line) > self._max and not line.endswith(("\n", "\r")):
                while True:
                    rest = self._stream.readline(self._max)
                    if not rest or rest.endswith(("\n", "\r")):
                        break
                self.too_long.append(self.number)
                line = "\n"  # read by csv as a blank row, reported by the parser
            yield line


def _parse(stream: IO[str], limits: Limits) -> WeightImport:
    lines = _Lines(stream, limits.max_line_chars)
    physical = iter(lines)
    header_line = next((line for line in physical if line.strip()), None)
    if lines.too_long:  # before the header: the header itself cannot be read
        raise WeightCsvError(
            f"line {lines.too_long[0]}: expected a header naming the columns `sku` and "
            f"`weight`, found a line longer than {limits.max_line_chars} characters"
        )
    if header_line is None:
        raise WeightCsvError("the file is empty: expected a header line `sku,weight`")
    header_at = lines.number - 1
    separator = next((s for s in _SEPARATORS if s in header_line), ",")
    reader = csv.reader(itertools.chain([header_line], physical), delimiter=separator)
    try:
        header = [cell.strip().casefold() for cell in next(reader)]
    except csv.Error as exc:
        raise WeightCsvError(f"line {header_at + 1}: cannot be read as CSV ({exc})") from None
    while header and not header[-1]:
        header.pop()
    if "sku" not in header or "weight" not in header:
        raise WeightCsvError(
            f"line {header_at + 1}: expected a header naming the columns `sku` and `weight`, "
            f"found {_shown(header_line.strip())}"
        )
    table = _Table(header.index("sku"), header.index("weight"), len(header))
    rows = 0
    reported_long = 0
    while True:
        start = header_at + reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The reader starts afresh at the next line: one unreadable line, not the file.
            cells, error = None, f"cannot be read as CSV ({exc})"
        end = header_at + reader.line_num
        long_here = [n for n in lines.too_long[reported_long:] if n <= end]
        reported_long += len(long_here)
        if long_here:
            for number in long_here:
                table.problem(number, f"longer than {limits.max_line_chars} characters")
        elif cells is None:
            table.problem(start, error)
        elif not any(cell.strip() for cell in cells):
            continue
        else:
            table.add(start, cells)
        rows += 1
        if limits.max_rows is not None and rows > limits.max_rows:
            raise WeightCsvError(
                f"the file has more than {limits.max_rows:,} lines of weights, the most one "
                "import takes: split it into smaller files and import each (nothing was changed)"
            )
    return WeightImport(table.weights, tuple(table.problems))


class _Table:
    """The weights read so far, and the lines skipped."""

    def __init__(self, sku_col: int, weight_col: int, width: int) -> None:
        self.sku_col, self.weight_col, self.width = sku_col, weight_col, width
        self.weights: dict[str, Decimal] = {}
        self.first_line: dict[str, tuple[int, Decimal]] = {}
        self.problems: list[CsvProblem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(CsvProblem(line, message))

    def add(self, line: int, cells: list[str]) -> None:
        # Trailing empty cells (a spreadsheet's extra separators) are harmless; a real extra
        # value usually is an unquoted decimal comma ("A,0,5"), which must not be half-read.
        while len(cells) > self.width and not cells[-1].strip():
            cells.pop()
        if len(cells) != self.width:
            return self.problem(line, f"expected {self.width} columns, found {len(cells)}")
        raw_sku = cells[self.sku_col]
        sku, key = clean_sku(raw_sku), sku_key(raw_sku)
        if sku is None or key is None:
            return self.problem(line, "no SKU")
        if len(sku) > MAX_SKU_CHARS:
            return self.problem(
                line, f"SKU {_shown(sku)} is longer than {MAX_SKU_CHARS} characters"
            )
        if any(ord(c) < 32 for c in sku):
            return self.problem(line, f"SKU {_shown(sku)} contains control characters")
        weight, error = parse_csv_weight(cells[self.weight_col])
        if weight is None:
            return self.problem(line, f"SKU {_shown(sku)}: {error}")
        if key in self.first_line:
            earlier, kept = self.first_line[key]
            if kept != weight:
                self.problem(
                    line,
                    f"SKU {_shown(sku)} already has weight {kept} on line {earlier}; "
                    f"this line's {weight} was skipped",
                )
            return None
        self.first_line[key] = (line, weight)
        self.weights[sku] = weight
        return None


def parse_csv_weight(raw: str) -> tuple[Decimal | None, str]:
    """A weight as typed in a spreadsheet or a field, or None and why it was refused."""
    value = raw.strip()
    if not value:
        return None, "no weight"
    shown = _shown(value)
    if "," in value and "." in value:
        return None, f"weight {shown} is ambiguous: use a dot for decimals, no thousands separator"
    if value.count(",") == 1:
        value = value.replace(",", ".")
    try:
        weight = Decimal(value)
    except InvalidOperation:
        return None, f"weight {shown} is not a number"
    if not weight.is_finite():
        return None, f"weight {shown} is not a number"
    if weight < 0:
        return None, f"weight {shown} is negative"
    if weight == 0:
        return None, "weight 0: a weight must be more than 0"
    if weight > MAX_WEIGHT:
        return None, f"weight {shown} is more than {MAX_WEIGHT}, BigCommerce's largest weight"
    # 1E+2 is read as 100, stored and shown as such.
    return (weight.quantize(Decimal(1)) if weight == weight.to_integral() else weight), ""


def _shown(value: str) -> str:
    """A value as quoted in a message, shortened: a line can be long."""
    if len(value) > _SHOWN_CHARS:
        value = value[: _SHOWN_CHARS - 1] + "…"
    return repr(value)
