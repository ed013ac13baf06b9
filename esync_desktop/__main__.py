"""Entry point shared by `python -m esync_desktop`, `python main.py` and `esync-desktop`."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from esync_desktop.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
