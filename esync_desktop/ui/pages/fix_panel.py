"""The fix-it panel under the preview's groups: for the chosen cause, the fix its "what to do"
text describes, done in place. A fix changes the store (a category, previewed and confirmed
first), a rule (weight, category map) or the task's options, and then only the group's items
are planned again, so the group shrinks as the owner watches."""

from __future__ import annotations

import html
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.domain.bigcommerce_limits import WEIGHT_MAX
from esync_desktop.domain.plan import PlanRow, Reason, TaskPlan
from esync_desktop.domain.sku import name_key
from esync_desktop.sync import analysis
from esync_desktop.sync.replan import Fixed
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.fix_jobs import FIX, FixJobs

NAME_OPTION = "require_name_match"
SKU, CATEGORY, DEFAULT = "sku", "category", "default"


def _first_with(rows: tuple[Any, ...], attr: str) -> Any:
    return next((r for r in rows if getattr(r, attr, None)), None)


class FixPanel(QFrame):
    """Shows the buttons for one fix-it group (analysis.FixGroup) of the previewed plan."""

    plan_updated = Signal(object)  # the plan with the group's items planned again
    notice = Signal(str, str)  # kind, text: for the page's banner once the group is gone

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fixPanel")
        self.controller = controller
        self.jobs = FixJobs(controller, self)
        self.plan: TaskPlan | None = None
        self.group: Any = None
        self.current: PlanRow | None = None
        self._pending_run: TaskPlan | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(4)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)

        row = QHBoxLayout()
        # A missing category: create it (previewed first) or map it to one the store has.
        self.create_category = QPushButton()
        self.create_category.clicked.connect(self._on_create_category)
        row.addWidget(self.create_category)
        self.map_label = QLabel("or &map it to")
        row.addWidget(self.map_label)
        self.map_picker = QComboBox()
        # Sized by a few words, not by the longest category path (which would widen the window).
        self.map_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.map_picker.setMinimumContentsLength(16)
        self.map_picker.currentIndexChanged.connect(lambda _: self._update_enabled())
        self.map_picker.setAccessibleName("Existing BigCommerce category")
        self.map_label.setBuddy(self.map_picker)
        row.addWidget(self.map_picker)
        self.map_button = QPushButton("Map to this category")
        self.map_button.clicked.connect(self._on_map)
        row.addWidget(self.map_button)
        # No weight: for the SKU, its category, or every item without one.
        self.weight_label = QLabel("&Weight")
        row.addWidget(self.weight_label)
        self.weight = QLineEdit()
        self.weight.setPlaceholderText("e.g. 0.5")
        self.weight.setMaximumWidth(90)
        self.weight.setAccessibleName("Weight in the store's unit")
        self.weight_label.setBuddy(self.weight)
        self.weight.returnPressed.connect(self._on_set_weight)
        row.addWidget(self.weight)
        self.weight_scope = QComboBox()
        self.weight_scope.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.weight_scope.setMinimumContentsLength(22)
        self.weight_scope.setAccessibleName("What the weight is for")
        row.addWidget(self.weight_scope)
        self.weight_button = QPushButton("Set weight")
        self.weight_button.clicked.connect(self._on_set_weight)
        row.addWidget(self.weight_button)
        # Names differ: the task's stock steps stop comparing names.
        self.names_button = QPushButton("Don't require matching names for this task")
        self.names_button.clicked.connect(self._on_names)
        row.addWidget(self.names_button)
        row.addStretch(1)
        layout.addLayout(row)
        # The item selected in the table (else the group's first), in either store's admin.
        opens = QHBoxLayout()
        self.open_clover = QPushButton("Open in Clover admin")
        self.open_clover.clicked.connect(lambda: self._open("clover"))
        opens.addWidget(self.open_clover)
        self.open_bc = QPushButton("Open in BigCommerce admin")
        self.open_bc.clicked.connect(lambda: self._open("bigcommerce"))
        opens.addWidget(self.open_bc)
        opens.addStretch(1)
        layout.addLayout(opens)

        # A write to the store is confirmed here, with what exactly it makes.
        confirm = QHBoxLayout()
        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        confirm.addWidget(self.confirm_text, 1)
        self.confirm_button = QPushButton("Create it")
        self.confirm_button.clicked.connect(self._on_confirm)
        confirm.addWidget(self.confirm_button)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._hide_confirm)
        confirm.addWidget(self.cancel_button)
        self.confirm_box = QWidget()
        self.confirm_box.setLayout(confirm)
        confirm.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.confirm_box)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.jobs.fix_planned.connect(self._on_fix_planned)
        self.jobs.replanned.connect(self._on_replanned)
        self.jobs.failed.connect(self._on_failed)
        controller.run_finished.connect(self._on_run_finished)
        controller.categories_loaded.connect(self._on_categories)
        controller.busy_changed.connect(self._update_enabled)
        self.show_group(None, None)

    # -- what is shown ---------------------------------------------------------------------------

    def show_group(self, group: Any, plan: TaskPlan | None) -> None:
        if _cause(group) != _cause(self.group):
            self.status.clear()
        self.group, self.plan = group, plan
        self.current = None
        self._hide_confirm()
        if group is None:
            self.hide()
            return
        reason = analysis.as_reason(group.reason)
        title = wording.fix_group_title(group)
        missing = reason is Reason.CATEGORY_NOT_IN_BIGCOMMERCE and bool(group.category)
        # Where the buttons below are the fix, they say it; elsewhere the words do.
        first = group.rows[0] if group.rows else None
        own = missing or reason in (Reason.MISSING_WEIGHT, Reason.NAME_MISMATCH)
        fix = wording.fix_for(first) if first is not None and not own else ""
        self.heading.setText(
            f"<b>{html.escape(title[:1].upper() + title[1:])}</b>"
            + (f" — {html.escape(fix)}" if fix else "")
        )
        category_fix: tuple[QWidget, ...] = (
            self.create_category,
            self.map_label,
            self.map_picker,
            self.map_button,
        )
        for w in category_fix:
            w.setVisible(missing)
        if missing:
            self.create_category.setText(f"Create category “{self.bc_category_name()}”")
            if self.map_picker.count() == 0:
                self.controller.load_categories()
        weight = reason is Reason.MISSING_WEIGHT
        weight_fix: tuple[QWidget, ...] = (
            self.weight_label,
            self.weight,
            self.weight_scope,
            self.weight_button,
        )
        for w in weight_fix:
            w.setVisible(weight)
        if weight:
            self._fill_weight_scopes()
        self.names_button.setVisible(reason is Reason.NAME_MISMATCH)
        self._update_enabled()
        # Shown last: shown before the other cause's buttons were hidden, the panel would
        # briefly ask for the width of them all, and the window would grow to give it.
        self.show()

    def set_current_row(self, row: PlanRow | None) -> None:
        """The item the Open buttons and a weight "for this SKU" go to (the row selected in
        the table)."""
        self.current = row
        if self.weight_button.isVisibleTo(self):
            self._fill_weight_scopes()
        self._update_enabled()

    def target(self) -> Any:
        if self.current is not None:
            return self.current
        return self.group.rows[0] if self.group is not None and self.group.rows else None

    def skus(self) -> list[str]:
        return sorted({r.sku for r in self.group.rows if r.sku}) if self.group else []

    def bc_category_name(self) -> str:
        """The BigCommerce name the group's Clover category looks for (after the map)."""
        name = str(self.group.category or "")
        mapping = self.controller.settings.category_map
        key = name_key(name)
        return next((v for k, v in mapping.items() if name_key(k) == key), name)

    @Slot(bool)
    def _update_enabled(self, *_: Any) -> None:
        idle = not self.controller.busy
        for w in (
            self.create_category,
            self.map_button,
            self.weight_button,
            self.names_button,
            self.confirm_button,
        ):
            w.setEnabled(idle)
        self.map_button.setEnabled(idle and self.map_picker.currentData() is not None)
        target = self.target()
        self.open_clover.setEnabled(bool(target is not None and _clover_id(target)))
        self.open_bc.setEnabled(target is not None)

    def _fill_weight_scopes(self) -> None:
        self.weight_scope.clear()
        target = self.target()
        if target is not None and target.sku:
            self.weight_scope.addItem(f"for {target.sku} only", (SKU, target.sku))
        for category in (getattr(target, "facts", None) or {}).get("categories", []):
            self.weight_scope.addItem(f"for every item in {category}", (CATEGORY, category))
        self.weight_scope.addItem("for every item without one (default)", (DEFAULT, None))

    def _say(self, kind: str, text: str) -> None:
        colours = {"ok": "#1b7f3b", "error": "#b3261e", "info": "#444"}
        self.status.setText(f"<span style='color:{colours.get(kind, '#444')}'>{text}</span>")

    # -- the fixes -------------------------------------------------------------------------------

    @Slot()
    def _on_create_category(self) -> None:
        name = self.bc_category_name()
        if self.jobs.plan_categories([name]):
            self._say("info", f"Reading BigCommerce's categories to plan “{html.escape(name)}”…")

    @Slot(object)
    def _on_fix_planned(self, plan: TaskPlan) -> None:
        rows = [r for a in plan.actions for r in a.rows]
        creates = [r for r in rows if r.writes]
        if not creates:
            self._say("info", "BigCommerce already has it: planning the items again…")
            self._replan(Fixed.BC_CATEGORIES)
            return
        names = ", ".join(f"“{html.escape(r.bc_name or '')}”" for r in creates)
        self._pending_run = plan
        self.confirm_text.setText(
            f"Create category {names} at the top of the BigCommerce store? "
            f"{wording.plural(len(creates), 'change')}; nothing else is sent."
        )
        self.confirm_box.show()
        self.confirm_button.setFocus()
        self._update_enabled()

    @Slot()
    def _on_confirm(self) -> None:
        plan = self._pending_run
        if plan is not None and self.jobs.run(plan):
            self._hide_confirm()
            self._say("info", "Creating the category in BigCommerce…")

    @Slot()
    def _hide_confirm(self) -> None:
        self._pending_run = None
        self.confirm_box.hide()

    @Slot(object, str)
    def _on_run_finished(self, result: Any, trigger: str) -> None:
        if trigger != FIX:
            return
        if result.error or result.counts.get("fail"):
            why = result.error["message"] if result.error else _failures(result)
            self._say("error", f"The category was not created: {html.escape(why)}")
            return
        self._say("ok", "Category created. Planning its items again…")
        self._replan(Fixed.BC_CATEGORIES)

    @Slot(object)
    def _on_categories(self, found: Any) -> None:
        current = self.map_picker.currentText()
        self.map_picker.clear()
        # Nothing chosen at first: a click on Map must never map to a category by chance.
        self.map_picker.addItem("Choose a category…", None)
        for choice in getattr(found, "bigcommerce", None) or ():
            label = f"{choice.name} ({choice.where})" if choice.where else choice.name
            self.map_picker.addItem(label, choice.name)
        index = self.map_picker.findText(current)
        self.map_picker.setCurrentIndex(max(0, index))
        if found is not None and found.bigcommerce is None:
            self._say("error", html.escape(found.bc_error or "BigCommerce could not be read"))
        self._update_enabled()

    @Slot()
    def _on_map(self) -> None:
        target = self.map_picker.currentData()
        if not target or self.group is None:
            return
        clover = str(self.group.category)
        settings = self.controller.settings
        key = name_key(clover)
        kept = {k: v for k, v in settings.category_map.items() if name_key(k) != key}
        settings.category_map = {**kept, clover: str(target)}
        self.controller.save_settings()
        self._say("info", f"“{html.escape(clover)}” now goes to “{html.escape(str(target))}”.")
        self._replan()

    @Slot()
    def _on_set_weight(self) -> None:
        text = self.weight.text().strip().replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value <= 0 or value > WEIGHT_MAX:
            self._say("error", f"Type a weight above 0 and at most {WEIGHT_MAX}, e.g. 0.5.")
            self.weight.setFocus()
            return
        scope, name = self.weight_scope.currentData() or (DEFAULT, None)
        settings = self.controller.settings
        rules = settings.weights
        if scope == SKU:
            settings.weights = rules.with_sku_weights({str(name): value})
        elif scope == CATEGORY:
            name = str(name)
            key = name_key(name)
            kept = {k: v for k, v in rules.by_category.items() if name_key(k) != key}
            settings.weights = replace(rules, by_category={**kept, name: value})
        else:
            settings.weights = replace(rules, default=value)
        self.controller.save_settings()
        self._say("info", f"Weight {value} set {self.weight_scope.currentText()}.")
        self._replan()

    @Slot()
    def _on_names(self) -> None:
        task = self.controller.task(self.plan.task) if self.plan else None
        if task is None or self.group is None:
            return
        steps = {r.action for r in self.group.rows}
        for step in task.actions:
            if step.action in steps:
                step.options[NAME_OPTION] = False
        self.controller.save_settings()
        self._say("info", f"“{html.escape(task.name)}” no longer compares names.")
        self._replan()

    def _open(self, store: str) -> None:
        row = self.target()
        if row is None:
            return
        url = self.controller.services.admin_url(
            store, clover_id=_clover_id(row), bc_id=row.bc_id, sku=row.sku
        )
        QDesktopServices.openUrl(QUrl(url))

    # -- planning again --------------------------------------------------------------------------

    def _replan(self, fixed: Fixed = Fixed.RULE) -> None:
        task = self.controller.task(self.plan.task) if self.plan else None
        if task is None or self.plan is None:
            return
        if self.jobs.replan(self.plan, task, self.skus(), fixed):
            self._say("info", f"Planning {wording.plural(len(self.skus()), 'item')} again…")

    @Slot(object)
    def _on_replanned(self, plan: TaskPlan) -> None:
        before = self.group.count if self.group is not None else 0
        self.plan_updated.emit(plan)
        after = self.group.count if self.group is not None else 0
        fixed = wording.plural(max(0, before - after), "item")
        if self.group is None:
            self.notice.emit("ok", f"{fixed} fixed: that group is done.")
        else:
            self._say("ok", f"{fixed} fixed; {after} left in this group.")

    @Slot(str, object)
    def _on_failed(self, kind: str, error: object) -> None:
        assert isinstance(error, BaseException)
        problem = ui_errors.describe_error(error)
        self._say("error", f"<b>{html.escape(problem.title)}.</b> {html.escape(problem.message)}")


def _cause(group: Any) -> tuple[Any, Any] | None:
    return None if group is None else (group.reason, group.category)


def _clover_id(row: Any) -> str | None:
    """A Clover item id the row names (not a bad record's place in the listing, '#1')."""
    value = getattr(row, "clover_id", None)
    return value if value and not str(value).startswith("#") else None


def _failures(result: Any) -> str:
    return "; ".join(r.detail for r in result.failures) or "see History"
