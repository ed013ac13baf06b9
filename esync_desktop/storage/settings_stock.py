"""The stock settings to and from JSON: further Clover merchants with their locations, safety
buffers, reserved web orders and the stale-stock guard. Bad values are reset with a warning,
as in settings_codec; files without these keys load as one merchant and no buffers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from esync_desktop.storage.settings_model import (
    CLOVER_REGION_IDS,
    MAX_BUFFER_UNITS,
    MAX_RESERVE_HOURS,
    MAX_STALE_MINUTES,
    STALE_MODES,
    BufferRule,
    MerchantConfig,
    StockSettings,
)

# Clover merchant ids are 13 characters of Clover's base 32; any letters and digits are taken.
MERCHANT_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")


class ProblemSink(Protocol):
    def reset(self, where: str, value: Any, why: str, default: Any) -> None: ...
    def ignored(self, where: str, value: Any, why: str) -> None: ...


def whole(value: Any, low: int, high: int) -> int | None:
    """A whole number in [low, high] (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def parse_merchants(
    value: Any,
    first_id: str,
    first_location: int,
    problems: ProblemSink,
    safe_url: Callable[[object], str | None],
) -> list[MerchantConfig]:
    """The further merchants: each needs its own merchant id and its own location (one
    merchant feeds one location, one location is fed by one merchant)."""
    if not isinstance(value, list):
        problems.reset("merchants", value, "a list", [])
        return []
    found: list[MerchantConfig] = []
    ids = {first_id.casefold()} if first_id else set()
    locations = {first_location}
    for n, item in enumerate(value, 1):
        where = f"merchants[{n}]"
        if not isinstance(item, dict):
            problems.ignored(where, item, "a merchant is an object")
            continue
        merchant_id = item.get("merchant_id")
        if not isinstance(merchant_id, str) or not MERCHANT_ID.match(merchant_id.strip()):
            problems.ignored(where, merchant_id, "a Clover merchant id is letters and digits")
            continue
        merchant_id = merchant_id.strip()
        if merchant_id.casefold() in ids:
            problems.ignored(where, merchant_id, "this merchant is already in the list")
            continue
        location = whole(item.get("location_id"), 1, 2**31 - 1)
        if location is None:
            problems.ignored(where, item.get("location_id"), "a location id is a whole number")
            continue
        if location in locations:
            problems.ignored(where, location, "another merchant already feeds this location")
            continue
        region = item.get("region", "na")
        if region not in CLOVER_REGION_IDS:
            why = "one of " + ", ".join(CLOVER_REGION_IDS)
            problems.reset(f"{where}.region", region, why, "na")
            region = "na"
        name = item.get("name", "")
        base_url = item.get("base_url")
        url = None if base_url in (None, "") else safe_url(base_url)
        if base_url not in (None, "") and url is None:
            why = "an https:// URL, or http:// to localhost"
            problems.reset(f"{where}.base_url", base_url, why, None)
        ids.add(merchant_id.casefold())
        locations.add(location)
        found.append(
            MerchantConfig(
                merchant_id=merchant_id,
                location_id=location,
                name=name.strip() if isinstance(name, str) else "",
                region=str(region),
                base_url=url,
            )
        )
    return found


def parse_stock(value: Any, problems: ProblemSink) -> StockSettings:
    defaults = StockSettings()
    if not isinstance(value, dict):
        problems.reset("stock", value, "an object", {})
        return defaults
    reserve = value.get("reserve_hours", defaults.reserve_hours)
    if whole(reserve, 0, MAX_RESERVE_HOURS) is None:
        why = f"whole hours from 0 (off) to {MAX_RESERVE_HOURS}"
        problems.reset("stock.reserve_hours", reserve, why, defaults.reserve_hours)
        reserve = defaults.reserve_hours
    stale = value.get("stale_after_minutes", defaults.stale_after_minutes)
    if whole(stale, 0, MAX_STALE_MINUTES) is None:
        why = f"whole minutes from 0 (off) to {MAX_STALE_MINUTES}"
        problems.reset("stock.stale_after_minutes", stale, why, defaults.stale_after_minutes)
        stale = defaults.stale_after_minutes
    mode = value.get("stale_mode", defaults.stale_mode)
    if mode not in STALE_MODES:
        why = "one of " + ", ".join(STALE_MODES)
        problems.reset("stock.stale_mode", mode, why, defaults.stale_mode)
        mode = defaults.stale_mode
    return StockSettings(
        buffers=_buffers(value.get("buffers", []), problems),
        reserve_hours=reserve,
        stale_after_minutes=stale,
        stale_mode=str(mode),
    )


def _buffers(value: Any, problems: ProblemSink) -> list[BufferRule]:
    if not isinstance(value, list):
        problems.reset("stock.buffers", value, "a list", [])
        return []
    rules: list[BufferRule] = []
    for n, item in enumerate(value, 1):
        where = f"stock.buffers[{n}]"
        if not isinstance(item, dict):
            problems.ignored(where, item, "a buffer is an object")
            continue
        units = whole(item.get("units"), 0, MAX_BUFFER_UNITS)
        if units is None:
            problems.ignored(where, item.get("units"), f"units from 0 to {MAX_BUFFER_UNITS}")
            continue
        location = item.get("location_id")
        if location is not None and whole(location, 1, 2**31 - 1) is None:
            problems.ignored(where, location, "a location id is a whole number, or null")
            continue
        category, sku = _name(item.get("category")), _name(item.get("sku"))
        if category is not None and sku is not None:
            problems.ignored(where, item, "a buffer is for a category or a SKU, not both")
            continue
        rules.append(BufferRule(units, location, category, sku))
    return rules


def _name(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def merchants_to_json(merchants: list[MerchantConfig]) -> list[dict[str, Any]]:
    return [
        {
            "merchant_id": m.merchant_id,
            "location_id": m.location_id,
            "name": m.name,
            "region": m.region,
            "base_url": m.base_url,
        }
        for m in merchants
    ]


def stock_to_json(stock: StockSettings) -> dict[str, Any]:
    return {
        "buffers": [
            {"units": b.units, "location_id": b.location_id, "category": b.category, "sku": b.sku}
            for b in stock.buffers
        ],
        "reserve_hours": stock.reserve_hours,
        "stale_after_minutes": stock.stale_after_minutes,
        "stale_mode": stock.stale_mode,
    }
