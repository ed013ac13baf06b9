"""Cursors and content hashes."""

from __future__ import annotations

from decimal import Decimal

from esync_desktop.storage.state import StateDb


def test_cursor_values(db: StateDb) -> None:
    assert db.get_cursor("MID>hash:send-standard") is None
    value = {"since_ms": 1700000000000, "hashes": {"C1": "abc"}, "price": Decimal("1.50")}
    db.set_cursor("MID>hash:send-standard", value)
    assert db.get_cursor("MID>hash:send-standard") == {
        "since_ms": 1700000000000,
        "hashes": {"C1": "abc"},
        "price": "1.50",
    }
    db.set_cursor("MID>hash:send-standard", {"since_ms": 1})
    assert db.get_cursor("MID>hash:send-standard") == {"since_ms": 1}


def test_delete_cursors_by_prefix(db: StateDb) -> None:
    for name in ("demo_1:send-standard", "demo_1:send-prices", "demoX1:send-standard", "other:a"):
        db.set_cursor(name, {"since_ms": 1})
    db.set_hashes("demo_1:send-standard", {"A": "h"})
    # "_" is a LIKE wildcard: it must not make "demoX1" match "demo_1".
    assert db.delete_cursors(prefix="demo_1:") == 2
    assert db.get_cursor("demo_1:send-standard") is None
    assert db.get_cursor("demoX1:send-standard") == {"since_ms": 1}
    assert db.get_hashes("demo_1:send-standard", ["A"]) == {}
    assert db.delete_cursors() == 2


def test_hashes_per_action_and_sku(db: StateDb) -> None:
    skus = [f"SKU-{n}" for n in range(1200)]  # more than one IN (...) chunk
    db.set_hashes("send-standard", {sku: f"h{n}" for n, sku in enumerate(skus)})
    db.set_hashes("send-prices", {"SKU-1": "other"})
    found = db.get_hashes("send-standard", [*skus, "absent", "SKU-1"])
    assert len(found) == 1200 and found["SKU-1199"] == "h1199"
    db.set_hashes("send-standard", {"SKU-1": "changed"})
    assert db.get_hashes("send-standard", ["SKU-1", "SKU-2"]) == {"SKU-1": "changed", "SKU-2": "h2"}
    assert db.get_hashes("send-prices", ["SKU-1", "SKU-2"]) == {"SKU-1": "other"}
    assert db.get_hashes("send-prices", []) == {}
