"""Settings: round trip, corrupt and newer files kept as backups, bad values reset, atomic save."""

from __future__ import annotations

import json
import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from esync_desktop.storage import settings_codec
from esync_desktop.storage.settings import (
    SETTINGS_VERSION,
    ActionConfig,
    Schedule,
    Settings,
    SettingsError,
    SettingsStore,
    TaskConfig,
    WeightRules,
)


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(tmp_path / "config" / "settings.json")


def full_settings() -> Settings:
    settings = Settings()
    settings.clover.region = "eu"
    settings.clover.merchant_id = "MID123"
    settings.clover.base_url = "http://127.0.0.1:8123"
    settings.bigcommerce.store_hash = "abc123"
    settings.tasks = [
        TaskConfig(
            "Nightly",
            [ActionConfig("send-standard", {"visible": False}), ActionConfig("send-prices")],
            stop_when_empty=False,
            schedule=Schedule("daily", 60, "03:30"),
        ),
        TaskConfig(
            "Stock", [ActionConfig("send-inventory-standard")], schedule=Schedule("interval", 15)
        ),
    ]
    settings.weights = WeightRules(
        by_sku={"TEA-001": Decimal("0.150"), "MUG 01": Decimal("1")},
        by_category={"Mugs": Decimal("0.45")},
        default=Decimal("0.1000"),
    )
    settings.category_map = {"Hot drinks": "Coffee & Tea"}
    settings.location_id = 2
    settings.demo = True
    settings.ui = {"geometry": [10, 20, 800, 600], "splitter": 0.5}
    return settings


def backups(store: SettingsStore) -> list[Path]:
    return sorted(store.path.parent.glob("settings.json.*.bak"))


def test_missing_file_gives_defaults_without_warnings(store: SettingsStore) -> None:
    settings, warnings = store.load()
    assert settings == Settings()
    assert warnings == []


def test_round_trip_keeps_every_value_exactly(store: SettingsStore) -> None:
    original = full_settings()
    store.save(original)
    loaded, warnings = store.load()
    assert warnings == []
    assert loaded == original
    # Decimals keep their exact written form: "0.150" stays "0.150", never a float.
    raw = json.loads(store.path.read_text("utf-8"))
    assert raw["version"] == SETTINGS_VERSION
    assert raw["weights"]["by_sku"]["TEA-001"] == "0.150"
    assert raw["weights"]["default"] == "0.1000"
    assert loaded.weights.by_sku["TEA-001"].as_tuple() == Decimal("0.150").as_tuple()


def test_corrupt_file_is_kept_and_defaults_used(store: SettingsStore) -> None:
    store.path.parent.mkdir(parents=True)
    garbage = b'{"version": 1, "clover": {"region": "eu",'
    store.path.write_bytes(garbage)
    settings, warnings = store.load()
    assert settings == Settings()
    [backup] = backups(store)
    assert backup.read_bytes() == garbage
    assert len(warnings) == 1
    assert "not valid settings JSON" in warnings[0]
    assert str(backup) in warnings[0]
    assert "line 1" in warnings[0]
    # Loading the same bad file again does not pile up copies.
    store.load()
    assert backups(store) == [backup]
    # The original stays in place until the user saves.
    assert store.path.read_bytes() == garbage


@pytest.mark.parametrize(
    "content", [b"[1, 2, 3]", b"\xff\xfe not utf-8", b"", b'{"version": "one"}', b'{"version": 0}']
)
def test_unusable_files_are_kept_too(store: SettingsStore, content: bytes) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    settings, warnings = store.load()
    assert settings == Settings()
    [backup] = backups(store)
    assert backup.read_bytes() == content
    assert str(backup) in warnings[0] and "using default settings" in warnings[0]


def test_unreadable_file_is_moved_aside(store: SettingsStore) -> None:
    # A folder where the file should be: reading fails as it would on a permission error.
    store.path.mkdir(parents=True)
    (store.path / "inside").write_text("kept")
    settings, warnings = store.load()
    assert settings == Settings()
    [moved] = sorted(store.path.parent.glob("settings.json.unreadable-*.bak"))
    assert (moved / "inside").read_text() == "kept"
    assert "could not be read" in warnings[0] and str(moved) in warnings[0]
    store.save(settings)  # the place is free again
    assert store.load() == (settings, [])


def test_newer_version_is_kept_and_named(store: SettingsStore) -> None:
    store.path.parent.mkdir(parents=True)
    future = {"version": SETTINGS_VERSION + 1, "clover": {"merchant_id": "X"}, "new_thing": 1}
    store.path.write_text(json.dumps(future))
    settings, warnings = store.load()
    assert settings == Settings()
    [backup] = backups(store)
    assert json.loads(backup.read_text()) == future
    assert f"v{SETTINGS_VERSION + 1}" in backup.name
    assert "newer eSync Desktop" in warnings[0] and str(backup) in warnings[0]


def test_bad_values_are_reset_one_by_one(store: SettingsStore) -> None:
    good = json.loads(json.dumps(settings_codec.settings_to_json(full_settings())))
    raw = dict(good)
    raw["clover"] = {**good["clover"], "region": "mars", "base_url": "http://example.com"}
    raw["bigcommerce"] = {"store_hash": "abc/../x"}
    raw["location_id"] = 0
    raw["demo"] = "yes"
    raw["tasks"] = [
        {**good["tasks"][0], "schedule": {"mode": "hourly", "every_minutes": 1, "at": "25:00"}},
        {"name": "  "},
        {**good["tasks"][1], "actions": [{"action": "send-everything"}, "send-prices"]},
        {**good["tasks"][1]},  # the same name again
    ]
    raw["weights"] = {
        "by_sku": {"A": "1.5", "B": "heavy", "C": "-1", "D": 0.45, "E": "NaN"},
        "by_category": "none",
        "default": "x",
    }
    raw["category_map"] = {"Tea": "", "Mugs": "Cups"}
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps(raw))

    settings, warnings = store.load()

    assert settings.clover.region == "na"
    assert settings.clover.merchant_id == "MID123"  # the good values of a section survive
    assert settings.clover.base_url is None  # a token never goes to a remote host in clear
    assert settings.bigcommerce.store_hash == ""
    assert settings.location_id == 1
    assert settings.demo is False
    assert [t.name for t in settings.tasks] == ["Nightly", "Stock"]
    assert settings.tasks[0].schedule == Schedule()
    assert settings.tasks[0].actions == full_settings().tasks[0].actions
    assert [a.action for a in settings.tasks[1].actions] == ["send-prices"]
    assert settings.weights.by_sku == {"A": Decimal("1.5"), "D": Decimal("0.45")}
    assert settings.weights.by_category == {}
    assert settings.weights.default is None
    assert settings.category_map == {"Mugs": "Cups"}

    text = "\n".join(warnings)
    assert re.search(r"\b\d+ settings in .* were reset to defaults", text), text
    for expected in (
        "clover.region: 'mars'",
        "clover.base_url",
        "bigcommerce.store_hash",
        "location_id",
        "demo",
        "schedule.mode: 'hourly'",
        "schedule.every_minutes: 1",
        "schedule.at: '25:00'",
        "tasks[2]",
        "'send-everything' is not valid",
        "another task has this name",
        "weights.by_sku: ignored 3 entries",
        "'B': 'heavy'",
        "weights.by_category",
        "weights.default",
        "category_map: ignored 1 entry",
    ):
        assert expected in text, expected
    # The file as it was is kept, so nothing reset is lost for good.
    [backup] = backups(store)
    assert json.loads(backup.read_text()) == raw
    assert str(backup) in warnings[-1]


def test_migrations_run_as_a_chain(store: SettingsStore, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def v1_to_v2(raw: dict) -> dict:
        calls.append(raw["version"])
        raw["clover"]["merchant_id"] = raw["clover"].pop("merchant")
        return raw

    def v2_to_v3(raw: dict) -> dict:
        calls.append(raw["version"])
        raw["location_id"] = raw.pop("location")
        return raw

    monkeypatch.setattr(settings_codec, "SETTINGS_VERSION", 3)
    monkeypatch.setattr("esync_desktop.storage.settings.SETTINGS_VERSION", 3)
    monkeypatch.setitem(settings_codec.MIGRATIONS, 1, v1_to_v2)
    monkeypatch.setitem(settings_codec.MIGRATIONS, 2, v2_to_v3)
    store.path.parent.mkdir(parents=True)
    old = {"version": 1, "clover": {"merchant": "OLD1"}, "location": 4}
    store.path.write_text(json.dumps(old))

    settings, warnings = store.load()

    assert calls == [1, 2]
    assert settings.clover.merchant_id == "OLD1"
    assert settings.location_id == 4
    [backup] = backups(store)
    assert json.loads(backup.read_text()) == old
    assert "upgraded from version 1 to 3" in warnings[0] and str(backup) in warnings[0]


def test_a_failing_migration_keeps_the_file(
    store: SettingsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(raw: dict) -> dict:
        raise KeyError("clover")

    monkeypatch.setattr(settings_codec, "SETTINGS_VERSION", 2)
    monkeypatch.setattr("esync_desktop.storage.settings.SETTINGS_VERSION", 2)
    monkeypatch.setitem(settings_codec.MIGRATIONS, 1, broken)
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"version": 1}')
    settings, warnings = store.load()
    assert settings == Settings()
    assert "could not be upgraded" in warnings[0]
    assert len(backups(store)) == 1


def test_failed_replace_leaves_the_old_file(
    store: SettingsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(full_settings())
    before = store.path.read_bytes()

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    changed = full_settings()
    changed.clover.merchant_id = "OTHER"
    with pytest.raises(SettingsError) as caught:
        store.save(changed)
    message = str(caught.value)
    assert str(store.path) in message
    assert "disk is full" in message and "previous settings are unchanged" in message
    assert caught.value.path == store.path
    assert store.path.read_bytes() == before
    # No temp file is left behind; the last good copy is still the saved one.
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "settings.json",
        "settings.json.last-good",
    ]
    assert store.last_good.read_bytes() == before


def test_read_only_folder_raises_a_clear_error(
    store: SettingsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores folder permissions, so the refusal a read-only folder gives is raised directly.
    store.save(Settings())
    before = store.path.read_bytes()

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(SettingsError, match="not writable"):
        store.save(full_settings())
    assert store.path.read_bytes() == before


def test_save_writes_no_secret_fields(store: SettingsStore) -> None:
    store.save(full_settings())
    text = store.path.read_text().lower()
    assert "token" not in text and "password" not in text


def test_weight_rules_merge_by_sku_key() -> None:
    rules = WeightRules(by_sku={"tea-001": Decimal("1"), "MUG": Decimal("2")})
    merged = rules.with_sku_weights({" TEA-001 ": Decimal("3")})
    assert merged.by_sku == {"MUG": Decimal("2"), "TEA-001": Decimal("3")}
    assert rules.with_sku_weights({"X": Decimal("1")}, replace=True).by_sku == {"X": Decimal("1")}


def test_task_lookup_ignores_case() -> None:
    settings = full_settings()
    assert settings.task(" nightly ") is settings.tasks[0]
    assert settings.task("other") is None
