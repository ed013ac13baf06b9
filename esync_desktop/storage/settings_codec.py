"""Settings to and from JSON: validation that resets bad values with a warning, and migrations."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from esync_desktop.domain.plan import ACTION_IDS
from esync_desktop.storage.settings_model import (
    CLOVER_REGION_IDS,
    MAX_INTERVAL_MINUTES,
    MAX_WEIGHT,
    MIN_INTERVAL_MINUTES,
    SCHEDULE_MODES,
    SETTINGS_VERSION,
    ActionConfig,
    BigCommerceConnection,
    CloverConnection,
    Schedule,
    Settings,
    TaskConfig,
    WeightRules,
)
from esync_desktop.storage.settings_ownership import parse_ownership, parse_tax_class_map
from esync_desktop.storage.settings_stock import (
    merchants_to_json,
    parse_merchants,
    parse_stock,
    stock_to_json,
)

# Migrations: MIGRATIONS[n] turns the raw JSON object of version n into version n + 1. Add one
# whenever the layout changes; load() runs the chain from the file's version to SETTINGS_VERSION.
Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_STORE_HASH = re.compile(r"^[A-Za-z0-9]*$")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")
# At most this many examples are named in one warning about a table (weights, category map).
_EXAMPLES = 5


class Problems:
    """The warnings of one parse, each naming the setting and what was used instead."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def reset(self, where: str, value: Any, why: str, default: Any) -> None:
        self.messages.append(
            f"setting {where}: {_show(value)} is not valid ({why}); using {_show(default)}"
        )

    def ignored(self, where: str, value: Any, why: str) -> None:
        self.messages.append(f"setting {where}: {_show(value)} is not valid ({why}); ignored")

    def dropped(self, where: str, items: list[str], why: str) -> None:
        shown = ", ".join(items[:_EXAMPLES]) + (
            f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else ""
        )
        count = f"{len(items)} entr{'y' if len(items) == 1 else 'ies'}"
        self.messages.append(f"setting {where}: ignored {count} ({why}): {shown}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def migrate(raw: dict[str, Any], version: int) -> dict[str, Any]:
    """Run the migration chain from `version` up to SETTINGS_VERSION."""
    for step in range(version, SETTINGS_VERSION):
        raw = MIGRATIONS[step](dict(raw))
        raw["version"] = step + 1
    return raw


# -- reading -------------------------------------------------------------------------------------


def settings_from_json(raw: dict[str, Any], problems: Problems) -> Settings:
    """Typed settings from a (current-version) JSON object; each bad value is reset."""
    defaults = Settings()
    section = _section(raw, "clover", problems)
    clover = CloverConnection(
        region=_choice(section, "region", CLOVER_REGION_IDS, "clover", problems, "na"),
        merchant_id=_text(section, "merchant_id", "clover", problems),
        base_url=_url(section, "base_url", "clover", problems),
        name=_text(section, "name", "clover", problems),
    )
    section = _section(raw, "bigcommerce", problems)
    store_hash = _text(section, "store_hash", "bigcommerce", problems)
    if not _STORE_HASH.match(store_hash):
        problems.reset("bigcommerce.store_hash", store_hash, "letters and digits only", "")
        store_hash = ""
    bigcommerce = BigCommerceConnection(
        store_hash, _url(section, "base_url", "bigcommerce", problems)
    )
    location = raw.get("location_id", defaults.location_id)
    if isinstance(location, bool) or not isinstance(location, int) or location < 1:
        problems.reset("location_id", location, "a whole number from 1", defaults.location_id)
        location = defaults.location_id
    demo = raw.get("demo", defaults.demo)
    if not isinstance(demo, bool):
        problems.reset("demo", demo, "true or false", defaults.demo)
        demo = defaults.demo
    ui = raw.get("ui", {})
    if not isinstance(ui, dict):
        problems.reset("ui", ui, "an object", {})
        ui = {}
    return Settings(
        version=SETTINGS_VERSION,
        clover=clover,
        bigcommerce=bigcommerce,
        tasks=_tasks(raw.get("tasks", []), problems),
        weights=_weights(_section(raw, "weights", problems), problems),
        category_map=_category_map(raw.get("category_map", {}), problems),
        location_id=location,
        demo=demo,
        ui=ui,
        ownership=parse_ownership(raw.get("ownership"), problems),
        tax_class_map=parse_tax_class_map(raw.get("tax_class_map"), problems),
        merchants=parse_merchants(
            raw.get("merchants", []), clover.merchant_id, location, problems, safe_base_url
        ),
        stock=parse_stock(raw.get("stock", {}), problems),
    )


def _section(raw: dict[str, Any], name: str, problems: Problems) -> dict[str, Any]:
    value = raw.get(name, {})
    if isinstance(value, dict):
        return value
    problems.reset(name, value, "an object", {})
    return {}


def _text(section: dict[str, Any], key: str, where: str, problems: Problems) -> str:
    value = section.get(key, "")
    if isinstance(value, str):
        return value.strip()
    problems.reset(f"{where}.{key}", value, "text", "")
    return ""


def _choice(
    section: dict[str, Any],
    key: str,
    allowed: tuple[str, ...],
    where: str,
    problems: Problems,
    default: str,
) -> str:
    value = section.get(key, default)
    if value in allowed:
        return str(value)
    problems.reset(f"{where}.{key}", value, "one of " + ", ".join(allowed), default)
    return default


def safe_base_url(value: object) -> str | None:
    """The URL without a trailing slash when a token may be sent to it: https, or http only to
    this machine (the sandbox), so a token never crosses a network in clear. None otherwise."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if (parts.scheme == "https" and parts.hostname) or (
        parts.scheme == "http" and parts.hostname in _LOOPBACK
    ):
        return value.strip().rstrip("/")
    return None


def _url(section: dict[str, Any], key: str, where: str, problems: Problems) -> str | None:
    value = section.get(key)
    if value is None or value == "":
        return None
    url = safe_base_url(value)
    if url is None:
        problems.reset(f"{where}.{key}", value, "an https:// URL, or http:// to localhost", None)
    return url


def _tasks(value: Any, problems: Problems) -> list[TaskConfig]:
    if not isinstance(value, list):
        problems.reset("tasks", value, "a list", [])
        return []
    tasks: list[TaskConfig] = []
    seen: set[str] = set()
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict):
            problems.ignored(f"tasks[{n}]", item, "a task is an object")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.ignored(f"tasks[{n}]", item, "a task needs a name")
            continue
        name = name.strip()
        if name.casefold() in seen:
            problems.ignored(f"tasks[{n}]", name, "another task has this name")
            continue
        seen.add(name.casefold())
        where = f"task {name!r}"
        stop = item.get("stop_when_empty", True)
        if not isinstance(stop, bool):
            problems.reset(f"{where}.stop_when_empty", stop, "true or false", True)
            stop = True
        tasks.append(
            TaskConfig(
                name=name,
                actions=_actions(item.get("actions", []), where, problems),
                stop_when_empty=stop,
                schedule=_schedule(item.get("schedule", {}), where, problems),
            )
        )
    return tasks


def _actions(value: Any, where: str, problems: Problems) -> list[ActionConfig]:
    if not isinstance(value, list):
        problems.reset(f"{where}.actions", value, "a list", [])
        return []
    actions: list[ActionConfig] = []
    for n, item in enumerate(value, 1):
        action = item.get("action") if isinstance(item, dict) else item
        if action not in ACTION_IDS:
            why = "not an action; known: " + ", ".join(ACTION_IDS)
            problems.ignored(f"{where}.actions[{n}]", action, why)
            continue
        options = item.get("options", {}) if isinstance(item, dict) else {}
        if not isinstance(options, dict) or not all(isinstance(k, str) for k in options):
            problems.reset(f"{where}.actions[{n}].options", options, "an object", {})
            options = {}
        actions.append(ActionConfig(action=str(action), options=options))
    return actions


def _schedule(value: Any, where: str, problems: Problems) -> Schedule:
    default = Schedule()
    if not isinstance(value, dict):
        problems.reset(f"{where}.schedule", value, "an object", "off")
        return default
    mode = value.get("mode", default.mode)
    if mode not in SCHEDULE_MODES:
        problems.reset(f"{where}.schedule.mode", mode, "one of " + ", ".join(SCHEDULE_MODES), "off")
        mode = default.mode
    every = value.get("every_minutes", default.every_minutes)
    if (
        isinstance(every, bool)
        or not isinstance(every, int)
        or not MIN_INTERVAL_MINUTES <= every <= MAX_INTERVAL_MINUTES
    ):
        why = f"whole minutes from {MIN_INTERVAL_MINUTES} to {MAX_INTERVAL_MINUTES}"
        problems.reset(f"{where}.schedule.every_minutes", every, why, default.every_minutes)
        every = default.every_minutes
    at = value.get("at", default.at)
    if not isinstance(at, str) or not _TIME.match(at.strip()):
        problems.reset(f"{where}.schedule.at", at, "a time as HH:MM, 00:00 to 23:59", default.at)
        at = default.at
    return Schedule(mode=mode, every_minutes=every, at=at.strip())


def parse_weight(value: Any) -> Decimal | None:
    """A weight from its stored form (a string, or a number typed by hand): finite, >= 0 and at
    most BigCommerce's largest (0 is kept: BigCommerce takes it, and a saved rule is not lost)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        # repr() of a float read from JSON is the shortest form that reads back the same, i.e.
        # what was typed ("0.45"), so the Decimal is the typed value, not a binary approximation.
        weight = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        return None
    return weight if weight.is_finite() and 0 <= weight <= MAX_WEIGHT else None


def _weights(section: dict[str, Any], problems: Problems) -> WeightRules:
    tables: list[dict[str, Decimal]] = []
    for key in ("by_sku", "by_category"):
        value = section.get(key, {})
        if not isinstance(value, dict):
            problems.reset(f"weights.{key}", value, "an object", {})
            value = {}
        table: dict[str, Decimal] = {}
        bad: list[str] = []
        for name, raw in value.items():
            weight = parse_weight(raw)
            if weight is None or not name.strip():
                bad.append(f"{name!r}: {_show(raw)}")
            else:
                table[name.strip()] = weight
        if bad:
            why = "a weight is a number from 0 to 9999999999 and needs a name"
            problems.dropped(f"weights.{key}", bad, why)
        tables.append(table)
    raw_default = section.get("default")
    default = None if raw_default is None else parse_weight(raw_default)
    if raw_default is not None and default is None:
        problems.reset("weights.default", raw_default, "a number from 0 to 9999999999", None)
    return WeightRules(by_sku=tables[0], by_category=tables[1], default=default)


def _category_map(value: Any, problems: Problems) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.reset("category_map", value, "an object", {})
        return {}
    mapping: dict[str, str] = {}
    bad: list[str] = []
    for source, target in value.items():
        if isinstance(target, str) and source.strip() and target.strip():
            mapping[source.strip()] = target.strip()
        else:
            bad.append(f"{source!r} -> {_show(target)}")
    if bad:
        problems.dropped("category_map", bad, "both names are needed")
    return mapping


# -- writing -------------------------------------------------------------------------------------


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """The JSON object saved to disk. Decimals are strings, so no weight goes through float."""
    return {
        "version": SETTINGS_VERSION,
        "clover": {
            "region": settings.clover.region,
            "merchant_id": settings.clover.merchant_id,
            "base_url": settings.clover.base_url,
            "name": settings.clover.name,
        },
        "bigcommerce": {
            "store_hash": settings.bigcommerce.store_hash,
            "base_url": settings.bigcommerce.base_url,
        },
        "tasks": [
            {
                "name": task.name,
                "actions": [{"action": a.action, "options": a.options} for a in task.actions],
                "stop_when_empty": task.stop_when_empty,
                "schedule": {
                    "mode": task.schedule.mode,
                    "every_minutes": task.schedule.every_minutes,
                    "at": task.schedule.at,
                },
            }
            for task in settings.tasks
        ],
        "weights": {
            "by_sku": {k: str(v) for k, v in settings.weights.by_sku.items()},
            "by_category": {k: str(v) for k, v in settings.weights.by_category.items()},
            "default": None if settings.weights.default is None else str(settings.weights.default),
        },
        "category_map": dict(settings.category_map),
        "location_id": settings.location_id,
        "demo": settings.demo,
        "ui": settings.ui,
        "ownership": dict(settings.ownership),
        "tax_class_map": dict(settings.tax_class_map),
        "merchants": merchants_to_json(settings.merchants),
        "stock": stock_to_json(settings.stock),
    }
