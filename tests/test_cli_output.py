"""The CLI's text report: the owner's words from the documents' codes, and harmless text."""

from __future__ import annotations

import io

from esync_desktop.cli_output import Heading, heading_text, print_report, printable
from esync_desktop.sync.model import ActionPlan, Outcome, PlanRow, Reason, TaskPlan
from esync_desktop.sync.report import plan_document


def test_control_characters_are_shown_escaped() -> None:
    assert printable("Mug\x1b[31m red") == "Mug\\x1b[31m red"
    assert printable("a\u202eb\nc\x00") == "a\\u202eb\\nc\\x00"
    assert printable("Crème brûlée \u2013 12 oz") == "Crème brûlée \u2013 12 oz"
    assert printable(None) == ""


def test_heading_names_the_task_and_the_demo() -> None:
    assert heading_text(Heading("Nightly", False, False, True)) == "Sync of “Nightly”."
    assert heading_text(Heading("Catalogue sync", True, True, False)) == (
        "Preview of “Catalogue sync”, the default task (demo stores): nothing is written."
    )


def _report(rows: list[PlanRow], show_all: bool = False) -> str:
    plan = TaskPlan("t", (ActionPlan("send-matrix", tuple(rows)),))
    out = io.StringIO()
    print_report(
        plan_document(plan, {}), Heading("t", False, False, False), show_all=show_all, out=out
    )
    return out.getvalue()


def test_a_held_back_group_and_a_missing_category_in_words() -> None:
    missing = Reason.CATEGORY_NOT_IN_BIGCOMMERCE
    rows = [
        PlanRow(
            "send-matrix",
            "TEE-S",
            Outcome.SKIP,
            missing,
            clover_name="Tee S",
            missing_categories=("Shirts & Tops, Summer Collection 2026",),
        ),
        PlanRow(
            "send-matrix", "TEE-M", Outcome.SKIP, missing, clover_name="Tee M", held_back_by="TEE-S"
        ),
        PlanRow(
            "send-matrix",
            None,
            Outcome.CREATE,
            clover_name="Logo Tee",
            changes={"name": (None, "Logo Tee"), "variants": (None, ["LT-S", "LT-M"])},
        ),
    ]
    out = _report(rows)
    assert "Create products with variants from Clover item groups: 1 to create, 2 skipped" in out
    assert "New product  -                Logo Tee — Variants: LT-S, LT-M" in out
    assert (
        "What to do: Create category 'Shirts & Tops, Summer Collection 2026' in BigCommerce" in out
    )
    assert "the whole group waits for SKU TEE-S" in out
    assert "1 item needs your attention" not in out and "2 items need your attention" in out
    every = _report(rows, show_all=True)
    assert "Skipped      TEE-M            Tee M — Category missing in BigCommerce" in every


def test_a_stock_update_names_its_location() -> None:
    rows = [
        PlanRow(
            "send-inventory-standard",
            "MUG-1",
            Outcome.UPDATE,
            clover_name="Mug",
            changes={"inventory_level": (0, 8)},
            facts={"location": "Warehouse"},
        ),
        PlanRow(
            "send-inventory-standard",
            "MUG-1",
            Outcome.UPDATE,
            clover_name="Mug",
            changes={"inventory_level": (1, 10)},
            facts={"location": "Main Street"},
        ),
    ]
    plan = TaskPlan("t", (ActionPlan("send-inventory-standard", tuple(rows)),))
    out = io.StringIO()
    print_report(
        plan_document(plan, {}), Heading("t", False, False, False), show_all=False, out=out
    )
    text = out.getvalue()
    assert "MUG-1            Mug at Warehouse — Stock: 0 → 8" in text
    assert "MUG-1            Mug at Main Street — Stock: 1 → 10" in text
