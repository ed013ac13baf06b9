"""Finds the package's resources (esync_desktop/resources) and loads icons from them.

They are read through importlib.resources, so a source checkout, an installed wheel and the
PyInstaller bundle (build.spec copies the folder to the same place in the package) all work alike.
"""

from __future__ import annotations

import atexit
import contextlib
from enum import StrEnum
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

RESOURCE_PACKAGE = "esync_desktop"
RESOURCE_FOLDER = "resources"
# The rendered app icon sizes (tools/render_icons.py writes icons/app-<size>.png for each).
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


class TrayState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    FAILED = "failed"
    PAUSED = "paused"
    ATTENTION = "attention"  # items of the last run need the owner
    STALE = "stale"  # no sync has succeeded for longer than the owner allows


# Qt needs file names; a resource inside a zip would be extracted for as long as the process runs.
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def resources_root() -> str:
    """Where the resources are, for messages."""
    return str(resources.files(RESOURCE_PACKAGE).joinpath(RESOURCE_FOLDER))


def asset_path(name: str) -> Path:
    """A file under esync_desktop/resources, e.g. `icons/app.svg`; FileNotFoundError naming the
    resource and where it was looked for when the install lacks it."""
    resource = resources.files(RESOURCE_PACKAGE).joinpath(RESOURCE_FOLDER, *name.split("/"))
    if not resource.is_file():
        raise FileNotFoundError(f"resource {name!r} is missing from {resources_root()}")
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(resources.as_file(resource))


def app_icon() -> QIcon:
    """The app icon at every rendered size (crisp where a size is asked for), scalable beyond."""
    icon = QIcon(str(asset_path("icons/app.svg")))
    for size in APP_ICON_SIZES:
        icon.addFile(str(asset_path(f"icons/app-{size}.png")), QSize(size, size))
    return icon


def tray_icon(state: TrayState) -> QIcon:
    return QIcon(str(asset_path(f"icons/tray-{state.value}.svg")))
