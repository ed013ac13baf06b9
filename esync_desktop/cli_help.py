"""Help that is worked out when asked for: every action's options, the weights CSV rules and
the weight unit of the owner's BigCommerce store."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from esync_desktop import wording
from esync_desktop.storage import weights_csv


def options_help() -> str:
    """Every action's options with their values and defaults, in the window's words too."""
    # lazy: every action's planner loads (with httpx) only for a command that needs the actions.
    from esync_desktop.sync.actions import ACTIONS

    lines = ["options (KEY: VALUES, default):"]
    for action, spec in ACTIONS.items():
        for key, default in spec.defaults.items():
            values = "on/off" if isinstance(default, bool) else "a number"
            shown = ("on" if default else "off") if isinstance(default, bool) else default
            lines.append(
                f"  {action} {key}: {values}, default {shown}  ({wording.option_label(key)})"
            )
    return "\n".join(lines)


def _weights_rules() -> str:
    """The CSV rules as the importer documents them (one source for the help and the code)."""
    doc = weights_csv.__doc__ or ""
    rules = doc[doc.find("\n- ") + 1 :] if "\n- " in doc else doc
    return "the file:\n" + "\n".join(f"  {line}" for line in rules.strip().splitlines())


class WeightsHelp(argparse.Action):
    """-h of `weights import`: the CSV rules and the weight unit, read from the store."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show this help and exit")

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        parser.epilog = f"{_weights_rules()}\n\n{weight_unit_text()}"
        parser.print_help()
        parser.exit()


def weight_unit_text() -> str:
    """Which unit the weights are in: the BigCommerce store's, when it can be read."""
    # lazy: the facade loads httpx and the whole engine; help and usage errors answer without it.
    from esync_desktop.app import Services

    try:
        services = Services()
    except Exception as exc:  # the help still shows, without the unit
        return WEIGHT_UNIT_UNKNOWN.format(why=f"the settings could not be opened ({exc})")
    try:
        unit, why = services.store_weight_unit()
    finally:
        services.stop()
    if unit is None:
        text = WEIGHT_UNIT_UNKNOWN.format(why=why.rstrip("."))
    else:
        named = WEIGHT_UNITS.get(unit.strip().casefold(), unit)
        text = f"unit: weights are in {named}, the weight unit of your BigCommerce store."
    return textwrap.fill(text, width=88, subsequent_indent="  ")


# BigCommerce's store_info `weight_units` values, in words.
WEIGHT_UNITS = {
    "ounces": "ounces (oz)",
    "lbs": "pounds (lb)",
    "grams": "grams (g)",
    "kgs": "kilograms (kg)",
    "tonnes": "tonnes (t)",
}
WEIGHT_UNIT_UNKNOWN = (
    "unit: weights are in your BigCommerce store's weight unit (Settings > Display in its "
    "control panel), which could not be read just now: {why}."
)
