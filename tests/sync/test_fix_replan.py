"""The fixes' engine side on the sandbox: a missing category created as a previewed, journalled
write, and only the touched items planned again."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from esync_desktop.app import default_task
from esync_desktop.storage.settings import ActionConfig
from esync_desktop.sync import analysis
from esync_desktop.sync.category_create import CATEGORY_TASK, CREATE_CATEGORIES
from esync_desktop.sync.model import Outcome, Reason
from esync_desktop.sync.replan import Fixed
from tests.sync.live import admin, endpoint_count, services_for
from tests.sync.live import task as live_task


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
        merged = services.replan_items(plan, task, skus, fixed=Fixed.BC_CATEGORIES)
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


def _rows_of(plan: Any, skus: set[str]) -> dict[str, list[Any]]:
    """Per step, the rows of these items by SKU (a re-plan puts them after the others)."""
    return {
        a.action: sorted((r for r in a.rows if r.sku in skus), key=lambda r: r.sku)
        for a in plan.actions
    }


def _fix(services: Any, task: Any, kind: str, plan: Any) -> tuple[set[str], Fixed]:
    """Apply one kind of fix as the fix-it panel does; the SKUs it touched and what changed."""
    groups = analysis.fix_groups([r for a in plan.actions for r in a.rows])
    settings = services.settings
    fixed = Fixed.RULE
    if kind in ("create", "map", "map-to-new"):
        [group] = [g for g in groups if g.category == "Bags"]
        if kind == "create":
            assert services.run_plan(services.plan_category_creates(["Bags"])).counts["create"]
            fixed = Fixed.BC_CATEGORIES
        elif kind == "map":
            settings.category_map = {"Bags": "Stationery"}
        else:
            # A category made in BigCommerce after the preview, then chosen from the list.
            assert services.run_plan(services.plan_category_creates(["Totes"])).counts["create"]
            settings.category_map = {"Bags": "Totes"}
    elif kind.startswith("weight"):
        [group] = [g for g in groups if g.reason == Reason.MISSING_WEIGHT]
        first = group.rows[0]
        if kind == "weight-sku":
            settings.weights = settings.weights.with_sku_weights({first.sku: Decimal("0.25")})
        else:
            settings.weights = dataclasses.replace(settings.weights, default=Decimal("1.5"))
    else:
        [group] = [g for g in groups if g.reason == Reason.NAME_MISMATCH]
        for step in task.actions:
            step.options["require_name_match"] = False
    return {r.sku for r in group.rows if r.sku}, fixed


# Requests each fix's re-plan sends (clover, bigcommerce): only a created category is read.
REPLAN_CALLS = {
    "create": (0, 1),
    "map": (0, 0),
    "map-to-new": (0, 1),  # the snapshot lacks the category mapped to: the categories are read
    "weight-sku": (0, 0),
    "weight-default": (0, 0),
    "names": (0, 0),
}


@pytest.mark.parametrize("kind", list(REPLAN_CALLS))
def test_a_fix_plans_its_items_again_from_the_previews_snapshot(sandbox: Any, kind: str) -> None:
    services = services_for(sandbox)
    task = default_task()
    services.settings.tasks[:] = [task]
    try:
        plan = services.plan_task(task)
        skus, fixed = _fix(services, task, kind, plan)
        assert skus
        sandbox.reset_counters()
        merged = services.replan_items(plan, task, skus, fixed=fixed)
        counts = sandbox.counter_snapshot()
        sent = (counts["clover"]["total"], counts["bigcommerce"]["total"])
        assert sent == REPLAN_CALLS[kind], counts
        assert merged.api_calls == {
            k: plan.api_calls[k] + n for k, n in zip(("clover", "bigcommerce"), sent, strict=True)
        }
        # The fixed items are planned as a whole new preview plans them.
        fresh = services.plan_task(task)
        assert _rows_of(merged, skus) == _rows_of(fresh, skus)
        assert _rows_of(merged, skus) != _rows_of(plan, skus)
        # The rest is the preview's own rows.
        previewed = [r for a in plan.actions for r in a.rows if r.sku not in skus]
        kept = {id(r) for a in merged.actions for r in a.rows}
        assert all(id(r) in kept for r in previewed)
    finally:
        services.stop()


def test_a_second_fix_plans_from_the_first_ones_result(sandbox: Any) -> None:
    services = services_for(sandbox)
    task = default_task()
    try:
        plan = services.plan_task(task)
        weights, _ = _fix(services, task, "weight-default", plan)
        once = services.replan_items(plan, task, weights)
        bags, fixed = _fix(services, task, "create", once)
        sandbox.reset_counters()
        twice = services.replan_items(once, task, bags, fixed=fixed)
        assert sandbox.counter_snapshot()["clover"]["total"] == 0
        fresh = services.plan_task(task)
        assert _rows_of(twice, weights | bags) == _rows_of(fresh, weights | bags)
    finally:
        services.stop()


def test_a_plan_made_before_the_task_changed_reads_the_stores_again(sandbox: Any) -> None:
    """The snapshot kept for a plan serves only that plan of that task: a step added since may
    need a part of the stores the preview did not read."""
    services = services_for(sandbox)
    task = live_task("send-standard")
    try:
        plan = services.plan_task(task)
        skus, _ = _fix(services, task, "weight-default", plan)
        task.actions.append(ActionConfig("send-prices", {}))
        sandbox.reset_counters()
        merged = services.replan_items(plan, task, skus)
        assert sandbox.counter_snapshot()["clover"]["total"] > 0
        # The previewed steps, planned as a new preview plans them (the new step waits for one).
        fresh = _rows_of(services.plan_task(task), skus)
        assert _rows_of(merged, skus) == {"send-standard": fresh["send-standard"]}
    finally:
        services.stop()
