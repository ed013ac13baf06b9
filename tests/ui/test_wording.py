"""The sentences a store owner reads: plurals, what to do about an item, the sync's summary and
the integration log in plain words."""

from __future__ import annotations

import json
from datetime import datetime

from esync_desktop import wording
from esync_desktop.storage.state.records import EXCHANGE, MAPPING_ERROR, ItemResult, LogEntry
from esync_desktop.sync import analysis
from esync_desktop.sync.model import Outcome, PlanRow, Reason
from esync_desktop.ui import log_text


def _row(action: str, sku: str | None, outcome: Outcome, reason: Reason | None = None, **kw):
    return PlanRow(action=action, sku=sku, outcome=outcome, reason=reason, **kw)


def test_plural_and_verb() -> None:
    assert wording.plural(1, "item") == "1 item"
    assert wording.plural(2, "item") == "2 items"
    assert wording.plural(0, "change") == "0 changes"
    assert wording.plural(3, "entry", "entries") == "3 entries"
    assert wording.verb(1, "needs", "need") == "needs"
    assert wording.verb(66, "needs", "need") == "need"


def test_not_found_points_to_the_create_step_that_skipped_the_item() -> None:
    skipped = _row("send-standard", "MUG-9", Outcome.SKIP, Reason.MISSING_WEIGHT)
    stock = _row("send-inventory-standard", "mug-9", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE)
    other = _row("send-prices", "CUP-1", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE)
    rows = [skipped, stock, other]
    skips = analysis.create_skips(rows)
    fix = wording.fix_for(stock, analysis.created_skus(rows), skips)
    assert fix.startswith("The “New product” step skips it")
    assert "Add a weight for SKU MUG-9 in Weight rules" in fix
    assert "first" not in fix
    # Not skipped by a create step: it has to be created somewhere.
    assert "Create SKU CUP-1 in BigCommerce first" in wording.fix_for(other, frozenset(), skips)
    # Without the mapping (older callers) the old advice stands.
    assert "Create SKU mug-9 in BigCommerce first" in wording.fix_for(stock, frozenset())
    # "Already in BigCommerce" is no cause: the item is there.
    already = _row("send-standard", "CUP-1", Outcome.SKIP, Reason.ALREADY_IN_BIGCOMMERCE)
    assert analysis.create_skips([already]) == {}


def test_a_variant_held_back_by_another_names_that_one() -> None:
    missing = Reason.CATEGORY_NOT_IN_BIGCOMMERCE
    bad = _row("send-matrix", "TEE-S", Outcome.SKIP, missing, missing_categories=("Shirts",))
    held = _row("send-matrix", "TEE-M", Outcome.SKIP, missing, held_back_by="TEE-S")
    stock = _row("send-inventory-matrix", "TEE-M", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE)
    skips = analysis.create_skips([bad, held, stock])
    own = wording.fix_for(held, frozenset(), skips)
    assert own.startswith("Create category 'Shirts' in BigCommerce")
    assert own.endswith("the whole group waits for SKU TEE-S")
    via = wording.fix_for(stock, frozenset(), skips)
    assert via.startswith("The “New product with variants” step skips it")
    assert "category 'Shirts'" in via and "TEE-S" in via


def test_variants_of_a_new_product_count_as_created() -> None:
    group = _row(
        "send-matrix", None, Outcome.CREATE, changes={"variants": (None, ["CP-S", "CP-L"])}
    )
    stock = _row("send-inventory-matrix", "CP-L", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE)
    creating = analysis.created_skus([group, stock])
    assert creating == frozenset({"cp-s", "cp-l"})
    assert wording.fix_for(stock, creating).startswith("Nothing to do: this sync creates it")
    assert not analysis.needs_attention(stock, creating)


def _no_sku(action: str, clover_id: str):
    return _row(
        action, None, Outcome.SKIP, Reason.MISSING_SKU, clover_id=clover_id, clover_name="Bag Fee"
    )


def test_items_are_counted_once_across_their_steps() -> None:
    rows = [
        _row("send-standard", "A", Outcome.SKIP, Reason.MISSING_WEIGHT),
        _row("send-prices", "a", Outcome.SKIP, Reason.NOT_IN_BIGCOMMERCE),
        # No SKU: the same Clover item in two steps, and another item of the same name.
        _no_sku("send-standard", "X1"),
        _no_sku("send-prices", "X1"),
        _no_sku("send-prices", "X2"),
    ]
    assert analysis.count_items(rows) == 3


def test_what_to_do_for_the_items_of_a_past_run() -> None:
    def item(seq: int, action: str, sku: str | None, outcome: str, reason: str | None = None,
             **kw) -> ItemResult:  # fmt: skip
        return ItemResult(1, seq, action, sku, outcome, reason=reason, **kw)

    items = [
        item(1, "send-standard", "MUG-9", "skip", "missing_weight"),
        item(2, "send-prices", "MUG-9", "skip", "not_in_bigcommerce"),
        item(3, "send-standard", "CUP-1", "fail", "rejected", detail="price: must be >= 0"),
        item(4, "send-standard", "CUP-2", "not_done"),
        item(5, "send-standard", "CUP-3", "create"),
        item(6, "send-prices", "CUP-4", "fail"),
    ]
    creating, skips = analysis.created_skus(items), analysis.create_skips(items)
    fixes = [wording.item_fix(i, creating, skips) for i in items]
    assert fixes[0].startswith("Add a weight for SKU MUG-9")
    assert fixes[1].startswith("The “New product” step skips it") and "MUG-9" in fixes[1]
    assert "as BigCommerce asks (price: must be >= 0)" in fixes[2]
    assert "next sync sends it" in fixes[3]
    assert fixes[4] == ""
    assert fixes[5].startswith("Sync again later")


def test_run_summary_says_what_is_counted() -> None:
    counts = {"create": 120, "update": 46, "unchanged": 32, "skip": 509, "fail": 3}
    text = wording.run_summary(counts, cancelled=False, seconds=11.2)
    assert text.startswith("Finished in 11 s: 166 changes made in BigCommerce, 3 failed.")
    assert "710 results, one per item and step: 120 created, 46 updated" in text
    one = {"create": 0, "update": 1, "unchanged": 0, "skip": 0, "fail": 0}
    text = wording.run_summary(one, cancelled=True, seconds=0.2)
    assert text.startswith("Stopped on request: 1 change made in BigCommerce before stopping.")
    assert "1 result, one per item and step" in text
    assert wording.sent_text(1, 1) == "1 of 1 change sent"
    assert wording.sent_text(40, 166) == "40 of 166 changes sent"


def test_run_attention_counts_items_from_the_run_document() -> None:
    doc = {
        "actions": [
            {"rows": [
                {"action": "send-standard", "sku": "A", "outcome": "skip",
                 "reason": "missing_weight", "clover_id": "1", "clover_name": "A", "changes": {}},
                {"action": "send-standard", "sku": "B", "outcome": "create", "reason": None,
                 "clover_id": "2", "clover_name": "B", "changes": {}},
            ]},
            {"rows": [
                {"action": "send-prices", "sku": "A", "outcome": "skip",
                 "reason": "not_in_bigcommerce", "clover_id": "1", "clover_name": "A",
                 "changes": {}},
                {"action": "send-prices", "sku": "B", "outcome": "skip",
                 "reason": "not_in_bigcommerce", "clover_id": "2", "clover_name": "B",
                 "changes": {}},
            ]},
        ]
    }  # fmt: skip
    assert analysis.run_attention(doc) == 1
    assert analysis.run_attention({}) == 0


def _exchange(**kw) -> LogEntry:
    base = dict(id=1, run_id=1, at=datetime(2026, 3, 4, 5, 6, 7).astimezone(), kind=EXCHANGE,
                api="bigcommerce", method="POST", path="/stores/abc123/v3/catalog/products",
                status=200, duration_ms=13.0, attempt=1)  # fmt: skip
    base.update(kw)
    return LogEntry(**base)


def test_log_lines_in_plain_words_with_seconds_and_the_item() -> None:
    body = json.dumps({"name": "Mug", "sku": "MUG-4", "price": 20.99})
    entry = _exchange(request_body=body, response_body=json.dumps({"data": {"id": 17}}))
    assert log_text.log_when(entry.at).endswith("05:06:07")
    assert log_text.log_item(entry) == "MUG-4"
    assert log_text.log_what(entry) == ("Create a product → 200 OK, 13 ms · POST catalog/products")
    group = json.dumps({"name": "Tee", "variants": [{"sku": f"T-{n}"} for n in range(5)]})
    assert log_text.log_item(_exchange(request_body=group)) == "T-0, T-1, T-2 and 2 more"
    # A batch update names products by id: the answer names their SKUs.
    update = _exchange(method="PUT", request_body='[{"id": 7, "price": 32.99}]',
                       response_body='{"data":[{"id":7,"sku":"COF-001"}]}')  # fmt: skip
    assert log_text.log_item(update) == "COF-001"
    assert log_text.log_what(update).startswith("Update products → 200 OK")
    stock = _exchange(method="PUT", path="/stores/abc123/v3/inventory/adjustments/absolute",
                      request_body='{"reason": "x", "items": [{"product_id": 2}, '
                      '{"variant_id": 3}]}')  # fmt: skip
    assert log_text.log_item(stock) == "2 items"
    assert log_text.log_what(stock).startswith("Set stock levels → 200 OK")
    # A read names many items: none are listed.
    read = _exchange(method="GET", response_body='{"data":[{"sku":"A"},{"sku":"B"}]}')
    assert log_text.log_item(read) == ""
    assert log_text.log_what(read).startswith("Read products → 200 OK")
    clover = _exchange(api="clover", method="GET", path="/v3/merchants/M1/item_stocks")
    assert log_text.log_what(clover).startswith("Read stock counts → 200 OK")
    refused = _exchange(status=422, attempt=2)
    assert log_text.log_what(refused).startswith("Create a product → 422 refused: invalid values")
    assert "attempt 2" in log_text.log_what(refused)
    lost = _exchange(status=None, error="timed out")
    assert "no answer: timed out" in log_text.log_what(lost)
    mapping = LogEntry(id=2, run_id=1, at=entry.at, kind=MAPPING_ERROR, action="send-standard",
                       sku="MUG-4", message="MUG-4 (Mug): price must be >= 0")  # fmt: skip
    assert log_text.log_item(mapping) == "MUG-4"
    assert log_text.log_what(mapping) == "MUG-4 (Mug): price must be >= 0"


def test_log_details_are_readable_redacted_and_short() -> None:
    answer = {"data": {"id": 17, **{f"field_{n}": n for n in range(40)}}}
    entry = _exchange(
        request_body=json.dumps(
            {"sku": "MUG-4", "categories": [1, 2], "description": "A mug for the morning " * 3}
        ),
        response_body=json.dumps(answer),
        error='sent with "Authorization": "Bearer sekrit-token-123"',
    )
    text = log_text.log_details(entry)
    assert text.splitlines()[0] == log_text.log_what(entry)
    assert "POST /stores/abc123/v3/catalog/products" in text
    assert "Items: MUG-4" in text
    assert '  "sku": "MUG-4",' in text and '"categories": [1, 2]' in text  # one key a line
    assert "sekrit-token-123" not in text and "[REDACTED]" in text
    assert "more lines" in text and len(text.splitlines()) < 40
    assert "field_39" in log_text.log_details(entry, max_lines=200)
    # Not JSON (a cut body): shown as it is, long lines shortened.
    cut = log_text.log_details(_exchange(response_body="x" * 500))
    assert max(len(line) for line in cut.splitlines()) <= 110


def test_the_words_come_from_fields_not_from_the_detail_text() -> None:
    """The detail is for people; a changed detail wording changes no advice."""
    missing = Reason.CATEGORY_NOT_IN_BIGCOMMERCE
    decoy = "no BigCommerce category named Decoy"
    row = _row("send-standard", "MUG-1", Outcome.SKIP, missing, detail=decoy,
               missing_categories=("Mugs", "Tea"))  # fmt: skip
    assert "Create category 'Mugs, Tea' in BigCommerce" in wording.fix_for(row)
    held = _row("send-matrix", "TEE-M", Outcome.SKIP, Reason.MISSING_WEIGHT,
                detail="held back: variant DECOY of the group")  # fmt: skip
    assert "waits" not in wording.fix_for(held)
