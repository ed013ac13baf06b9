"""The CLI's engine commands: preview and sync of a task or of actions named on the line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from esync_desktop import wording
from esync_desktop.cli_output import (
    Heading,
    ProgressBar,
    print_json,
    print_json_chunks,
    print_report,
)
from esync_desktop.cli_services import EXIT_CONNECT, EXIT_OK, EXIT_USAGE, fail_json, open_services
from esync_desktop.connectors.errors import ApiError, AuthError
from esync_desktop.domain.plan import ACTION_IDS
from esync_desktop.log import configure_logging
from esync_desktop.preview_csv import ExportError, export_rows
from esync_desktop.storage.settings import ActionConfig, TaskConfig
from esync_desktop.storage.state import RunLocked
from esync_desktop.sync import analysis
from esync_desktop.sync.defaults import DEFAULT_TASK_NAME
from esync_desktop.sync.report import plan_document, plan_json_chunks
from esync_desktop.sync.task_check import TaskRefused

EXIT_ITEMS_FAILED = 1
EXIT_INTERRUPTED = 130  # the shell's code for a run ended by Ctrl+C


def add_engine_commands(commands: Any) -> None:
    """preview and sync."""
    for name, help_text in (
        ("preview", "show what a sync would do, writing nothing"),
        ("sync", "write to BigCommerce what the preview shows"),
    ):
        sub = commands.add_parser(
            name,
            help=help_text,
            description=f"{help_text[0].upper()}{help_text[1:]}. Without --task or --action "
            f"the default task ({DEFAULT_TASK_NAME!r}, else the first task) is run.",
        )
        target = sub.add_mutually_exclusive_group()
        target.add_argument(
            "--task", metavar="NAME", help="a task from the settings (see `tasks list`)"
        )
        target.add_argument(
            "--action",
            action="append",
            choices=ACTION_IDS,
            metavar="ID",
            help=f"an action to run (repeatable, in order): {', '.join(ACTION_IDS)}",
        )
        sub.add_argument(
            "--no-stop-when-empty",
            action="store_true",
            help="with --action: run the later actions even when one has nothing to do",
        )
        sub.add_argument(
            "--demo", action="store_true", help="use the demo stores (emulated, on this computer)"
        )
        sub.add_argument(
            "--json",
            action="store_true",
            help="print one JSON document with the stable codes (also on errors: an "
            '"error" object with "kind" and "message")',
        )
        sub.add_argument(
            "--all", action="store_true", help="list every item, unchanged and skipped ones too"
        )
        if name == "preview":
            sub.add_argument(
                "--csv",
                metavar="FILE",
                type=Path,
                help="also save the preview as a CSV file (the window's Export columns)",
            )
        sub.set_defaults(handler=_run_engine, apply=name == "sync")


def _task(services: Any, args: argparse.Namespace) -> tuple[Any, bool]:
    """The task to run, and whether it is the default one (neither --task nor --action)."""
    if args.action:
        task = TaskConfig(
            name="command line",
            actions=[ActionConfig(a, {}) for a in args.action],
            stop_when_empty=not args.no_stop_when_empty,
        )
        return task, False
    tasks = services.settings.tasks
    if args.task is None:
        for task in tasks:
            if task.name.strip().casefold() == DEFAULT_TASK_NAME.casefold():
                return task, True
        if tasks:
            return tasks[0], True
        raise LookupError("no task to run: create one (`tasks add`), or use --action")
    for task in tasks:
        if task.name.strip().casefold() == args.task.strip().casefold():
            return task, False
    names = ", ".join(repr(t.name) for t in tasks) or "none"
    raise LookupError(
        f"no task named {args.task!r} (tasks: {names}); see `tasks list`, or use --action"
    )


def _run_engine(args: argparse.Namespace) -> int:
    services = open_services(json_out=args.json)
    if services is None:
        return EXIT_USAGE
    try:
        return _Engine(services, args).run()
    finally:
        services.stop()


class _Engine:
    """One preview or sync from the command line, with every way it can end."""

    def __init__(self, services: Any, args: argparse.Namespace) -> None:
        self.services = services
        self.args = args
        self.done: dict[str, Any] = {"task": None, "demo": bool(args.demo)}
        self._last_run: int | None = None  # the newest run before this sync started

    def fail(self, message: str, code: int, kind: str) -> int:
        if self.args.json:
            self.done.update(self._partial_run())
        return fail_json(message, code, kind, self.args.json, self.done)

    def _partial_run(self) -> dict[str, Any]:
        """A sync that stopped on an error: its run and the items recorded before it stopped."""
        if self._last_run is None:
            return {}
        runs = self.services.history(1)
        if not runs or runs[0].run_id <= self._last_run:
            return {}
        run = runs[0]
        items = [
            {"action": i.action, "sku": i.sku, "outcome": i.outcome, "reason": i.reason}
            for i in self.services.run_items(run.run_id)
        ]
        return {"run_id": run.run_id, "result": run.result, "done": items}

    def run(self) -> int:
        # lazy: the facade loads httpx and the engine; help and usage errors answer without it.
        from esync_desktop.app import ConfigurationError

        # lazy: every action's planner loads (with httpx) only for a command that needs the actions.
        from esync_desktop.sync.actions import UnknownAction

        # Warnings and the engine's notes go to the log file, never into the --json output.
        configure_logging(self.services.paths)
        cancel = threading.Event()
        previous = signal.getsignal(signal.SIGINT)

        def interrupt(signum: int, frame: object) -> None:
            # First Ctrl+C: stop between writes, with journal and cursors consistent.
            if cancel.is_set():
                raise KeyboardInterrupt
            cancel.set()
            print("\nstopping after the current write (Ctrl+C again to abort)", file=sys.stderr)

        bar = ProgressBar()
        try:
            signal.signal(signal.SIGINT, interrupt)
            return self._run(bar, cancel)
        except TaskRefused as exc:
            return self.fail(str(exc), EXIT_USAGE, "refused")
        except (LookupError, UnknownAction) as exc:
            return self.fail(str(exc).strip("'\""), EXIT_USAGE, "usage")
        except ConfigurationError as exc:
            return self.fail(str(exc).strip("'\""), EXIT_USAGE, "configuration")
        except ExportError as exc:
            return self.fail(exc.message, EXIT_USAGE, "export")
        except RunLocked as exc:
            return self.fail(
                f"{exc} Wait for the other sync to finish, then try again.", EXIT_USAGE, "busy"
            )
        except AuthError as exc:
            return self.fail(f"{exc.title}: {exc.message}", EXIT_CONNECT, "auth")
        except ApiError as exc:
            return self.fail(f"{exc.title}: {exc.message}", EXIT_CONNECT, "connection")
        except KeyboardInterrupt:
            # The second Ctrl+C: the journal still holds any write in flight as an open intent.
            bar.close()
            return self.fail(
                "aborted; the next sync checks any write that was in flight before sending it "
                "again",
                EXIT_INTERRUPTED,
                "aborted",
            )
        except Exception as exc:
            if type(exc).__name__ == "Cancelled":
                bar.close()
                self.done["cancelled"] = True
                return self.fail("cancelled before anything was written", EXIT_OK, "cancelled")
            raise
        finally:
            bar.close()
            signal.signal(signal.SIGINT, previous)

    def _run(self, bar: Any, cancel: threading.Event) -> int:
        # lazy: the facade loads httpx and the engine; help and usage errors answer without it.
        from esync_desktop.app import StalePlan

        args, services = self.args, self.services
        task, default = _task(services, args)
        self.done["task"] = task.name
        if args.demo:
            services.start_demo()
        plan = services.plan_task(task, progress=bar, cancel=cancel)
        seconds, cancelled, failed = 0.0, False, False
        document: dict[str, Any] | None = None  # a preview's is made as it is printed
        if args.apply:
            latest = services.history(1)
            self._last_run = latest[0].run_id if latest else 0
            try:
                result = services.run_plan(plan, progress=bar, cancel=cancel, trigger="cli")
            except StalePlan:
                # Another sync ran between reading and writing: read again, once.
                plan = services.plan_task(task, progress=bar, cancel=cancel)
                result = services.run_plan(plan, progress=bar, cancel=cancel, trigger="cli")
            # A cancelled sync did only part of the plan: say so to scripts as well.
            document = {**result.document, "cancelled": result.cancelled}
            seconds, cancelled, failed = result.duration_s, result.cancelled, bool(result.failures)
            if result.error is not None:
                # The store stopped answering: what was done, and why the rest was not.
                document.update(self._partial_run(), error=dict(result.error))
        bar.close()
        saved = self._save_csv(plan) if getattr(args, "csv", None) else ""
        if args.json:
            if document is None:
                print_json_chunks(plan_json_chunks(self.done, plan, plan.api_calls))
            else:
                print_json({**self.done, **document})
        else:
            document = document or plan_document(plan, plan.api_calls)
            heading = Heading(task.name, default, bool(args.demo), bool(args.apply))
            print_report(document, heading, show_all=args.all, seconds=seconds, cancelled=cancelled)
            if cancelled:
                print("Cancelled: the rest is picked up by the next sync.")
            if failed:
                print(
                    "Some items were refused by BigCommerce: fix them as “What to do” says "
                    "and sync again (see the integration log)."
                )
        if saved:
            print(saved, file=sys.stderr if args.json else sys.stdout)
        if args.apply and result.error is not None:
            print(f"error: {result.error['message']}", file=sys.stderr)
            return EXIT_CONNECT
        return EXIT_ITEMS_FAILED if failed else EXIT_OK

    def _save_csv(self, plan: Any) -> str:

        rows = [row for action in plan.actions for row in action.rows]
        creating, skips = analysis.created_skus(rows), analysis.create_skips(rows)
        count = export_rows(self.args.csv, rows, lambda r: wording.fix_for(r, creating, skips))
        return f"Saved {count} rows to {self.args.csv}"
