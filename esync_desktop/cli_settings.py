"""The CLI's settings commands: tasks, weight rules, the category map and the stock location."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from esync_desktop.cli_help import WeightsHelp, options_help
from esync_desktop.cli_services import open_services
from esync_desktop.domain.plan import ACTION_IDS
from esync_desktop.storage.settings import ActionConfig, SettingsError, TaskConfig
from esync_desktop.storage.weights_csv import WeightCsvError, parse_csv_weight, read_weights_csv

EXIT_OK, EXIT_USAGE = 0, 2


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def add_settings_commands(commands: Any) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    tasks = commands.add_parser("tasks", help="list, create and edit tasks")
    sub = tasks.add_subparsers(
        dest="tasks_command", metavar="SUBCOMMAND", required=True, help="what to do with tasks"
    )
    sub.add_parser("list", help="the tasks and their actions").set_defaults(handler=_tasks_list)
    show = sub.add_parser("show", help="one task with its options and schedule")
    show.add_argument("name", help="the task's name (any case)")
    show.set_defaults(handler=_tasks_show)
    add = sub.add_parser("add", help="create a task from actions, in order")
    add.add_argument("name", help="a new task's name")
    add.add_argument(
        "actions",
        nargs="+",
        choices=ACTION_IDS,
        metavar="ACTION",
        help=f"the actions to run, in order: {', '.join(ACTION_IDS)}",
    )
    add.add_argument(
        "--no-stop-when-empty",
        action="store_true",
        help="run the later actions even when one has nothing to do",
    )
    add.set_defaults(handler=_tasks_add)
    remove = sub.add_parser("remove", help="delete a task")
    remove.add_argument("name", help="the task's name (any case)")
    remove.set_defaults(handler=_tasks_remove)
    option = sub.add_parser(
        "option",
        help="set an action option, e.g. require_name_match off",
        epilog=options_help(),
        formatter_class=raw,
    )
    option.add_argument("name", help="the task's name (any case)")
    option.add_argument(
        "action", choices=ACTION_IDS, metavar="ACTION", help="the action of the task to set"
    )
    option.add_argument("key", help="the option (listed below)")
    option.add_argument("value", help="on/off (also true/false, yes/no, 1/0), or a number")
    option.set_defaults(handler=_tasks_option)
    stop = sub.add_parser("stop-when-empty", help="turn the task's stop_when_empty on or off")
    stop.add_argument("name", help="the task's name (any case)")
    stop.add_argument(
        "value",
        choices=["on", "off"],
        help="on: an action with nothing to do ends the task; off: the later ones still run",
    )
    stop.set_defaults(handler=_tasks_stop)
    schedule = sub.add_parser("schedule", help="off | every MINUTES | daily HH:MM")
    schedule.add_argument("name", help="the task's name (any case)")
    schedule.add_argument(
        "mode", choices=["off", "every", "daily"], help="off, every MINUTES or daily HH:MM"
    )
    schedule.add_argument(
        "value", nargs="?", help="whole minutes for every, a 24-hour HH:MM for daily"
    )
    schedule.set_defaults(handler=_tasks_schedule)

    weights = commands.add_parser("weights", help="weight rules (Clover items have no weight)")
    wsub = weights.add_subparsers(
        dest="weights_command", metavar="SUBCOMMAND", required=True, help="which rules"
    )
    imp = wsub.add_parser(
        "import",
        help="per-SKU weights from a CSV with header sku,weight",
        description="Per-SKU weights from a CSV file. A SKU's own weight beats its "
        "category's and the default.",
        formatter_class=raw,
        add_help=False,
    )
    imp.add_argument("-h", "--help", action=WeightsHelp)
    imp.add_argument("file", type=Path, help="the CSV file (rules below)")
    imp.set_defaults(handler=_weights_import)
    default = wsub.add_parser("default", help="the weight when no other rule applies ('none')")
    default.add_argument(
        "weight", help="a number in the store's weight unit, or 'none' to remove it"
    )
    default.set_defaults(handler=_weights_default)
    category = wsub.add_parser("category", help="the weight of a Clover category ('none')")
    category.add_argument("category", help="the Clover category's name (any case)")
    category.add_argument(
        "weight", help="a number in the store's weight unit, or 'none' to remove it"
    )
    category.set_defaults(handler=_weights_category)
    wsub.add_parser("list", help="every weight rule").set_defaults(handler=_weights_list)

    categories = commands.add_parser(
        "categories", help="map Clover categories to BigCommerce categories of another name"
    )
    csub = categories.add_subparsers(
        dest="categories_command", metavar="SUBCOMMAND", required=True, help="map or list"
    )
    mapping = csub.add_parser("map", help="CLOVER_NAME BC_NAME ('none' removes the mapping)")
    mapping.add_argument("clover", help="the Clover category's name")
    mapping.add_argument(
        "bigcommerce", help="the BigCommerce category's name, or 'none' to remove the mapping"
    )
    mapping.set_defaults(handler=_categories_map)
    csub.add_parser("list", help="the category map").set_defaults(handler=_categories_list)

    location = commands.add_parser("location", help="the BigCommerce location stock is set at")
    location.add_argument("location_id", type=int, nargs="?", help="omit to show the current one")
    location.set_defaults(handler=_location)


def _services() -> Any:
    return open_services()


def _find(services: Any, name: str) -> Any:
    for task in services.settings.tasks:
        if task.name.strip().casefold() == name.strip().casefold():
            return task
    return None


def _edit(name: str, change: Any) -> int:
    """Load settings, apply `change(services, task)` to the named task, save."""
    services = _services()
    if services is None:
        return EXIT_USAGE
    try:
        task = _find(services, name)
        if task is None:
            return _fail(f"no task named {name!r}; see `tasks list`")
        message = change(services, task)
        if message.startswith("error: "):
            return _fail(message[7:])
        refused = services.task_problems(task) if task in services.settings.tasks else []
        if refused:
            return _fail(" ".join(p.message for p in refused) + " Nothing was saved.")
        services.save_settings()
        print(message)
        return EXIT_OK
    except SettingsError as exc:
        return _fail(str(exc))
    finally:
        services.stop()


def _describe(task: Any) -> str:
    schedule = task.schedule
    when = {
        "interval": f"every {schedule.every_minutes} min",
        "daily": f"daily at {schedule.at}",
    }.get(schedule.mode, "no schedule")
    return (
        f"{task.name}: {' -> '.join(a.action for a in task.actions)}"
        f"  (stop_when_empty {'on' if task.stop_when_empty else 'off'}, {when})"
    )


def _tasks_list(args: argparse.Namespace) -> int:
    services = _services()
    if services is None:
        return EXIT_USAGE
    try:
        for task in services.settings.tasks:
            print(_describe(task))
        if not services.settings.tasks:
            print("No tasks. Create one: tasks add NAME ACTION [ACTION ...]")
        return EXIT_OK
    finally:
        services.stop()


def _tasks_show(args: argparse.Namespace) -> int:
    # lazy: every action's planner loads (with httpx) only for a command that needs the actions.
    from esync_desktop.sync.actions import ACTIONS

    services = _services()
    if services is None:
        return EXIT_USAGE
    try:
        task = _find(services, args.name)
        if task is None:
            return _fail(f"no task named {args.name!r}; see `tasks list`")
        print(_describe(task))
        for action in task.actions:
            options = {**ACTIONS[action.action].defaults, **dict(action.options)}
            shown = ", ".join(f"{k}={v}" for k, v in options.items()) or "no options"
            print(f"  {action.action}: {ACTIONS[action.action].label} ({shown})")
        return EXIT_OK
    finally:
        services.stop()


def _tasks_add(args: argparse.Namespace) -> int:

    services = _services()
    if services is None:
        return EXIT_USAGE
    try:
        if _find(services, args.name) is not None:
            return _fail(f"a task named {args.name!r} exists; remove it first or pick a name")
        task = TaskConfig(
            name=args.name.strip(),
            actions=[ActionConfig(a, {}) for a in args.actions],
            stop_when_empty=not args.no_stop_when_empty,
        )
        refused = services.task_problems(task)
        if refused:
            return _fail(" ".join(p.message for p in refused) + " Nothing was saved.")
        services.settings.tasks.append(task)
        services.save_settings()
        print(f"Added {_describe(task)}")
        return EXIT_OK
    except SettingsError as exc:
        return _fail(str(exc))
    finally:
        services.stop()


def _tasks_remove(args: argparse.Namespace) -> int:
    def change(services: Any, task: Any) -> str:
        services.settings.tasks.remove(task)
        return f"Removed task {task.name!r}"

    return _edit(args.name, change)


def _parse_value(text: str) -> object:
    lowered = text.strip().lower()
    if lowered in ("on", "true", "yes", "1"):
        return True
    if lowered in ("off", "false", "no", "0"):
        return False
    return text


def _tasks_option(args: argparse.Namespace) -> int:
    # lazy: every action's planner loads (with httpx) only for a command that needs the actions.
    from esync_desktop.sync.actions import ACTIONS

    def change(services: Any, task: Any) -> str:
        known = ACTIONS[args.action].defaults
        if args.key not in known:
            names = ", ".join(known) or "none"
            return f"error: {args.action} has no option {args.key!r} (options: {names})"
        for action in task.actions:
            if action.action == args.action:
                action.options[args.key] = _parse_value(args.value)
                return f"{task.name}: {args.action} {args.key}={action.options[args.key]}"
        return f"error: task {task.name!r} has no action {args.action}"

    return _edit(args.name, change)


def _tasks_stop(args: argparse.Namespace) -> int:
    def change(services: Any, task: Any) -> str:
        task.stop_when_empty = args.value == "on"
        return _describe(task)

    return _edit(args.name, change)


def _tasks_schedule(args: argparse.Namespace) -> int:
    def change(services: Any, task: Any) -> str:
        if args.mode == "off":
            task.schedule = replace(task.schedule, mode="off")
        elif args.mode == "every":
            if not (args.value or "").isdigit() or int(args.value) < 1:
                return "error: give the interval in whole minutes, e.g. `every 30`"
            task.schedule = replace(task.schedule, mode="interval", every_minutes=int(args.value))
        else:
            hours, _, minutes = (args.value or "").partition(":")
            if not (
                hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60
            ):
                return "error: give the time as HH:MM, e.g. `daily 06:30`"
            task.schedule = replace(task.schedule, mode="daily", at=f"{int(hours):02d}:{minutes}")
        return _describe(task)

    return _edit(args.name, change)


def _weight(text: str) -> Decimal | None:
    """A weight in BigCommerce's range (the import's rule), or None for 'none'; raises
    ValueError with what to type."""
    if text.strip().lower() in ("none", "off", ""):
        return None
    weight, why = parse_csv_weight(text)
    if weight is None:
        raise ValueError(f"{why}; give a number such as 0.45 (or 'none')")
    return weight


def _save_settings(change: Any) -> int:
    """Load settings, apply `change(services)`, save; a ValueError is a usage error."""
    services = _services()
    if services is None:
        return EXIT_USAGE
    try:
        message = change(services)
        services.save_settings()
        print(message)
        return EXIT_OK
    except (ValueError, SettingsError) as exc:
        return _fail(str(exc))
    finally:
        services.stop()


def _weights_import(args: argparse.Namespace) -> int:

    try:
        imported = read_weights_csv(args.file)
    except WeightCsvError as exc:
        return _fail(str(exc))
    for note in imported.notes:
        print(f"note: {note}")
    for problem in imported.problems:
        print(f"skipped {problem}", file=sys.stderr)

    if imported.problems and not imported.weights:
        return _fail(
            f"no weight could be read from {args.file}: correct the lines above and import "
            "it again (nothing was changed)"
        )

    def change(services: Any) -> str:
        services.settings.weights = services.settings.weights.with_sku_weights(imported.weights)
        skipped = f" ({len(imported.problems)} lines skipped)" if imported.problems else ""
        return f"Imported {len(imported.weights)} SKU weights from {args.file}{skipped}"

    code = _save_settings(change)
    # Some lines were not imported: like a sync with failed items, the run is not all ok.
    return 1 if code == 0 and imported.problems else code


def _weights_default(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        weight = _weight(args.weight)
        services.settings.weights = replace(services.settings.weights, default=weight)
        return f"Default weight: {weight if weight is not None else 'none'}"

    return _save_settings(change)


def _weights_category(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        weight = _weight(args.weight)
        rules = services.settings.weights
        by_category = {
            k: v
            for k, v in rules.by_category.items()
            if k.strip().casefold() != args.category.strip().casefold()
        }
        if weight is not None:
            by_category[args.category.strip()] = weight
        services.settings.weights = replace(rules, by_category=by_category)
        return (
            f"Category {args.category.strip()!r}: {weight if weight is not None else 'no weight'}"
        )

    return _save_settings(change)


def _weights_list(args: argparse.Namespace) -> int:
    services = _services()
    if services is None:
        return EXIT_USAGE
    try:
        rules = services.settings.weights
        print(f"default: {rules.default if rules.default is not None else 'none'}")
        for name, weight in sorted(rules.by_category.items()):
            print(f"category {name}: {weight}")
        for sku, weight in sorted(rules.by_sku.items()):
            print(f"sku {sku}: {weight}")
        if not rules.by_category and not rules.by_sku:
            print("no category or SKU weights (weights category NAME W, weights import FILE)")
        return EXIT_OK
    finally:
        services.stop()


def _categories_map(args: argparse.Namespace) -> int:
    def change(services: Any) -> str:
        clover = args.clover.strip()
        if not clover:
            raise ValueError("give the Clover category's name")
        mapping = {
            k: v
            for k, v in services.settings.category_map.items()
            if k.strip().casefold() != clover.casefold()
        }
        target = args.bigcommerce.strip()
        if target.lower() in ("", "none"):
            services.settings.category_map = mapping
            return f"Clover category {clover!r} matches BigCommerce categories of the same name"
        mapping[clover] = target
        services.settings.category_map = mapping
        return f"Clover category {clover!r} -> BigCommerce category {target!r}"

    return _save_settings(change)


def _categories_list(args: argparse.Namespace) -> int:
    services = _services()
    if services is None:
        return EXIT_USAGE
    try:
        mapping = services.settings.category_map
        for clover, target in sorted(mapping.items()):
            print(f"{clover} -> {target}")
        if not mapping:
            print("No mapping: Clover categories match BigCommerce ones of the same name.")
        return EXIT_OK
    finally:
        services.stop()


def _location(args: argparse.Namespace) -> int:
    if args.location_id is None:
        services = _services()
        if services is None:
            return EXIT_USAGE
        try:
            print(f"Stock is set at BigCommerce location {services.settings.location_id}")
            return EXIT_OK
        finally:
            services.stop()

    def change(services: Any) -> str:
        if args.location_id < 1:
            raise ValueError("a location id is a whole number from 1 (1 is the default location)")
        services.settings.location_id = args.location_id
        return f"Stock is set at BigCommerce location {args.location_id}"

    return _save_settings(change)
