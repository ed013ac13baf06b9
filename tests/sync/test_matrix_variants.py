"""A Clover item added to an item group whose product BigCommerce already has becomes a new
variant of that product, on the sandbox: previewed as a create on the variant, synced with the
option value it needs, and written once (a second run, a lost answer)."""

from __future__ import annotations

from typing import Any

from esync_desktop.sync.model import Outcome, Reason
from tests.sync.live import rows_by, task
from tests.sync.variants_live import add_variant, option_id

SKU = "PT-XL-SAN"


def _group_id(stores: Any, name: str) -> str:
    groups = stores.clover_get("/item_groups", limit=1000)["elements"]
    return next(str(g["id"]) for g in groups if g["name"] == name)


def _pocket_tee(stores: Any) -> dict[str, Any]:
    found = stores.bc.get(
        "/v3/catalog/products", params={"name": "Pocket Tee", "include": "variants,options"}
    ).json()["data"]
    assert len(found) == 1
    return found[0]  # type: ignore[no-any-return]


def _add_xl(stores: Any) -> None:
    group = _group_id(stores, "Pocket Tee")
    add_variant(
        stores,
        group,
        name="Pocket Tee XL Sand",
        sku=SKU,
        option_ids=[
            option_id(stores, group, "Size", "XL"),
            option_id(stores, group, "Color", "Sand"),
        ],
        category="T-Shirts",
        price=2799,
        stock=7,
    )


def test_a_new_item_of_a_group_becomes_a_variant_of_its_product(
    services: Any, stores: Any, sandbox: Any
) -> None:
    before = _pocket_tee(stores)
    assert SKU not in {v["sku"] for v in before["variants"]}
    sizes = [o for o in before["options"] if o["display_name"] == "Size"]
    assert "XL" not in {v["label"] for v in sizes[0]["option_values"]}
    _add_xl(stores)

    plan = services.plan_task(task("send-matrix"))
    rows = rows_by(plan, "send-matrix")
    row = rows[SKU]
    assert (row.outcome, row.reason) == (Outcome.CREATE, None)
    assert row.bc_id == before["id"] and row.bc_name == "Pocket Tee"
    assert row.facts["new_values"] == ["Size: XL"]
    assert rows["PT-S-SAN"].reason is Reason.ALREADY_IN_BIGCOMMERCE

    result = services.run_plan(plan)
    assert not result.error
    after = _pocket_tee(stores)
    [made] = [v for v in after["variants"] if v["sku"] == SKU]
    assert {(o["option_display_name"], o["label"]) for o in made["option_values"]} == {
        ("Size", "XL"),
        ("Color", "Sand"),
    }
    assert str(made["price"]) in ("27.99", "27.9900") and made["inventory_level"] == 7
    assert len(after["variants"]) == len(before["variants"]) + 1

    again = services.plan_task(task("send-matrix"))
    assert again.counts()["create"] == 0
    writes = _writes(sandbox)
    services.run_plan(again)
    assert _writes(sandbox) == writes
    assert len(_pocket_tee(stores)["variants"]) == len(after["variants"])


def _writes(sandbox: Any) -> int:
    endpoints = sandbox.counter_snapshot()["bigcommerce"]["endpoints"]
    return sum(n for route, n in endpoints.items() if route.startswith(("POST", "PUT")))


def test_a_lost_answer_to_the_variant_create_makes_one_variant(
    services: Any, stores: Any, sandbox: Any
) -> None:
    services.run_plan(services.plan_task(task("send-matrix")))  # the new groups first
    _add_xl(stores)
    plan = services.plan_task(task("send-matrix"))
    sandbox.faults.configure(
        "bigcommerce", {"drop_after_write_next": 1, "path_contains": "/variants"}
    )
    result = services.run_plan(plan)
    sandbox.faults.clear()
    # The answer was lost; the lookup by SKU found the variant: confirmed, not failed.
    assert not [r for r in result.failures if r.sku == SKU]
    assert result.counts["create"] == 1
    variants = [v for v in _pocket_tee(stores)["variants"] if v["sku"] == SKU]
    assert len(variants) == 1
    assert services.plan_task(task("send-matrix")).counts()["create"] == 0


def _killed_intent(services: Any, sandbox: Any, payload: dict[str, Any]) -> str:
    """The journal as a run killed between intent and answer leaves it."""
    key = f"{services._scope(services._credentials())}|killed/send-matrix:variant:x"
    services.state.journal_intent(key, "send-matrix", SKU, payload)
    return key


def test_an_intent_left_by_a_killed_run_is_looked_up_not_sent_blind(
    services: Any, stores: Any, sandbox: Any
) -> None:
    services.run_plan(services.plan_task(task("send-matrix")))
    _add_xl(stores)
    plan = services.plan_task(task("send-matrix"))
    row = rows_by(plan, "send-matrix")[SKU]
    # The killed run's create did reach BigCommerce.
    product_id = int(row.payload["product_id"])
    options = stores.bc.get(f"/v3/catalog/products/{product_id}/options").json()["data"]
    size = next(o for o in options if o["display_name"] == "Size")
    color = next(o for o in options if o["display_name"] == "Color")
    xl = stores.bc.post(
        f"/v3/catalog/products/{product_id}/options/{size['id']}/values", json={"label": "XL"}
    ).json()["data"]
    sand = next(v for v in color["option_values"] if v["label"] == "Sand")
    made = stores.bc.post(
        f"/v3/catalog/products/{product_id}/variants",
        json={
            "sku": SKU,
            "option_values": [
                {"option_id": size["id"], "id": xl["id"]},
                {"option_id": color["id"], "id": sand["id"]},
            ],
        },
    )
    assert made.status_code == 200, made.text
    key = _killed_intent(services, sandbox, row.payload)

    result = services.run_plan(plan)
    assert not result.failures
    (entry,) = [e for e in services.state.journal_entries(limit=1000) if e.key == key]
    assert not entry.is_open
    rows = {r["sku"]: r for r in result.document["actions"][0]["rows"]}
    assert (rows[SKU]["outcome"], rows[SKU]["reason"]) == ("skip", "already_in_bigcommerce")
    assert len([v for v in _pocket_tee(stores)["variants"] if v["sku"] == SKU]) == 1


def test_an_intent_whose_create_never_left_is_sent_once(
    services: Any, stores: Any, sandbox: Any
) -> None:
    services.run_plan(services.plan_task(task("send-matrix")))
    _add_xl(stores)
    plan = services.plan_task(task("send-matrix"))
    key = _killed_intent(services, sandbox, rows_by(plan, "send-matrix")[SKU].payload)
    result = services.run_plan(plan)
    assert not result.failures
    (entry,) = [e for e in services.state.journal_entries(limit=1000) if e.key == key]
    assert not entry.is_open
    assert len([v for v in _pocket_tee(stores)["variants"] if v["sku"] == SKU]) == 1
