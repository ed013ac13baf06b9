"""Weights CSV import: bad lines reported with their numbers and skipped, the rest kept."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from esync_desktop.storage.weights_csv import (
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
    [("0.5", Decimal("0.5")), (" 2 ", Decimal("2")), ("0,25", Decimal("0.25")), ("0", Decimal(0))],
)
def test_weight_values(raw: str, expected: Decimal) -> None:
    assert parse_csv_weight(raw) == (expected, "")


@pytest.mark.parametrize("raw", ["", "1.2.3", "1,2,3", "1e", "-0.1", "NaN", "1.000,5"])
def test_refused_weight_values(raw: str) -> None:
    weight, why = parse_csv_weight(raw)
    assert weight is None and why
