"""The Services facade: default task, connections, plan without writes, runs in the history."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from esync_desktop.app import Services
from esync_desktop.storage.settings import Schedule, WeightRules
from esync_desktop.sync.model import Outcome
from tests.sync.live import admin, endpoint_count, services_for, task


def test_default_task_and_missing_connections() -> None:
    services = Services(environ={})
    try:
        [default] = services.settings.tasks
        assert default.name == "Catalogue sync"
        assert [a.action for a in default.actions] == [
            "send-standard",
            "send-matrix",
            "send-inventory-standard",
            "send-inventory-matrix",
            "send-prices",
            "true-up",
        ]
        report = services.test_connections()
        assert not report.clover_ok and not report.bc_ok
        assert "ESYNC_CLOVER_TOKEN" in (report.clover_error or "")
    finally:
        services.stop()


def test_demo_connections_report_the_store_names() -> None:
    services = Services(environ={})
    try:
        services.start_demo()
        report = services.test_connections()
        assert report.ok, report
        assert report.clover_name and report.bc_name
    finally:
        services.stop()


def test_wrong_token_is_reported_with_a_next_step(sandbox: Any) -> None:
    services = services_for(sandbox)
    services.environ = {**services.environ, "ESYNC_CLOVER_TOKEN": "not-the-token-1234"}
    try:
        report = services.test_connections()
        assert report.bc_ok and not report.clover_ok
        assert report.clover_error
    finally:
        services.stop()


def test_plan_writes_nothing_and_run_is_recorded(sandbox: Any) -> None:
    admin(sandbox, "/_sandbox/settings", {"bigcommerce": {"plan": "pro"}})
    services = services_for(sandbox)
    # One category's weight only: a few dozen creates keep the test quick.
    services.settings.weights = WeightRules(by_category={"Cards": Decimal("0.03")})
    try:
        plan = services.plan_task(task("send-standard", "send-prices", stop_when_empty=False))
        counters = sandbox.counter_snapshot()
        writes = sum(
            n
            for api in ("clover", "bigcommerce")
            for route, n in counters[api]["endpoints"].items()
            if not route.startswith("GET")
        )
        assert writes == 0  # a preview writes nothing to either store
        assert services.state.journal_entries() == []
        assert plan.api_calls["clover"] >= 1 and plan.api_calls["bigcommerce"] >= 1
        result = services.run_plan(plan, trigger="manual")
        assert result.counts["create"] == plan.counts()["create"]
        assert result.api_calls["bigcommerce"] > plan.api_calls["bigcommerce"]
        [summary] = services.history()
        assert summary.run_id == result.run_id
        items = services.run_items(result.run_id)
        assert len(items) == sum(len(a.rows) for a in plan.actions)
        assert services.log_entries(run_id=result.run_id)
        assert (
            endpoint_count(sandbox, "bigcommerce", "POST", "/catalog/products")
            == (result.counts["create"])
        )
    finally:
        services.stop()


def test_refused_item_is_a_named_mapping_error_and_the_run_goes_on(sandbox: Any) -> None:
    admin(sandbox, "/_sandbox/settings", {"bigcommerce": {"plan": "pro"}})
    services = services_for(sandbox)
    services.settings.weights = WeightRules(by_category={"Cards": Decimal("0.03")})
    try:
        plan = services.plan_task(task("send-standard"))
        victim = next(r for r in plan.actions[0].rows if r.outcome is Outcome.CREATE)
        # Someone creates a web product with the same name (names are unique in BigCommerce).
        _, bc, _ = services._clients()
        try:
            bc.create_product(
                {
                    "name": victim.clover_name,
                    "type": "physical",
                    "price": "1",
                    "weight": "1",
                    "sku": "WEB-ONLY-1",
                }
            )
        finally:
            bc.close()
        result = services.run_plan(plan)
        assert [r.sku for r in result.failures] == [victim.sku]
        assert result.counts["create"] == plan.counts()["create"] - 1
        errors = services.log_entries(run_id=result.run_id, text=victim.sku or "")
        assert errors
    finally:
        services.stop()


def test_next_due() -> None:
    services = Services(environ={})
    try:
        now = datetime(2026, 3, 2, 10, 0)
        job = task("send-prices")
        assert services.next_due(job, now) is None
        job.schedule = Schedule(mode="interval", every_minutes=30)
        assert services.next_due(job, now) == now  # never run: due now
    finally:
        services.stop()


@pytest.mark.parametrize(
    ("at", "last", "expected"),
    [
        ("06:30", None, datetime(2026, 3, 3, 6, 30)),
        ("12:00", None, datetime(2026, 3, 2, 12, 0)),
        ("06:30", datetime(2026, 3, 1, 6, 31), datetime(2026, 3, 2, 6, 30)),
    ],
)
def test_daily_schedule(at: str, last: datetime | None, expected: datetime) -> None:
    from esync_desktop.sync.schedule import next_due

    now = datetime(2026, 3, 2, 10, 0)
    assert next_due(Schedule(mode="daily", at=at), last, now) == expected
    interval = next_due(Schedule(mode="interval", every_minutes=45), now, now)
    assert interval == now + timedelta(minutes=45)


def test_one_run_at_a_time(sandbox: Any) -> None:
    from esync_desktop.paths import app_paths
    from esync_desktop.storage.state import RunLocked, StateDb

    services = services_for(sandbox)
    other = StateDb(app_paths().state_db)  # as the tray's timer in another process would
    try:
        with other.run_lock("Catalogue sync"), pytest.raises(RunLocked) as exc:
            services.plan_task(task("send-prices"))
        assert "Wait for it to finish" in str(exc.value)
        services.plan_task(task("send-prices"))  # free again
    finally:
        other.close()
        services.stop()


def test_progress_bar_draws_only_on_a_terminal() -> None:
    import io

    from esync_desktop.cli_output import ProgressBar
    from esync_desktop.sync.runner import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen, pipe = Terminal(), io.StringIO()
    for stream in (screen, pipe):
        bar = ProgressBar(stream)
        bar(Progress(3, 12, "MUG-001"))
        bar.close()
    assert "[#######-----------------------] 3/12 MUG-001" in screen.getvalue()
    assert pipe.getvalue() == ""
