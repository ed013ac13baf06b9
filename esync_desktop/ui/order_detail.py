"""The preview's view of one order step's row, shaped like the order it is: number, date,
customer, lines matched or not, totals on both sides, result, why and what to do; for a Clover
refund of an in-store sale, a checkbox per returned line (put it back on the web stock or not).
Everything comes from the row's fields and facts (see sync/orders/facts.py)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from esync_desktop import wording
from esync_desktop.domain.plan import Outcome, PlanRow, Reason
from esync_desktop.sync.refunds.options import SYNC_REFUNDS, RefundOptions
from esync_desktop.ui.models.base import ROW_ROLE
from esync_desktop.ui.order_words import (
    BC_CANCEL,
    BC_REFUND,
    RESTOCK,
    SALE,
    TENDER,
    WEB_ORDER,
    clover_order,
    facts_of,
    kind_of,
    money,
    outcome_label,
    when,
)

GOOD, DOUBT, BAD = "#1b7f3b", "#a15c00", "#b3261e"
# The pane never takes more of the window than this: the table above stays usable at 768 px.
MAX_HEIGHT = 210
# Rows whose restock choice still decides something (not yet done, not in doubt).
_CHOOSING = frozenset({None, Reason.NOT_RESTOCKED})


def _e(value: object) -> str:
    return html.escape(str(value if value is not None else ""))


def _coloured(text: str, colour: str) -> str:
    return f'<span style="color:{colour}">{_e(text)}</span>'


def html_table(header: list[str], rows: list[list[str]], right: frozenset[int]) -> str:
    """A small HTML table; cells are already escaped; columns in `right` align right."""

    def cell(tag: str, n: int, text: str) -> str:
        align = "right" if n in right else "left"
        return f'<{tag} align="{align}" style="padding:1px 8px 1px 0">{text}</{tag}>'

    head = "".join(cell("th", n, _e(h)) for n, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", n, c) for n, c in enumerate(r)) + "</tr>" for r in rows
    )
    return f'<table cellspacing="0">{"<tr>" + head + "</tr>" if header else ""}{body}</table>'


def _side_by_side(left: str, right: str) -> str:
    return (
        '<table cellspacing="0"><tr><td valign="top">'
        f'{left}</td><td width="28"></td><td valign="top">{right}</td></tr></table>'
    )


def _verdict(row: Any, fix: str) -> str:
    """Result, why and what to do, on one line. A web order to push leaves out the row's
    words, which say what its lines and totals above show."""
    outcome = row.outcome
    colour = {Outcome.FAIL: BAD, Outcome.SKIP: DOUBT}.get(outcome, GOOD)
    if outcome is Outcome.UNCHANGED:
        colour = "#6b6b6b"
    parts = [f'<b style="color:{colour}">{_e(outcome_label(row))}</b>']
    shown_above = kind_of(row) == WEB_ORDER and outcome is Outcome.CREATE
    if row.reason is not None and outcome is not Outcome.UNCHANGED:
        detail = "" if shown_above else f" ({_e(row.detail)})"
        parts.append(f"Why: {_e(wording.reason_text(row))}{detail}")
    elif row.detail and not shown_above:
        parts.append(_e(row.detail))
    if fix:
        parts.append(f"What to do: {_e(fix)}")
    return " — ".join(parts)


def _web_order(row: Any, facts: Mapping[str, Any]) -> str:
    who = " ".join(
        x for x in (facts.get("customer"), f"<{facts['email']}>" if facts.get("email") else "") if x
    )
    head = [
        f"<b>BigCommerce order #{_e(facts.get('order_id'))}</b>",
        _e(when(facts.get("created_ms"))),
        _e(who),
        _e(facts.get("status")),
    ]
    if facts.get("payment_method"):
        head.append(f"paid by {_e(facts['payment_method'])}")
    if facts.get("tender"):
        head.append(f"recorded under Clover tender “{_e(facts['tender'])}”")
    clover = clover_order(row)
    head.append(f"Clover order {_e(clover)}" if clover else "not in Clover yet")
    lines = []
    for line in facts.get("lines") or []:
        found = (
            _coloured("✓ Clover item", GOOD)
            if line.get("matched")
            else _coloured(f"custom line: {line.get('why')}", DOUBT)
        )
        lines.append(
            [
                _e(line.get("sku") or "(no SKU)"),
                _e(line.get("name")),
                _e(line.get("quantity")),
                _e(money(line.get("total_cents"))),
                found,
            ]
        )
    if lines:
        left = html_table(["SKU", "Item", "Qty", "Amount", "In Clover"], lines, frozenset({2, 3}))
    else:
        left = _e(
            "Its lines are read only when the order is to be pushed (its status is selected "
            "and it is not in Clover yet)."
        )
    totals = []
    for label, key in (
        ("Shipping", "shipping_cents"),
        ("Handling", "handling_cents"),
        ("Discounts", "discount_cents"),
        ("Tax", "tax_cents"),
    ):
        if facts.get(key):
            sign = "&minus;" if key == "discount_cents" else ""
            totals.append([_e(label), sign + _e(money(facts[key]))])
    bc_total = int(facts.get("bc_total_cents") or 0)
    clover_total = facts.get("clover_total_cents")
    totals.append(["<b>BigCommerce total</b>", f"<b>{_e(money(bc_total))}</b>"])
    if isinstance(clover_total, int):
        mark = (
            _coloured("✓ equal to the cent", GOOD)
            if clover_total == bc_total
            else _coloured(f"✗ differs by {money(abs(clover_total - bc_total))}", BAD)
        )
        totals.append(["<b>Clover order total</b>", f"<b>{_e(money(clover_total))}</b> {mark}"])
        if facts.get("rounding_cents"):
            totals.append([_e("of it rounding"), _e(money(facts["rounding_cents"]))])
    return "<br>".join(
        [
            " · ".join(h for h in head if h),
            _side_by_side(left, html_table([], totals, frozenset({1}))),
        ]
    )


def _web_refund(row: Any, facts: Mapping[str, Any]) -> str:
    order = facts.get("order_id")
    if kind_of(row) == BC_REFUND:
        title = f"<b>BigCommerce refund #{_e(facts.get('refund_id'))} of order #{_e(order)}</b>"
    else:
        title = f"<b>BigCommerce order #{_e(order)} cancelled</b>"
    clover = clover_order(row)
    head = [
        title,
        _e(when(facts.get("created_ms"))),
        _e(facts.get("customer")),
        f"Clover order {_e(clover)}" if clover else "never pushed to Clover",
    ]
    lines = [
        [_e(name), _e(sku or "(no SKU)"), _e(qty)] for name, sku, qty in facts.get("lines") or []
    ]
    lines += [
        [_e(str(kind).capitalize()), "", _e(money(cents))]
        for kind, cents in facts.get("other") or []
    ]
    left = html_table(["Item", "SKU", "Qty / amount"], lines, frozenset({2})) if lines else ""
    totals = [["<b>Amount</b>", f"<b>{_e(money(facts.get('amount_cents')))}</b>"]]
    if facts.get("tax_cents"):
        totals.append([_e("of it tax"), _e(money(facts["tax_cents"]))])
    parts = [
        " · ".join(h for h in head if h),
        _side_by_side(left, html_table([], totals, frozenset({1}))),
    ]
    note = (row.changes or {}).get("note")
    if note and note[1]:
        parts.append(f"Added to the Clover order's note: <i>{_e(note[1])}</i>")
    return "<br>".join(parts)


def _restock(row: Any, facts: Mapping[str, Any]) -> str:
    head = [
        f"<b>Clover refund {_e(facts.get('refund_id'))}</b> of in-store sale "
        f"“{_e(facts.get('order_title'))}” (Clover order {_e(facts.get('clover_order_id'))})",
        _e(when(facts.get("created_ms"))),
        f"refunded {_e(money(facts.get('amount_cents')))}",
    ]
    return " · ".join(h for h in head if h)


def _sale(row: Any, facts: Mapping[str, Any]) -> str:
    head = [
        f"<b>In-store sale “{_e(row.clover_name)}”</b> (Clover order {_e(row.clover_id)})",
        _e(when(facts.get("created_ms"))),
    ]
    if isinstance(facts.get("total_cents"), int):
        head.append(f"total {_e(money(facts['total_cents']))}")
    if facts.get("location_id"):
        head.append(f"BigCommerce location {_e(facts['location_id'])}")
    stock = [
        [_e(field.removeprefix("stock ")), _e(old), _e(new)]
        for field, (old, new) in (row.changes or {}).items()
        if field.startswith("stock ")
    ]
    left = html_table(["SKU", "Web stock now", "After"], stock, frozenset({1, 2})) if stock else ""
    missed = [
        [_e(u.get("line")), _e(u.get("sku") or ""), _coloured(str(u.get("why")), DOUBT)]
        for u in facts.get("unmatched") or []
    ]
    right = html_table(["Not taken off", "SKU", "Why"], missed, frozenset()) if missed else ""
    return "<br>".join([" · ".join(h for h in head if h), _side_by_side(left, right)])


def _tender(row: Any, facts: Mapping[str, Any]) -> str:
    return (
        f"<b>Clover tender “{_e(facts.get('label') or row.clover_name)}”</b> · "
        "made in Clover before the web orders paid with it are recorded"
    )


_BODIES = {
    WEB_ORDER: _web_order,
    BC_REFUND: _web_refund,
    BC_CANCEL: _web_refund,
    RESTOCK: _restock,
    SALE: _sale,
    TENDER: _tender,
}


def order_html(row: Any, fix: str) -> str:
    """The row as rich text; empty when the row is not one of the order steps' kinds."""
    body = _BODIES.get(kind_of(row))
    if body is None:
        return ""
    return f"{body(row, facts_of(row))}<br>{_verdict(row, fix)}"


class OrderDetailPane(QScrollArea):
    """Shows one order step's row; `restock_changed(line key, restock)` when the owner ticks
    or clears a returned line's box (the caller stores the choice and previews again)."""

    restock_changed = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderDetail")
        self.setWidgetResizable(True)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(4, 4, 4, 4)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)
        self.restock_box = QWidget()
        self.restock_layout = QVBoxLayout(self.restock_box)
        self.restock_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.restock_box)
        layout.addStretch(1)
        self.setWidget(inner)
        self.row: PlanRow | None = None
        self.boxes: dict[str, QCheckBox] = {}

    def show_row(self, row: Any, fix: str) -> bool:
        """Shows `row` when it is an order step's; False (and hidden) otherwise."""
        text = order_html(row, fix) if row is not None else ""
        self.row = row if text else None
        self._fill_restock(row if text else None)
        self.text.setText(text)
        self.setVisible(bool(text))
        self._fit_height()
        return bool(text)

    def _fit_height(self) -> None:
        """As tall as the row needs (at most MAX_HEIGHT): the table above keeps the rest."""
        inner = self.widget()
        layout = inner.layout() if inner is not None else None
        if layout is None:
            return
        width = max(self.viewport().width(), 200)
        needed = (
            layout.heightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.sizeHint().height()
        )
        self.setFixedHeight(min(MAX_HEIGHT, needed + 2 * self.frameWidth()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._fit_height()

    def _fill_restock(self, row: Any) -> None:
        while self.restock_layout.count():
            item = self.restock_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.boxes = {}
        if row is None or kind_of(row) != RESTOCK:
            self.restock_box.hide()
            return
        choosing = row.reason in _CHOOSING and row.outcome in (Outcome.UPDATE, Outcome.SKIP)
        title = QLabel(
            "Put these returned items back on the web store's stock? Untick a damaged return."
            if choosing
            else "The restock choice no longer changes this refund."
        )
        self.restock_layout.addWidget(title)
        for line in facts_of(row).get("restock_lines") or []:
            key = str(line.get("key"))
            label = f"{line.get('name') or 'A line'} ({line.get('sku') or 'no SKU'})"
            if not line.get("possible"):
                label += f" — cannot be restocked: {line.get('why')}"
            box = QCheckBox(f"Back on the web stock: {label}")
            box.setChecked(bool(line.get("restock")))
            box.setEnabled(choosing and bool(line.get("possible")))
            box.setProperty("lineKey", key)
            box.toggled.connect(self._on_toggled)
            self.restock_layout.addWidget(box)
            self.boxes[key] = box
        self.restock_box.show()

    @Slot(bool)
    def _on_toggled(self, checked: bool) -> None:
        sender = self.sender()
        if isinstance(sender, QCheckBox):
            self.restock_changed.emit(str(sender.property("lineKey")), checked)


def select_row(table: QTableView, action: str, cursor_key: str) -> bool:
    """Selects the table's item with this step (after a new preview); False if gone."""
    model = table.model()
    wanted = (action, cursor_key)
    for n in range(model.rowCount()):
        index = model.index(n, 0)
        row = model.data(index, ROW_ROLE)
        steps = getattr(row, "steps", (row,) if row is not None else ())
        if any((s.action, s.cursor_key) == wanted for s in steps):
            table.setCurrentIndex(index)
            table.scrollTo(index)
            return True
    table.setCurrentIndex(QModelIndex())
    return False


def store_restock_choice(settings: Any, task_name: str, line_key: str, restock: bool) -> bool:
    """Keeps the owner's choice for one returned line in the task's sync-refunds step
    (option restock_lines), where the next preview and Sync now read it; False when the task
    has no such step."""
    task = next((t for t in settings.tasks if t.name == task_name), None)
    step = next((a for a in task.actions if a.action == SYNC_REFUNDS), None) if task else None
    if step is None:
        return False
    lines = dict(RefundOptions.parse(step.options).restock_lines)
    lines[line_key] = restock
    step.options["restock_lines"] = lines
    return True
