"""Weights CSV import: bad lines reported with their numbers and skipped, the rest kept."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from esync_desktop.storage.weights_csv import (
    MAX_WEIGHT,
    Limits,
    WeightCsvError,
    parse_csv_weight,
    parse_weights_csv,
    read_weights_csv,
)


def test_good_and_bad_lines() -> None:
    text = (
        "sku,weight\n"
        "TEA-001,0.15\n"
        " MUG-01 , 0.45 \n"
        "\n"
        ",1\n"
        "COF-017,heavy\n"
        "CARD-1,-2\n"
        "BAG-1\n"
        'CAN-1,"0,35"\n'
        "tea-001,0.15\n"
        "TEA-001,0.2\n"
        "X-1,1,234.5\n"
        'X-2,"1,234.5"\n'
        "X-3,Infinity\n"
        "X-4,4,,\n"
    )
    result = parse_weights_csv(text)
    assert result.weights == {
        "TEA-001": Decimal("0.15"),
        "MUG-01": Decimal("0.45"),
        "CAN-1": Decimal("0.35"),
        "X-4": Decimal("4"),
    }
    problems = {p.line: p.message for p in result.problems}
    assert set(problems) == {5, 6, 7, 8, 11, 12, 13, 14}
    assert problems[5] == "no SKU"
    assert "not a number" in problems[6] and "COF-017" in problems[6]
    assert "negative" in problems[7]
    assert "columns" in problems[8]
    assert "line 2" in problems[11] and "0.2" in problems[11]
    assert "expected 2 columns, found 3" in problems[12]  # never half-read as weight 1
    assert "ambiguous" in problems[13]
    assert "not a number" in problems[14]
    assert str(result.problems[0]) == "line 5: no SKU"


def test_header_any_case_and_order_with_semicolons_and_bom() -> None:
    text = "\ufeff\n Weight ; SKU ;note;;\n1,5;A-1;x\r\n2;B-2;y;;\n"
    result = parse_weights_csv(text)
    assert result.weights == {"A-1": Decimal("1.5"), "B-2": Decimal("2")}
    assert result.problems == ()


def test_missing_header_refuses_the_file() -> None:
    with pytest.raises(WeightCsvError, match="line 1: expected a header"):
        parse_weights_csv("TEA-001,0.15\n")
    with pytest.raises(WeightCsvError, match="empty"):
        parse_weights_csv("\n  \n")


def test_reading_files_in_excel_encodings(tmp_path: Path) -> None:
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes("sku,weight\nCAFÉ-1,0.2\n".encode("utf-8-sig"))
    assert read_weights_csv(utf8).weights == {"CAFÉ-1": Decimal("0.2")}
    latin = tmp_path / "latin.csv"
    latin.write_bytes("sku;weight\nCAFÉ-1;0,2\n".encode("cp1252"))
    result = read_weights_csv(latin)
    assert result.weights == {"CAFÉ-1": Decimal("0.2")}
    assert "Windows-1252" in result.notes[0]
    with pytest.raises(WeightCsvError, match="cannot read"):
        read_weights_csv(tmp_path / "absent.csv")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.5", Decimal("0.5")),
        (" 2 ", Decimal("2")),
        ("0,25", Decimal("0.25")),
        ("9999999999", Decimal("9999999999")),
        ("1e2", Decimal("100")),
    ],
)
def test_weight_values(raw: str, expected: Decimal) -> None:
    assert parse_csv_weight(raw) == (expected, "")


@pytest.mark.parametrize(
    "raw",
    [
        "", "1.2.3", "1,2,3", "1e", "-0.1", "NaN", "1.000,5", "0", "0.000", "-0", "1e309",
        "inf", "-Infinity", "sNaN", "10000000000", "9999999999.0001", "1e10",
    ],
)  # fmt: skip
def test_refused_weight_values(raw: str) -> None:
    weight, why = parse_csv_weight(raw)
    assert weight is None and why


def test_the_weight_range_is_bigcommerce_s(specs_dir: Path) -> None:
    """The largest weight is the one the vendor's product spec allows, and 0 is refused."""
    import yaml

    spec = yaml.safe_load((specs_dir / "bigcommerce" / "products_catalog.v3.yml").read_text())
    weight = spec["components"]["schemas"]["product_Base_POST"]["properties"]["weight"]
    assert Decimal(str(weight["maximum"])) == MAX_WEIGHT
    assert parse_csv_weight(str(weight["maximum"]))[0] == MAX_WEIGHT
    assert "more than 0" in parse_csv_weight(str(weight["minimum"]))[1]


def test_bad_lines_are_named_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(
        f"sku,weight\nA-1,1e309\nA-2,nan\nA-3,0\nA-4,12345678901\n{'S' * 256},1\nA-5,2\n",
        encoding="utf-8",
    )
    result = read_weights_csv(path)
    assert result.weights == {"A-5": Decimal("2")}
    problems = {p.line: p.message for p in result.problems}
    assert "'1e309' is more than 9999999999" in problems[2]
    assert "A-2" in problems[3] and "not a number" in problems[3]
    assert "more than 0" in problems[4]
    assert "BigCommerce's largest weight" in problems[5]
    assert "longer than 255" in problems[6] and "…" in problems[6]


def test_csv_reader_errors_become_named_lines(tmp_path: Path) -> None:
    """A value over the CSV field limit (a quote never closed swallows the lines after it) and
    NUL bytes are bad lines with a reason, never a traceback; the lines after them are read."""
    import csv

    limit = csv.field_size_limit()
    path = tmp_path / "w.csv"
    lines = "\n".join(["x" * 5000] * (limit // 5000 + 2))
    path.write_text(f'sku,weight\nA-1,1\n"{lines}\nB-1,2\nNUL\x00,1\nC-1,3\n', encoding="utf-8")
    result = read_weights_csv(path)
    assert result.weights["A-1"] == Decimal(1)
    assert result.weights["C-1"] == Decimal(3)
    messages = [str(p) for p in result.problems]
    assert any(m.startswith("line 3: cannot be read as CSV (field larger than field limit")
               for m in messages), messages  # fmt: skip
    assert any("control characters" in m for m in messages), messages


def test_over_long_lines_are_skipped_not_held(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(f"sku,weight\nA-1,1\n{'Z' * 50_000},2\nB-1,2\n", encoding="utf-8")
    result = read_weights_csv(path, Limits(max_line_chars=1000))
    assert result.weights == {"A-1": Decimal(1), "B-1": Decimal(2)}
    assert [str(p) for p in result.problems] == ["line 3: longer than 1000 characters"]
    path.write_text(f"{'Z' * 50_000}\nsku,weight\n", encoding="utf-8")
    with pytest.raises(WeightCsvError, match=r"line 1: expected a header .* longer than 1000"):
        read_weights_csv(path, Limits(max_line_chars=1000))


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("sku,weight\n" + "A-1,1\n" * 1000, encoding="utf-8")
    with pytest.raises(
        WeightCsvError, match=r"larger than 1,000 bytes.*split it.*nothing was changed"
    ):
        read_weights_csv(path, Limits(max_bytes=1000))
    assert read_weights_csv(path, Limits(max_bytes=10_000)).weights == {"A-1": Decimal(1)}


@contextlib.contextmanager
def _pipe_feeding(tmp_path: Path, data: bytes) -> Iterator[Path]:
    """A named pipe with a writer thread feeding `data` into it (until the reader stops)."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError), fifo.open("wb", buffering=0) as out:
            out.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        yield fifo
    finally:
        writer.join(timeout=10)


def test_a_stream_without_a_size_is_counted_as_it_is_read(tmp_path: Path) -> None:
    """A pipe reports size 0: the reader counts the bytes instead of trusting stat()."""
    with (
        _pipe_feeding(tmp_path, b"sku,weight\n" + b"A-1,1\n" * 100_000) as fifo,
        pytest.raises(WeightCsvError, match="larger than"),
    ):
        read_weights_csv(fifo, Limits(max_bytes=64 * 1024))


def test_a_pipe_that_is_not_utf8_is_refused_not_read_twice(tmp_path: Path) -> None:
    data = "sku;weight\nCAFÉ-1;0,2\n".encode("cp1252")
    with (
        _pipe_feeding(tmp_path, data) as fifo,
        pytest.raises(WeightCsvError, match=r"not UTF-8 text.*save it as UTF-8"),
    ):
        read_weights_csv(fifo)


def test_more_rows_than_the_limit_refuses_the_file(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("sku,weight\n" + "".join(f"A-{n},1\n" for n in range(11)), encoding="utf-8")
    with pytest.raises(WeightCsvError, match="more than 10 lines of weights"):
        read_weights_csv(path, Limits(max_rows=10))
    assert len(read_weights_csv(path, Limits(max_rows=11)).weights) == 11


def test_the_documented_limits() -> None:
    from esync_desktop.storage import weights_csv

    assert weights_csv.MAX_FILE_BYTES == 50 * 1024 * 1024
    assert weights_csv.MAX_ROWS == 200_000
    assert "50 MB" in (weights_csv.__doc__ or "") and "200,000" in (weights_csv.__doc__ or "")
