"""Sync: progress of the running sync with Cancel, then what it did and where the failures are."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from esync_desktop.ui import messages, widgets
from esync_desktop.ui.controller import RUN, SCHEDULED, AppController

FAILURES_LINK = "failures"
HISTORY_LINK = "history"


class SyncPage(widgets.Page):
    failures_requested = Signal(int)  # run id
    history_requested = Signal(int)  # run id

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(
            "Sync",
            "Progress of the sync that is running. You can keep working in other pages, or "
            "close the window: the sync goes on.",
            parent,
        )
        self.controller = controller
        self._run_id: int | None = None
        self.task_label = widgets.section("No sync is running.")
        self.body.addWidget(self.task_label)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m")
        self.progress.setValue(0)
        self.body.addWidget(self.progress)
        self.current = QLabel("")
        self.body.addWidget(self.current)
        row = QHBoxLayout()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.summary = widgets.Banner()
        self.summary.linkActivated.connect(self._on_link)
        self.body.addWidget(self.summary)
        self.body.addStretch(1)
        controller.job_started.connect(self._on_started)
        controller.progressed.connect(self._on_progress)
        controller.run_finished.connect(self._on_finished)
        controller.job_failed.connect(self._on_failed)

    @Slot(str, str)
    def _on_started(self, kind: str, task: str) -> None:
        if kind not in (RUN, SCHEDULED):
            return
        self._run_id = None
        what = "Scheduled sync" if kind == SCHEDULED else "Syncing"
        self.task_label.setText(f"{what}: {task}")
        self.progress.setRange(0, 0)
        self.current.setText("Starting…")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.summary.clear_message()

    @Slot(str, int, int, str)
    def _on_progress(self, kind: str, done: int, total: int, text: str) -> None:
        if kind not in (RUN, SCHEDULED):
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if text:
            self.current.setText(f"Now: {text}")

    @Slot()
    def cancel(self) -> None:
        self.controller.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Stopping after the current item…")

    def _finish(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.current.setText("")
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)

    @Slot(object, str)
    def _on_finished(self, result: Any, trigger: str) -> None:
        self._finish()
        self._run_id = result.run_id
        counts = result.counts
        failed = counts.get("fail", 0)
        text = messages.counts_text(counts)
        took = f" in {result.duration_s:.0f} s" if result.duration_s >= 1 else ""
        if result.cancelled:
            self.task_label.setText("Sync cancelled")
            body = f"Stopped on request{took}. Done before stopping: {text}."
            kind = "warning"
        else:
            self.task_label.setText("Sync finished")
            body = f"Finished{took}: {text}."
            kind = "error" if failed else "ok"
        if failed:
            body += f' <a href="{FAILURES_LINK}">Show the {failed} failed item(s)</a>'
        else:
            body += f' <a href="{HISTORY_LINK}">See every item in History</a>'
        self.summary.show_message(kind, body)

    @Slot(str, object)
    def _on_failed(self, kind: str, error: Any) -> None:
        if kind not in (RUN, SCHEDULED):
            return
        self._finish()
        self.task_label.setText("Sync stopped")
        problem = messages.describe_error(error)
        self.summary.show_message("error", f"<b>{problem.title}.</b> {problem.message}")

    @Slot(str)
    def _on_link(self, link: str) -> None:
        if self._run_id is None:
            return
        if link == FAILURES_LINK:
            self.failures_requested.emit(self._run_id)
        elif link == HISTORY_LINK:
            self.history_requested.emit(self._run_id)
