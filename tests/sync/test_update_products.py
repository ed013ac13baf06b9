"""update-products on the demo stores: fields previewed old -> new and written in batches of 10,
items hidden in Clover hidden on the web, tax classes from the map, and a field changed in both
stores held back as a conflict until the owner picks a side."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esync_desktop import wording
from esync_desktop.domain.plan import Outcome, Reason
from esync_desktop.storage.settings import WeightRules
from esync_desktop.sync.last_synced import item_key
from tests.sync.live import endpoint_count, task

JOB = task("update-products")


def _rows(plan: Any) -> list[Any]:
    return list(plan.actions[0].rows)


def _product(stores: Any, sku: str) -> dict[str, Any]:
    reply = stores.bc.get("/v3/catalog/products", params={"sku": sku})
    assert reply.status_code == 200, reply.text
    (found,) = reply.json()["data"]
    return found  # type: ignore[no-any-return]


def _clover_item(stores: Any, sku: str) -> dict[str, Any]:
    (item,) = stores.clover.find_items_by_sku(sku)
    return item  # type: ignore[no-any-return]


def test_fields_are_previewed_written_in_batches_and_a_second_run_writes_nothing(
    services: Any, sandbox: Any, stores: Any
) -> None:
    plan = services.plan_task(JOB)
    updates = {r.sku: r for r in _rows(plan) if r.outcome is Outcome.UPDATE}
    # The demo's TEA-003 was renamed in Clover; every demo product has weight 1 on the web.
    assert updates["TEA-003"].changes["name"] == (
        "Chai Masala Tin (old name)",
        "Earl Grey Tin Gift Box",
    )
    assert str(updates["MUG-001"].changes["weight"][1]) == "0.45"
    assert endpoint_count(sandbox, "bigcommerce", "PUT", "/catalog/products") == 0  # preview

    result = services.run_plan(plan)
    assert result.counts["update"] == len(updates) > 10
    assert result.failures == []
    # BigCommerce takes 10 products a PUT: the fewest calls that carry them all.
    calls = endpoint_count(sandbox, "bigcommerce", "PUT", "/catalog/products")
    assert calls == -(-len(updates) // 10)
    assert _product(stores, "TEA-003")["name"] == "Earl Grey Tin Gift Box"
    assert _product(stores, "MUG-001")["weight"] == 0.45

    again = services.plan_task(JOB)
    assert again.counts()["update"] == 0
    services.run_plan(again)
    assert endpoint_count(sandbox, "bigcommerce", "PUT", "/catalog/products") == calls


def test_an_item_hidden_or_not_for_sale_in_clover_is_hidden_on_the_web(
    services: Any, stores: Any
) -> None:
    services.run_plan(services.plan_task(JOB))
    assert _product(stores, "MUG-001")["is_visible"] is True
    stores.clover.update_item(_clover_item(stores, "MUG-001")["id"], {"available": False})
    stores.clover.update_item(_clover_item(stores, "CND-001")["id"], {"hidden": True})

    plan = services.plan_task(JOB)
    updates = {r.sku: r for r in _rows(plan) if r.outcome is Outcome.UPDATE}
    assert set(updates) == {"MUG-001", "CND-001"}
    assert all(r.changes == {"is_visible": (True, False)} for r in updates.values())
    services.run_plan(plan)
    assert _product(stores, "MUG-001")["is_visible"] is False
    assert _product(stores, "CND-001")["is_visible"] is False
    assert services.plan_task(JOB).counts()["update"] == 0

    # Owned by BigCommerce, visibility is left alone: put back on sale, it stays hidden.
    stores.clover.update_item(_clover_item(stores, "MUG-001")["id"], {"available": True})
    services.settings.ownership = {**services.settings.ownership, "visibility": "bigcommerce"}
    assert services.plan_task(JOB).counts()["update"] == 0


def test_created_and_updated_products_carry_the_mapped_tax_class(
    services: Any, stores: Any
) -> None:
    rates = {r["name"]: r["id"] for r in stores.clover_get("/tax_rates")["elements"]}
    # MUG-002 uses a rate of its own instead of the merchant's default ones.
    mug = _clover_item(stores, "MUG-002")
    stores.clover.update_item(mug["id"], {"defaultTaxRates": False})
    body = {"elements": [{"taxRate": {"id": rates["Reduced Rate"]}, "item": {"id": mug["id"]}}]}
    stores.clover_post("/tax_rate_items", body)
    services.settings.tax_class_map = {"NYC Sales Tax": 4, "Reduced Rate": 1}

    plan = services.plan_task(JOB)
    rows = {r.sku: r for r in _rows(plan)}
    assert rows["MUG-001"].changes["tax_class_id"] == (0, 4)
    assert rows["MUG-002"].changes["tax_class_id"] == (0, 1)
    services.run_plan(plan)
    assert _product(stores, "MUG-001")["tax_class_id"] == 4
    assert _product(stores, "MUG-002")["tax_class_id"] == 1

    services.settings.weights = WeightRules(by_category={"Cards": Decimal("0.03")})
    created = services.plan_task(task("send-standard"))
    new = [r for r in _rows(created) if r.outcome is Outcome.CREATE]
    assert new and all(r.payload["tax_class_id"] == 4 for r in new)
    services.run_plan(created)
    assert _product(stores, new[0].sku)["tax_class_id"] == 4


def test_a_field_changed_in_both_stores_is_a_conflict_until_a_side_is_picked(
    services: Any, sandbox: Any, stores: Any
) -> None:
    services.run_plan(services.plan_task(JOB))  # both stores agree from here on
    product = _product(stores, "MUG-001")
    stores.clover.update_item(_clover_item(stores, "MUG-001")["id"], {"name": "Stoneware Mug Blue"})
    reply = stores.bc.put(f"/v3/catalog/products/{product['id']}", json={"name": "Mug (web)"})
    assert reply.status_code == 200, reply.text
    # A one-sided change is written as usual.
    stores.clover.update_item(_clover_item(stores, "CND-001")["id"], {"name": "Fig Candle"})

    plan = services.plan_task(JOB)
    rows = [r for r in _rows(plan) if r.sku == "MUG-001"]
    (conflict,) = [r for r in rows if r.reason is Reason.CONFLICT]
    assert conflict.outcome is Outcome.SKIP and not conflict.writes
    facts = conflict.facts
    assert (facts["field"], facts["clover_value"], facts["web_value"]) == (
        "name",
        "Stoneware Mug Blue",
        "Mug (web)",
    )
    assert facts["clover_time"] and facts["web_time"] and facts["item"] == item_key("MUG-001", None)
    assert all("name" not in r.changes for r in rows)
    assert {r.sku for r in _rows(plan) if "name" in r.changes} == {"CND-001"}

    services.run_plan(plan)
    assert _product(stores, "MUG-001")["name"] == "Mug (web)"  # nothing written
    assert _product(stores, "CND-001")["name"] == "Fig Candle"
    again = services.plan_task(JOB)
    assert [r.sku for r in _rows(again) if r.reason is Reason.CONFLICT] == ["MUG-001"]

    # BigCommerce's value is kept: no conflict, nothing written, on this run and the next.
    assert services.choose_conflicts([r for r in _rows(again) if r.reason is Reason.CONFLICT],
                                     "bigcommerce") == 1  # fmt: skip
    kept = services.plan_task(JOB)
    assert not [r for r in _rows(kept) if r.reason is Reason.CONFLICT]
    assert kept.counts()["update"] == 0

    # Both change again: a new conflict; this time Clover's value is picked and written.
    stores.clover.update_item(_clover_item(stores, "MUG-001")["id"], {"name": "Mug Blue"})
    reply = stores.bc.put(f"/v3/catalog/products/{product['id']}", json={"name": "Mug (web 2)"})
    assert reply.status_code == 200, reply.text
    plan = services.plan_task(JOB)
    conflicts = [r for r in _rows(plan) if r.reason is Reason.CONFLICT]
    assert services.choose_conflicts(conflicts, "clover") == 1
    chosen = services.plan_task(JOB)
    (update,) = [r for r in _rows(chosen) if r.writes]
    assert update.changes == {"name": ("Mug (web 2)", "Mug Blue")}
    services.run_plan(chosen)
    assert _product(stores, "MUG-001")["name"] == "Mug Blue"
    assert services.plan_task(JOB).counts()["update"] == 0


def test_a_product_with_variants_follows_its_item_group(
    services: Any, sandbox: Any, stores: Any
) -> None:
    groups = stores.clover_get("/item_groups")["elements"]
    (pocket,) = [g for g in groups if g["name"] == "Pocket Tee"]
    stores.clover_post(f"/item_groups/{pocket['id']}", {"name": "Pocket Tee Organic"})
    plan = services.plan_task(JOB)
    (row,) = [r for r in _rows(plan) if r.clover_id == pocket["id"]]
    assert row.sku is None and row.outcome is Outcome.UPDATE
    assert row.changes["name"] == ("Pocket Tee", "Pocket Tee Organic")
    services.run_plan(plan)
    found = stores.bc.get("/v3/catalog/products", params={"name": "Pocket Tee Organic"})
    assert len(found.json()["data"]) == 1
    # Every variant hidden in Clover: the product is hidden on the web.
    for item in stores.clover_get("/items", filter=f"itemGroup.id={pocket['id']}")["elements"]:
        stores.clover.update_item(item["id"], {"hidden": True})
    (row,) = [r for r in _rows(services.plan_task(JOB)) if r.clover_id == pocket["id"]]
    assert row.changes == {"is_visible": (True, False)}


def test_items_missing_on_the_web_are_the_create_steps_not_a_row_each(services: Any) -> None:
    """The demo has Clover items no product holds yet. Alone, update-products says so once (one
    row carrying their SKUs); beside send-standard it leaves them to that step's rows."""
    alone = services.plan_task(JOB)
    missing = [r for r in _rows(alone) if r.reason is Reason.NOT_IN_BIGCOMMERCE]
    assert len(missing) == 1
    (row,) = missing
    skus = row.facts["skus"]
    assert row.sku is None and row.outcome is Outcome.SKIP
    assert row.facts["count"] == len(skus) > 1 and len(set(skus)) == len(skus)
    assert f"{len(skus)} Clover items" in row.detail and skus[0] in row.detail
    assert wording.fix_for(row).startswith(f"Create these {len(skus)} items in BigCommerce first")
    assert any(r.outcome is Outcome.UPDATE for r in _rows(alone))  # the rest is planned as before

    both = services.plan_task(task("send-standard", "update-products", stop_when_empty=False))
    create, update = both.actions
    assert not [r for r in update.rows if r.reason is Reason.NOT_IN_BIGCOMMERCE]
    covered = {r.sku.casefold() for r in create.rows if r.sku}
    assert {s.casefold() for s in skus} <= covered  # each is in the create step's rows
    assert len(update.rows) == len(_rows(alone)) - 1
