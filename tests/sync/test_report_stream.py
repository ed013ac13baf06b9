"""The preview's --json, written as it is made, is the very text of the whole document."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from esync_desktop.domain.plan import CATALOGUE_ACTION_IDS
from esync_desktop.sync.actions import plan_actions
from esync_desktop.sync.cursors import Cursor
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason, TaskPlan
from esync_desktop.sync.report import plan_document, plan_json_chunks
from tests.sync import messy


def _whole(head: dict[str, Any], plan: TaskPlan, calls: dict[str, int]) -> str:
    return json.dumps({**head, **plan_document(plan, calls)}, ensure_ascii=False, default=str)


def _streamed(head: dict[str, Any], plan: TaskPlan, calls: dict[str, int]) -> str:
    return "".join(plan_json_chunks(head, plan, calls))


def test_a_planned_task_streams_to_the_same_text() -> None:
    actions = [(a, {}) for a in CATALOGUE_ACTION_IDS]
    cursors = {a: Cursor() for a in CATALOGUE_ACTION_IDS}
    plan = plan_actions("Catalogue sync", actions, messy.snapshot(), cursors, messy.RULES)
    assert sum(len(a.rows) for a in plan.actions) > 20
    head = {"task": "Catalogue sync", "demo": False}
    calls = {"clover": 3, "bigcommerce": 2}
    assert _streamed(head, plan, calls) == _whole(head, plan, calls)


def test_notes_stops_empty_actions_and_odd_text_stream_alike() -> None:
    many = tuple(
        PlanRow(
            "send-prices", f"SKU-{n}", Outcome.UPDATE, clover_name=f"Crème “{n}” \u202e\n",
            changes={"price": (Decimal("1.50"), Decimal("2.00"))}, facts={"limit": Decimal(9)},
        )
        for n in range(1234)
    )  # fmt: skip
    skip = PlanRow("send-standard", None, Outcome.SKIP, Reason.MISSING_SKU, clover_id="X")
    plan = TaskPlan(
        "t",
        (
            ActionPlan("send-standard", (skip,), note="a note"),
            ActionPlan("send-matrix", ()),
            ActionPlan("send-prices", many),
        ),
        stopped_after="send-matrix",
    )
    for head in ({}, {"task": "t", "demo": True, "extra": [1, None]}):
        assert _streamed(head, plan, {}) == _whole(head, plan, {})
    empty = TaskPlan("t", ())
    assert _streamed({}, empty, {"clover": 0}) == _whole({}, empty, {"clover": 0})
    json.loads(_streamed({"task": "t"}, plan, {}))
