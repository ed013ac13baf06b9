"""UI test fixtures: the offscreen platform unless one is set, and plan rows to fill tables."""

from __future__ import annotations

import os
import socket

# Before any Qt import: a machine without a display still runs the widget tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from esync_desktop.sync.model import Outcome, PlanRow, Reason


def make_rows(n: int) -> list[PlanRow]:
    """A mix of every outcome, with SKUs and names that sort differently."""
    rows = []
    outcomes = list(Outcome)
    for i in range(n):
        outcome = outcomes[i % len(outcomes)]
        reason = {
            Outcome.SKIP: Reason.MISSING_WEIGHT if i % 2 else Reason.CATEGORY_NOT_IN_BIGCOMMERCE,
            Outcome.UNCHANGED: Reason.UNCHANGED,
            Outcome.FAIL: Reason.REJECTED,
        }.get(outcome)
        rows.append(
            PlanRow(
                action="send-standard" if i % 3 else "send-prices",
                sku=f"SKU-{(n - i):06d}",
                outcome=outcome,
                reason=reason,
                clover_name=f"Item {i}",
                bc_name=f"Product {i}" if outcome is not Outcome.CREATE else None,
                changes={"price": (None if i % 2 else 1, i)},
                detail="no BigCommerce category named Mugs"
                if reason is Reason.CATEGORY_NOT_IN_BIGCOMMERCE
                else "",
                missing_categories=("Mugs",)
                if reason is Reason.CATEGORY_NOT_IN_BIGCOMMERCE
                else (),
            )
        )
    return rows


@pytest.fixture
def closed_url() -> str:
    """A loopback address where nothing listens (a port bound, then closed): every connection
    to it is refused, as when a store cannot be reached."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def plan_rows() -> list[PlanRow]:
    return make_rows(50)


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch):
    """What dialogs would have shown (error_dialog.notifier replaced)."""
    from esync_desktop.ui import error_dialog
    from tests.ui.fakes import Notices

    recorder = Notices()
    monkeypatch.setattr(error_dialog, "notifier", recorder)
    return recorder


@pytest.fixture
def gui(qtbot, notices):
    """The real Services (under the test's ESYNC_HOME) behind the controller and the window."""
    from types import SimpleNamespace

    from esync_desktop.app import Services
    from esync_desktop.storage.secrets import SecretStore
    from esync_desktop.ui.controller import AppController
    from esync_desktop.ui.main_window import MainWindow
    from tests.ui.fakes import MemoryKeyring

    services = Services(environ={})
    services.secrets = SecretStore(backend=MemoryKeyring())
    controller = AppController(services)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    try:
        yield SimpleNamespace(services=services, controller=controller, window=window)
    finally:
        assert controller.shutdown(15_000), "a background job outlived the test"
        services.stop()
