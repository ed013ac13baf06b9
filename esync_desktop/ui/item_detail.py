"""The selected item in full, below the preview's and History's item tables: a line per step
with its location, result, why, what to do and changes (a cell cannot hold all of them)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QWidget

from esync_desktop import wording
from esync_desktop.sync.analysis import CREATE_ACTIONS, as_reason
from esync_desktop.sync.items import ATTENTION, WAITS, ItemRow
from esync_desktop.sync.model import Reason
from esync_desktop.ui import order_words
from esync_desktop.ui.order_detail import html_table

STEP_HEADER = ["Step", "Location", "Result", "Why", "What to do", "Changes"]
# The pane never takes more of the window than this: the table above keeps the rest (768 px).
MAX_HEIGHT = 170
COLOURS = {ATTENTION: "#a15c00", "fail": "#b3261e", WAITS: "#1b7f3b"}


def _e(value: object) -> str:
    return html.escape(str(value if value is not None else ""))


def _step_result(step: Any, state: str) -> str:
    text = order_words.outcome_label(step)
    if state == WAITS:
        text = f"{text}: follows the new product"
    colour = COLOURS.get(state)
    return f'<span style="color:{colour}">{_e(text)}</span>' if colour else _e(text)


def _fix(step: Any, state: str, cause: Any, fix: Callable[[Any], str]) -> str:
    """A step that cannot find the product the item's create step skips says so once, at
    that step: the others point there instead of repeating it."""
    if state == WAITS:
        return ""
    follows = (
        cause is not None
        and step is not cause
        and cause.action in CREATE_ACTIONS
        and as_reason(step.reason) is Reason.NOT_IN_BIGCOMMERCE
    )
    if follows:
        return f"Goes through once the “{wording.action_short_label(cause.action)}” step above does"
    return fix(step)


def item_html(
    item: ItemRow,
    result: str,
    why: Callable[[Any], str],
    fix: Callable[[Any], str],
    name: str = "",
) -> str:
    """The item's heading (SKU, `name` or its names, `result`) and a table of its steps;
    `why` and `fix` give a step's reason and what to do in words (empty for none)."""
    names = name or " / ".join(n for n in (item.clover_name, item.bc_name) if n)
    sku = item.sku or order_words.short_reference(item.result) or "(no SKU)"
    head = f"<b>{_e(sku)}</b> {_e(names)} — <b>{_e(result)}</b>"
    rows = []
    cause = item.attention
    for step, state in zip(item.steps, item.states, strict=True):
        facts = getattr(step, "facts", None) or {}
        reason = why(step) if state != "unchanged" else ""
        detail = str(getattr(step, "detail", "") or "")
        if reason and detail:
            reason = f"{reason} ({detail})"
        changes = getattr(step, "changes", None) or {}
        rows.append(
            [
                _e(wording.action_short_label(step.action)),
                _e(facts.get("location", "") if isinstance(facts, dict) else ""),
                _step_result(step, state),
                _e(reason),
                _e(_fix(step, state, cause, fix)),
                _e(wording.changes_text(changes) if changes else ""),
            ]
        )
    return head + html_table(STEP_HEADER, rows, frozenset())


class StepsPane(QScrollArea):
    """The selected item's steps below a table: as tall as they need, at most MAX_HEIGHT."""

    def __init__(self, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = hint
        self.label = QLabel(hint)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._fit_height()

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:
        self.label.setText(text or self.hint)
        self._fit_height()

    def _fit_height(self) -> None:
        width = max(self.viewport().width(), 200)
        needed = self.label.heightForWidth(width)
        if needed < 0:
            needed = self.label.sizeHint().height()
        self.setFixedHeight(min(MAX_HEIGHT, needed + 2 * self.frameWidth() + 4))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._fit_height()
