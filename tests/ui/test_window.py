"""The main window: first run, menus and shortcuts, geometry, Tasks and Weight rules pages."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from esync_desktop import __version__
from esync_desktop.app import Services
from esync_desktop.ui import messages
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.main_window import GEOMETRY_KEY, PREVIEW, MainWindow


def test_first_run_shows_the_welcome_page(gui) -> None:
    assert gui.window.stack.currentWidget() is gui.window.welcome
    texts = {gui.window.welcome.demo_button.text(), gui.window.welcome.connect_button.text()}
    assert texts == {"Try with demo stores", "Connect my stores"}


def test_menus_and_shortcuts(gui, qtbot) -> None:
    window = gui.window
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    assert window.refresh_action.shortcut() == QKeySequence(Qt.Key.Key_F5)
    assert __version__ in messages.ABOUT
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&View", "&Help"]
    with qtbot.waitSignal(window.quit_requested, timeout=1000):
        window.quit_action.trigger()
    window.refresh_action.trigger()
    assert window.stack.currentIndex() == PREVIEW


def test_geometry_is_remembered(gui, qtbot) -> None:
    gui.window.resize(720, 520)  # the offscreen screen is 800x600
    gui.window.save_geometry()
    again = Services(environ={})
    controller = AppController(again)
    try:
        assert again.settings.ui.get(GEOMETRY_KEY)
        window = MainWindow(controller)
        qtbot.addWidget(window)
        assert (window.width(), window.height()) == (720, 520)
    finally:
        assert controller.shutdown(5000)
        again.stop()


def test_build_a_task_from_the_dropdown(gui) -> None:
    page = gui.window.tasks
    task = page.add_task("Stock and prices")
    page.action_picker.setCurrentIndex(page.action_picker.findData("send-prices"))
    page.add_button.click()
    page.action_picker.setCurrentIndex(page.action_picker.findData("send-inventory-standard"))
    page.add_button.click()
    assert [a.action for a in task.actions] == ["send-prices", "send-inventory-standard"]
    page.action_list.setCurrentRow(1)
    page.steps.up_button.click()
    assert [a.action for a in task.actions] == ["send-inventory-standard", "send-prices"]
    page.action_list.setCurrentRow(0)
    name_match = page.steps.options_box.findChild(type(page.stop_when_empty), "require_name_match")
    assert name_match is not None and name_match.isChecked()
    name_match.setChecked(False)
    assert task.actions[0].options == {"require_name_match": False}
    page.schedule_interval.setChecked(True)
    page.every_minutes.setValue(45)
    page.stop_when_empty.setChecked(False)
    page.action_list.setCurrentRow(1)
    page.steps.remove_button.click()
    reloaded = Services(environ={})
    try:
        saved = reloaded.settings.task("Stock and prices")
        assert saved is not None
        assert [a.action for a in saved.actions] == ["send-inventory-standard"]
        assert saved.actions[0].options == {"require_name_match": False}
        assert (saved.schedule.mode, saved.schedule.every_minutes) == ("interval", 45)
        assert saved.stop_when_empty is False
    finally:
        reloaded.stop()


def test_stock_location_is_picked_by_name_from_the_store(gui, qtbot) -> None:
    page = gui.window.tasks
    task = page.add_task("Stock")
    page.action_picker.setCurrentIndex(page.action_picker.findData("send-inventory-standard"))
    page.add_button.click()
    page.action_list.setCurrentRow(0)
    box = page.steps.location_box
    # No connection yet: the saved location stays, with why no names are shown.
    qtbot.waitUntil(lambda: "could not read" in box.currentText(), timeout=10_000)
    assert box.currentData() == 1
    with qtbot.waitSignal(gui.controller.demo_started, timeout=30_000):
        gui.controller.start_demo()
    page.action_list.setCurrentRow(0)
    box = page.steps.location_box
    qtbot.waitUntil(lambda: box.count() == 2, timeout=10_000)
    assert [box.itemText(i) for i in range(2)] == ["Main Store (default)", "Warehouse"]
    assert box.currentData() == 1
    box.setCurrentIndex(1)
    assert gui.controller.settings.location_id == 2
    assert task.actions[0].action == "send-inventory-standard"
    reloaded = Services(environ={})
    try:
        assert reloaded.settings.location_id == 2
    finally:
        reloaded.stop()


def test_weight_rules_and_csv_import(gui, tmp_path) -> None:
    page = gui.window.weights
    csv_file = tmp_path / "weights.csv"
    csv_file.write_text("SKU,weight\nTOTE-BLU-L,0.6\nMUG-1,not a number\n", encoding="utf-8")
    page.import_csv(csv_file)
    assert gui.services.settings.weights.by_sku.get("TOTE-BLU-L") == Decimal("0.6")
    assert "Imported 1 weight from" in page.banner.text() and "line 3" in page.banner.text()
    assert "1 line skipped" in page.banner.text()
    page.default_weight.setText("0,25")
    page.category_model.add_row("Mugs", "0.45")
    page.category_model.add_row("Bags", "heavy")
    page.save()
    weights = gui.services.settings.weights
    assert weights.default == Decimal("0.25")
    assert weights.by_category == {"Mugs": Decimal("0.45")}
    assert "Bags" in page.banner.text()


def test_rules_table_passes_modeltester(qtmodeltester) -> None:
    from esync_desktop.ui.models.rules_model import KeyValueTableModel

    model = KeyValueTableModel("SKU", "Weight")
    model.set_pairs([("A", "1"), ("B", "2")])
    model.add_row("C", "3")
    qtmodeltester.check(model, force_py=True)
    model.remove_row(0)
    qtmodeltester.check(model, force_py=True)


def test_damaged_settings_are_reported_at_start(qtbot, notices, esync_home, monkeypatch) -> None:
    from esync_desktop.paths import app_paths
    from esync_desktop.ui import app as ui_app

    paths = app_paths().ensure()
    paths.settings_file.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(ui_app.QApplication, "quit", lambda: None)
    services = Services(environ={})
    gui = ui_app.GuiApp(services)
    qtbot.addWidget(gui.window)
    try:
        gui.start()
        assert notices.shown and notices.shown[0][1] == messages.SETTINGS_RESET_TITLE
    finally:
        gui.controller.shutdown(5000)
        services.stop()


def test_a_repaired_state_database_is_reported_at_start(
    qtbot, notices, esync_home, monkeypatch
) -> None:
    from esync_desktop.paths import app_paths
    from esync_desktop.ui import app as ui_app
    from tests.storage.damage import garbage, make_history

    paths = app_paths().ensure()
    make_history(paths.state_db, runs=3, kept_after=2)
    garbage(paths.state_db)
    monkeypatch.setattr(ui_app.QApplication, "quit", lambda: None)
    services = Services(environ={})
    gui = ui_app.GuiApp(services)
    qtbot.addWidget(gui.window)
    try:
        gui.start()
        (shown,) = [n for n in notices.shown if n[1] == messages.DATA_REPAIRED_TITLE]
        assert f"The state database {paths.state_db} was damaged" in shown[2]
        assert "at most the last run's history" in shown[2]
    finally:
        gui.controller.shutdown(5000)
        services.stop()


def test_help_exports_diagnostics(gui, notices, tmp_path, monkeypatch) -> None:
    import zipfile

    from PySide6.QtWidgets import QFileDialog

    window = gui.window
    help_menu = window.menuBar().actions()[-1].menu()
    texts = [a.text() for a in help_menu.actions()]
    assert texts == ["Export &diagnostics…", "&About eSync Desktop"]
    target = tmp_path / "support.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.diagnostics_action.trigger()
    with zipfile.ZipFile(target) as archive:
        assert "system.json" in archive.namelist()
        system = archive.read("system.json").decode()
    assert '"qt": ' in system  # the window runs: its Qt version is named
    assert notices.shown[-1][:2] == ("info", "Diagnostics saved")
    assert str(target) in notices.shown[-1][2]
    # A folder that is not there: an error that names it; nothing is half written.
    assert not window.save_diagnostics(tmp_path / "gone" / "x.zip")
    assert notices.shown[-1][:2] == ("error", "The diagnostics were not saved")
