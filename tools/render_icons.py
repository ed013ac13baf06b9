"""Renders the app icon (esync_desktop/resources/icons/app.svg) into the files that ship with it.

    pip install Pillow   # for this script only; the app does not need it
    python tools/render_icons.py

writes esync_desktop/resources/icons/app-<size>.png (16…512, the window and Linux icons),
packaging/icons/app.ico (Windows) and packaging/icons/app.icns (macOS). Run it again after
changing app.svg and commit the results.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "esync_desktop" / "resources" / "icons"
PACKAGING = ROOT / "packaging" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(svg: Path, size: int) -> bytes:
    """The SVG drawn at size x size with antialiasing, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    svg = ICONS / "app.svg"
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES})
    images = {size: Image.open(io.BytesIO(render(svg, size))).convert("RGBA") for size in sizes}
    for size in PNG_SIZES:
        images[size].save(ICONS / f"app-{size}.png", optimize=True)
    PACKAGING.mkdir(parents=True, exist_ok=True)
    # Each size drawn from the SVG, not scaled down from the largest, so small ones stay sharp.
    largest_ico = images[max(ICO_SIZES)]
    largest_ico.save(
        PACKAGING / "app.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    largest_icns = images[max(ICNS_SIZES)]
    largest_icns.save(
        PACKAGING / "app.icns",
        append_images=[images[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)],
    )
    print(f"wrote {len(PNG_SIZES)} PNGs to {ICONS} and app.ico, app.icns to {PACKAGING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
