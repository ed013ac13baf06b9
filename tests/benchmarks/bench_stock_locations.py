"""The demo's two-location stock run: a task with both stock actions, synced twice on the demo
stores (Main Street -> location 1, Warehouse -> location 2). Prints the calls per side and per
endpoint, and the rows per location and outcome of each run.

    python -m tests.benchmarks.bench_stock_locations
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

from esync_desktop.app import Services
from esync_desktop.paths import AppPaths
from esync_desktop.storage.settings import ActionConfig, TaskConfig

STOCK = ("send-inventory-standard", "send-inventory-matrix")


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        paths = AppPaths(root / "config", root / "data", root / "logs")
        services = Services(paths=paths, environ={})
        try:
            services.start_demo()
            server = services._demo._server
            task = TaskConfig("Stock", [ActionConfig(a) for a in STOCK], stop_when_empty=False)
            for run in (1, 2):
                server.reset_counters()
                started = time.perf_counter()
                plan = services.plan_task(task)
                result = services.run_plan(plan)
                seconds = time.perf_counter() - started
                print(f"run {run}: {seconds:.2f} s, calls {result.api_calls}")
                for side, counts in server.counter_snapshot().items():
                    for route, n in counts["endpoints"].items():
                        print(f"  {side:<11} {n:>3}  {route}")
                rows = Counter(
                    (r.facts.get("location", "-"), r.outcome.value)
                    for a in plan.actions
                    for r in a.rows
                )
                for (location, outcome), n in sorted(rows.items()):
                    print(f"  rows at {location:<12} {outcome:<10} {n:>4}")
        finally:
            services.stop()


if __name__ == "__main__":
    main()
