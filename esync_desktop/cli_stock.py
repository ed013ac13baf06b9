"""The CLI's stock-by-location commands: the Clover merchants and their locations, safety
buffers, reserved web orders and the stale-stock guard."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from esync_desktop.cli_services import EXIT_OK, EXIT_USAGE, open_services
from esync_desktop.cli_settings import _save_settings
from esync_desktop.domain.sku import sku_key
from esync_desktop.storage.secrets import SecretsUnavailable, merchant_token_name
from esync_desktop.storage.settings import (
    CLOVER_REGION_IDS,
    STALE_MODES,
    BufferRule,
    MerchantConfig,
)
from esync_desktop.storage.settings_codec import safe_base_url
from esync_desktop.storage.settings_model import (
    MAX_BUFFER_UNITS,
    MAX_RESERVE_HOURS,
    MAX_STALE_MINUTES,
)
from esync_desktop.storage.settings_stock import MERCHANT_ID

MERCHANTS_EPILOG = """\
Each Clover merchant's stock feeds one BigCommerce inventory location, and each location is fed
by one merchant. The first merchant is the connection's (Connections page, or `location` for its
location): its catalogue and orders are the ones synced; the others add their stock only.
Regions: na, eu, la, sandbox.
"""

BUFFERS_EPILOG = f"""\
web stock = max(0, Clover stock - buffer - reserved), per SKU and location.
A buffer applies at one location (--location N) or at every location (no --location), to one
SKU (--sku), one Clover category (--category) or every item. The most specific wins: SKU, then
category, then the location's own; at each level a rule for the location beats one for every
location. Units: 0 to {MAX_BUFFER_UNITS}.
reserve-hours: web orders placed within this many hours and not yet in Clover hold their units
back at the first merchant's location (0: off; at most {MAX_RESERVE_HOURS}).
stale-guard: when a merchant's stock has not been read for MINUTES (0: off; at most
{MAX_STALE_MINUTES}), its location is published as {" or ".join(STALE_MODES)}: buffer = the last
stock read less the buffers, zero = nothing for sale there.
"""


def add_stock_commands(commands: Any) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    merchants = commands.add_parser(
        "merchants",
        help="the Clover merchants and the BigCommerce location each one's stock feeds",
        epilog=MERCHANTS_EPILOG,
        formatter_class=raw,
    )
    sub = merchants.add_subparsers(
        dest="merchants_command", metavar="SUBCOMMAND", required=True, help="what to do"
    )
    sub.add_parser("list", help="every merchant with its location").set_defaults(
        handler=_merchants_list
    )
    add = sub.add_parser(
        "add",
        help="add a Clover merchant feeding a location",
        epilog=MERCHANTS_EPILOG,
        formatter_class=raw,
    )
    add.add_argument("merchant_id", help="the Clover merchant id (letters and digits)")
    add.add_argument("--location", type=int, required=True, help="the BigCommerce location id")
    add.add_argument("--name", default="", help='how you call it, e.g. "Warehouse"')
    add.add_argument("--region", choices=CLOVER_REGION_IDS, default="na", help="Clover's region")
    add.add_argument("--base-url", help="another Clover host (https://, or http://localhost)")
    add.add_argument(
        "--token-stdin",
        action="store_true",
        help="read its API token from the first line of standard input (kept in the keyring)",
    )
    add.set_defaults(handler=_merchants_add)
    remove = sub.add_parser("remove", help="remove a merchant (not the first) and its token")
    remove.add_argument("merchant_id", help="the Clover merchant id")
    remove.set_defaults(handler=_merchants_remove)
    where = sub.add_parser("set-location", help="the location a merchant's stock feeds")
    where.add_argument("merchant_id", help="the Clover merchant id")
    where.add_argument("location_id", type=int, help="the BigCommerce location id (from 1)")
    where.set_defaults(handler=_merchants_set_location)
    rename = sub.add_parser("rename", help="the name a merchant is shown under")
    rename.add_argument("merchant_id", help="the Clover merchant id")
    rename.add_argument("name", help='e.g. "Main Street"')
    rename.set_defaults(handler=_merchants_rename)

    buffers = commands.add_parser(
        "buffers",
        help="safety buffers, reserved web orders and the stale-stock guard",
        epilog=BUFFERS_EPILOG,
        formatter_class=raw,
    )
    bsub = buffers.add_subparsers(
        dest="buffers_command", metavar="SUBCOMMAND", required=True, help="what to do"
    )
    bsub.add_parser("list", help="every buffer and the stock settings").set_defaults(
        handler=_buffers_list
    )
    put = bsub.add_parser("set", help="set a buffer", epilog=BUFFERS_EPILOG, formatter_class=raw)
    put.add_argument("units", type=int, help=f"units kept back, 0 to {MAX_BUFFER_UNITS}")
    _scope_arguments(put)
    put.set_defaults(handler=_buffers_set)
    drop = bsub.add_parser("remove", help="remove the buffer of this scope")
    _scope_arguments(drop)
    drop.set_defaults(handler=_buffers_remove)
    reserve = bsub.add_parser(
        "reserve-hours", help="hold back web orders not yet in Clover (0: off)"
    )
    reserve.add_argument("hours", type=int, help=f"0 to {MAX_RESERVE_HOURS}")
    reserve.set_defaults(handler=_buffers_reserve)
    stale = bsub.add_parser(
        "stale-guard",
        help="publish a location whose stock was not read for MINUTES as buffer or zero",
        epilog=BUFFERS_EPILOG,
        formatter_class=raw,
    )
    stale.add_argument("minutes", type=int, help=f"0 (off) to {MAX_STALE_MINUTES}")
    stale.add_argument(
        "--publish",
        choices=STALE_MODES,
        help="buffer: the last stock read less the buffers; zero: nothing for sale there",
    )
    stale.set_defaults(handler=_buffers_stale)


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--location", type=int, help="one location id (omit: every location)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--category", help="one Clover category (any case)")
    which.add_argument("--sku", help="one SKU (any case)")


# -- merchants -----------------------------------------------------------------------------


def _merchants_list(args: argparse.Namespace) -> int:
    services = open_services()
    if services is None:
        return EXIT_USAGE
    try:
        for n, m in enumerate(services.settings.stock_merchants()):
            title = m.name or "(no name)"
            first = "  [the connection's]" if n == 0 else ""
            shown_id = m.merchant_id or "(not set)"
            print(f"{shown_id:<16} {title:<20} location {m.location_id}  {m.region}{first}")
        return EXIT_OK
    finally:
        services.stop()


def _merchant(services: Any, merchant_id: str) -> MerchantConfig | None:
    wanted = merchant_id.strip().casefold()
    return next(
        (m for m in services.settings.merchants if m.merchant_id.casefold() == wanted), None
    )


def _is_first(services: Any, merchant_id: str) -> bool:
    return bool(merchant_id) and (
        services.settings.clover.merchant_id.casefold() == merchant_id.strip().casefold()
    )


def _check_location(services: Any, location: int, merchant_id: str) -> None:
    if location < 1:
        raise ValueError("a location id is a whole number from 1 (1 is the default location)")
    for m in services.settings.stock_merchants():
        if m.location_id == location and m.merchant_id.casefold() != merchant_id.casefold():
            raise ValueError(
                f"location {location} is fed by merchant {m.name or m.merchant_id}; one "
                f"location takes one merchant's stock (move that one first)"
            )


def _merchants_add(args: argparse.Namespace) -> int:
    token = sys.stdin.readline().strip() if args.token_stdin else ""

    def change(services: Any) -> str:
        merchant_id = args.merchant_id.strip()
        if not MERCHANT_ID.match(merchant_id):
            raise ValueError(f"{merchant_id!r} is not a Clover merchant id (letters and digits)")
        if _is_first(services, merchant_id) or _merchant(services, merchant_id) is not None:
            raise ValueError(f"merchant {merchant_id} is already in the list")
        _check_location(services, args.location, merchant_id)
        base_url = None
        if args.base_url:
            base_url = safe_base_url(args.base_url)
            if base_url is None:
                raise ValueError("--base-url must be https://, or http:// to localhost")
        if args.token_stdin and not token:
            raise ValueError("--token-stdin was given but standard input had no token")
        if token:
            try:
                services.secrets.set(merchant_token_name(merchant_id), token)
            except SecretsUnavailable as exc:
                raise ValueError(str(exc)) from exc
        services.settings.merchants.append(
            MerchantConfig(merchant_id, args.location, args.name.strip(), args.region, base_url)
        )
        note = "" if token else " (no token stored yet: add it with --token-stdin)"
        return f"Merchant {args.name or merchant_id} feeds location {args.location}{note}"

    return _save_settings(change)


def _merchants_remove(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        if _is_first(services, args.merchant_id):
            raise ValueError(
                "the first merchant is the connection's: change it on the Connections page"
            )
        found = _merchant(services, args.merchant_id)
        if found is None:
            raise ValueError(f"no merchant {args.merchant_id} (see `merchants list`)")
        services.settings.merchants.remove(found)
        try:
            services.secrets.delete(merchant_token_name(found.merchant_id))
        except SecretsUnavailable as exc:
            raise ValueError(str(exc)) from exc
        return f"Merchant {found.name or found.merchant_id} removed with its token"

    return _save_settings(change)


def _merchants_set_location(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        _check_location(services, args.location_id, args.merchant_id)
        if _is_first(services, args.merchant_id):
            services.settings.location_id = args.location_id
        else:
            found = _merchant(services, args.merchant_id)
            if found is None:
                raise ValueError(f"no merchant {args.merchant_id} (see `merchants list`)")
            found.location_id = args.location_id
        return f"Merchant {args.merchant_id} feeds location {args.location_id}"

    return _save_settings(change)


def _merchants_rename(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        if _is_first(services, args.merchant_id):
            services.settings.clover.name = args.name.strip()
        else:
            found = _merchant(services, args.merchant_id)
            if found is None:
                raise ValueError(f"no merchant {args.merchant_id} (see `merchants list`)")
            found.name = args.name.strip()
        return f"Merchant {args.merchant_id} is shown as {args.name.strip()!r}"

    return _save_settings(change)


# -- buffers -------------------------------------------------------------------------------


def describe_buffer(rule: BufferRule) -> str:
    where = "every location" if rule.location_id is None else f"location {rule.location_id}"
    what = (
        f"SKU {rule.sku}"
        if rule.sku
        else f"category {rule.category}"
        if rule.category
        else "every item"
    )
    return f"{rule.units:>6} units  {what}, {where}"


def _buffers_list(args: argparse.Namespace) -> int:
    services = open_services()
    if services is None:
        return EXIT_USAGE
    try:
        stock = services.settings.stock
        for rule in stock.buffers:
            print(describe_buffer(rule))
        if not stock.buffers:
            print("no buffers: the web store shows Clover's stock")
        reserve = f"{stock.reserve_hours} hours" if stock.reserve_hours else "off"
        print(f"reserved web orders: {reserve}")
        guard = (
            f"after {stock.stale_after_minutes} minutes, publish {stock.stale_mode}"
            if stock.stale_after_minutes
            else "off"
        )
        print(f"stale-stock guard: {guard}")
        return EXIT_OK
    finally:
        services.stop()


def _same_scope(rule: BufferRule, args: argparse.Namespace) -> bool:
    return (
        rule.location_id == args.location
        and (rule.category or "").casefold() == (args.category or "").strip().casefold()
        and sku_key(rule.sku) == sku_key(args.sku)
    )


def _buffers_set(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        if not 0 <= args.units <= MAX_BUFFER_UNITS:
            raise ValueError(f"units are a whole number from 0 to {MAX_BUFFER_UNITS}")
        if args.location is not None and args.location < 1:
            raise ValueError("a location id is a whole number from 1")
        stock = services.settings.stock
        stock.buffers = [b for b in stock.buffers if not _same_scope(b, args)]
        category = args.category.strip() if args.category else None
        sku = args.sku.strip() if args.sku else None
        rule = BufferRule(args.units, args.location, category or None, sku or None)
        stock.buffers.append(rule)
        return f"Buffer set: {describe_buffer(rule).strip()}"

    return _save_settings(change)


def _buffers_remove(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        stock = services.settings.stock
        kept = [b for b in stock.buffers if not _same_scope(b, args)]
        if len(kept) == len(stock.buffers):
            raise ValueError("no buffer has this scope (see `buffers list`)")
        stock.buffers = kept
        return "Buffer removed"

    return _save_settings(change)


def _buffers_reserve(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        if not 0 <= args.hours <= MAX_RESERVE_HOURS:
            raise ValueError(f"hours are a whole number from 0 (off) to {MAX_RESERVE_HOURS}")
        services.settings.stock.reserve_hours = args.hours
        return f"Reserved web orders: {args.hours} hours" if args.hours else "Reserved: off"

    return _save_settings(change)


def _buffers_stale(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        if not 0 <= args.minutes <= MAX_STALE_MINUTES:
            raise ValueError(f"minutes are a whole number from 0 (off) to {MAX_STALE_MINUTES}")
        stock = services.settings.stock
        stock.stale_after_minutes = args.minutes
        if args.publish:
            stock.stale_mode = args.publish
        if not args.minutes:
            return "Stale-stock guard: off"
        return f"Stale-stock guard: after {args.minutes} minutes, publish {stock.stale_mode}"

    return _save_settings(change)
