"""The order steps in the window, against the sandbox's demo stores over real sockets: web
orders shown shaped like orders, the restock choice per returned line kept for Sync now, pushed
orders named by both order numbers in History, push-orders' statuses and tender map in Tasks,
and pull-sales refused beside an absolute stock step."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from esync_desktop.app import Services
from esync_desktop.domain.money import cents_to_decimal, decimal_to_cents
from esync_desktop.domain.plan import Outcome, Reason
from esync_desktop.storage.secrets import SecretStore
from esync_desktop.storage.settings import ActionConfig, SettingsStore, TaskConfig
from esync_desktop.sync.items import group_items
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.main_window import PREVIEW, TASKS, MainWindow
from esync_desktop.ui.models.base import ROW_ROLE
from esync_desktop.ui.models.history_models import ITEM_COLUMNS
from esync_desktop.ui.models.plan_model import OUTCOME, SKU
from esync_desktop.ui.order_detail import select_row
from tests.sync.live import sandbox_env
from tests.sync.orders_live import Stores
from tests.sync.sales_live import Levels
from tests.ui.fakes import MemoryKeyring

PLAN_S = 120_000


@pytest.fixture
def app(qtbot: Any, notices: Any, sandbox: Any) -> Iterator[SimpleNamespace]:
    """The window over the real Services, connected to the demo-seeded sandbox."""
    services = Services(environ=sandbox_env(sandbox))
    services.secrets = SecretStore(backend=MemoryKeyring())
    controller = AppController(services)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    stores = Stores(sandbox)
    try:
        yield SimpleNamespace(
            services=services, controller=controller, window=window, stores=stores, server=sandbox
        )
    finally:
        stores.close()
        assert controller.shutdown(15_000), "a background job outlived the test"
        services.stop()


def _saved(app: SimpleNamespace) -> Any:
    """The settings as written to disk."""
    settings, _ = SettingsStore(app.services.paths.settings_file).load()
    return settings


def _task(app: SimpleNamespace, *actions: str, name: str = "Orders") -> TaskConfig:
    task = TaskConfig(name, [ActionConfig(a, {}) for a in actions], stop_when_empty=False)
    app.services.settings.tasks.append(task)
    app.controller.save_settings()
    return task


def _preview(app: SimpleNamespace, qtbot: Any, name: str = "Orders") -> Any:
    page = app.window.preview
    app.window.show_page(PREVIEW)
    page.select_task(name)
    page.outcome_filter.setCurrentIndex(0)
    with qtbot.waitSignal(app.controller.plan_ready, timeout=PLAN_S) as planned:
        page.refresh()
    return planned.args[0]


def _select(app: SimpleNamespace, wanted: Any) -> Any:
    """Selects the first item with a step (plan row) `wanted`, and returns that step."""
    table = app.window.preview.table
    model = table.model()
    for n in range(model.rowCount()):
        item = model.data(model.index(n, 0), ROW_ROLE)
        step = next((s for s in item.steps if wanted(s)), None)
        if step is not None:
            table.setCurrentIndex(model.index(n, 0))
            return step
    raise AssertionError("no such row in the preview")


def _cell(app: SimpleNamespace, row: Any, column: int) -> str:
    """The text in `column` of the item that has the step `row`."""
    table = app.window.preview.table
    model = table.model()
    for n in range(model.rowCount()):
        if any(s is row for s in model.data(model.index(n, 0), ROW_ROLE).steps):
            return str(model.data(model.index(n, column)))
    raise AssertionError("row not shown")


def test_a_web_order_is_shown_as_its_order_with_lines_and_both_totals(app, qtbot) -> None:
    _task(app, "push-orders")
    _preview(app, qtbot)
    row = _select(app, lambda r: r.reason is Reason.UNMATCHED_LINE and r.bc_id)
    pane = app.window.preview.order_view
    assert pane.isVisibleTo(app.window) and not app.window.preview.details.isVisibleTo(app.window)
    text = pane.text.text()
    facts = row.facts
    order = app.stores.bc_order(row.bc_id)
    assert f"BigCommerce order #{row.bc_id}" in text
    assert order["billing_address"]["first_name"] in text
    # Every line with its SKU and quantity; the one without a Clover item says so.
    lines = app.stores.bc_lines(row.bc_id)
    assert [ln["quantity"] for ln in facts["lines"]] == [ln["quantity"] for ln in lines]
    for line in facts["lines"]:
        assert (line["sku"] or "(no SKU)") in text
    unmatched = [ln for ln in facts["lines"] if not ln["matched"]]
    assert unmatched and "custom line" in text and unmatched[0]["why"] in text
    # Totals on both sides, to the cent, as BigCommerce charged.
    bc_total = decimal_to_cents(Decimal(str(order["total_inc_tax"])))
    assert facts["bc_total_cents"] == facts["clover_total_cents"] == bc_total
    assert text.count(str(cents_to_decimal(bc_total))) >= 2
    assert "equal to the cent" in text
    assert "What to do:" in text and "custom line" in text
    assert facts["tender"] == "BigCommerce" and "Clover tender “BigCommerce”" in text
    # The table says what the row does and which order it is.
    assert _cell(app, row, OUTCOME) == "New Clover order"
    assert _cell(app, row, SKU) == f"Order #{row.bc_id}"
    # A catalogue-style row goes back to the plain details.
    _select(app, lambda r: r.reason is Reason.STATUS_NOT_SELECTED)
    assert "is not selected" in pane.text.text()
    app.window.preview.table.clearSelection()
    app.window.preview.table.setCurrentIndex(app.window.preview.table.model().index(-1, -1))
    assert not pane.isVisibleTo(app.window)


def test_orders_that_need_nothing_do_not_ask_for_attention(app, qtbot) -> None:
    _task(app, "push-orders", "sync-refunds", "pull-sales")
    _preview(app, qtbot)
    model = app.window.preview.model
    attention = {r.reason for r in model.step_rows() if model.needs_attention(r)}
    assert attention == {i.attention.reason for i in model.rows() if i.needs_attention}
    quiet = {
        Reason.STATUS_NOT_SELECTED,
        Reason.NOT_IN_CLOVER,
        Reason.FROM_BIGCOMMERCE,
        Reason.NOT_PAID,
    }
    assert not attention & quiet
    # The in-store return of a mug the web store sells waits for the owner's choice.
    assert Reason.NOT_RESTOCKED in attention
    assert "new records in Clover" in app.window.preview.counts.text()


def test_the_restock_choice_of_a_returned_line_is_what_sync_now_applies(app, qtbot) -> None:
    task = _task(app, "sync-refunds")
    _preview(app, qtbot)

    def returned(row: Any) -> bool:
        lines = row.facts.get("restock_lines") or []
        return row.facts.get("kind") == "restock" and any(ln["possible"] for ln in lines)

    row = _select(app, returned)
    assert row.reason is Reason.NOT_RESTOCKED
    (line,) = [ln for ln in row.facts["restock_lines"] if ln["possible"]]
    pane = app.window.preview.order_view
    box = pane.boxes[line["key"]]
    assert box.isEnabled() and not box.isChecked()
    levels = Levels(app.server)
    try:
        before = levels(line["sku"])[line["sku"]]
        # Ticked: kept in the step's options and previewed again, the same row selected.
        with qtbot.waitSignal(app.controller.plan_ready, timeout=PLAN_S):
            box.setChecked(True)
            # Until the new preview is in, nothing can be synced with the old choice.
            page = app.window.preview
            assert page.plan is None and not page.sync_button.isEnabled()
        assert task.actions[0].options["restock_lines"] == {line["key"]: True}
        saved = _saved(app)
        (stored,) = [t for t in saved.tasks if t.name == "Orders"]
        assert stored.actions[0].options["restock_lines"] == {line["key"]: True}
        chosen = app.window.preview.order_view.row
        assert chosen is not None and chosen.facts["refund_id"] == row.facts["refund_id"]
        assert chosen.outcome is Outcome.UPDATE
        assert pane.boxes[line["key"]].isChecked()
        # Cleared again: nothing would go back; ticked once more for the sync.
        with qtbot.waitSignal(app.controller.plan_ready, timeout=PLAN_S):
            pane.boxes[line["key"]].setChecked(False)
        assert pane.row is not None and pane.row.reason is Reason.NOT_RESTOCKED
        with qtbot.waitSignal(app.controller.plan_ready, timeout=PLAN_S):
            pane.boxes[line["key"]].setChecked(True)
        with qtbot.waitSignal(app.controller.run_finished, timeout=PLAN_S) as finished:
            app.window.preview.sync_button.click()
        assert not finished.args[0].failures
        assert levels(line["sku"])[line["sku"]] == before + 1
        # The next preview has nothing left to put back for it.
        plan = _preview(app, qtbot)
        refund = row.facts["refund_id"]
        again = [r for r in plan.actions[0].rows if r.facts.get("refund_id") == refund]
        assert all(r.outcome is not Outcome.UPDATE for r in again)
        assert levels(line["sku"])[line["sku"]] == before + 1
    finally:
        levels.close()


def _name_text(step: Any) -> str:
    """History's Name / order cell of the item that is this step alone."""
    return ITEM_COLUMNS[1].text(group_items([step])[0])


def _name_tip(step: Any) -> str:
    tooltip = ITEM_COLUMNS[1].tooltip
    assert tooltip is not None
    return tooltip(group_items([step])[0])


def test_history_names_pushed_orders_by_both_order_numbers(app, qtbot) -> None:
    _task(app, "push-orders", "sync-refunds")
    _preview(app, qtbot)
    with qtbot.waitSignal(app.controller.run_finished, timeout=PLAN_S) as finished:
        app.window.preview.sync_button.click()
    run_id = finished.args[0].run_id
    history = app.window.history
    with qtbot.waitSignal(app.controller.items_loaded, timeout=30_000):
        app.controller.load_items(run_id)
    # Each step named as the item it would be alone (an order's refund shares its row).
    items = history.items.step_rows()
    assert history.items.total_count() == len(group_items(items))
    pushed = [i for i in items if i.action == "push-orders" and i.outcome == "create" and i.bc_id]
    assert len(pushed) == 10
    clover_orders = app.stores.pushed()
    for item in pushed:
        assert _name_tip(item) == f"BigCommerce #{item.bc_id} → Clover {item.clover_id}"
        assert _name_text(item) == f"#{item.bc_id} → Clover {item.clover_id}"
        (order,) = clover_orders[f"BC{item.bc_id}"]
        assert order["id"] == item.clover_id
    # Refunds and cancellations name the refund, the web order and the Clover order.
    noted = [i for i in items if i.action == "sync-refunds" and i.outcome == "update"]
    assert noted
    for item in noted:
        text = _name_tip(item)
        assert f"BigCommerce #{item.bc_id}" in text and f"Clover {item.clover_id}" in text
        if item.facts["kind"] == "bc-refund":
            assert text.startswith(f"Refund #{item.facts['refund_id']} of")
    restocks = [i for i in items if i.facts.get("kind") == "restock"]
    assert restocks and all(_name_tip(i).startswith("Clover refund ") for i in restocks)


def test_push_orders_statuses_and_tender_map_are_the_steps_options(app, qtbot) -> None:
    window = app.window
    window.show_page(TASKS)
    task = _task(app, "push-orders")
    page = window.tasks
    page.select_task("Orders")
    with qtbot.waitSignal(app.controller.tender_choices_loaded, timeout=30_000):
        page.action_list.setCurrentRow(0)
    options = page.steps.order_options
    assert options is not None
    table = options.table
    methods = [table.item(n, 0).text() for n in range(table.rowCount() - 1)]
    assert methods == ["Braintree (Credit Card)", "Cash on Delivery"]
    assert table.cellWidget(2, 0) is options.add_method and table.cellWidget(2, 1) is None
    assert table.cellWidget(0, 0) is None
    # A method no recent order used can be typed in and mapped.
    options.add_method.setText("Bank Deposit")
    options.add_method.returnPressed.emit()
    assert table.item(0, 0).text() == "Bank Deposit"
    table.cellWidget(0, 1).setCurrentIndex(table.cellWidget(0, 1).findData("Check"))
    assert task.actions[0].options["tenders"] == {"Bank Deposit": "Check"}
    combo = table.cellWidget(1, 1)
    assert table.item(1, 0).text() == "Braintree (Credit Card)"
    labels = [combo.itemData(n) for n in range(combo.count())]
    tenders = {t["label"] for t in app.stores.clover_get("/tenders")["elements"]}
    assert set(labels) == {"", "BigCommerce", *tenders}  # the default, Clover's, a new one
    # Braintree payments recorded under Clover's own External Payment tender.
    combo.setCurrentIndex(combo.findData("External Payment"))
    assert task.actions[0].options["tenders"] == {
        "Bank Deposit": "Check",
        "Braintree (Credit Card)": "External Payment",
    }
    # Shipped orders are left out.
    shipped = options.statuses.actions_by_name["Shipped"]
    assert shipped.isChecked()
    shipped.trigger()
    assert "Shipped" not in task.actions[0].options["statuses"]
    assert not options.statuses.actions_by_name["Pending"].isEnabled()
    saved = _saved(app)
    (stored,) = [t for t in saved.tasks if t.name == "Orders"]
    assert stored.actions[0].options == task.actions[0].options

    plan = _preview(app, qtbot)
    rows = plan.actions[0].rows
    orders = [r for r in rows if r.outcome is Outcome.CREATE and r.bc_id]
    assert orders and {r.payload["tender"] for r in orders} == {"External Payment"}
    assert not [r for r in rows if r.facts.get("kind") == "tender"]  # nothing to create
    assert all(r.facts["status"] != "Shipped" for r in orders)
    assert any(
        r.reason is Reason.STATUS_NOT_SELECTED and r.facts["status"] == "Shipped" for r in rows
    )


def test_a_new_tender_is_offered_and_previewed_like_any_write(app, qtbot) -> None:
    task = _task(app, "push-orders")
    task.actions[0].options.update({"create_tender": False, "default_tender": "Cash"})
    app.controller.save_settings()
    page = app.window.tasks
    app.window.show_page(TASKS)
    page.select_task("Orders")
    with qtbot.waitSignal(app.controller.tender_choices_loaded, timeout=30_000):
        page.action_list.setCurrentRow(0)
    options = page.steps.order_options
    assert not options.create_box.isChecked()
    default = options.default_box
    default.setCurrentIndex(default.findData("BigCommerce"))
    assert default.currentText() == "BigCommerce (new tender)"
    # A tender Clover lacks needs create_tender: picking one ticks it.
    assert task.actions[0].options["default_tender"] == "BigCommerce"
    assert task.actions[0].options["create_tender"] is True and options.create_box.isChecked()
    plan = _preview(app, qtbot)
    (tender,) = [r for r in plan.actions[0].rows if r.facts.get("kind") == "tender"]
    assert tender.outcome is Outcome.CREATE and tender.facts["label"] == "BigCommerce"
    row = _select(app, lambda r: r is tender)
    assert _cell(app, row, OUTCOME) == "New Clover tender"
    assert "Clover tender “BigCommerce”" in app.window.preview.order_view.text.text()


def test_pull_sales_beside_an_absolute_stock_step_is_refused_with_the_reason(app, qtbot) -> None:
    page = app.window.tasks
    app.window.show_page(TASKS)
    page.select_task("Catalogue sync")
    task = page.current_task()
    before = [a.action for a in task.actions]
    assert "send-inventory-standard" in before
    page.action_picker.setCurrentIndex(page.action_picker.findData("pull-sales"))
    page.add_button.click()
    assert [a.action for a in task.actions] == before
    notice = page.steps.notice
    assert notice.isVisibleTo(page) and notice.kind == "error"
    assert "Not added." in notice.text()
    assert "“Take in-store sales off the web stock”" in notice.text()
    assert "“Update stock of simple products”" in notice.text()
    assert "location 1" in notice.text()
    saved = _saved(app)
    assert all("pull-sales" not in [a.action for a in t.actions] for t in saved.tasks)

    # A task saved that way elsewhere (an older file) says so, and Sync now is refused.
    both = _task(app, "send-inventory-standard", "pull-sales", name="Both")
    page.select_task("Both")
    assert notice.isVisibleTo(page) and "cannot run as it is" in notice.text()
    preview = app.window.preview
    preview.select_task(both.name)
    with qtbot.waitSignal(app.controller.job_failed, timeout=30_000):
        preview.refresh()
    assert preview.banner.kind == "error"
    assert "This task cannot run as it is" in preview.banner.text()
    assert "each sale would come off twice" in preview.banner.text()
    assert preview.plan is None and not preview.sync_button.isEnabled()


def test_the_tasks_page_fits_a_1366_by_768_screen(app, qtbot) -> None:
    window = app.window
    assert window.minimumSizeHint().height() <= 768
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    assert window.height() <= 768


def test_the_reselected_row_is_found_by_step_and_item(app, qtbot) -> None:
    _task(app, "push-orders")
    _preview(app, qtbot)
    table = app.window.preview.table
    row = _select(app, lambda r: r.bc_id is not None)
    table.clearSelection()
    assert select_row(table, row.action, row.cursor_key)
    assert any(s is row for s in table.model().data(table.currentIndex(), ROW_ROLE).steps)
    assert not select_row(table, row.action, "order:0")
    assert table.currentIndex().row() == -1


def test_pull_sales_at_another_location_may_share_a_task_with_stock(app, qtbot) -> None:
    page = app.window.tasks
    app.window.show_page(TASKS)
    task = page.add_task("Shop and web")
    picker = page.action_picker
    picker.setCurrentIndex(picker.findData("pull-sales"))
    page.add_button.click()
    steps = page.steps
    # The store's locations are read once the step's options are shown.
    qtbot.waitUntil(lambda: steps.location_box.findData(2) >= 0, timeout=30_000)
    box = steps.location_box
    assert box is not None and box.itemData(0) == 0  # the stock steps' location
    box.setCurrentIndex(box.findData(2))  # the demo's Warehouse
    assert task.actions[0].options["location_id"] == 2
    picker.setCurrentIndex(picker.findData("send-inventory-standard"))
    page.add_button.click()
    assert [a.action for a in task.actions] == ["pull-sales", "send-inventory-standard"]
    assert not steps.notice.isVisibleTo(page)
    # Back to the stock steps' location: refused, the Warehouse kept.
    steps.action_list.setCurrentRow(0)
    steps.location_box.setCurrentIndex(0)
    assert task.actions[0].options["location_id"] == 2
    assert steps.location_box.currentData() == 2
    assert "Not changed." in steps.notice.text() and "location 1" in steps.notice.text()
    (stored,) = [t for t in _saved(app).tasks if t.name == "Shop and web"]
    assert stored.actions[0].options["location_id"] == 2
