"""Launcher: `python main.py` starts eSync Desktop exactly as `python -m esync_desktop` does."""

import sys

from esync_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
