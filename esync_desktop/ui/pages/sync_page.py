"""Sync: progress of the running sync with Cancel, then what it did and where the failures are."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from esync_desktop import wording
from esync_desktop.sync import analysis
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui import widgets
from esync_desktop.ui.controller import RUN, SCHEDULED, AppController

FAILURES_LINK = "failures"
SKIPPED_LINK = "skipped"
ATTENTION_LINK = "attention"
HISTORY_LINK = "history"


class SyncPage(widgets.Page):
    failures_requested = Signal(int)  # run id
    skipped_requested = Signal(int)  # run id
    attention_requested = Signal(int)  # run id
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
        self.progress.setFormat("")
        self.progress.setValue(0)
        self.body.addWidget(self.progress)
        self.current = QLabel("")
        self.body.addWidget(self.current)
        row = QHBoxLayout()
        # Shown only while a sync runs: a greyed-out Cancel after the run looks like a fault.
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.hide()
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
        self.progress.setFormat("")
        self.current.setText("Starting…")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.cancel_button.show()
        self.summary.clear_message()

    @Slot(str, int, int, str)
    def _on_progress(self, kind: str, done: int, total: int, text: str) -> None:
        if kind not in (RUN, SCHEDULED):
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(wording.sent_text(done, total))
        if text:
            self.current.setText(f"Now: {text}")

    @Slot()
    def cancel(self) -> None:
        self.controller.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Stopping after the current item…")

    def _finish(self) -> None:
        self.cancel_button.hide()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.current.setText("")
        if self.progress.maximum() == 0:  # no write was planned, or none was reached
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.setFormat("No changes sent")

    @Slot(object, str)
    def _on_finished(self, result: Any, trigger: str) -> None:
        self._finish()
        self._run_id = result.run_id
        counts = result.counts
        failed, skipped = counts.get("fail", 0), counts.get("skip", 0)
        body = wording.run_summary(counts, cancelled=result.cancelled, seconds=result.duration_s)
        attention = analysis.run_attention(result.document or {})
        if attention:
            body += (
                f" {wording.plural(attention, 'item')} "
                f"{wording.verb(attention, 'needs', 'need')} your attention."
            )
        self.task_label.setText("Sync cancelled" if result.cancelled else "Sync finished")
        kind = "warning" if result.cancelled or attention else "ok"
        links = []
        if failed:
            failures = wording.plural(failed, "failure")
            links.append(f'<a href="{FAILURES_LINK}">Show the {failures}</a>')
            kind = "error"
        if attention:
            which = "the item that needs" if attention == 1 else f"the {attention} items that need"
            links.append(f'<a href="{ATTENTION_LINK}">Show {which} you, and what to do</a>')
        elif skipped:
            links.append(f'<a href="{SKIPPED_LINK}">Show the {skipped} skipped and why</a>')
        links.append(f'<a href="{HISTORY_LINK}">See every result in History</a>')
        self.summary.show_message(kind, body + "<br>" + " · ".join(links))

    @Slot(str, object)
    def _on_failed(self, kind: str, error: Any) -> None:
        if kind not in (RUN, SCHEDULED):
            return
        self._finish()
        self.task_label.setText("Sync stopped")
        problem = ui_errors.describe_error(error)
        self.summary.show_message("error", f"<b>{problem.title}.</b> {problem.message}")

    @Slot(str)
    def _on_link(self, link: str) -> None:
        if self._run_id is None:
            return
        if link == FAILURES_LINK:
            self.failures_requested.emit(self._run_id)
        elif link == SKIPPED_LINK:
            self.skipped_requested.emit(self._run_id)
        elif link == ATTENTION_LINK:
            self.attention_requested.emit(self._run_id)
        elif link == HISTORY_LINK:
            self.history_requested.emit(self._run_id)
