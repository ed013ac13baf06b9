"""`sync --demo --action push-orders --json`: the first run pushes the qualifying demo orders,
the second pushes nothing; the preview lists every order with its figures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from esync_desktop.cli import run


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, Any]]:
    code = run(argv)
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_demo_push_orders_twice_pushes_then_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, preview = _json(capsys, ["preview", "--demo", "--action", "push-orders", "--json"])
    assert code == 0
    (action,) = preview["actions"]
    orders = [r for r in action["rows"] if r["bc_id"] is not None]
    creates = [r for r in orders if r["outcome"] == "create"]
    assert len(creates) == 10
    for row in creates:
        bc_total, clover_total = row["changes"]["total"]
        assert bc_total == clover_total
        assert row["changes"]["customer"][0] and row["changes"]["date"][0]
    assert {r["reason"] for r in orders if r["outcome"] == "skip"} == {"status_not_selected"}
    assert "stock" in action["note"]

    code, first = _json(capsys, ["sync", "--demo", "--action", "push-orders", "--json"])
    assert code == 0 and first["summary"]["create"] == 11 and first["summary"]["fail"] == 0
    pushed = [r for r in first["actions"][0]["rows"] if r["bc_id"] and r["outcome"] == "create"]
    assert all(r["changes"]["order"][1] not in (None, "new") for r in pushed)

    code, second = _json(capsys, ["sync", "--demo", "--action", "push-orders", "--json"])
    assert code == 0 and second["summary"]["create"] == 0
    assert second["api_calls"] == {"clover": 3, "bigcommerce": 1}
