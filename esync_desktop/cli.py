"""Headless commands over the same engine the window drives (sandbox, preview, sync, tasks)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from esync_desktop import __version__
from esync_desktop.cli_engine import add_engine_commands
from esync_desktop.cli_fields import add_field_commands
from esync_desktop.cli_services import EXIT_OK, EXIT_USAGE, open_services
from esync_desktop.cli_settings import add_settings_commands
from esync_desktop.cli_stock import add_stock_commands

Command = Callable[[argparse.Namespace], int]

EPILOG = """\
exit codes:
  0    done (a first Ctrl+C stops between writes and exits 0, "cancelled": true in --json)
  1    some items failed (each is named with what to do)
  2    usage or configuration error
  3    cannot connect to or authenticate with a store
  130  aborted by a second Ctrl+C
  With --json a document is printed in every case; on an error it has an "error" object
  with "kind" and "message" beside what was done.

environment (headless use: a server, a scheduled job, CI; the variables win over the saved
connections and are never written anywhere, so no keyring is needed):
  ESYNC_CLOVER_BASE_URL     Clover API host (default: the region saved in the settings)
  ESYNC_CLOVER_MERCHANT_ID  Clover merchant id
  ESYNC_CLOVER_TOKEN        Clover API token
  ESYNC_BC_BASE_URL         BigCommerce API host (default https://api.bigcommerce.com)
  ESYNC_BC_STORE_HASH       BigCommerce store hash
  ESYNC_BC_TOKEN            BigCommerce access token
  ESYNC_CLOVER_TOKEN_<ID>   the token of a further Clover merchant (see `merchants --help`)
  ESYNC_HOME                one folder for settings, data and logs (config/, data/, logs/)
                            instead of the platform's folders
"""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error on a --json command line is also a JSON document."""

    json_errors = False

    def error(self, message: str) -> NoReturn:
        if Parser.json_errors:
            print(json.dumps({"error": {"kind": "usage", "message": message}}))
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="esync-desktop",
        description="Keep a Clover POS and a BigCommerce store in step. "
        "Without a command, opens the window.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"eSync Desktop {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="without one, the window opens"
    )

    sandbox = commands.add_parser(
        "sandbox", help="the demo stores (Clover + BigCommerce emulators)"
    )
    sandbox_cmds = sandbox.add_subparsers(
        dest="sandbox_command", metavar="SUBCOMMAND", required=True, help="serve or reset"
    )
    serve = sandbox_cmds.add_parser("serve", help="serve the demo stores on 127.0.0.1 until Ctrl+C")
    serve.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    serve.add_argument(
        "--seed",
        choices=["demo", "empty"],
        default="demo",
        help="demo: the demo catalogue in both stores (default); empty: two empty stores",
    )
    serve.add_argument(
        "--items",
        type=int,
        default=0,
        metavar="N",
        help="seed N generated items instead (benchmarks; up to 100000)",
    )
    serve.add_argument(
        "--plan",
        choices=["standard", "plus", "pro"],
        default="standard",
        help="BigCommerce plan whose API quota to emulate",
    )
    serve.add_argument(
        "--latency",
        metavar="LOW-HIGH",
        type=_latency_range,
        default=(0, 0),
        help="add LOW to HIGH ms to every API request, like real round trips (e.g. 50-150)",
    )
    serve.add_argument("--db", metavar="FILE", help="persist the stores' state in this SQLite file")
    serve.add_argument(
        "--json", action="store_true", help="print one JSON line with url and credentials"
    )
    serve.set_defaults(handler=_sandbox_serve)
    reset = sandbox_cmds.add_parser(
        "reset", help="start the demo stores over (the --demo state under the data folder)"
    )
    reset.set_defaults(handler=_sandbox_reset)

    add_engine_commands(commands)
    add_settings_commands(commands)
    add_field_commands(commands)
    add_stock_commands(commands)
    diagnostics = commands.add_parser(
        "diagnostics",
        help="save a zip for support: versions, settings, the last runs and the recent log, "
        "with every token removed",
    )
    diagnostics.add_argument("file", type=Path, help="the zip to write, e.g. esync-support.zip")
    diagnostics.set_defaults(handler=_diagnostics)
    return parser


def _diagnostics(args: argparse.Namespace) -> int:
    # lazy: the keyring's modules load only for this command.
    from esync_desktop.diagnostics import DiagnosticsError, export_diagnostics

    services = open_services()
    if services is None:
        return EXIT_USAGE
    try:
        names = export_diagnostics(services, args.file)
    except DiagnosticsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        services.stop()
    print(f"Saved {args.file} ({', '.join(names)}); no token is in it.")
    return EXIT_OK


def _latency_range(text: str) -> tuple[int, int]:
    low, sep, high = text.partition("-")
    try:
        pair = (int(low), int(high if sep else low))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give milliseconds as LOW-HIGH, e.g. 50-150"
        ) from None
    if not 0 <= pair[0] <= pair[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: need 0 <= LOW <= HIGH")
    return pair


def _sandbox_serve(args: argparse.Namespace) -> int:
    # lazy: the emulator's server code loads only for this command.
    from esync_desktop.sandbox.server import SandboxServer

    if not 0 <= args.items <= 100_000:
        print("--items must be between 0 and 100000", file=sys.stderr)
        return EXIT_USAGE
    try:
        server = SandboxServer(
            port=args.port,
            seed=args.seed,
            items=args.items,
            plan=args.plan,
            db_path=Path(args.db) if args.db else None,
            latency_ms=args.latency,
        )
    except OSError as exc:
        print(
            f"Cannot start the demo stores on port {args.port}: {exc}. "
            "Choose another --port or leave it out to take a free one.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    info = server.describe()
    if args.json:
        print(json.dumps(info), flush=True)
    else:
        print(f"Demo stores serving at {info['url']}  (Ctrl+C stops)")
        print(
            f"  Clover      base URL {info['url']}  merchant id {info['clover_merchant_id']}"
            f"  API token {info['clover_token']}"
        )
        print(
            f"  BigCommerce base URL {info['url']}  store hash {info['bc_store_hash']}"
            f"  access token {info['bc_token']}"
        )
        print(
            f"  e.g. curl -H 'Authorization: Bearer {info['clover_token']}' "
            f"{info['url']}/v3/merchants/{info['clover_merchant_id']}/items",
            flush=True,
        )
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.store.close()
    return EXIT_OK


def _sandbox_reset(args: argparse.Namespace) -> int:
    services = open_services()
    if services is None:
        return EXIT_USAGE
    try:
        services.reset_demo()
    finally:
        services.stop()
    print("The demo stores were started over; the next --demo run sees the original catalogue.")
    return EXIT_OK


def run(argv: list[str]) -> int:
    parser = build_parser()
    Parser.json_errors = "--json" in argv
    args = parser.parse_args(argv)
    if args.command is None:
        # lazy: the window (Qt) loads only when no command is given; the CLI runs without Qt.
        from esync_desktop.ui.app import run_gui

        return run_gui()
    handler: Command = args.handler
    return handler(args)
