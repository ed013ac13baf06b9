"""The field commands: ownership, tax-classes and conflicts (on a sandbox reached through the
ESYNC_* variables, as a headless install would)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from esync_desktop.app import Services
from esync_desktop.cli import run
from esync_desktop.domain.ownership import FIELDS, OWNERS
from tests.sync.live import sandbox_env
from tests.sync.orders_live import Stores


@pytest.fixture
def stores(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stores]:
    for name, value in sandbox_env(sandbox).items():
        monkeypatch.setenv(name, value)
    found = Stores(sandbox)
    yield found
    found.close()


def _saved() -> Any:
    services = Services()
    try:
        return services.settings
    finally:
        services.stop()


def test_ownership_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(["ownership", "set", "--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert all(f in shown for f in FIELDS) and all(o in shown for o in OWNERS)

    assert run(["ownership", "set", "visibility", "bigcommerce"]) == 0
    assert run(["ownership", "set", "sale_price", "clover"]) == 0
    assert _saved().ownership["visibility"] == "bigcommerce"
    capsys.readouterr()
    assert run(["ownership", "show"]) == 0
    lines = dict(line.split()[:2] for line in capsys.readouterr().out.splitlines())
    assert lines["visibility"] == "bigcommerce" and lines["sale_price"] == "clover"
    assert lines["description"] == "clover_unless_blank" and lines["stock"] == "clover"
    with pytest.raises(SystemExit) as exited:
        run(["ownership", "set", "colour", "clover"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_tax_class_commands(capsys: pytest.CaptureFixture[str], stores: Stores) -> None:
    assert run(["tax-classes", "list"]) == 0
    listed = capsys.readouterr().out
    assert "NYC Sales Tax (8.875 %, default) -> (not mapped)" in listed
    assert "4: Reduced Rate" in listed and "0: Default Tax Class" in listed
    assert run(["tax-classes", "map", "nyc sales tax", "reduced rate"]) == 0
    assert run(["tax-classes", "map", "Reduced Rate", "1"]) == 0
    assert _saved().tax_class_map == {"NYC Sales Tax": 4, "Reduced Rate": 1}
    capsys.readouterr()
    assert run(["tax-classes", "map", "Sales Tax", "1"]) == 2
    assert "no tax rate named 'Sales Tax'" in capsys.readouterr().err
    assert run(["tax-classes", "map", "Reduced Rate", "77"]) == 2
    assert "4 Reduced Rate" in capsys.readouterr().err  # the classes there are, named
    assert run(["tax-classes", "unmap", "reduced rate"]) == 0
    assert _saved().tax_class_map == {"NYC Sales Tax": 4}
    assert run(["tax-classes", "unmap", "reduced rate"]) == 2


def _rename(stores: Stores, sku: str, clover: str, web: str) -> None:
    (item,) = stores.clover.find_items_by_sku(sku)
    stores.clover.update_item(item["id"], {"name": clover})
    (product,) = stores.bc.get("/v3/catalog/products", params={"sku": sku}).json()["data"]
    reply = stores.bc.put(f"/v3/catalog/products/{product['id']}", json={"name": web})
    assert reply.status_code == 200, reply.text


def _web_name(stores: Stores, sku: str) -> str:
    (product,) = stores.bc.get("/v3/catalog/products", params={"sku": sku}).json()["data"]
    return str(product["name"])


def test_conflicts_are_listed_and_resolved(
    capsys: pytest.CaptureFixture[str], stores: Stores
) -> None:
    assert run(["sync", "--action", "update-products"]) == 0
    _rename(stores, "MUG-001", "Mug Blue", "Mug (web)")
    _rename(stores, "CND-001", "Fig Candle", "Candle (web)")
    capsys.readouterr()
    assert run(["conflicts", "list"]) == 0
    listed = capsys.readouterr().out
    assert "mug-001 name: Clover 'Mug Blue'" in listed and "BigCommerce 'Mug (web)'" in listed
    assert "cnd-001 name" in listed

    assert run(["conflicts", "resolve", "MUG-001", "name", "bigcommerce"]) == 0
    assert "1 conflict settled" in capsys.readouterr().out
    assert run(["conflicts", "resolve", "MUG-001", "name", "bigcommerce"]) == 2
    assert run(["conflicts", "resolve", "MUG-001", "name"]) == 2  # no side
    assert run(["conflicts", "resolve", "--all", "name", "clover"]) == 0
    assert "1 conflict settled" in capsys.readouterr().out

    assert run(["sync", "--action", "update-products"]) == 0
    assert _web_name(stores, "MUG-001") == "Mug (web)"
    assert _web_name(stores, "CND-001") == "Fig Candle"
    capsys.readouterr()
    assert run(["conflicts", "list"]) == 0
    assert "No conflicts" in capsys.readouterr().out
