"""The preview CSV: spreadsheet formulas in store data are written as text."""

from __future__ import annotations

import csv
from pathlib import Path

from esync_desktop.preview_csv import export_rows, safe_cell
from esync_desktop.sync.model import Outcome, PlanRow


def test_formula_starts_get_a_quote() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    for text in ("", "Mug", "1-2", " =x", "'=x"):
        assert safe_cell(text) == text


def test_every_cell_of_an_export_is_defused(tmp_path: Path) -> None:
    row = PlanRow("send-standard", "@A1", Outcome.CREATE, clover_name='=HYPERLINK("x")',
                  bc_name="+cmd", detail="-2+3")  # fmt: skip
    out = tmp_path / "p.csv"
    assert export_rows(out, [row], lambda r: "=fix") == 1
    with out.open(newline="", encoding="utf-8") as handle:
        [written] = list(csv.DictReader(handle))
    assert written["SKU"] == "'@A1"
    assert written["Clover name"] == '\'=HYPERLINK("x")'
    assert written["BigCommerce name"] == "'+cmd"
    assert written["What to do"] == "'=fix"
    assert written["Details"] == "'-2+3"
