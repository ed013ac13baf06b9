"""The stock settings: older files load as one merchant at the default location, further
merchants and buffers round-trip, and bad entries are dropped with a message naming them."""

from __future__ import annotations

import json
from pathlib import Path

from esync_desktop.storage.settings import (
    BufferRule,
    MerchantConfig,
    Settings,
    SettingsStore,
    StockSettings,
)


def test_an_older_file_is_one_merchant_at_the_default_location(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    old = {"version": 1, "clover": {"region": "na", "merchant_id": "MID1"}, "location_id": 1}
    path.write_text(json.dumps(old))
    settings, warnings = SettingsStore(path).load()
    assert warnings == []
    [merchant] = settings.stock_merchants()
    assert (merchant.merchant_id, merchant.location_id, merchant.name) == ("MID1", 1, "")
    assert settings.stock == StockSettings()
    assert settings.stock.stale_after_minutes == 0  # the guard is the owner's to turn on


def test_merchants_and_buffers_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    settings = Settings()
    settings.clover.merchant_id, settings.clover.name = "MAIN1", "Main Street"
    settings.merchants = [
        MerchantConfig("WH1", 2, "Warehouse", "eu", "https://example.test/clover")
    ]
    settings.stock = StockSettings(
        buffers=[BufferRule(2), BufferRule(3, 2, category="Mugs"), BufferRule(1, None, sku="A")],
        reserve_hours=12,
        stale_after_minutes=30,
        stale_mode="zero",
    )
    store.save(settings)
    loaded, warnings = store.load()
    assert warnings == []
    assert loaded.clover.name == "Main Street"
    assert loaded.merchants == settings.merchants
    assert loaded.stock == settings.stock
    assert [m.location_id for m in loaded.stock_merchants()] == [1, 2]


def test_bad_merchants_and_buffers_are_dropped_by_name(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    raw = {
        "version": 1,
        "clover": {"merchant_id": "MAIN1"},
        "location_id": 1,
        "merchants": [
            {"merchant_id": "WH1", "location_id": 2},
            {"merchant_id": "WH2", "location_id": 2},  # location 2 is taken
            {"merchant_id": "main1", "location_id": 3},  # the first merchant again
            {"merchant_id": "bad id", "location_id": 4},
            {"merchant_id": "WH3", "location_id": "x"},
            {"merchant_id": "WH4", "location_id": 5, "base_url": "http://example.test"},
        ],
        "stock": {
            "buffers": [{"units": -1}, {"units": 2, "category": "A", "sku": "B"}, {"units": 1}],
            "stale_mode": "maybe",
            "reserve_hours": True,
        },
    }
    path.write_text(json.dumps(raw))
    settings, warnings = SettingsStore(path).load()
    text = "\n".join(warnings)
    assert [m.merchant_id for m in settings.merchants] == ["WH1", "WH4"]
    assert settings.merchants[1].base_url is None  # a token never goes out in clear
    assert "another merchant already feeds this location" in text
    assert "already in the list" in text and "letters and digits" in text
    assert settings.stock.buffers == [BufferRule(1)]
    assert "not both" in text and "stock.stale_mode" in text and "stock.reserve_hours" in text
    assert settings.stock.stale_mode == "buffer" and settings.stock.reserve_hours == 0
