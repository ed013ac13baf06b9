"""The preview and History's run items at 100k items of four steps each (400k plan rows), one
row per item, as the window does it with a table view shown: grouping the rows into items with
the headline tally and the fix-it groups (the worker thread that planned does that), then on
the GUI thread set_plan on the model, sort, filter by result, "Needs attention", search; and
History's items of such a run (grouped by the worker that loads them). Automatic garbage
collection is off, as in the window (ui/gc_guard.py collects between events). Prints the best
of 3 of each step and the peak RSS; it asserts nothing about time.

    python -m benchmarks.preview_model [ITEMS]
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from esync_desktop.storage.state.records import ItemResult
from esync_desktop.sync.items import Grouped, grouped, plan_grouped
from esync_desktop.sync.model import ActionPlan, Outcome, TaskPlan
from esync_desktop.ui.models.history_models import OutcomeSearchProxyModel, RunItemsTableModel
from esync_desktop.ui.models.plan_model import (
    SKU,
    STEPS,
    PlanFilterProxyModel,
    PlanTableModel,
)
from tests.ui.conftest import make_item_rows

RUNS = 3


class Timer:
    """Best of RUNS per step; a step's repaint and relayout belong to it (processEvents)."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.best: dict[str, float] = {}

    def __call__(self, name: str, step: Callable[[], object]) -> None:
        gc.collect()  # what the window's collector does between events
        start = time.perf_counter()
        step()
        self.app.processEvents()
        took = time.perf_counter() - start
        self.best[name] = min(took, self.best.get(name, took))

    def report(self, title: str) -> None:
        print(title)
        for name, took in self.best.items():
            print(f"  {name:<28} {took * 1000:8.0f} ms")


def _view(proxy: object) -> QTableView:
    view = QTableView()
    view.setModel(proxy)  # type: ignore[arg-type]
    view.setSortingEnabled(True)
    view.resize(1280, 700)
    view.show()
    return view


def _plan(rows: list) -> TaskPlan:
    actions: dict[str, list] = {}
    for row in rows:
        actions.setdefault(row.action, []).append(row)
    return TaskPlan("Bench", tuple(ActionPlan(a, tuple(rs)) for a, rs in actions.items()))


def preview(app: QApplication, count: int) -> list:
    start = time.perf_counter()
    rows = make_item_rows(count)
    print(f"built a plan of {count:,} items, {len(rows):,} rows in "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    timer = Timer(app)
    for _ in range(RUNS):
        plan = _plan(rows)  # a new plan: nothing grouped yet
        timer("worker: group + tally + fix", lambda p=plan: plan_grouped(p, ready=True))
        model, proxy = PlanTableModel(), PlanFilterProxyModel()
        proxy.setSourceModel(model)
        view = _view(proxy)
        app.processEvents()
        timer("GUI: set_plan", lambda m=model, p=plan: m.set_plan(p))
        timer("sort by SKU, descending", lambda p=proxy: p.sort(SKU, Qt.SortOrder.DescendingOrder))
        timer("sort by Steps", lambda p=proxy: p.sort(STEPS, Qt.SortOrder.AscendingOrder))
        timer("filter: Skipped", lambda p=proxy: p.set_outcomes([Outcome.SKIP.value]))
        timer("filter: all results", lambda p=proxy: p.set_outcomes(None))
        timer("filter: Needs attention", lambda p=proxy: p.set_attention_only(True))
        timer("filter: every item", lambda p=proxy: p.set_attention_only(False))
        timer("search (first)", lambda p=proxy: p.set_search("sku-0999"))
        timer("search (again)", lambda p=proxy: p.set_search("item 12"))
        timer("search cleared", lambda p=proxy: p.set_search(""))
        shown = model.rowCount()
        view.close()
    timer.report(f"preview: {count:,} items ({len(rows):,} plan rows), {shown:,} rows shown, "
                 f"best of {RUNS}:")  # fmt: skip
    return rows


def history(app: QApplication, rows: list) -> None:
    records = [
        ItemResult(1, n, r.action, r.sku, r.outcome.value, reason=r.reason and r.reason.value,
                   clover_name=r.clover_name, bc_name=r.bc_name, detail=r.detail,
                   facts=r.facts)
        for n, r in enumerate(rows)
    ]  # fmt: skip
    timer = Timer(app)
    for _ in range(RUNS):
        model, proxy = RunItemsTableModel(), OutcomeSearchProxyModel()
        proxy.setSourceModel(model)
        view = _view(proxy)
        app.processEvents()
        found: list[Grouped] = []
        timer("worker: group", lambda f=found: f.append(grouped(records)))
        timer("GUI: set_grouped", lambda m=model, f=found: m.set_grouped(f[-1]))
        timer("filter: Skipped", lambda p=proxy: p.set_values(["skip"]))
        timer("filter: Needs attention", lambda p=proxy: p.set_attention_only(True))
        timer("search (first)", lambda p=proxy: p.set_search("item 99"))
        timer("clear", lambda p=proxy: (p.set_search(""), p.set_values(None),
                                        p.set_attention_only(False)))  # fmt: skip
        timer("sort by SKU", lambda p=proxy: p.sort(0, Qt.SortOrder.DescendingOrder))
        items = model.total_count()
        view.close()
    timer.report(f"history: {items:,} items ({len(records):,} step records), best of {RUNS}:")


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 100_000
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    gc.disable()
    rows = preview(app, count)
    history(app, rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"peak RSS: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
