"""Weight rules: category names are picked from the stores' own lists, typed when they can't be
read, and a name a store lacks is marked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from esync_desktop.app import Services
from esync_desktop.ui.main_window import WEIGHTS


def _open_editor(box, row: int, column: int):
    index = box.model.index(row, column)
    box.table.setCurrentIndex(index)
    box.table.edit(index)
    return box.table.indexWidget(index)


def _show_and_read(gui, qtbot) -> None:
    gui.window.show()
    with qtbot.waitSignal(gui.controller.categories_loaded, timeout=60_000):
        gui.window.show_page(WEIGHTS)


def test_category_names_are_picked_from_the_stores(gui, qtbot) -> None:
    with qtbot.waitSignal(gui.controller.demo_started, timeout=30_000):
        gui.controller.start_demo()
    page = gui.window.weights
    _show_and_read(gui, qtbot)
    bc_names = {name for name, _ in page.bc_names.choices}
    # As the demo store spells them; Bags, Seasonal and Gift Cards are Clover's only.
    assert {"Sale", "Shop All", "mugs", "T-SHIRTS"} <= bc_names
    assert not {"Bags", "Seasonal"} & bc_names
    assert {"Seasonal", "Gift Cards", "Bags"} <= {name for name, _ in page.clover_names.choices}
    assert "picked from your stores" in page.categories_note.text()
    assert not page.read_again_button.isVisibleTo(page)

    page.map_box.add()  # a new row, its Clover category being edited
    editor = page.map_box.table.indexWidget(page.map_model.index(0, 0))
    assert isinstance(editor, QComboBox) and not editor.isEditable()
    qtbot.keyClicks(editor, "Sea")  # picks "Seasonal" from the list, as typing in a list does
    editor = _open_editor(page.map_box, 0, 1)
    assert isinstance(editor, QComboBox) and not editor.isEditable()
    qtbot.keyClicks(editor, "Sal")
    assert gui.services.settings.category_map == {"Seasonal": "Sale"}
    reloaded = Services(environ={})
    try:
        assert reloaded.settings.category_map == {"Seasonal": "Sale"}
    finally:
        reloaded.stop()

    # A name the store lacks (typed before, or renamed since) is marked and explained.
    page.map_model.add_row("Bags", "Shopp All")
    page.map_model.add_row("Gift Cards", " sale ")
    model = page.map_model
    assert model.is_unknown(1, 1) and not model.is_unknown(2, 1) and not model.is_unknown(0, 1)
    tip = model.data(model.index(1, 1), Qt.ItemDataRole.ToolTipRole)
    assert "no category of this name" in tip
    assert model.data(model.index(1, 1), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, 1), Qt.ItemDataRole.ForegroundRole) is None
    # Opening its editor keeps the name rather than choosing another by itself.
    editor = _open_editor(page.map_box, 1, 1)
    assert editor.currentData() == "Shopp All" and "not in this store" in editor.currentText()


def test_unreachable_store_leaves_the_names_typed_with_a_plain_message(
    gui, qtbot, sandbox, closed_url
) -> None:
    info = sandbox.describe()
    settings = gui.services.settings
    settings.clover.merchant_id = info["clover_merchant_id"]
    settings.bigcommerce.store_hash = info["bc_store_hash"]
    gui.services.environ = {
        "ESYNC_CLOVER_BASE_URL": sandbox.url,
        "ESYNC_CLOVER_TOKEN": info["clover_token"],
        "ESYNC_BC_BASE_URL": closed_url,  # nothing listens there
        "ESYNC_BC_TOKEN": info["bc_token"],
    }
    page = gui.window.weights
    _show_and_read(gui, qtbot)
    text = page.categories_note.text()
    assert page.categories_note.kind == "warning"
    assert "Could not read the BigCommerce categories" in text
    assert "Check the internet connection" in text and "type the names" in text
    assert info["bc_token"] not in text
    assert page.read_again_button.isVisibleTo(page)
    assert page.bc_names.choices is None  # free text
    assert page.clover_names.choices  # Clover answered: its list is offered

    page.map_model.add_row("Bags", "")
    editor = _open_editor(page.map_box, 0, 1)
    assert isinstance(editor, QLineEdit)
    editor.setText("Shop All")
    page.map_box.table.commitData(editor)
    assert settings.category_map == {"Bags": "Shop All"}
    assert not page.map_model.is_unknown(0, 1)  # nothing to compare with: no red mark


def test_without_connections_the_page_says_where_to_connect(gui, qtbot) -> None:
    gui.window.show()
    gui.window.show_page(WEIGHTS)
    page = gui.window.weights
    assert "Connect your stores on the Connections page" in page.categories_note.text()
    assert page.clover_names.choices is None and page.bc_names.choices is None


def test_rules_table_with_known_names_passes_modeltester(qtmodeltester) -> None:
    from esync_desktop.ui.models.rules_model import KeyValueTableModel

    model = KeyValueTableModel("Clover category", "BigCommerce category")
    model.set_pairs([("Bags", "Shop All"), ("Seasonal", "Nowhere")])
    qtmodeltester.check(model, force_py=True)  # and again on each signal below
    model.set_known(1, ["Shop All", "Sale"], "not in the store")
    assert [model.is_unknown(r, 1) for r in range(2)] == [False, True]
    model.setData(model.index(1, 1), "sale")
    assert not model.is_unknown(1, 1)
    model.set_known(1, None)
    model.remove_row(0)


def test_weights_out_of_bigcommerce_s_range_are_refused_with_the_reason(gui, tmp_path) -> None:
    """Typed and imported weights are held to the same rule (storage.weights_csv): more than 0,
    at most BigCommerce's largest; a bad CSV line is named, never a traceback."""
    from decimal import Decimal

    page = gui.window.weights
    csv_file = tmp_path / "weights.csv"
    csv_file.write_text("sku,weight\nA-1,1e309\nA-2,0\nA-3,0.5\nA-4\x00,1\n", encoding="utf-8")
    page.import_csv(csv_file)
    assert gui.services.settings.weights.by_sku == {"A-3": Decimal("0.5")}
    text = page.banner.text()
    assert "Imported 1 weight" in text and "3 lines skipped" in text
    assert "line 2: SKU 'A-1': weight '1e309' is more than 9999999999" in text
    assert "line 3: SKU 'A-2': weight 0: a weight must be more than 0" in text
    assert "line 5" in text

    page.default_weight.setText("1e309")
    page.category_model.add_row("Mugs", "0")
    page.save()
    weights = gui.services.settings.weights
    assert weights.default is None and weights.by_category == {}
    assert "default weight '1e309' is more than 9999999999" in page.banner.text()
    assert "category “Mugs”: weight 0: a weight must be more than 0" in page.banner.text()
