"""Preview table at 100k rows: time to filter by outcome, search, and clear the filters through
PlanFilterProxyModel (best of 3), all on the GUI thread as the window does it.

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_preview_filter [ROWS]
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from esync_desktop.ui.models.plan_model import (
    PlanFilterProxyModel,
    PlanTableModel,
)
from tests.ui.conftest import make_rows


def _timed(into: list[float], fn: Any, arg: Any) -> None:
    start = time.perf_counter()
    fn(arg)
    into.append(time.perf_counter() - start)


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 100_000
    app = QApplication.instance() or QApplication([])
    rows = make_rows(count)
    timings: dict[str, list[float]] = {"load": [], "filter": [], "search": [], "clear": []}
    for _ in range(3):
        model, proxy = PlanTableModel(), PlanFilterProxyModel()
        proxy.setSourceModel(model)
        _timed(timings["load"], model.set_rows, rows)
        _timed(timings["filter"], proxy.set_outcomes, ["skip"])
        _timed(timings["search"], proxy.set_search, "sku-0999")
        start = time.perf_counter()
        proxy.set_search("")
        proxy.set_outcomes(None)
        timings["clear"].append(time.perf_counter() - start)
    figures = "  ".join(f"{k} {min(v) * 1000:.0f} ms" for k, v in timings.items())
    print(f"{count} plan rows, best of 3: {figures}")
    print(f"per 1000 rows (clear): {min(timings['clear']) * 1e6 / count:.1f} ms")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
