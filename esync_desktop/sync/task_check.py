"""Combinations of actions a task may not hold, for the Tasks page, the command line and the
engine alike: pull-sales takes in-store sales off a BigCommerce location's stock relatively;
an absolute stock action for the same location already carries those sales (it sets the
level to Clover's, which counts them), so the two together would count each sale twice."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from esync_desktop.sync.plan_update import SEND_INVENTORY_MATRIX, SEND_INVENTORY_STANDARD
from esync_desktop.sync.sales.options import PULL_SALES, SalesOptions
from esync_desktop.sync.true_up import TRUE_UP

# The drift check puts a web store's level back to Clover's: an absolute stock write too.
ABSOLUTE_STOCK = (SEND_INVENTORY_STANDARD, SEND_INVENTORY_MATRIX, TRUE_UP)
STOCK_TWICE = "stock_counted_twice"


@dataclass(frozen=True)
class TaskProblem:
    code: str
    actions: tuple[str, ...]
    location_id: int
    message: str

    def public(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "actions": list(self.actions),
            "location_id": self.location_id,
            "message": self.message,
        }


class TaskRefused(ValueError):
    """A task that may not run as it is; `problems` say why, as data."""

    def __init__(self, task: str, problems: Sequence[TaskProblem]) -> None:
        self.task = task
        self.problems = tuple(problems)
        super().__init__(f"task {task!r} cannot run: " + " ".join(p.message for p in problems))


def task_problems(
    actions: Sequence[tuple[str, Mapping[str, Any]]],
    location_id: int,
    stock_locations: Collection[int] = (),
) -> list[TaskProblem]:
    """What is wrong with this list of (action, options), `location_id` being the store pair's
    stock location (pull-sales' default) and `stock_locations` every location the absolute
    stock actions write (each Clover merchant's; none given: `location_id` alone)."""
    written = set(stock_locations) or {location_id}
    absolute = [a for a, _ in actions if a in ABSOLUTE_STOCK]
    problems: list[TaskProblem] = []
    if not absolute:
        return problems
    for action, options in actions:
        if action != PULL_SALES:
            continue
        location = SalesOptions.parse(options).location(location_id)
        if location not in written:
            continue
        names = tuple(dict.fromkeys([PULL_SALES, *absolute]))
        problems.append(
            TaskProblem(
                STOCK_TWICE,
                names,
                location,
                f"{PULL_SALES} and {', '.join(absolute)} both change the stock of BigCommerce "
                f"location {location}: the stock step sets Clover's level, which already "
                f"counts the in-store sales, so {PULL_SALES} would take them off a second "
                "time. Put them in separate tasks for different locations, or keep one.",
            )
        )
        break
    return problems


def check_task(
    name: str,
    actions: Sequence[tuple[str, Mapping[str, Any]]],
    location_id: int,
    stock_locations: Collection[int] = (),
) -> None:
    """Raises TaskRefused when the task may not run."""
    problems = task_problems(actions, location_id, stock_locations)
    if problems:
        raise TaskRefused(name, problems)
