"""The window's fixed sentences: the About box, the tray notes and the demo's.

Labels of outcomes, reasons and steps, and what to do about an item, are in
esync_desktop.wording (shared with the CLI); errors and their screens in ui.errors.
"""

from __future__ import annotations

from pathlib import Path

from esync_desktop import APP_NAME, __version__

ABOUT = (
    f"<h3>{APP_NAME} {__version__}</h3>"
    "<p>Keeps your Clover point of sale and your BigCommerce web store in step: products, "
    "variants, stock and prices, with a preview of every change before it is made.</p>"
)
NO_TRAY = (
    f"Your desktop has no system tray, so closing this window quits {APP_NAME} and scheduled "
    "syncs stop until you open it again."
)
SETTINGS_RESET_TITLE = "Some settings could not be read"
DATA_REPAIRED_TITLE = "Your sync history was repaired"
DEMO_LEAVE = (
    "The demo stores stay connected until eSync Desktop is restarted. Restart it, then enter "
    "your own stores on this page."
)
TO_TRAY = f"{APP_NAME} keeps running in the tray and syncs on schedule. Quit from the tray menu."
DIAGNOSTICS_TIP = (
    "Save a zip for support: versions, settings, the last runs and the recent log, without "
    "any token"
)


def diagnostics_saved(path: Path) -> str:
    return (
        f"Saved {path}. Send this file to support: it has the versions, your settings, the "
        "last runs and the recent log, and no token or password."
    )
