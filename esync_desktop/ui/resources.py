"""Finds files under resources/, from a source checkout or a PyInstaller bundle, and loads icons."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

from PySide6.QtGui import QIcon


class TrayState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    FAILED = "failed"
    PAUSED = "paused"


def resources_dir() -> Path:
    """resources/ beside the package in a checkout; under sys._MEIPASS in a frozen build, where
    build.spec copies it."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def asset_path(name: str) -> Path:
    path = resources_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"resource {name!r} is missing from {resources_dir()}")
    return path


def app_icon() -> QIcon:
    return QIcon(str(asset_path("icons/app.svg")))


def tray_icon(state: TrayState) -> QIcon:
    return QIcon(str(asset_path(f"icons/tray-{state.value}.svg")))
