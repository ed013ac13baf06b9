"""The engine layers never import Qt; only esync_desktop.ui may."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import esync_desktop


def _non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(esync_desktop.__path__, "esync_desktop."):
        if info.name.startswith("esync_desktop.ui") or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def test_non_ui_packages_do_not_import_qt() -> None:
    modules = _non_ui_modules()
    assert "esync_desktop.sandbox.server" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"Qt imported by the engine: {result.stdout}"


def test_entry_points_agree() -> None:
    for argv in (["-m", "esync_desktop", "--version"], ["main.py", "--version"]):
        result = subprocess.run(
            [sys.executable, *argv],
            capture_output=True,
            text=True,
            check=True,
            cwd=esync_desktop.__path__[0] + "/..",
        )
        assert result.stdout.strip() == f"eSync Desktop {esync_desktop.__version__}"
