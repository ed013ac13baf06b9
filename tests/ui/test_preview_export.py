"""The preview's CSV export: what it writes, where a failure leaves the owner, and the page
writing it in the background."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from itertools import groupby
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from esync_desktop import wording
from esync_desktop.preview_csv import EXPORT_FIELDS, ExportError, export_rows
from esync_desktop.sync.model import ActionPlan, Outcome, TaskPlan
from esync_desktop.ui import errors as ui_errors
from tests.ui.conftest import make_item_rows


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_writes_every_row_in_plain_words(tmp_path, plan_rows) -> None:
    out = tmp_path / "preview.csv"
    assert export_rows(out, plan_rows, lambda r: f"fix {r.sku}") == len(plan_rows)
    written = _read(out)
    assert list(written[0]) == EXPORT_FIELDS
    assert [r["SKU"] for r in written] == [r.sku for r in plan_rows]
    skipped = next(n for n, r in enumerate(plan_rows) if r.outcome is Outcome.SKIP)
    assert written[skipped]["Result"] == "Skipped"
    assert written[skipped]["Why"] == wording.reason_text(plan_rows[skipped])
    assert "_" not in written[skipped]["Why"]
    assert written[skipped]["What to do"] == f"fix {plan_rows[skipped].sku}"
    assert not list(tmp_path.glob(".*partial"))


def test_a_folder_that_is_not_there_names_the_file_and_what_to_do(tmp_path, plan_rows) -> None:
    out = tmp_path / "no-such-folder" / "preview.csv"
    with pytest.raises(ExportError) as caught:
        export_rows(out, plan_rows, lambda r: "")
    assert str(out) in caught.value.message
    assert "Choose another folder" in caught.value.message
    title = ui_errors.describe_error(caught.value).title
    assert title == "The preview was not saved"


def test_a_full_disk_leaves_the_earlier_file_whole(tmp_path) -> None:
    """The file size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC)."""
    out = tmp_path / "preview.csv"
    out.write_text("the export from yesterday\n", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import resource, signal
        from pathlib import Path
        from esync_desktop.preview_csv import ExportError, export_rows
        from tests.ui.conftest import make_rows
        rows = make_rows(5000)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))
        try:
            export_rows(Path({str(out)!r}), rows, lambda r: "")
        except ExportError as exc:
            print(exc.message)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert f"Could not write {out}" in done.stdout
    assert out.read_text(encoding="utf-8") == "the export from yesterday\n"
    assert [p.name for p in tmp_path.iterdir()] == ["preview.csv"]


def test_the_page_saves_the_shown_items_a_row_per_step_in_the_background(
    gui, qtbot, tmp_path, monkeypatch
) -> None:
    page = gui.window.preview
    plan_rows = make_item_rows(20)
    actions = tuple(
        ActionPlan(action, tuple(rows)) for action, rows in groupby(plan_rows, lambda r: r.action)
    )
    page.set_plan(TaskPlan("Demo", actions))
    page.proxy.set_outcomes([Outcome.SKIP.value])
    items = page.proxy.visible_rows()
    assert 0 < len(items) < page.model.total_count()
    # The CSV keeps a row per item and step (a spreadsheet sorts and filters those).
    shown = page.proxy.visible_steps()
    assert shown == [s for item in items for s in item.steps] and len(shown) > len(items)
    out = tmp_path / "skipped.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV (*.csv)"))
    with qtbot.waitSignal(gui.controller.exported, timeout=10_000) as saved:
        page.export_button.click()
        assert not page.export_button.isEnabled()  # until the file is written
    assert saved.args == [str(out), len(shown)]
    assert [r["SKU"] for r in _read(out)] == [r.sku for r in shown]
    assert f"Saved {len(shown)} rows to {out}" in page.banner.text()
    assert page.export_button.isEnabled()


def test_the_page_says_when_the_file_cannot_be_written(
    gui, qtbot, plan_rows, tmp_path, monkeypatch
) -> None:
    page = gui.window.preview
    page.set_plan(TaskPlan("Demo", (ActionPlan("send-standard", tuple(plan_rows)),)))
    out = tmp_path / "missing" / "preview.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV (*.csv)"))
    with qtbot.waitSignal(gui.controller.job_failed, timeout=10_000):
        page.export_button.click()
    assert "The preview was not saved" in page.banner.text()
    assert str(out) in page.banner.text()
    assert page.export_button.isEnabled()
