"""What ships beside the code: resources inside the package, icons, the Linux desktop entry and
AppStream metainfo (checked by the real validators), the licence and version metadata."""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import IN_CI, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LINUX = ROOT / "packaging" / "linux"
RESOURCES = ROOT / "esync_desktop" / "resources"


def desktop_id() -> str:
    from esync_desktop.ui.app import DESKTOP_ID

    return DESKTOP_ID


def validator(tool: str, debian_package: str) -> str:
    """The validator's path; missing is a skip on a developer's machine, an error in CI
    (tests/run.sh installs it)."""
    path = shutil.which(tool)
    if path is None:
        if IN_CI:
            pytest.fail(f"CI=true but {tool} is missing (Debian package {debian_package})")
        pytest.skip(f"{tool} not installed (Debian package {debian_package})")
    return path


def test_every_resource_file_is_package_data() -> None:
    """The wheel carries only what package-data names: a new kind of resource must be added."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["esync_desktop"]
    files = [p.relative_to(ROOT / "esync_desktop").as_posix() for p in RESOURCES.rglob("*")]
    files = [f for f in files if (ROOT / "esync_desktop" / f).is_file()]
    assert files
    unshipped = [f for f in files if not any(fnmatch.fnmatchcase(f, p) for p in patterns)]
    assert unshipped == []


def test_resources_are_found_through_the_package(qapp: object) -> None:
    from esync_desktop.ui.resources import (
        APP_ICON_SIZES,
        TrayState,
        app_icon,
        asset_path,
        tray_icon,
    )

    assert asset_path("style.qss").parent == RESOURCES
    icon = app_icon()
    assert not icon.isNull()
    for size in APP_ICON_SIZES:
        assert icon.pixmap(size, size).width() == size
    for state in TrayState:
        assert not tray_icon(state).isNull()
    with pytest.raises(FileNotFoundError, match=r"'icons/none\.svg' is missing from .*resources"):
        asset_path("icons/none.svg")


def test_rendered_icons_have_their_sizes() -> None:
    from PySide6.QtGui import QImage

    from esync_desktop.ui.resources import APP_ICON_SIZES

    for size in APP_ICON_SIZES:
        image = QImage(str(RESOURCES / "icons" / f"app-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
    ico = (ROOT / "packaging" / "icons" / "app.ico").read_bytes()
    assert ico[:4] == b"\0\0\1\0" and int.from_bytes(ico[4:6], "little") >= 7
    assert (ROOT / "packaging" / "icons" / "app.icns").read_bytes()[:4] == b"icns"


def test_desktop_file_validates() -> None:
    entry = LINUX / f"{desktop_id()}.desktop"
    tool = validator("desktop-file-validate", "desktop-file-utils")
    done = subprocess.run([tool, str(entry)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
    text = entry.read_text(encoding="utf-8")
    assert f"Icon={desktop_id()}\n" in text
    assert "Exec=esync-desktop\n" in text
    assert "esync-desktop" in PYPROJECT["project"]["scripts"]


def test_metainfo_validates_and_matches_the_project() -> None:
    metainfo = LINUX / f"{desktop_id()}.metainfo.xml"
    tool = validator("appstreamcli", "appstream")
    done = subprocess.run(
        [tool, "validate", "--no-net", "--explain", str(metainfo)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    component = ET.parse(metainfo).getroot()
    assert component.findtext("id") == desktop_id()
    assert component.findtext("launchable") == f"{desktop_id()}.desktop"
    assert component.findtext("project_license") == PYPROJECT["project"]["license"]
    releases = component.findall("releases/release")
    assert releases[0].get("version") == PYPROJECT["project"]["version"]


def test_licence_and_version_metadata() -> None:
    from esync_desktop import __version__

    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert PYPROJECT["project"]["version"] == __version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert f"## [{__version__}]" in changelog
