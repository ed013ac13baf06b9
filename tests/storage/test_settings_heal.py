"""The settings file's last good copy: kept on each clean load and save, put back (rather than
defaults) when the file is damaged, with a notice naming both files."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from esync_desktop.storage.notices import SETTINGS_RESET, SETTINGS_RESTORED
from esync_desktop.storage.settings import SettingsStore
from tests.storage.test_settings import full_settings


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(tmp_path / "settings.json")


def _not_json(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:40])


def _not_an_object(path: Path) -> None:
    path.write_text("[1, 2, 3]", encoding="utf-8")


def _unknown_version(path: Path) -> None:
    path.write_text('{"version": "one"}', encoding="utf-8")


def _binary(path: Path) -> None:
    path.write_bytes(os.urandom(2000))


def _unreadable(path: Path) -> None:
    # A folder where the file should be: reading it fails with an OSError, as a bad disk does.
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize(
    "damage", [_not_json, _not_an_object, _unknown_version, _binary, _unreadable]
)
def test_a_damaged_file_is_replaced_by_the_last_good_copy(
    store: SettingsStore, damage: Callable[[Path], None]
) -> None:
    saved = full_settings()
    store.save(saved)
    good = store.path.read_bytes()
    assert store.last_good.read_bytes() == good
    damage(store.path)
    loaded, warnings = store.load()
    assert loaded == saved
    (notice,) = store.notices
    assert warnings == [notice.message]
    assert notice.kind == SETTINGS_RESTORED
    assert notice.restored_from == store.last_good and notice.good_as_of is not None
    assert notice.moved_to is not None and notice.moved_to.exists()
    assert str(notice.moved_to) in notice.message
    assert "changes made after it are lost" in notice.message
    # Put back in place: the next load is clean.
    assert store.path.read_bytes() == good
    assert store.load() == (saved, []) and store.notices == []


def test_without_a_good_copy_defaults_are_used(store: SettingsStore) -> None:
    store.path.write_text("{nope", encoding="utf-8")
    settings, _ = store.load()
    assert settings.tasks == []
    assert [n.kind for n in store.notices] == [SETTINGS_RESET]
    assert "using default settings" in store.notices[0].message


def test_a_damaged_last_good_copy_is_not_used(store: SettingsStore) -> None:
    store.save(full_settings())
    store.last_good.write_text('{"version": 1, "tasks": 12', encoding="utf-8")
    _not_json(store.path)
    settings, _ = store.load()
    assert settings.tasks == []
    assert [n.kind for n in store.notices] == [SETTINGS_RESET]


def test_a_clean_load_refreshes_the_copy_and_a_file_with_bad_values_does_not(
    store: SettingsStore,
) -> None:
    saved = full_settings()
    store.save(saved)
    good = store.last_good.read_bytes()
    # Edited by hand, still sound: a clean load makes it the good copy.
    document = json.loads(good)
    document["location_id"] = 7
    store.path.write_text(json.dumps(document), encoding="utf-8")
    assert store.load()[1] == []
    assert json.loads(store.last_good.read_bytes())["location_id"] == 7
    # A value out of range is reset (not the whole file); the good copy keeps the sound one.
    document["weights"]["by_sku"] = {"A-1": "1e309", "A-2": "0.5", "A-3": "12345678901"}
    store.path.write_text(json.dumps(document), encoding="utf-8")
    settings, warnings = store.load()
    assert settings.weights.by_sku == {"A-2": Decimal("0.5")}
    assert any("A-1" in w and "A-3" in w for w in warnings), warnings
    assert json.loads(store.last_good.read_bytes())["weights"] == json.loads(good)["weights"]
