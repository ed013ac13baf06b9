"""The stock-by-location commands: merchants and buffers, and `sync --demo` of a stock task
writing both demo locations once."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from esync_desktop.app import Services
from esync_desktop.cli import run
from esync_desktop.storage.secrets import SecretStore, merchant_token_name

STOCK_TASK = ["tasks", "add", "Stock", "send-inventory-standard", "send-inventory-matrix"]


def _out(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = run(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_merchants_add_list_locate_and_remove(
    capsys: pytest.CaptureFixture[str], esync_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(["merchants", "rename", "", "Main Street"]) == 2  # no first merchant yet
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("wh-token-123\n"))
    code, out, _ = _out(
        capsys,
        ["merchants", "add", "WH0001", "--location", "2", "--name", "Warehouse", "--token-stdin"],
    )
    assert code == 0 and "feeds location 2" in out
    assert SecretStore().get(merchant_token_name("WH0001")) == "wh-token-123"
    code, out, _ = _out(capsys, ["merchants", "list"])
    lines = out.splitlines()
    assert "location 1" in lines[0] and "[the connection's]" in lines[0]
    assert lines[1].startswith("WH0001") and "Warehouse" in lines[1] and "location 2" in lines[1]
    # One location takes one merchant's stock.
    code, _, err = _out(capsys, ["merchants", "add", "SHOP2", "--location", "2"])
    assert code == 2 and "location 2 is fed by merchant Warehouse" in err
    code, _, err = _out(capsys, ["merchants", "set-location", "WH0001", "1"])
    assert code == 2 and "location 1" in err
    assert run(["merchants", "set-location", "WH0001", "3"]) == 0
    code, _, err = _out(capsys, ["merchants", "add", "bad id!", "--location", "4"])
    assert code == 2 and "not a Clover merchant id" in err
    services = Services()
    try:
        [merchant] = services.settings.merchants
        assert (merchant.merchant_id, merchant.location_id) == ("WH0001", 3)
    finally:
        services.stop()
    code, out, _ = _out(capsys, ["merchants", "remove", "WH0001"])
    assert code == 0 and "removed" in out
    assert SecretStore().get(merchant_token_name("WH0001")) is None
    code, _, err = _out(capsys, ["merchants", "remove", "WH0001"])
    assert code == 2 and "merchants list" in err


def test_help_lists_the_valid_values(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(["merchants", "add", "--help"])
    out = capsys.readouterr().out
    assert "{na,eu,la,sandbox}" in out and "one merchant" in out.replace("\n", " ")
    with pytest.raises(SystemExit):
        run(["buffers", "stale-guard", "--help"])
    out = capsys.readouterr().out
    assert "{buffer,zero}" in out and "most specific wins" in out.replace("\n", " ")


def test_buffers_set_list_and_remove(capsys: pytest.CaptureFixture[str], esync_home: Path) -> None:
    assert run(["buffers", "set", "2"]) == 0
    assert run(["buffers", "set", "3", "--location", "2", "--category", "Mugs"]) == 0
    assert run(["buffers", "set", "5", "--location", "2", "--sku", "MUG-002"]) == 0
    assert run(["buffers", "set", "6", "--location", "2", "--sku", "mug-002"]) == 0  # replaces
    assert run(["buffers", "reserve-hours", "12"]) == 0
    assert run(["buffers", "stale-guard", "45", "--publish", "zero"]) == 0
    capsys.readouterr()
    code, out, _ = _out(capsys, ["buffers", "list"])
    assert code == 0
    assert "2 units  every item, every location" in out
    assert "3 units  category Mugs, location 2" in out
    assert "6 units  SKU mug-002, location 2" in out and "5 units" not in out
    assert "reserved web orders: 12 hours" in out
    assert "stale-stock guard: after 45 minutes, publish zero" in out
    code, _, err = _out(capsys, ["buffers", "set", "-1"])
    assert code == 2 and "from 0" in err
    assert run(["buffers", "remove", "--location", "2", "--category", "mugs"]) == 0
    code, _, err = _out(capsys, ["buffers", "remove", "--sku", "NOPE"])
    assert code == 2 and "no buffer" in err
    with pytest.raises(SystemExit):
        run(["buffers", "set", "1", "--sku", "A", "--category", "B"])


def test_demo_sync_of_a_stock_task_writes_both_locations_once(
    capsys: pytest.CaptureFixture[str], esync_home: Path
) -> None:
    assert run([*STOCK_TASK, "--no-stop-when-empty"]) == 0
    capsys.readouterr()

    def sync() -> dict[str, Any]:
        code, out, _ = _out(capsys, ["sync", "--demo", "--task", "Stock", "--json"])
        assert code == 0, out
        return json.loads(out)  # type: ignore[no-any-return]

    first = sync()
    written = {
        (r["sku"], r["facts"]["location_id"])
        for a in first["actions"]
        for r in a["rows"]
        if r["outcome"] == "update"
    }
    locations = {loc for _, loc in written}
    assert locations == {1, 2}
    assert first["summary"]["fail"] == 0
    names = {
        (r["facts"]["location_id"], r["facts"]["merchant"])
        for a in first["actions"]
        for r in a["rows"]
        if "merchant" in r["facts"]
    }
    assert names == {(1, "Main Street"), (2, "Warehouse")}
    second = sync()
    assert second["summary"]["update"] == 0 and second["summary"]["create"] == 0


def test_demo_sync_of_the_default_task_sets_new_products_at_both_locations(
    capsys: pytest.CaptureFixture[str], esync_home: Path
) -> None:
    """The default task creates products and then sets their stock at the warehouse too (the
    create sets the default location only): the second run has nothing left to write."""

    def sync() -> dict[str, Any]:
        code, out, _ = _out(capsys, ["sync", "--demo", "--json"])
        assert code == 0, out
        return json.loads(out)  # type: ignore[no-any-return]

    def stock_rows(document: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
        return {
            (r["sku"], r["facts"]["location_id"]): r
            for a in document["actions"]
            if a["action"].startswith("send-inventory")
            for r in a["rows"]
            if "location_id" in r["facts"]
        }

    first = sync()
    assert first["summary"]["create"] > 0 and first["summary"]["fail"] == 0
    created = {
        sku
        for a in first["actions"]
        if a["action"] in ("send-standard", "send-matrix")
        for r in a["rows"]
        if r["outcome"] == "create"
        for sku in ([r["sku"]] if r["sku"] else r["changes"]["variants"][1])
    }
    before = stock_rows(first)
    after_create = {k for k, r in before.items() if k[0] in created and r["outcome"] == "update"}
    # Each new product's warehouse stock is written in the run that creates it.
    assert {loc for _, loc in after_create} == {2}
    assert {sku for sku, _ in after_create} >= {
        s for s in created if before[(s, 2)]["facts"]["level"]
    }
    second = sync()
    assert second["summary"]["update"] == 0 and second["summary"]["create"] == 0
    again = stock_rows(second)
    for sku in created:
        for location in (1, 2):
            row = again[(sku, location)]
            assert row["outcome"] == "unchanged"
            assert row["facts"]["level"] == before[(sku, location)]["facts"]["level"]
