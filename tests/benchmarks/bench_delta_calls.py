"""Calls per side of the built-in catalogue task on the sandbox (Pro plan): the first run (full
reads), the run after it (settles what the first created), a no-change run, 1 % stock changes
and 1 % price changes, each as planned (reads) and as run (writes).

    python -m tests.benchmarks.bench_delta_calls [ITEMS]    (0: the demo catalogue)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from esync_desktop.paths import AppPaths
from esync_desktop.sandbox.server import SandboxServer
from esync_desktop.storage.settings import ActionConfig, TaskConfig
from esync_desktop.sync import defaults
from esync_desktop.sync.true_up import TRUE_UP
from tests.sync.live import admin, services_for


def catalogue_task() -> TaskConfig:
    at = (datetime.now() + timedelta(hours=12)).strftime("%H:%M")
    steps = [
        ActionConfig(a, {"at": at} if a == TRUE_UP else {}) for a in defaults.default_task_actions()
    ]
    return TaskConfig(name="Catalogue sync", actions=steps, stop_when_empty=False)


def _change(server: Any, table: str, share: float, edit: Any) -> int:
    """Edit `share` of the rows of a Clover table (every n-th), moving modifiedTime."""
    with server.store.lock:
        rows = list(server.clover.db.t[table].rows.values())
        step = max(1, round(1 / share))
        now = int(time.time() * 1000)
        chosen = rows[::step]
        for row in chosen:
            edit(row)
            row["modifiedTime"] = now
        server.clover.db.bump(table)
    return len(chosen)


def main(items: int) -> None:
    server = SandboxServer(seed="demo", items=items, plan="pro").start()
    admin(server, "/_sandbox/settings", {"bigcommerce": {"plan": "pro"}})
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = AppPaths(root / "config", root / "data", root / "log")
        services = services_for(server, paths=paths)
        task = catalogue_task()
        print(f"catalogue: {items or 'demo'} items")
        print(f"{'run':<22} {'plan C/BC':>10} {'run C/BC':>10} {'writes':>7} {'wall s':>7}")

        def run(label: str) -> None:
            started = time.monotonic()
            plan = services.plan_task(task)
            result = services.run_plan(plan)
            total = result.api_calls
            reads = plan.api_calls
            writes = {k: total[k] - reads.get(k, 0) for k in total}
            made = result.counts["create"] + result.counts["update"]
            print(
                f"{label:<22} {reads['clover']:>4}/{reads['bigcommerce']:<5}"
                f" {writes['clover']:>4}/{writes['bigcommerce']:<5} {made:>7}"
                f" {time.monotonic() - started:>7.1f}"
            )

        try:
            run("first run")
            run("settling run")
            run("no-change run")
            n = _change(server, "item_stocks", 0.01, lambda r: r.update(quantity=r["quantity"] + 1))
            run(f"1% stock ({n})")
            n = _change(server, "items", 0.01, lambda r: r.update(price=r["price"] + 1))
            run(f"1% price ({n})")
            run("no-change run")
        finally:
            services.stop()
            server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
