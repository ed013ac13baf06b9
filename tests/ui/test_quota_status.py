"""The BigCommerce quota and its waits in the status bar while a sync runs, from the sandbox's
own rate-limit headers: pacer -> Progress -> controller -> label."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from PySide6.QtCore import Qt

from esync_desktop import wording
from esync_desktop.connectors.pacing import LOW_QUOTA, RATE_LIMITED, QuotaState

pytestmark = pytest.mark.slow


def _admin(base: str, path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        base + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def test_wording() -> None:
    assert wording.quota_text(QuotaState(150, 57)) == "BigCommerce quota 62 %"
    state = QuotaState(150, 57, 2.6, RATE_LIMITED)
    assert wording.quota_text(state) == "BigCommerce quota 62 % · waiting 3 s (rate limit)"
    assert wording.quota_text(QuotaState(None, None, 0.2, LOW_QUOTA)) == (
        "BigCommerce · waiting 1 s (quota nearly used up)"
    )
    assert wording.quota_text(QuotaState()) == ""


def test_status_bar_shows_the_quota_and_the_waits_of_a_sync(gui, qtbot) -> None:
    window, controller = gui.window, gui.controller
    window.show()
    with qtbot.waitSignal(controller.connections_tested, timeout=60_000):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    base = gui.services.admin_url("bigcommerce").split("/_sandbox/")[0]
    with qtbot.waitSignal(controller.plan_ready, timeout=120_000):
        window.refresh_preview()
    plan = window.preview.plan
    assert plan.counts()["create"] > 20
    # A small quota in a short window, and one 429 on the first product create.
    _admin(base, "/_sandbox/settings", {"bigcommerce": {"quota": 30, "window_ms": 1000}})
    _admin(
        base,
        "/_sandbox/faults",
        {"bigcommerce": {"burst_429_next": 1, "path_contains": "/catalog/products"}},
    )
    label = window.quota
    seen: list[tuple[QuotaState, str, bool]] = []
    controller.quota_changed.connect(
        lambda state: seen.append((state, label.text(), label.isVisible()))
    )
    with qtbot.waitSignal(controller.run_finished, timeout=300_000):
        window.preview.sync_requested.emit(plan)
        qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert label.isHidden()  # nothing runs: nothing to show

    states = [s for s, _, _ in seen]
    texts = [t for _, t, shown in seen if shown]
    assert all(s.quota == 30 for s in states if s.quota is not None)
    assert any(s.used_share and s.used_share > 0.5 for s in states)
    assert any(s.reason == LOW_QUOTA and s.waiting_s > 0 for s in states)
    assert any(s.reason == RATE_LIMITED and s.waiting_s > 0 for s in states)
    assert any(t.startswith("BigCommerce quota ") and " %" in t for t in texts)
    assert any("(rate limit)" in t for t in texts), texts[:20]
    assert any("(quota nearly used up)" in t for t in texts), texts[:20]
