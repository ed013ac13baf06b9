"""Renders every screen with the demo stores to PNG files:
`python -m esync_desktop.ui.screenshots OUTDIR`. The settings, data and logs go under $ESYNC_HOME
when it is set, else under a fresh temporary folder removed afterwards, so the user's own
settings, state and keyring entries are never read or changed."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer, SignalInstance
from PySide6.QtWidgets import QWidget

from esync_desktop.app import Services
from esync_desktop.paths import ENV_HOME
from esync_desktop.storage.secrets import SecretStore
from esync_desktop.storage.settings import ActionConfig, BufferRule, Schedule, TaskConfig
from esync_desktop.sync.model import Reason
from esync_desktop.ui.app import GuiApp, apply_style, create_application
from esync_desktop.ui.main_window import (
    CONNECTIONS,
    FIELDS,
    HISTORY,
    HOME,
    PREVIEW,
    STOCK,
    SYNC,
    TASKS,
    WEIGHTS,
)
from esync_desktop.ui.models.base import ROW_ROLE
from esync_desktop.ui.pages.history import SKIPPED_ITEMS

# A common laptop screen: what a store owner's window gets.
SIZE = (1366, 768)
TIMEOUT_MS = 300_000


def wait_for(
    signal: SignalInstance, start: Callable[[], Any], timeout_ms: int = TIMEOUT_MS
) -> list[Any]:
    """Run `start`, then spin the event loop until `signal` fires; its arguments."""
    loop = QEventLoop()
    got: list[Any] = []

    def done(*args: Any) -> None:
        got.extend(args)
        loop.quit()

    signal.connect(done)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    start()
    loop.exec()
    signal.disconnect(done)
    if not timer.isActive():
        raise TimeoutError(f"no {signal} within {timeout_ms} ms")
    return got


def settle(ms: int = 100) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(widget: QWidget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(path)


# The keyring service the screenshots use under a temporary home: never the user's tokens.
SCRATCH_KEYRING_SERVICE = "esync-desktop-screenshots"


@contextmanager
def screenshot_home(environ: MutableMapping[str, str] = os.environ) -> Iterator[tuple[Path, bool]]:
    """The folder the run keeps its files in, and whether it is a scratch one: $ESYNC_HOME as
    given, or a new temporary folder (set as ESYNC_HOME for the run, removed after it)."""
    given = environ.get(ENV_HOME)
    if given:
        yield Path(given).expanduser(), False
        return
    with tempfile.TemporaryDirectory(prefix="esync-shots-") as scratch:
        environ[ENV_HOME] = scratch
        try:
            yield Path(scratch), True
        finally:
            environ.pop(ENV_HOME, None)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m esync_desktop.ui.screenshots OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with screenshot_home() as (home, scratch):
        print(f"settings and data under {home}", file=sys.stderr)
        return _shoot_all(out, scratch)


def _shoot_all(out: Path, scratch: bool) -> int:
    app = create_application([])
    apply_style(app)
    services = Services(environ={})
    if scratch:
        services.secrets = SecretStore(service=SCRATCH_KEYRING_SERVICE)
    gui = GuiApp(services)
    window, controller = gui.window, gui.controller
    window.resize(*SIZE)
    window.show()
    try:
        shoot(window, out / "01-welcome.png")
        wait_for(controller.connections_tested, window.welcome.demo_button.click)
        window.show_page(CONNECTIONS)
        shoot(window, out / "02-connections.png")

        window.show_page(TASKS)
        task = services.settings.tasks[0]
        task.schedule = Schedule(mode="daily", at="02:00")
        controller.save_settings()
        window.tasks.reload()
        # The stock step's options name the store's locations once they are read.
        wait_for(controller.locations_loaded, lambda: window.tasks.action_list.setCurrentRow(2))
        shoot(window, out / "03-tasks.png")
        # The category columns pick from the stores' categories once they are read; one
        # matching rule shows how a picked name looks (taken out again before the preview).
        wait_for(controller.categories_loaded, lambda: window.show_page(WEIGHTS))
        services.settings.category_map = {"Seasonal": "Sale"}
        controller.save_settings()
        shoot(window, out / "04-weight-rules.png")
        services.settings.category_map = {}
        controller.save_settings()
        # Stock rules with a buffer at each level, the guard on (taken out before the preview).
        services.settings.stock.buffers = [
            BufferRule(1, 2),
            BufferRule(2, 2, category="Mugs"),
            BufferRule(3, None, sku="MUG-002"),
        ]
        services.settings.stock.stale_after_minutes = 60
        controller.save_settings()
        window.show_page(STOCK)
        shoot(window, out / "16-stock-rules.png")
        services.settings.stock.buffers = []
        services.settings.stock.stale_after_minutes = 0
        controller.save_settings()
        # Who owns each field, and the tax classes once both stores' lists are read.
        wait_for(controller.tax_choices_loaded, lambda: window.show_page(FIELDS))
        shoot(window, out / "15-fields.png")

        window.show_page(PREVIEW)
        wait_for(controller.plan_ready, window.preview.refresh)
        shoot(window, out / "05-preview.png")
        # The fix-it panel of the missing category (the store's categories to map to were
        # read for the Weight rules page above).
        _choose_fix_group(window.preview)
        shoot(window, out / "06-preview-fix-it.png")
        window.preview.fix_groups.setCurrentRow(0)
        window.preview.show_attention()
        window.preview.table.selectRow(10)
        window.preview.table.scrollTo(window.preview.table.currentIndex())
        shoot(window, out / "06-preview-needs-attention.png")

        seen: list[int] = []

        def midway(kind: str, done: int, total: int, text: str) -> None:
            if total and done >= total // 3 and not seen:
                seen.append(done)
                shoot(window, out / "07-sync-running.png")

        controller.progressed.connect(midway)
        wait_for(controller.run_finished, window.preview.sync_button.click)
        window.show_page(SYNC)
        shoot(window, out / "08-sync-done.png")
        wait_for(controller.items_loaded, lambda: window.show_page(HISTORY))
        settle(500)  # the run's items may be read twice; select once they are in
        window.history.item_filter.setCurrentIndex(SKIPPED_ITEMS)
        window.history.items_table.selectRow(10)
        window.history.items_table.scrollTo(window.history.items_table.currentIndex())
        shoot(window, out / "09-history.png")
        window.history.tabs.setCurrentIndex(1)
        window.history.log_table.selectRow(1)
        shoot(window, out / "10-integration-log.png")
        # Home after the run: the last run, what needs the owner, the next run (02:00).
        wait_for(controller.home_loaded, lambda: window.show_page(HOME))
        shoot(window, out / "00-home.png")
        _shoot_orders(window, controller, services, out)
    finally:
        gui.quit()
        services.stop()
    return 0


def _select(table: Any, wanted: Callable[[Any], bool]) -> None:
    """Selects the first item of the table with a step (plan row or run record) `wanted`."""
    model = table.model()
    for n in range(model.rowCount()):
        if any(wanted(step) for step in model.data(model.index(n, 0), ROW_ROLE).steps):
            table.selectRow(n)
            table.scrollTo(model.index(n, 0))
            return


def _shoot_orders(window: Any, controller: Any, services: Any, out: Path) -> None:
    """The order steps: a web order and an in-store return in the preview, push-orders'
    statuses and tender map in Tasks, the pushed orders in History."""
    steps = ["push-orders", "sync-refunds", "pull-sales"]
    services.settings.tasks.append(TaskConfig("Orders", [ActionConfig(a, {}) for a in steps]))
    controller.save_settings()
    window.show_page(TASKS)
    window.tasks.select_task("Orders")
    wait_for(controller.tender_choices_loaded, lambda: window.tasks.action_list.setCurrentRow(0))
    shoot(window, out / "11-tasks-orders.png")

    window.show_page(PREVIEW)
    window.preview.select_task("Orders")
    window.preview.outcome_filter.setCurrentIndex(0)  # every result
    wait_for(controller.plan_ready, window.preview.refresh)
    _select(window.preview.table, lambda r: r.reason == "unmatched_line" and r.bc_id)
    shoot(window, out / "12-preview-orders.png")
    _select(window.preview.table, lambda r: r.facts.get("kind") == "restock")
    shoot(window, out / "13-preview-restock.png")

    wait_for(controller.run_finished, window.preview.sync_button.click)
    wait_for(controller.items_loaded, lambda: window.show_page(HISTORY))
    settle(500)
    window.history.tabs.setCurrentIndex(0)
    window.history.item_filter.setCurrentIndex(0)  # every item
    _select(window.history.items_table, lambda r: r.action == "push-orders" and r.bc_id)
    shoot(window, out / "14-history-orders.png")


def _choose_fix_group(preview: Any) -> None:
    """The first group with a missing BigCommerce category (the demo's "Bags")."""
    for n in range(1, preview.fix_groups.count()):
        group = preview.fix_groups.item(n).data(Qt.ItemDataRole.UserRole)[0]
        if group.reason == Reason.CATEGORY_NOT_IN_BIGCOMMERCE:
            preview.fix_groups.setCurrentRow(n)
            return
    raise LookupError("the demo preview has no missing category to show")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
