"""The preview page's filters over the model: counts shown, the detail line, 100k rows."""

from __future__ import annotations

from itertools import groupby

from esync_desktop.sync.model import ActionPlan, Outcome, TaskPlan
from esync_desktop.ui.main_window import PREVIEW
from esync_desktop.ui.pages.preview import DETAILS_HINT
from tests.ui.conftest import make_rows


def _plan(rows) -> TaskPlan:
    by_action = groupby(sorted(rows, key=lambda r: r.action), lambda r: r.action)
    return TaskPlan("Demo", tuple(ActionPlan(a, tuple(rs)) for a, rs in by_action))


def test_filters_count_what_is_shown_and_clear_the_detail_line(gui) -> None:
    page = gui.window.preview
    rows = make_rows(100_000)
    page.set_plan(_plan(rows))
    assert page.shown.text() == "100,000 of 100,000 items shown"
    page.table.selectRow(0)
    first = page.proxy.visible_rows()[0]
    assert first.sku in page.details.text()
    page.outcome_filter.setCurrentIndex(page.outcome_filter.findText("Skipped"))
    skipped = sum(r.outcome is Outcome.SKIP for r in rows)
    assert page.shown.text() == f"{skipped:,} of 100,000 items shown"
    assert page.details.text() == DETAILS_HINT
    page.search.setText("SKU-00005")
    page._apply_search()  # what the pause in typing triggers
    expected = [r for r in rows if r.outcome is Outcome.SKIP and "sku-00005" in r.sku.lower()]
    shown = [item.result for item in page.proxy.visible_rows()]
    assert shown == sorted(expected, key=lambda r: r.sku.casefold())
    page.outcome_filter.setCurrentIndex(page.outcome_filter.findText("All results"))
    page.search.clear()
    page._apply_search()
    assert page.shown.text() == "100,000 of 100,000 items shown"


def test_every_column_is_in_view_at_1280_pixels(gui, qtbot, plan_rows) -> None:
    window = gui.window
    window.resize(1280, 800)
    window.show()
    window.show_page(PREVIEW)
    window.preview.set_plan(_plan(plan_rows))
    table = window.preview.table
    qtbot.waitUntil(lambda: table.viewport().width() > 600)
    widths = [table.columnWidth(c) for c in range(table.model().columnCount())]
    assert sum(widths) <= table.viewport().width()
    assert min(widths) >= 60, widths
    assert not table.horizontalScrollBar().isVisible()
