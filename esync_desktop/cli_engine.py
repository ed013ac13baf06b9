"""The CLI's engine commands: preview and sync of a task or of actions named on the line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from esync_desktop.sync.model import ACTION_IDS

EXIT_OK, EXIT_ITEMS_FAILED, EXIT_USAGE, EXIT_CONNECT = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # the shell's code for a run ended by Ctrl+C


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def add_engine_commands(commands: Any) -> None:
    for name, help_text in (
        ("preview", "show what a sync would do, writing nothing"),
        ("sync", "write to BigCommerce what the preview shows"),
    ):
        sub = commands.add_parser(name, help=help_text)
        target = sub.add_mutually_exclusive_group(required=True)
        target.add_argument("--task", metavar="NAME", help="a task from the settings")
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
        sub.add_argument("--demo", action="store_true", help="use the demo stores")
        sub.add_argument("--json", action="store_true", help="print one JSON document")
        sub.add_argument("--all", action="store_true", help="list unchanged rows too")
        sub.set_defaults(handler=_run_engine, apply=name == "sync")
    from esync_desktop.cli_settings import add_settings_commands

    add_settings_commands(commands)


def open_services() -> Any:
    """The facade, or None after printing why it cannot be opened."""
    from esync_desktop.app import Services
    from esync_desktop.storage.state import StateError

    try:
        return Services()
    except StateError as exc:
        _fail(str(exc), EXIT_USAGE)
        return None
    except OSError as exc:
        _fail(f"cannot open the settings or data folder: {exc}. Check ESYNC_HOME.", EXIT_USAGE)
        return None


def _task(services: Any, args: argparse.Namespace) -> Any:
    from esync_desktop.storage.settings import ActionConfig, TaskConfig

    if args.action:
        return TaskConfig(
            name="command line",
            actions=[ActionConfig(a, {}) for a in args.action],
            stop_when_empty=not args.no_stop_when_empty,
        )
    for task in services.settings.tasks:
        if task.name.strip().casefold() == args.task.strip().casefold():
            return task
    names = ", ".join(repr(t.name) for t in services.settings.tasks) or "none"
    raise LookupError(
        f"no task named {args.task!r} (tasks: {names}); see `tasks list`, or use --action"
    )


def _run_engine(args: argparse.Namespace) -> int:
    from esync_desktop.app import ConfigurationError, StalePlan
    from esync_desktop.cli_output import ProgressBar, print_json, print_table
    from esync_desktop.connectors.errors import ApiError, AuthError
    from esync_desktop.log import configure_logging
    from esync_desktop.storage.state import RunLocked
    from esync_desktop.sync.actions import UnknownAction
    from esync_desktop.sync.report import plan_document

    services = open_services()
    if services is None:
        return EXIT_USAGE
    # Warnings and the engine's notes go to the log file, never into the --json output.
    configure_logging(services.paths)
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
        task = _task(services, args)
        if args.demo:
            services.start_demo()
        plan = services.plan_task(task, progress=bar, cancel=cancel)
        if args.apply:
            try:
                result = services.run_plan(plan, progress=bar, cancel=cancel, trigger="cli")
            except StalePlan:
                # Another sync ran between reading and writing: read again, once.
                plan = services.plan_task(task, progress=bar, cancel=cancel)
                result = services.run_plan(plan, progress=bar, cancel=cancel, trigger="cli")
            # A cancelled sync did only part of the plan: say so to scripts as well.
            document = {**result.document, "cancelled": result.cancelled}
            if result.error is not None:
                # The store stopped answering: what was done, and why the rest was not.
                document["error"] = dict(result.error)
            failed = bool(result.failures)
        else:
            document, failed = plan_document(plan, plan.api_calls), False
        bar.close()
        if args.json:
            print_json(document)
        else:
            verb = "Done" if args.apply else "Preview (nothing written)"
            print_table(document, show_all=args.all, verb=verb)
            if args.apply and result.cancelled:
                print("Cancelled: the rest is picked up by the next sync.")
            if failed:
                print(
                    "Some items were refused by BigCommerce: fix them as the messages say "
                    "and sync again (see the integration log)."
                )
        if args.apply and result.error is not None:
            return _fail(result.error["message"], EXIT_CONNECT)
        return EXIT_ITEMS_FAILED if failed else EXIT_OK
    except (LookupError, UnknownAction, ConfigurationError) as exc:
        return _fail(str(exc).strip("'\""), EXIT_USAGE)
    except RunLocked as exc:
        return _fail(f"{exc} Wait for the other sync to finish, then try again.", EXIT_USAGE)
    except AuthError as exc:
        return _fail(f"{exc.title}: {exc.message}", EXIT_CONNECT)
    except ApiError as exc:
        return _fail(f"{exc.title}: {exc.message}", EXIT_CONNECT)
    except KeyboardInterrupt:
        # The second Ctrl+C: the journal still holds any write in flight as an open intent.
        bar.close()
        return _fail(
            "aborted; the next sync checks any write that was in flight before sending it again",
            EXIT_INTERRUPTED,
        )
    except Exception as exc:
        if type(exc).__name__ == "Cancelled":
            bar.close()
            return _fail("cancelled before anything was written", EXIT_OK)
        raise
    finally:
        bar.close()
        signal.signal(signal.SIGINT, previous)
        services.stop()
