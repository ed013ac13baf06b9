"""What the tray icon and its tooltip say needs the owner (offscreen: the icon is not shown,
its state and tooltip are)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from esync_desktop.app import RunResult
from esync_desktop.connectors.errors import TransportError
from esync_desktop.ui.controller import SCHEDULED, AppController
from esync_desktop.ui.resources import TrayState
from esync_desktop.ui.tray import STALE_AFTER_KEY, Tray, scheduled_notice
from tests.ui.fakes import FakeServices

T0 = datetime(2026, 5, 4, 9, 10, tzinfo=UTC).astimezone()


def _rows(n_missing_weight: int) -> list[dict]:
    rows = [
        {"action": "send-standard", "sku": f"MUG-{i}", "outcome": "skip",
         "reason": "missing_weight", "clover_id": str(i), "clover_name": "Mug", "changes": {}}
        for i in range(n_missing_weight)
    ]  # fmt: skip
    rows.append(
        {"action": "send-prices", "sku": "CUP-1", "outcome": "skip", "reason": "unchanged",
         "clover_id": "c", "clover_name": "Cup", "changes": {}}
    )  # fmt: skip
    return rows


def _result(n: int, *, fail: int = 0, run_id: int = 1) -> RunResult:
    counts = {"create": 0, "update": 0, "unchanged": 0, "skip": n + 1, "fail": fail}
    document = {"actions": [{"rows": _rows(n)}]}
    return RunResult(run_id, counts, False, {}, 1.0, [], document)


def _tray(qtbot, now: list[datetime]) -> tuple[Tray, AppController]:
    services = FakeServices()
    services.settings.tasks[0].schedule.mode = "off"
    controller = AppController(services)
    controller.scheduler._clock = lambda: now[0]
    tray = Tray(controller)
    return tray, controller


def test_items_that_need_the_owner_are_counted_not_all_good(qtbot) -> None:
    now = [T0]
    tray, controller = _tray(qtbot, now)
    controller.run_finished.emit(_result(50), "scheduled")
    assert tray.state is TrayState.ATTENTION
    assert tray.icon.toolTip() == "eSync Desktop: 50 items need you"
    assert "all good" not in tray.icon.toolTip()
    controller.run_finished.emit(_result(0, run_id=2), "scheduled")
    assert tray.icon.toolTip() == "eSync Desktop: all good" and tray.state is TrayState.IDLE


def test_a_store_out_of_reach_is_named_with_since_when(qtbot) -> None:
    now = [T0]
    tray, controller = _tray(qtbot, now)
    error = TransportError("Cannot reach Clover", "Check the internet connection.")
    controller.job_failed.emit(SCHEDULED, error)
    now[0] = T0 + timedelta(minutes=30)
    controller.job_failed.emit(SCHEDULED, error)  # still out of reach: still since 09:10
    assert tray.state is TrayState.FAILED
    assert tray.icon.toolTip() == f"eSync Desktop: Cannot reach Clover since {T0:%H:%M}"
    controller.run_finished.emit(_result(0), "scheduled")
    assert tray.state is TrayState.IDLE


def test_red_when_no_sync_succeeded_for_the_owners_time(qtbot) -> None:
    now = [T0]
    tray, controller = _tray(qtbot, now)
    controller.settings.ui[STALE_AFTER_KEY] = 24
    controller.run_finished.emit(_result(0), "scheduled")
    now[0] = T0 + timedelta(hours=25)
    tray.update_state()
    assert tray.state is TrayState.STALE
    assert tray.icon.toolTip() == (
        f"eSync Desktop: no sync has succeeded since yesterday {T0:%H:%M}"
    )
    controller.settings.ui[STALE_AFTER_KEY] = 48  # the owner allows longer
    tray.update_state()
    assert tray.state is TrayState.IDLE
    controller.settings.ui[STALE_AFTER_KEY] = 0  # never
    now[0] = T0 + timedelta(days=30)
    tray.update_state()
    assert tray.state is TrayState.IDLE


def test_the_alert_limit_is_set_on_the_tasks_page(gui) -> None:
    page = gui.window.tasks
    assert page.stale_alert.hours.value() == 24
    page.stale_alert.hours.setValue(6)
    assert gui.services.settings.ui[STALE_AFTER_KEY] == 6
    page.stale_alert.hours.setValue(0)
    assert page.stale_alert.hours.text() == "never"


def test_the_notice_after_a_scheduled_run_names_the_items_not_the_skips() -> None:
    title, text = scheduled_notice("Stock", _result(16))
    assert title == "“Stock”: 16 items need you"
    assert "History" in text
    assert scheduled_notice("Stock", _result(0)) is None  # "nothing to do" skips are no news


def test_a_location_held_by_the_stale_stock_guard_is_named(qtbot) -> None:
    from esync_desktop.app import LocationStatus

    now = [T0]
    tray, controller = _tray(qtbot, now)
    held = LocationStatus(
        "WH1", "Warehouse", 2, "Back room", T0 - timedelta(hours=2), True, "zero", 60
    )
    fresh = LocationStatus("M1", "Main Street", 1, "Shop", T0, False, "zero", 60)
    controller.services.stock_status = lambda when=None: [fresh, held]
    tray.update_state()
    assert tray.state is TrayState.STALE
    assert "Stock at Back room is stale: Clover merchant Warehouse" in tray.icon.toolTip()
    assert "the web store shows 0 there" in tray.icon.toolTip()
    assert "Shop" not in tray.icon.toolTip()
