"""The push-orders step's options on the Tasks page: which BigCommerce order statuses are pushed,
and which Clover tender records the payment of each BigCommerce payment method (picked from the
tenders the Clover merchant has, or a new "BigCommerce" tender that the next preview shows as
its own write). They are the step's options the command line's `tasks option` sets too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.domain.orders import NEVER_PUSHED, STATUS_IDS
from esync_desktop.storage.settings import ActionConfig
from esync_desktop.sync.orders.options import (
    DEFAULT_STATUSES,
    DEFAULT_TENDER,
    PUSH_ORDERS,
    OrderOptions,
)
from esync_desktop.sync.refunds.options import SYNC_REFUNDS
from esync_desktop.sync.sales.options import PULL_SALES, SalesOptions
from esync_desktop.ui import errors as ui_errors
from esync_desktop.ui.controller import TENDERS, AppController

# The statuses in the order an order goes through them; the never-pushed ones last.
STATUS_ORDER = (
    "Awaiting Payment",
    "Manual Verification Required",
    *DEFAULT_STATUSES,
    "Disputed",
    "Partially Refunded",
    "Refunded",
    "Cancelled",
    "Incomplete",
    "Pending",
    "Declined",
)
assert set(STATUS_ORDER) == set(STATUS_IDS)
DEFAULT_CHOICE = ""  # the tender map's "use the default tender" entry
TABLE_ROWS_SHOWN = 2


class TenderChoicesCache(QObject):
    """Clover's tenders and the recent payment methods, read once per connection (on the
    read lane) and shared by every push-orders step shown."""

    changed = Signal()

    def __init__(self, controller: AppController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.choices: Any = None  # app.TenderChoices once read
        self.problem = ""
        self._reading = False
        controller.tender_choices_loaded.connect(self._on_loaded)
        controller.job_failed.connect(self._on_failed)

    @property
    def reading(self) -> bool:
        return self._reading

    def want(self) -> None:
        if self.choices is None and not self.problem and not self._reading:
            self._reading = self.controller.load_tender_choices()
            self.changed.emit()

    def forget(self) -> None:
        """Another store may be connected now; read again next time."""
        self.choices, self.problem = None, ""

    @Slot(object)
    def _on_loaded(self, choices: Any) -> None:
        self.choices, self.problem, self._reading = choices, "", False
        self.changed.emit()

    @Slot(str, object)
    def _on_failed(self, kind: str, error: Any) -> None:
        if kind == TENDERS:
            self._reading = False
            problem = ui_errors.describe_error(error)
            self.problem = f"{problem.title}: {problem.message}"
            self.changed.emit()


class StatusPicker(QToolButton):
    """A button naming the selected statuses; its menu ticks them on and off."""

    def __init__(self, selected: frozenset[int], on_change: Callable[[list[str]], None]) -> None:
        super().__init__()
        self.setObjectName("statuses")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._on_change = on_change
        menu = QMenu(self)
        self.actions_by_name = {}
        for name in STATUS_ORDER:
            never = STATUS_IDS[name] in NEVER_PUSHED
            action = menu.addAction(f"{name} (never pushed: no sale happened)" if never else name)
            action.setCheckable(True)
            action.setChecked(STATUS_IDS[name] in selected and not never)
            action.setEnabled(not never)
            action.toggled.connect(self._toggled)
            self.actions_by_name[name] = action
        self.setMenu(menu)
        self._update_text()

    def selected(self) -> list[str]:
        return [n for n, a in self.actions_by_name.items() if a.isChecked()]

    def _update_text(self) -> None:
        chosen = self.selected()
        pushable = sum(1 for a in self.actions_by_name.values() if a.isEnabled())
        self.setText(f"{len(chosen)} of {pushable} selected" if chosen else "None selected")
        listed = ", ".join(chosen) if chosen else "none: no order is pushed"
        self.setToolTip(f"Pushed: {listed}. Incomplete, Pending and Declined never are.")

    @Slot(bool)
    def _toggled(self, checked: bool) -> None:
        self._update_text()
        self._on_change(self.selected())


def _tender_combo(current: str, default: str | None, tenders: tuple[str, ...] | None) -> QComboBox:
    """The tenders to pick from: the default, Clover's own, and a new one (made in Clover by the
    next sync, shown in its preview first)."""
    box = QComboBox()
    if default is not None:
        box.addItem(f"Default ({default})", DEFAULT_CHOICE)
    have = {t.casefold() for t in tenders or ()}
    for label in tenders or ():
        box.addItem(label, label)
    wanted = [DEFAULT_TENDER] if DEFAULT_TENDER.casefold() not in have else []
    if (
        current
        and current.casefold() not in have
        and current.casefold() != DEFAULT_TENDER.casefold()
    ):
        wanted.append(current)
    for label in wanted:
        box.addItem(f"{label} (new tender)", label)
        box.setItemData(
            box.count() - 1,
            "Not in Clover yet: the next sync makes it, shown in its preview first",
            Qt.ItemDataRole.ToolTipRole,
        )
    # Long tender names must not widen the options past the window.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(14)
    found = box.findData(current)
    box.setCurrentIndex(max(0, found))
    return box


class PushOrderOptions(QObject):
    """Adds the push-orders rows to a step's options form and saves what the owner picks."""

    # The options shown here (the steps editor shows the step's other options).
    OWN = frozenset({"statuses", "tenders", "default_tender", "create_tender"})

    def __init__(
        self,
        form: QFormLayout,
        action: ActionConfig,
        cache: TenderChoicesCache,
        save: Callable[[], None],
        *,
        read: bool,
    ) -> None:
        super().__init__()
        self.options_form, self.action, self.cache, self._save = form, action, cache, save
        opts = OrderOptions.parse(action.options)
        # Side by side, the statuses and the tender map keep the options box (as tall as the
        # tallest step's, see StepsEditor) within a 768-pixel-high window.
        self.container = QWidget()
        row = QHBoxLayout(self.container)
        row.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        row.addLayout(self.form, 1)
        # Goes with the form's rows: a step shown again gets a new one.
        self.setParent(self.container)
        self.statuses = StatusPicker(opts.statuses, self._on_statuses)
        self.form.addRow("Statuses to push", self.statuses)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("tenderMap")
        self.table.setHorizontalHeaderLabels(["Web payment method", "Clover tender"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(header.sizeHint().height() + row_height * TABLE_ROWS_SHOWN + 4)
        row.addWidget(self.table, 1)
        self.default_box: QComboBox | None = None
        self._typed: list[str] = []  # methods typed in, shown until the step is left
        self.default_row = QWidget()  # replaced by the combo in _fill
        self.form.addRow("Other methods' tender", self.default_row)
        self.create_box = QCheckBox(wording.option_label("create_tender"))
        self.create_box.setObjectName("create_tender")
        self.create_box.setChecked(opts.create_tender)
        self.create_box.setToolTip(
            "A tender Clover does not have yet is made by the next sync, shown in its preview "
            "first. Off: such orders fail with what to do."
        )
        self.create_box.toggled.connect(self._on_create_toggled)
        self.form.addRow(self.create_box)
        # One line, shown only while reading or when a store could not be read (in full in
        # its tooltip): the options box keeps its height.
        self.note = QLabel()
        self.note.setProperty("role", "hint")
        self.form.addRow(self.note)
        form.addRow(self.container)
        cache.changed.connect(self._fill)
        self._fill()
        if read:
            cache.want()

    # -- showing -------------------------------------------------------------------------------

    def _mapped(self) -> dict[str, str]:
        """The map as stored, keys as typed (the engine compares them case-insensitively)."""
        raw = self.action.options.get("tenders")
        if isinstance(raw, dict):
            pairs = ((str(k).strip(), str(v).strip()) for k, v in raw.items())
            return {k: v for k, v in pairs if k and v}
        # As typed on the command line ("PayPal=Other"): the engine's reading of it.
        return dict(OrderOptions.parse({"tenders": raw} if raw else {}).tenders)

    @Slot()
    def _fill(self) -> None:
        choices = self.cache.choices
        tenders = None if choices is None else choices.tenders
        methods = list(() if choices is None else choices.methods or ())
        mapped = self._mapped()
        folded = {m.casefold() for m in methods}
        for method in [*mapped, *self._typed]:
            if method.casefold() not in folded:
                methods.append(method)
                folded.add(method.casefold())
        default = OrderOptions.parse(self.action.options).default_tender
        # The last row takes a method no recent order used yet (kept once a tender is picked).
        self.table.setRowCount(0)  # the cell widgets of an earlier fill go too
        self.table.setRowCount(len(methods) + 1)
        lookup = {k.casefold(): v for k, v in mapped.items()}
        for n, method in enumerate(sorted(methods, key=str.casefold)):
            self.table.setItem(n, 0, QTableWidgetItem(method))
            box = _tender_combo(lookup.get(method.casefold(), DEFAULT_CHOICE), default, tenders)
            box.setProperty("method", method)
            box.currentIndexChanged.connect(self._on_tender_picked)
            self.table.setCellWidget(n, 1, box)
        self.add_method = QLineEdit()
        self.add_method.setPlaceholderText("Another method…")
        self.add_method.setToolTip(
            "A BigCommerce payment method as its orders name it, e.g. “Cash on Delivery”; "
            "press Enter, then pick its Clover tender"
        )
        self.add_method.returnPressed.connect(self._on_method_typed)
        self.table.setCellWidget(len(methods), 0, self.add_method)
        default_box = _tender_combo(default, None, tenders)
        default_box.setObjectName("defaultTender")
        default_box.currentIndexChanged.connect(self._on_default_picked)
        self.form.replaceWidget(self.default_box or self.default_row, default_box)
        (self.default_box or self.default_row).deleteLater()
        self.default_box = default_box
        short, full = self._note(choices, methods)
        self.note.setText(short)
        self.note.setToolTip(full)
        self.note.setVisible(bool(short))
        self.table.setToolTip(
            "Which Clover tender records the payment of each BigCommerce payment method (the "
            "methods of recent web orders). A new tender is made by the next sync, shown in "
            "its preview first."
        )

    def _note(self, choices: Any, methods: list[str]) -> tuple[str, str]:
        """(one line, in full); empty when all was read."""
        if self.cache.problem:
            return "Could not read the stores (point here for why).", self.cache.problem
        if choices is None:
            reading = "Reading Clover's tenders and the payment methods…"
            return (reading, reading) if self.cache.reading else ("", "")
        parts = []
        if choices.tenders_error:
            parts.append(f"Clover's tenders could not be read ({choices.tenders_error}).")
        if choices.methods_error:
            parts.append(f"The web orders could not be read ({choices.methods_error}).")
        if parts:
            return "A store could not be read (point here for why).", " ".join(parts)
        if not methods:
            return "No recent web order names a payment method yet.", ""
        return "", ""

    # -- editing -------------------------------------------------------------------------------

    @Slot()
    def _on_method_typed(self) -> None:
        method = self.add_method.text().strip()
        if method:
            self._typed.append(method)
            self._fill()

    def _on_statuses(self, names: list[str]) -> None:
        self.action.options["statuses"] = names
        self._save()

    def _tick_create_tender(self, label: str) -> None:
        """A new tender needs create_tender: tick it (and its box) when the pick is one."""
        tenders = self.cache.choices.tenders if self.cache.choices is not None else None
        if tenders is None or label.casefold() in {t.casefold() for t in tenders}:
            return
        self.action.options["create_tender"] = True
        self.create_box.blockSignals(True)
        self.create_box.setChecked(True)
        self.create_box.blockSignals(False)

    @Slot(bool)
    def _on_create_toggled(self, checked: bool) -> None:
        self.action.options["create_tender"] = checked
        self._save()

    @Slot(int)
    def _on_tender_picked(self, index: int) -> None:
        box = self.sender()
        if not isinstance(box, QComboBox):
            return
        method, label = str(box.property("method")), str(box.itemData(index) or "")
        mapped = self._mapped()
        for key in [k for k in mapped if k.casefold() == method.casefold()]:
            del mapped[key]
        if label:
            mapped[method] = label
            self._tick_create_tender(label)
        self.action.options["tenders"] = mapped
        self._save()

    @Slot(int)
    def _on_default_picked(self, index: int) -> None:
        if self.default_box is None:
            return
        label = str(self.default_box.itemData(index) or DEFAULT_TENDER)
        self.action.options["default_tender"] = label
        self._tick_create_tender(label)
        self._save()


def refund_hint() -> QLabel:
    """Under sync-refunds' restock default: each returned line can be chosen on its own."""
    hint = QLabel(
        "Each returned line can also be ticked or left off the web stock in the preview "
        "(a damaged return is not put back)."
    )
    hint.setWordWrap(True)
    hint.setProperty("role", "hint")
    return hint


def sales_location(step: ActionConfig) -> int:
    """The pull-sales step's location option (0: the stock steps' location), as the engine
    reads it."""
    return SalesOptions.parse(step.options).location_id


__all__ = [
    "PULL_SALES",
    "PUSH_ORDERS",
    "SYNC_REFUNDS",
    "PushOrderOptions",
    "TenderChoicesCache",
    "refund_hint",
    "sales_location",
]
