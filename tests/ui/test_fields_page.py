"""The Fields page (who owns each field, the tax-class map) and the preview's choice for a field
changed in both stores, on the demo stores."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox

from esync_desktop.app import Services
from esync_desktop.domain.ownership import FIELDS
from esync_desktop.domain.plan import Reason
from esync_desktop.storage.settings import ActionConfig, TaskConfig
from esync_desktop.ui.conflict_menu import conflict_rows, menu_for
from esync_desktop.ui.main_window import FIELDS as FIELDS_PAGE
from esync_desktop.ui.main_window import PREVIEW
from esync_desktop.ui.models.base import ROW_ROLE
from esync_desktop.ui.models.fields_models import NOT_MAPPED, OWNER, TAX_CLASS
from tests.sync.orders_live import Stores


def _saved() -> Any:
    services = Services(environ={})
    try:
        return services.settings
    finally:
        services.stop()


def _start(gui: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(gui.controller.demo_started, timeout=30_000):
        gui.controller.start_demo()
    gui.window.show()
    qtbot.waitUntil(lambda: not gui.controller.busy, timeout=30_000)


def test_owners_and_tax_classes_are_picked_and_saved(gui: Any, qtbot: Any) -> None:
    _start(gui, qtbot)
    page = gui.window.fields
    with qtbot.waitSignal(gui.controller.tax_choices_loaded, timeout=60_000):
        gui.window.show_page(FIELDS_PAGE)
    table, model = page.ownership_table, page.ownership
    assert model.rowCount() == len(FIELDS)
    # Every owner is a drop-down on its row, shown without clicking.
    visibility = model.index(FIELDS.index("visibility"), OWNER)
    editor = table.indexWidget(visibility)
    assert isinstance(editor, QComboBox) and editor.currentText() == "Clover"
    editor.setCurrentIndex(editor.findData("bigcommerce"))
    editor.activated.emit(editor.currentIndex())
    assert gui.services.settings.ownership["visibility"] == "bigcommerce"
    assert _saved().ownership["visibility"] == "bigcommerce"
    assert model.data(visibility) == "BigCommerce"

    tax = page.tax_map
    rates = [tax.data(tax.index(r, 0)) for r in range(tax.rowCount())]
    assert "NYC Sales Tax (8.875 %, default)" in rates
    row = rates.index("NYC Sales Tax (8.875 %, default)")
    box = page.tax_table.indexWidget(tax.index(row, TAX_CLASS))
    assert isinstance(box, QComboBox) and box.currentData() == NOT_MAPPED
    assert [box.itemText(n) for n in range(box.count())][:2] == [
        "(not mapped)",
        "0: Default Tax Class",
    ]
    box.setCurrentIndex(box.findData(4))
    box.activated.emit(box.currentIndex())
    assert _saved().tax_class_map == {"NYC Sales Tax": 4}
    assert tax.data(tax.index(row, TAX_CLASS)) == "4: Reduced Rate"


def test_a_conflict_is_settled_from_the_preview(gui: Any, qtbot: Any) -> None:
    _start(gui, qtbot)
    services = gui.services
    task = TaskConfig("Fields", [ActionConfig("update-products", {})], stop_when_empty=False)
    services.settings.tasks.append(task)
    gui.controller.save_settings()
    services.run_plan(services.plan_task(task))
    stores = Stores(services._demo._server)
    try:
        for sku, clover, web in (
            ("MUG-001", "Mug Blue", "Mug (web)"),
            ("CND-001", "Fig", "Fig web"),
        ):
            (item,) = stores.clover.find_items_by_sku(sku)
            stores.clover.update_item(item["id"], {"name": clover})
            (product,) = stores.bc.get("/v3/catalog/products", params={"sku": sku}).json()["data"]
            stores.bc.put(f"/v3/catalog/products/{product['id']}", json={"name": web})
    finally:
        stores.close()
    preview = gui.window.preview
    gui.window.show_page(PREVIEW)
    preview.reload_tasks()
    preview.select_task("Fields")
    with qtbot.waitSignal(gui.controller.plan_ready, timeout=60_000):
        preview.refresh()
    rows = conflict_rows(preview.plan, "name")
    assert {r.sku for r in rows} == {"MUG-001", "CND-001"}
    mug = next(r for r in rows if r.sku == "MUG-001")
    menu = menu_for(mug, preview.plan)
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels == [
        "Keep Clover's name: Mug Blue",
        "Keep BigCommerce's name: Mug (web)",
        "Keep Clover's name in all 2 conflicts",
        "Keep BigCommerce's name in all 2 conflicts",
    ]
    # Right-clicking the item's row in the table offers the same (the item has this step).
    model = preview.table.model()
    at = next(
        model.index(n, 0)
        for n in range(model.rowCount())
        if model.data(model.index(n, 0), ROW_ROLE).sku == "MUG-001"
    )
    assert preview.conflicts.rows_at(at) == [mug]
    from_table = preview.conflicts.menu_at(at)
    assert from_table is not None
    assert [a.text() for a in from_table.actions() if a.text()] == labels
    # Keep the web's name for MUG-001 only: the preview is read again without its conflict.
    side, chosen = menu.actions()[1].data()
    with qtbot.waitSignal(gui.controller.plan_ready, timeout=60_000):
        assert preview.conflicts.choose(list(chosen), side) == 1
    left = conflict_rows(preview.plan)
    assert [r.sku for r in left] == ["CND-001"]
    assert all(r.reason is Reason.CONFLICT for r in left)
