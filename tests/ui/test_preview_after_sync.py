"""The Preview's banner after its plan ran: "Synced." only for a run that went through."""

from __future__ import annotations

import pytest

from esync_desktop.app import RunResult
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, TaskPlan


def _plan() -> TaskPlan:
    row = PlanRow("send-prices", "MUG-9", Outcome.UPDATE, changes={"price": (1, 2)})
    return TaskPlan("Catalogue", (ActionPlan("send-prices", (row,)),), plan_id="p")


@pytest.mark.parametrize(
    ("cancelled", "failed", "kind", "words"),
    [
        (True, 0, "warning", "Sync cancelled after 1 change"),
        (False, 2, "error", "Synced with 2 failures"),
        (False, 0, "ok", "Synced. Preview again"),
    ],
)
def test_banner_after_a_run(gui, cancelled: bool, failed: int, kind: str, words: str) -> None:
    page = gui.window.preview
    page.set_plan(_plan())
    counts = {"create": 0, "update": 1, "unchanged": 0, "skip": 0, "fail": failed}
    page._on_run_finished(RunResult(3, counts, cancelled, {}, 1.0, []), "manual")
    assert page.banner.kind == kind
    assert words in page.banner.text()
    if cancelled or failed:
        assert not page.banner.text().startswith("Synced.")
