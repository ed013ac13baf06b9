"""The CLI's field commands: who owns which field (`ownership`), the tax-class map
(`tax-classes`) and the fields changed in both stores (`conflicts`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from esync_desktop import wording
from esync_desktop.cli_services import EXIT_CONNECT, EXIT_OK, EXIT_USAGE, open_services
from esync_desktop.domain.ownership import FIELDS, OWNERS
from esync_desktop.domain.plan import PlanRow, Reason
from esync_desktop.domain.sku import name_key, sku_key
from esync_desktop.storage.settings import ActionConfig, TaskConfig
from esync_desktop.store_credentials import ConfigurationError

SIDES = ("clover", "bigcommerce")
_RAW = argparse.RawDescriptionHelpFormatter


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _owners_help() -> str:
    fields = "\n".join(f"  {f:<12} {wording.owned_field_label(f)}" for f in FIELDS)
    owners = "\n".join(f"  {o:<20} {wording.owner_label(o)}" for o in OWNERS)
    return f"fields:\n{fields}\n\nowners:\n{owners}"


def _demo_flag(parser: Any) -> None:
    parser.add_argument(
        "--demo", action="store_true", help="use the demo stores (emulated, on this computer)"
    )


def add_field_commands(commands: Any) -> None:
    ownership = commands.add_parser(
        "ownership",
        help="which store owns each product field",
        description="Who owns each product field: Clover's value is written to BigCommerce "
        "only for the fields Clover owns.",
        epilog=_owners_help(),
        formatter_class=_RAW,
    )
    osub = ownership.add_subparsers(
        dest="ownership_command", metavar="SUBCOMMAND", required=True, help="show or set"
    )
    osub.add_parser("show", help="every field and its owner").set_defaults(handler=_own_show)
    own_set = osub.add_parser(
        "set", help="FIELD OWNER", epilog=_owners_help(), formatter_class=_RAW
    )
    own_set.add_argument("field", choices=FIELDS, metavar="FIELD", help=", ".join(FIELDS))
    own_set.add_argument("owner", choices=OWNERS, metavar="OWNER", help=", ".join(OWNERS))
    own_set.set_defaults(handler=_own_set)

    tax = commands.add_parser(
        "tax-classes",
        help="map Clover tax rates to BigCommerce tax classes",
        description="Products made or updated from a Clover item carry the BigCommerce tax "
        "class mapped to the item's first mapped tax rate (its default rates when it uses "
        "them). Unmapped items keep BigCommerce's class (the Default Tax Class when created).",
    )
    tsub = tax.add_subparsers(
        dest="tax_command", metavar="SUBCOMMAND", required=True, help="list, map or unmap"
    )
    tax_list = tsub.add_parser("list", help="both stores' lists and the map")
    _demo_flag(tax_list)
    tax_list.set_defaults(handler=_tax_list)
    tax_map = tsub.add_parser("map", help="CLOVER_RATE BC_CLASS (a class name or id)")
    tax_map.add_argument("rate", help="the Clover tax rate's name (see `tax-classes list`)")
    tax_map.add_argument("tax_class", help="the BigCommerce tax class: its name or id (0: Default)")
    _demo_flag(tax_map)
    tax_map.set_defaults(handler=_tax_map)
    tax_unmap = tsub.add_parser("unmap", help="CLOVER_RATE: remove its mapping")
    tax_unmap.add_argument("rate", help="the Clover tax rate's name")
    tax_unmap.set_defaults(handler=_tax_unmap)

    conflicts = commands.add_parser(
        "conflicts",
        help="fields changed in both stores since the last sync",
        description="A field changed in both stores since it was last synced is not written "
        "until you pick the store whose value to keep.",
    )
    csub = conflicts.add_subparsers(
        dest="conflicts_command", metavar="SUBCOMMAND", required=True, help="list or resolve"
    )
    c_list = csub.add_parser("list", help="the conflicts now (reads both stores)")
    _demo_flag(c_list)
    c_list.set_defaults(handler=_conflicts_list)
    resolve = csub.add_parser(
        "resolve",
        help="ITEM FIELD clover|bigcommerce, or --all FIELD clover|bigcommerce",
        description="clover: the next sync writes Clover's value; bigcommerce: the web's value "
        "stays. ITEM is the SKU (a product with variants: the item key `conflicts list` shows).",
        epilog=f"fields: {', '.join(FIELDS)}\nsides: {', '.join(SIDES)}",
        formatter_class=_RAW,
    )
    resolve.add_argument("args", nargs="+", metavar="ARG", help="ITEM FIELD SIDE, or FIELD SIDE")
    resolve.add_argument(
        "--all", action="store_true", help="every conflict of FIELD (then give FIELD SIDE)"
    )
    _demo_flag(resolve)
    resolve.set_defaults(handler=_conflicts_resolve)


def _with_services(args: argparse.Namespace, body: Callable[[Any], int]) -> int:
    services = open_services()
    if services is None:
        return EXIT_USAGE
    try:
        if getattr(args, "demo", False):
            services.start_demo()
        return body(services)
    finally:
        services.stop()


# -- ownership -----------------------------------------------------------------------------------


def _own_show(args: argparse.Namespace) -> int:
    def body(services: Any) -> int:
        for name in FIELDS:
            owner = services.settings.ownership.get(name, "")
            print(f"{name:<12} {owner:<20} {wording.owner_label(owner)}")
        return EXIT_OK

    return _with_services(args, body)


def _own_set(args: argparse.Namespace) -> int:
    def body(services: Any) -> int:
        services.settings.ownership = {**services.settings.ownership, args.field: args.owner}
        services.save_settings()
        label = wording.owned_field_label(args.field)
        print(f"{label}: {wording.owner_label(args.owner)}")
        return EXIT_OK

    return _with_services(args, body)


# -- tax classes ---------------------------------------------------------------------------------


def _choices(services: Any) -> Any:
    try:
        choices = services.tax_choices()
    except ConfigurationError as exc:
        _fail(str(exc), EXIT_CONNECT)
        return None
    for store, error in (("Clover", choices.clover_error), ("BigCommerce", choices.bc_error)):
        if error:
            _fail(f"{store} could not be read: {error}", EXIT_CONNECT)
            return None
    return choices


def _tax_list(args: argparse.Namespace) -> int:
    def body(services: Any) -> int:
        choices = _choices(services)
        if choices is None:
            return EXIT_CONNECT
        mapping = services.settings.tax_class_map
        classes = {c.id: c.name for c in choices.bigcommerce}
        print("Clover tax rates -> BigCommerce tax class:")
        for rate in choices.clover:
            mapped = next(
                (v for k, v in mapping.items() if name_key(k) == name_key(rate.name)), None
            )
            target = "(not mapped)" if mapped is None else f"{mapped} {classes.get(mapped, '?')}"
            default = ", default" if rate.is_default else ""
            print(f"  {rate.name} ({rate.percent or 'flat'}{default}) -> {target}")
        print("BigCommerce tax classes:")
        for tax_class in choices.bigcommerce:
            print(f"  {tax_class.id}: {tax_class.name}")
        return EXIT_OK

    return _with_services(args, body)


def _tax_map(args: argparse.Namespace) -> int:
    def body(services: Any) -> int:
        choices = _choices(services)
        if choices is None:
            return EXIT_CONNECT
        rate = next((r for r in choices.clover if name_key(r.name) == name_key(args.rate)), None)
        if rate is None:
            names = ", ".join(r.name for r in choices.clover) or "none"
            return _fail(f"Clover has no tax rate named {args.rate!r} (rates: {names})")
        wanted = args.tax_class.strip()
        found = next(
            (
                c
                for c in choices.bigcommerce
                if str(c.id) == wanted or name_key(c.name) == name_key(wanted)
            ),
            None,
        )
        if found is None:
            listed = ", ".join(f"{c.id} {c.name}" for c in choices.bigcommerce)
            return _fail(f"BigCommerce has no tax class {wanted!r} (classes: {listed})")
        kept = {
            k: v
            for k, v in services.settings.tax_class_map.items()
            if name_key(k) != name_key(rate.name)
        }
        services.settings.tax_class_map = {**kept, rate.name: found.id}
        services.save_settings()
        print(f"Clover tax rate {rate.name!r} -> BigCommerce tax class {found.id} ({found.name})")
        return EXIT_OK

    return _with_services(args, body)


def _tax_unmap(args: argparse.Namespace) -> int:
    def body(services: Any) -> int:
        mapping = services.settings.tax_class_map
        kept = {k: v for k, v in mapping.items() if name_key(k) != name_key(args.rate)}
        if len(kept) == len(mapping):
            return _fail(f"{args.rate!r} is not mapped; see `tax-classes list`")
        services.settings.tax_class_map = kept
        services.save_settings()
        print(f"Clover tax rate {args.rate!r} is no longer mapped")
        return EXIT_OK

    return _with_services(args, body)


# -- conflicts -----------------------------------------------------------------------------------


def _conflict_rows(services: Any) -> list[PlanRow]:
    task = TaskConfig("conflicts", [ActionConfig("update-products", {})], stop_when_empty=False)
    plan = services.plan_task(task)
    return [
        r for a in plan.actions for r in a.rows if r.reason is Reason.CONFLICT and "item" in r.facts
    ]


def _conflicts_list(args: argparse.Namespace) -> int:
    def body(services: Any) -> int:
        rows = _conflict_rows(services)
        for row in rows:
            f = row.facts
            print(
                f"{f['item']} {f['field']}: Clover {wording.value_text(f['clover_value'])!r} "
                f"({f['clover_time']}) vs BigCommerce {wording.value_text(f['web_value'])!r} "
                f"({f['web_time']})"
            )
        if not rows:
            print("No conflicts: no field changed in both stores since it was last synced.")
        return EXIT_OK

    return _with_services(args, body)


def _conflicts_resolve(args: argparse.Namespace) -> int:
    wanted = 2 if args.all else 3
    if len(args.args) != wanted:
        usage = "--all FIELD SIDE" if args.all else "ITEM FIELD SIDE"
        return _fail(f"give {usage}")
    item = None if args.all else args.args[0]
    name, side = args.args[-2], args.args[-1]
    if name not in FIELDS:
        return _fail(f"{name!r} is not a field; fields: {', '.join(FIELDS)}")
    if side not in SIDES:
        return _fail(f"{side!r} is not a side; sides: {', '.join(SIDES)}")

    def body(services: Any) -> int:
        rows = [r for r in _conflict_rows(services) if r.facts["field"] == name]
        if item is not None:
            key = sku_key(item) or item
            rows = [r for r in rows if r.facts["item"] in (key, item)]
        if not rows:
            what = f"{item} {name}" if item else name
            return _fail(f"no conflict for {what}; see `conflicts list`")
        settled = services.choose_conflicts(rows, side)
        keep = (
            "Clover's value is written by the next sync"
            if side == "clover"
            else ("BigCommerce's value stays")
        )
        print(f"{wording.plural(settled, 'conflict')} settled: {keep}")
        return EXIT_OK

    return _with_services(args, body)
