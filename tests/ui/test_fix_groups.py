"""The preview's fix-it groups on the demo stores: what needs the owner, by cause."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from esync_desktop import wording
from esync_desktop.sync import analysis
from esync_desktop.sync.model import Reason

pytestmark = pytest.mark.slow


def test_fix_groups_list_the_causes_and_show_their_items(gui, qtbot) -> None:
    window, controller = gui.window, gui.controller
    with qtbot.waitSignal(controller.connections_tested, timeout=60_000):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(controller.plan_ready, timeout=120_000):
        window.refresh_preview()
    preview = window.preview
    rows = preview.model.step_rows()
    items = preview.model.rows()
    groups = analysis.fix_groups(rows)
    assert not preview.fix_groups.isHidden()
    titles = [wording.fix_group_title(g) for g in groups]
    assert preview.fix_group_titles() == [t[:1].upper() + t[1:] for t in titles]
    bags = next(
        n
        for n, g in enumerate(groups)
        if g.reason == Reason.CATEGORY_NOT_IN_BIGCOMMERCE and g.category == "Bags"
    )
    assert groups[bags].count > 1

    preview.fix_groups.setCurrentRow(bags + 1)  # after "Every item"
    shown = preview.proxy.visible_rows()  # one row per item
    assert len(shown) == groups[bags].count
    assert {i.sku.casefold() for i in shown} == {r.sku.casefold() for r in groups[bags].rows}
    assert f"{len(shown):,} of {len(items):,} items shown" == preview.shown.text()

    preview.fix_groups.setCurrentRow(0)
    assert preview.proxy.rowCount() == len(items)
