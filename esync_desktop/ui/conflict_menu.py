"""The preview's choice for a field changed in both stores: right-click an item with a conflict
to keep Clover's or BigCommerce's value, for that item or for every conflict of the same field
(an item with conflicts in several fields gets a submenu per field). The
choice is remembered at once (the state database) and the preview is read again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView

from esync_desktop import wording
from esync_desktop.domain.plan import PlanRow, Reason, TaskPlan
from esync_desktop.ui import error_dialog
from esync_desktop.ui.errors import describe_error
from esync_desktop.ui.models.base import ROW_ROLE

SIDES = (("clover", "Clover"), ("bigcommerce", "BigCommerce"))


def conflict_rows(plan: TaskPlan | None, field: str | None = None) -> list[PlanRow]:
    """The plan's conflict rows (of one field when given)."""
    if plan is None:
        return []
    return [
        r
        for a in plan.actions
        for r in a.rows
        if r.reason is Reason.CONFLICT and (field is None or r.facts.get("field") == field)
    ]


def menu_for(row: PlanRow, plan: TaskPlan | None, parent: Any = None) -> QMenu:
    """Keep one side's value for this row, or for every conflict row of its field."""
    menu = QMenu(parent)
    field = str(row.facts.get("field", ""))
    label = wording.owned_field_label(field).lower()
    same_field = conflict_rows(plan, field)
    for side, store in SIDES:
        key = "clover_value" if side == "clover" else "web_value"
        value = wording.value_text(row.facts.get(key))
        action = QAction(f"Keep {store}'s {label}: {value}", menu)
        action.setData((side, (row,)))
        menu.addAction(action)
    menu.addSeparator()
    for side, store in SIDES:
        action = QAction(f"Keep {store}'s {label} in all {len(same_field)} conflicts", menu)
        action.setData((side, tuple(same_field)))
        action.setEnabled(len(same_field) > 1)
        menu.addAction(action)
    return menu


class ConflictChoice(QObject):
    """Installs the menu on the preview's table; `choose(rows, side)` settles and re-reads."""

    def __init__(
        self,
        table: QTableView,
        plan: Callable[[], TaskPlan | None],
        services: Any,
        refresh: Callable[[], None],
    ) -> None:
        super().__init__(table)
        self.table = table
        self.plan = plan
        self.services = services
        self.refresh = refresh
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_menu)

    def rows_at(self, index: QModelIndex) -> list[PlanRow]:
        """The conflict steps of the item at `index` (a plan row per field)."""
        item = self.table.model().data(index, ROW_ROLE) if index.isValid() else None
        steps = getattr(item, "steps", ())
        return [s for s in steps if isinstance(s, PlanRow) and s.reason is Reason.CONFLICT]

    def menu_at(self, index: QModelIndex) -> QMenu | None:
        rows = self.rows_at(index)
        if len(rows) <= 1:
            return menu_for(rows[0], self.plan(), self.table) if rows else None
        menu = QMenu(self.table)
        for row in rows:
            sub = menu_for(row, self.plan(), menu)
            sub.setTitle(wording.owned_field_label(str(row.facts.get("field", ""))))
            menu.addMenu(sub)
        return menu

    @Slot(QPoint)
    def _on_menu(self, point: QPoint) -> None:
        menu = self.menu_at(self.table.indexAt(point))
        if menu is None:
            return
        picked = menu.exec(self.table.viewport().mapToGlobal(point))
        if picked is not None:
            side, rows = picked.data()
            self.choose(list(rows), side)

    def choose(self, rows: list[PlanRow], side: str) -> int:
        try:
            settled = int(self.services.choose_conflicts(rows, side))
        except Exception as exc:  # the state database or the connection: say so, keep going
            problem = describe_error(exc)
            error_dialog.notifier.error(problem.title, problem.message)
            return 0
        self.refresh()
        return settled
