"""The field-ownership and tax-class settings: defaults for files written before them, the
owner's choices kept exactly, bad entries dropped one by one with a warning."""

from __future__ import annotations

import json
from pathlib import Path

from esync_desktop.domain.ownership import DEFAULT_OWNERS
from esync_desktop.storage.settings import Settings, SettingsStore


def _store(tmp_path: Path, raw: dict[str, object]) -> SettingsStore:
    store = SettingsStore(tmp_path / "settings.json")
    store.path.write_text(json.dumps({"version": 1, **raw}), "utf-8")
    return store


def test_a_file_from_before_loads_with_the_default_owners(tmp_path: Path) -> None:
    settings, warnings = _store(tmp_path, {"location_id": 2}).load()
    assert warnings == []
    assert settings.ownership == dict(DEFAULT_OWNERS)
    assert settings.ownership["description"] == "clover_unless_blank"
    assert settings.ownership["sale_price"] == "nobody"
    assert settings.tax_class_map == {}


def test_choices_are_kept_and_bad_entries_dropped(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        {
            "ownership": {"visibility": "bigcommerce", "colour": "clover", "price": "shop"},
            "tax_class_map": {"NYC Sales Tax": 4, "Reduced": "two", "Big": 300, " ": 1},
        },
    )
    settings, warnings = store.load()
    assert settings.ownership == {**DEFAULT_OWNERS, "visibility": "bigcommerce"}
    assert settings.tax_class_map == {"NYC Sales Tax": 4}
    # One warning per table, then where the file as it was is kept.
    assert len(warnings) == 3 and "reset" in warnings[2]
    assert "'colour': 'clover'" in warnings[0] and "'price': 'shop'" in warnings[0]
    assert "'Reduced' -> 'two'" in warnings[1] and "'Big' -> 300" in warnings[1]

    settings.tax_class_map = {"Reduced Rate": 0}
    store.save(settings)
    again, warnings = store.load()
    assert warnings == [] and again == settings


def test_a_section_of_the_wrong_shape_is_reset(tmp_path: Path) -> None:
    settings, warnings = _store(tmp_path, {"ownership": [], "tax_class_map": "none"}).load()
    assert settings.ownership == Settings().ownership and settings.tax_class_map == {}
    assert "ownership: [] is not valid" in warnings[0]
    assert "tax_class_map: 'none' is not valid" in warnings[1]
