"""The first-run page: try everything on demo stores, or connect the real ones."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from esync_desktop import APP_NAME
from esync_desktop.ui import widgets
from esync_desktop.ui.resources import app_icon


class WelcomePage(QWidget):
    demo_chosen = Signal()
    connect_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.addStretch(1)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(72, 72))
        layout.addWidget(logo, 0, Qt.AlignmentFlag.AlignHCenter)
        heading = widgets.title(f"Welcome to {APP_NAME}")
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(heading)
        intro = widgets.subtitle(
            "Keep your Clover point of sale and your BigCommerce web store in step: new "
            "products, stock and prices go from Clover to your web store. You see every "
            "change before it is sent."
        )
        intro.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        intro.setFixedWidth(620)
        # A wrapped label in a centred layout is otherwise given the height of two lines.
        intro.setMinimumHeight(intro.fontMetrics().lineSpacing() * 3)
        layout.addWidget(intro, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(18)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.demo_button = widgets.primary_button("Try with demo stores", big=True)
        self.demo_button.setToolTip(
            "Starts two practice stores on this computer, filled with sample products. "
            "Nothing touches your real shop."
        )
        self.demo_button.clicked.connect(self._on_demo)
        buttons.addWidget(self.demo_button)
        buttons.addSpacing(16)
        self.connect_button = QPushButton("Connect my stores")
        self.connect_button.setProperty("big", True)
        self.connect_button.clicked.connect(self.connect_chosen)
        buttons.addWidget(self.connect_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        hints = QHBoxLayout()
        hints.addStretch(1)
        for text in (
            "Demo stores: sample products on this computer, safe to experiment with.",
            "Your stores: you need your Clover API token and a BigCommerce API account.",
        ):
            hint = widgets.subtitle(text)
            hint.setFixedWidth(300)
            hint.setMinimumHeight(hint.fontMetrics().lineSpacing() * 3)
            hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            hints.addWidget(hint)
        hints.addStretch(1)
        layout.addLayout(hints)
        self.status = widgets.Banner()
        layout.addWidget(self.status, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    @Slot()
    def _on_demo(self) -> None:
        self.demo_button.setEnabled(False)
        self.status.show_message("info", "Starting the demo stores…")
        self.demo_chosen.emit()

    @Slot(str)
    def show_failure(self, text: str) -> None:
        self.demo_button.setEnabled(True)
        self.status.show_message("error", text)
