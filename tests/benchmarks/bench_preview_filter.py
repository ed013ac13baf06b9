"""Preview table at 100k rows (one step per item; benchmarks/preview_model.py has items of
several steps), as the window does it on the GUI thread, with a table view
attached and shown: load, filter by outcome, "Needs attention", search, clear the filters,
sort by a column, and write the CSV export (which the window does in the background); then
the History page's items of a 100k-item run: load, filter, search, clear (best of 3 each).

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_preview_filter [ROWS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from esync_desktop.preview_csv import export_rows
from esync_desktop.storage.state.records import ItemResult
from esync_desktop.ui.models.history_models import OutcomeSearchProxyModel, RunItemsTableModel
from esync_desktop.ui.models.plan_model import (
    CLOVER_NAME,
    PlanFilterProxyModel,
    PlanTableModel,
)
from tests.ui.conftest import make_rows


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 100_000
    app = QApplication.instance() or QApplication([])
    rows = make_rows(count)
    timings: dict[str, list[float]] = {}
    out = Path(tempfile.mkdtemp()) / "preview.csv"

    def timed(name: str, step: Callable[[], object]) -> None:
        start = time.perf_counter()
        step()
        app.processEvents()  # the view's repaint and relayout belong to the step
        timings.setdefault(name, []).append(time.perf_counter() - start)

    for _ in range(3):
        model, proxy, view = PlanTableModel(), PlanFilterProxyModel(), QTableView()
        proxy.setSourceModel(model)
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.resize(1280, 700)
        view.show()
        app.processEvents()
        timed("load", lambda m=model: m.set_steps(rows))
        timed("filter", lambda p=proxy: p.set_outcomes(["skip"]))
        timed("search", lambda p=proxy: p.set_search("sku-0999"))
        timed("clear", lambda p=proxy: (p.set_search(""), p.set_outcomes(None)))
        timed("attention", lambda p=proxy: p.set_attention_only(True))
        timed("all again", lambda p=proxy: p.set_attention_only(False))
        timed("sort", lambda v=view: v.sortByColumn(CLOVER_NAME, Qt.SortOrder.DescendingOrder))
        timed("export", lambda p=proxy, m=model: export_rows(out, p.visible_steps(), m.fix_for))
        view.close()
    figures = "  ".join(f"{k} {min(v) * 1000:.0f} ms" for k, v in timings.items())
    print(f"{count} plan rows with a view, best of 3: {figures}")
    slowest = max(timings, key=lambda k: min(timings[k]) if k != "export" else 0)
    print(f"slowest GUI-thread step: {slowest} {min(timings[slowest]) * 1000:.0f} ms")

    items = [
        ItemResult(
            1,
            n,
            r.action,
            r.sku,
            r.outcome.value,
            reason=r.reason and r.reason.value,
            name=r.clover_name,
            detail=r.detail,
        )
        for n, r in enumerate(rows)
    ]
    timings = {}
    for _ in range(3):
        model, proxy, view = RunItemsTableModel(), OutcomeSearchProxyModel(), QTableView()
        proxy.setSourceModel(model)
        view.setModel(proxy)
        view.show()
        timed("load", lambda m=model: m.set_steps(items))
        timed("filter", lambda p=proxy: p.set_values(["skip"]))
        timed("search", lambda p=proxy: p.set_search("item 99"))
        timed("clear", lambda p=proxy: (p.set_search(""), p.set_values(None)))
        view.close()
    figures = "  ".join(f"{k} {min(v) * 1000:.0f} ms" for k, v in timings.items())
    print(f"{count} history items with a view, best of 3: {figures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
