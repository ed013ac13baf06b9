"""Entry point shared by `python -m esync_desktop`, `python main.py` and `esync-desktop`."""

from __future__ import annotations

import logging
import sys

from esync_desktop.log import configure_logging


def main(argv: list[str] | None = None) -> int:
    try:
        # lazy: inside the try, so a CLI that cannot even be imported is logged too.
        from esync_desktop.cli import run

        return run(sys.argv[1:] if argv is None else argv)
    except Exception:
        # An installed or frozen app may have no console: the log file is where a crash is read.

        configure_logging()
        logging.getLogger("esync_desktop").critical("eSync Desktop stopped", exc_info=True)
        raise


if __name__ == "__main__":
    sys.exit(main())
