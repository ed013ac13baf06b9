"""Bad vendor data over real sockets: raw rows written into the demo stores' tables (what no API
write would accept) are each previewed as skip bad_data, naming the field and the value, while
every other item plans exactly as before."""

from __future__ import annotations

import json
import time
from typing import Any

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.clover import CloverClient
from esync_desktop.sync.actions import plan_actions
from esync_desktop.sync.model import Outcome, Reason
from esync_desktop.sync.reading import ReadNeeds, read_snapshot
from esync_desktop.sync.rules import Rules
from tests.connectors.loopback import OddServer
from tests.sync.live import rows_by, task

ACTIONS = ("send-standard", "send-inventory-standard", "send-prices")
# (what is written into the Clover row, the field the preview names, the value it shows)
CLOVER_DAMAGE: list[tuple[dict[str, Any], str, str]] = [
    ({"price": "abc"}, "price", "'abc'"),
    ({"price": 1e308}, "price", "1e+308"),
    ({"modifiedTime": "yesterday"}, "modifiedTime", "'yesterday'"),
    ({"available": "sometimes"}, "available", "'sometimes'"),
    ({"name": ["Mug"]}, "name", "['Mug']"),
]


def _clover_row(sandbox: Any, sku: str) -> dict[str, Any]:
    rows = sandbox.clover.db.t["items"].rows
    (row,) = [r for r in rows.values() if r.get("sku") == sku]
    return row


def _damage(sandbox: Any, table: str, row: dict[str, Any], **fields: Any) -> None:
    """Write fields straight into a sandbox table row, as a corrupt store would hold them. An
    item edit moves its modifiedTime, as every edit in Clover does, so a delta run reads it."""
    with sandbox.store.lock:
        if table == "items" and "modifiedTime" not in fields:
            row["modifiedTime"] = int(time.time() * 1000)
        row.update(fields)
        sandbox.clover.db.bump(table)


def test_each_bad_clover_field_is_one_bad_data_row(services: Any, sandbox: Any) -> None:
    before = services.plan_task(task(*ACTIONS, stop_when_empty=False))
    creates = [r.sku for r in before.actions[0].rows if r.outcome is Outcome.CREATE]
    matched = [r.sku for r in before.actions[2].rows if r.bc_id is not None]
    victims = {sku: damage for sku, damage in zip(creates, CLOVER_DAMAGE, strict=False)}
    for sku, (fields, _, _) in victims.items():
        _damage(sandbox, "items", _clover_row(sandbox, sku), **fields)
    # Stock "lots" on an item that BigCommerce has (so all three actions read it).
    lots = matched[0]
    stock = sandbox.clover.db.t["item_stocks"].rows[_clover_row(sandbox, lots)["id"]]
    _damage(sandbox, "item_stocks", stock, quantity="lots")

    after = services.plan_task(task(*ACTIONS, stop_when_empty=False))

    standard = rows_by(after, "send-standard")
    for sku, (_, field, value) in victims.items():
        row = standard[sku]
        assert (row.outcome, row.reason) == (Outcome.SKIP, Reason.BAD_DATA), sku
        assert row.facts == {"store": "Clover", "field": field, "value": value}
        assert row.detail == f"Clover {field} is {value}"
    for action in ACTIONS:
        rows = rows_by(after, action)
        assert rows[lots].reason is Reason.BAD_DATA, action
        assert rows[lots].facts["field"] == "itemStock.quantity"
        assert rows[lots].facts["value"] == "'lots'"
        # Every other item is planned exactly as before the damage.
        untouched = {k: (r.outcome, r.reason) for k, r in rows_by(before, action).items()}
        for sku in (*victims, lots):
            untouched.pop(sku, None)
        now = {k: (r.outcome, r.reason) for k, r in rows.items() if k in untouched}
        assert now == untouched, action


def test_a_bad_bigcommerce_product_is_bad_data_for_its_item(services: Any, sandbox: Any) -> None:
    before = services.plan_task(task("send-inventory-standard", "send-prices"))
    row = next(r for r in before.actions[0].rows if r.bc_id is not None)
    db = sandbox.bigcommerce.db
    with sandbox.store.lock:
        db.product(row.bc_id)["inventory_tracking"] = "sometimes"
        db.products.touch(row.bc_id)
    # A change on the web store is read by the drift check (a delta run reads no BigCommerce).
    both = task("send-inventory-standard", "send-prices", "true-up", stop_when_empty=False)
    after = services.plan_task(both)
    for action in ("send-inventory-standard", "send-prices"):
        bad = rows_by(after, action)[row.sku]
        assert bad.reason is Reason.BAD_DATA, action
        field = {"field": "inventory_tracking", "value": "'sometimes'"}
        # (The stock rows also name their location: facts location_id, location, merchant.)
        assert bad.facts.items() >= {"store": "BigCommerce", **field}.items()
        assert bad.detail == f"BigCommerce product {row.bc_id} inventory_tracking is 'sometimes'"


def test_null_and_non_object_elements_are_named_by_position(sandbox: Any) -> None:
    """Clover pages holding a null and a bare number beside a good item (a server the sandbox
    cannot imitate, so a loopback one answers every Clover call with this page)."""
    good = {
        "id": "GOOD1",
        "name": "Good Mug",
        "sku": "GOOD-1",
        "price": 1200,
        "modifiedTime": 1_700_000_000_000,
        "categories": {"elements": [{"id": "C", "name": "Mugs"}]},
        "itemStock": {"quantity": 3.0},
    }
    odd = {"id": "X", "modifiedTime": 1, "categories": 5}
    page = json.dumps({"elements": [None, 7, good, odd]}).encode()
    creds = sandbox.credentials
    with OddServer(200, page, "application/json") as odd:
        clover = CloverClient(odd.url, "M", "tok-123456")
        bc = BigCommerceClient(sandbox.url, creds.bc_store_hash, creds.bc_token)
        with clover, bc:
            snapshot = read_snapshot(clover, bc, ReadNeeds(groups=False, stocks=False))
    rules = Rules.build(by_category={"Mugs": "0.5"})
    plan = plan_actions("t", [("send-standard", {})], snapshot, {}, rules)
    rows = plan.actions[0].rows
    assert [(r.reason, r.facts.get("position")) for r in rows[:2]] == [
        (Reason.BAD_DATA, 0),
        (Reason.BAD_DATA, 1),
    ]
    assert rows[0].detail == "entry 1 of Clover's list is null, not a record"
    assert [r.clover_id for r in rows[:2]] == ["#1", "#2"]
    assert rows[1].facts["value"] == "7"
    assert (rows[2].sku, rows[2].outcome) == ("GOOD-1", Outcome.CREATE)
    assert rows[3].facts == {"store": "Clover", "field": "categories", "value": "5"}
