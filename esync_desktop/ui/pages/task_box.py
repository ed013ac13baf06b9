"""What the Tasks page's boxes share: the selected task, the page's save, and quiet loading."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QGroupBox

from esync_desktop.storage.settings import TaskConfig
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import AppController


class TaskBox(QGroupBox):
    """A box that edits the selected task (`current_task`) and saves through the page (`save`).
    While it shows a task, its widgets' change signals edit nothing (`loading`). A box names
    its `TITLE` and makes its widgets in `build`."""

    TITLE = ""

    def __init__(
        self,
        controller: AppController,
        current_task: Callable[[], TaskConfig | None],
        save: widgets.SaveFn,
    ) -> None:
        super().__init__(self.TITLE)
        self.controller = controller
        self.current_task = current_task
        self._save = save
        self._loading = False
        self.build()

    def build(self) -> None:
        """The box's widgets and connections."""

    @contextmanager
    def loading(self) -> Iterator[None]:
        self._loading = True
        try:
            yield
        finally:
            self._loading = False
