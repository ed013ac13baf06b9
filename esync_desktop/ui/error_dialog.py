"""A dialog for an unexpected error: what happened in words, and copyable technical details."""

from __future__ import annotations

import platform
import traceback
from types import TracebackType
from typing import Protocol

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esync_desktop import APP_NAME, __version__


def technical_details(
    exc_type: type[BaseException] | None = None,
    exc: BaseException | None = None,
    tb: TracebackType | None = None,
) -> str:
    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
    ]
    try:
        import PySide6

        lines.append(f"PySide6 {PySide6.__version__}")
    except ImportError:  # pragma: no cover - PySide6 is a dependency
        pass
    if exc is not None:
        lines.append("")
        lines.extend(traceback.format_exception(exc_type or type(exc), exc, tb))
    return "\n".join(line.rstrip("\n") for line in lines)


class ErrorDialog(QDialog):
    def __init__(
        self, title: str, text: str, details: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        message = QLabel(text)
        message.setWordWrap(True)
        layout.addWidget(message)
        self.details = QPlainTextEdit(details or technical_details())
        self.details.setReadOnly(True)
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy details")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class Notifier(Protocol):
    def info(self, title: str, text: str) -> None: ...
    def error(self, title: str, text: str, details: str = "") -> None: ...


class DialogNotifier:
    """Modal message boxes. Tests replace `notifier` to see what would have been shown."""

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(QApplication.activeWindow(), title, text)

    def error(self, title: str, text: str, details: str = "") -> None:
        ErrorDialog(title, text, details).exec()


notifier: Notifier = DialogNotifier()


def show_exception(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """The body of sys.excepthook while the window runs (see app.install_excepthook)."""
    details = technical_details(exc_type, exc, tb)
    notifier.error(
        "Something went wrong",
        f"{APP_NAME} hit an unexpected problem: {exc}. Your data is safe; if this keeps "
        "happening, copy the details below and send them to support.",
        details,
    )
