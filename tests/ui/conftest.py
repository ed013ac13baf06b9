"""UI test fixtures: the offscreen platform unless one is set, and plan rows to fill tables."""

from __future__ import annotations

import os
import socket
from functools import partial

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


def _item_step(action: str, outcome: Outcome, reason: Reason | None = None, **kw) -> PlanRow:
    return PlanRow(action, outcome=outcome, reason=reason, **kw)


def make_item_rows(n: int) -> list[PlanRow]:
    """A plan of `n` items with four steps each (create, stock at two locations, price), in
    plan order (step after step), the items in turn: new (its other steps wait for the create),
    updated, unchanged, skipped for no weight (its other steps cannot find it), failed price."""
    steps: dict[str, list[PlanRow]] = {a: [] for a in ITEM_STEPS}
    for i in range(n):
        kind, sku, name = i % 5, f"SKU-{i:06d}", f"Item {i}"
        bc_name = None if kind in (0, 3) else f"Product {i}"
        row = partial(_item_step, sku=sku, clover_name=name, bc_name=bc_name)

        later = (Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE) if kind in (0, 3) else None
        if kind == 0:
            steps["send-standard"].append(row("send-standard", Outcome.CREATE,
                                              changes={"name": (None, name)}))  # fmt: skip
        elif kind == 3:
            steps["send-standard"].append(row("send-standard", Outcome.SKIP,
                                              Reason.MISSING_WEIGHT))  # fmt: skip
        else:
            steps["send-standard"].append(
                row("send-standard", Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE)
            )
        for location, action in (("Main Street", "stock-main"), ("Annex", "stock-annex")):
            if later:
                found = row("send-inventory-standard", *later, facts={"location": location})
            elif kind == 2 or (kind == 1 and location == "Annex"):
                found = row("send-inventory-standard", Outcome.UNCHANGED, Reason.UNCHANGED,
                            facts={"location": location})  # fmt: skip
            else:
                found = row("send-inventory-standard", Outcome.UPDATE,
                            changes={"inventory_level": (i % 7, i % 7 + 1)},
                            facts={"location": location})  # fmt: skip
            steps[action].append(found)
        if later:
            steps["send-prices"].append(row("send-prices", *later))
        elif kind == 4:
            steps["send-prices"].append(row("send-prices", Outcome.FAIL, Reason.REJECTED,
                                            detail="price refused"))  # fmt: skip
        elif kind == 1:
            steps["send-prices"].append(row("send-prices", Outcome.UPDATE,
                                            changes={"price": ("9.00", "9.50")}))  # fmt: skip
        else:
            steps["send-prices"].append(row("send-prices", Outcome.UNCHANGED, Reason.UNCHANGED))
    return [r for action in ITEM_STEPS for r in steps[action]]


ITEM_STEPS = ("send-standard", "stock-main", "stock-annex", "send-prices")


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
