"""The fixes' engine side on the sandbox: a missing category created as a previewed, journalled
write, and only the touched items planned again."""

from __future__ import annotations

from typing import Any

from esync_desktop.app import default_task
from esync_desktop.sync import analysis
from esync_desktop.sync.category_create import CATEGORY_TASK, CREATE_CATEGORIES
from esync_desktop.sync.model import Outcome, Reason
from tests.sync.live import admin, endpoint_count, services_for


def _bags_skus(plan: Any) -> set[str]:
    groups = analysis.fix_groups([r for a in plan.actions for r in a.rows])
    [bags] = [
        g for g in groups if g.reason == Reason.CATEGORY_NOT_IN_BIGCOMMERCE and g.category == "Bags"
    ]
    return {r.sku for r in bags.rows if r.sku}


def test_creating_a_missing_category_then_replanning_only_its_items(sandbox: Any) -> None:
    admin(sandbox, "/_sandbox/settings", {"bigcommerce": {"plan": "pro"}})
    services = services_for(sandbox)
    task = default_task()
    try:
        plan = services.plan_task(task)
        skus = _bags_skus(plan)
        assert len(skus) > 1

        fix = services.plan_category_creates(["Bags", "bags "])
        [action] = fix.actions
        assert action.action == CREATE_CATEGORIES
        [row] = action.rows  # the same name twice is one category
        assert row.outcome is Outcome.CREATE and row.changes == {"category": (None, "Bags")}
        assert endpoint_count(sandbox, "bigcommerce", "POST", "/categories") == 0

        result = services.run_plan(fix)
        assert result.counts["create"] == 1 and result.error is None
        assert services.history()[0].task == CATEGORY_TASK
        [entry] = [e for e in services.state.journal_entries() if CREATE_CATEGORIES in e.action]
        assert entry.status == "confirmed" and entry.run_id == result.run_id
        logged = services.log_entries(run_id=result.run_id, text="/catalog/trees/categories")
        assert any(e.method == "POST" for e in logged)
        names = [c.name for c in services.store_categories().bigcommerce or ()]
        assert "Bags" in names

        # Planned again, it is already there: nothing to create twice.
        again = services.plan_category_creates(["Bags"])
        assert again.actions[0].rows[0].reason is Reason.ALREADY_IN_BIGCOMMERCE

        before = sandbox.counter_snapshot()
        merged = services.replan_items(plan, task, skus)
        after = sandbox.counter_snapshot()
        assert merged.plan_id != plan.plan_id
        rows = [r for a in merged.actions for r in a.rows]
        assert not [
            r
            for r in rows
            if r.reason is Reason.CATEGORY_NOT_IN_BIGCOMMERCE and "Bags" in r.missing_categories
        ]
        assert analysis.fix_groups(rows) != analysis.fix_groups(
            [r for a in plan.actions for r in a.rows]
        )
        # Every other item's rows are the ones previewed.
        groups = {r.cursor_key for a in merged.actions for r in a.rows if r.sku in skus}
        untouched = [
            r
            for a in plan.actions
            for r in a.rows
            if r.sku not in skus and not (r.cursor_key and r.cursor_key in groups)
        ]
        kept = {id(r) for r in rows}
        assert all(id(r) in kept for r in untouched)
        assert _reads(after) > _reads(before)
        # The merged plan runs like any preview.
        done = services.run_plan(merged)
        created = {
            r["sku"]
            for a in done.document["actions"]
            for r in a["rows"]
            if r["outcome"] == "create"
        }
        assert skus & created
    finally:
        services.stop()


def _reads(counters: dict[str, Any]) -> int:
    return sum(counters["bigcommerce"]["endpoints"].values())
