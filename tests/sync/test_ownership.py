"""Field ownership: the rule per owner, and on the demo stores every action x field, a field
owned by BigCommerce or by nobody is never written (the requests in the integration log and the
web store's products after the sync both say so)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.domain.ownership import (
    CREATE_REQUIRED,
    DEFAULT_OWNERS,
    FIELDS,
    PAYLOAD_KEYS,
    Ownership,
)
from esync_desktop.domain.plan import ACTION_IDS, ActionPlan, Outcome, PlanRow, Reason
from esync_desktop.storage.settings import WeightRules
from esync_desktop.sync.ownership import enforce
from tests.sync.live import task

CREATES = ("send-standard", "send-matrix")
# What each action writes on the demo stores when Clover owns the field (the control: without
# it a "never written" check could pass because nothing was to be written anyway). Description:
# Clover's v3 items carry none, so no action has one to write.
WRITES = {
    "send-standard": {"categories", "visibility", "stock", "tax_class"},
    "send-matrix": {"categories", "visibility", "stock", "tax_class"},
    "send-inventory-standard": {"stock"},
    "send-inventory-matrix": {"stock"},
    "send-prices": {"price", "sale_price"},
    "push-orders": set(),
    "sync-refunds": {"stock"},
    "pull-sales": {"stock"},
    "update-products": {"name", "weight", "visibility", "tax_class"},
    # Categories made from the preview's fix: no product field.
    "create-categories": set(),
    # The drift check puts back what was never synced on the demo: prices and stock.
    "true-up": {"price", "stock"},
}
OPTIONS = {"sync-refunds": {"restock": True}}


def test_the_owner_rule() -> None:
    owners = Ownership.build()
    assert owners.as_dict() == dict(DEFAULT_OWNERS)
    assert owners.may_write("name", "New", "Old")
    assert not owners.may_write("sale_price", Decimal(1), Decimal(2))
    # Clover unless blank: a blank Clover description never empties the web's.
    assert owners.may_write("description", "<p>x</p>", "<p>y</p>")
    assert not owners.may_write("description", "  ", "<p>y</p>")
    assert owners.may_write("description", "", "")
    nobody = Ownership.build({"name": "nobody", "price": "bigcommerce", "stock": "sideways"})
    assert not nobody.may_write("name", "New", "Old")
    assert not nobody.may_write("price", Decimal(1), Decimal(2))
    assert nobody.owner("stock") == "clover"  # an unknown owner keeps the default


def _row(action: str, payload: dict[str, Any], changes: dict[str, Any], key: str = "k") -> PlanRow:
    return PlanRow(action, "SKU-1", Outcome.UPDATE, payload=payload, changes=changes, key=key)


def test_enforce_takes_out_what_clover_does_not_own() -> None:
    owners = Ownership.build({"price": "bigcommerce", "stock": "nobody", "categories": "nobody"})
    create = PlanRow(
        "send-matrix",
        None,
        Outcome.CREATE,
        payload={
            "name": "Tee",
            "price": Decimal(5),
            "weight": Decimal(1),
            "categories": [3],
            "inventory_tracking": "variant",
            "variants": [{"sku": "T-S", "price": Decimal(5), "inventory_level": 4}],
        },
        changes={"name": (None, "Tee"), "categories": (None, ["Tees"])},
    )
    (row,) = enforce(ActionPlan("send-matrix", (create,)), owners).rows
    # The product's required price stays; the variant's own price and stock do not.
    assert row.payload == {"name": "Tee", "price": Decimal(5), "weight": Decimal(1),
                           "variants": [{"sku": "T-S"}]}  # fmt: skip
    assert row.changes == {"name": (None, "Tee")}
    prices = ActionPlan(
        "send-prices",
        (_row("send-prices", {"product_id": 1, "price": Decimal(2)}, {"price": (1, 2)}),),
    )
    (row,) = enforce(prices, owners).rows
    assert (row.outcome, row.reason, row.payload, row.key) == (
        Outcome.SKIP,
        Reason.NOT_OWNED,
        {},
        "",
    )
    assert row.facts == {"field": "price", "owner": "bigcommerce"}
    refunds = ActionPlan(
        "sync-refunds",
        (
            _row("sync-refunds", {"note": "x"}, {"note": (None, "x")}, key="bc-refund/1"),
            _row("sync-refunds", {"items": []}, {"stock": (1, 2)}, key="restock/7"),
        ),
    )
    note, restock = enforce(refunds, owners).rows
    assert note.outcome is Outcome.UPDATE  # a note on the Clover order: not BigCommerce's
    assert restock.reason is Reason.NOT_OWNED


# -- every action x field on the demo stores -----------------------------------------------------


def _cases() -> Iterator[Any]:
    """Each field an action writes, owned by BigCommerce and by nobody, one run each; the
    fields it has nothing of to write, all owned by BigCommerce in one run."""
    for action in ACTION_IDS:
        for name in sorted(WRITES[action]):
            for owner in ("bigcommerce", "nobody"):
                yield pytest.param(action, (name,), owner, id=f"{action}-{name}-{owner}")
        required = CREATE_REQUIRED if action in CREATES else frozenset()
        rest = tuple(f for f in FIELDS if f not in WRITES[action] and f not in required)
        yield pytest.param(action, rest, "bigcommerce", id=f"{action}-other-fields")


def _keys(value: Any) -> set[str]:
    """Every key at any depth of a JSON body."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _written_keys(rows: Any) -> set[str]:
    return {k for r in rows if r.writes for k in _keys(r.payload)}


def _web(sandbox: Any) -> dict[int, dict[str, Any]]:
    info = sandbox.describe()
    with BigCommerceClient(info["url"], info["bc_store_hash"], info["bc_token"]) as bc:
        return {p["id"]: p for p in bc.iter_products(include=("variants",))}


WEB_FIELDS = {
    "name": lambda p: p["name"],
    "description": lambda p: p["description"],
    "price": lambda p: (p["price"], [v["price"] for v in p["variants"]]),
    "sale_price": lambda p: (p["sale_price"], [v["sale_price"] for v in p["variants"]]),
    "weight": lambda p: p["weight"],
    "categories": lambda p: p["categories"],
    "visibility": lambda p: p["is_visible"],
    "tax_class": lambda p: p["tax_class_id"],
    "stock": lambda p: (p["inventory_level"], [v["inventory_level"] for v in p["variants"]]),
}


def _stage(action: str, services: Any, stores: Any) -> None:
    """Differences for every field an action could write: a tax-class map, an item hidden in
    Clover, a sale price on the web."""
    services.settings.tax_class_map = {"NYC Sales Tax": 4}
    if action in CREATES:
        # Weights for two categories only: a few dozen creates keep the test quick.
        weights = {"Cards": Decimal("0.03"), "T-Shirts": Decimal("0.2")}
        services.settings.weights = WeightRules(by_category=weights)
    mug = stores.clover.find_items_by_sku("MUG-005")[0]
    stores.clover.update_item(mug["id"], {"hidden": True})
    product = stores.bc.get("/v3/catalog/products", params={"sku": "MUG-001"}).json()["data"][0]
    reply = stores.bc.put(f"/v3/catalog/products/{product['id']}", json={"sale_price": 3})
    assert reply.status_code == 200, reply.text


@pytest.mark.parametrize(("action", "names", "owner"), list(_cases()))
def test_a_field_not_owned_by_clover_is_never_written(
    action: str, names: tuple[str, ...], owner: str, services: Any, sandbox: Any, stores: Any
) -> None:
    _stage(action, services, stores)
    job = task(action, **{action.replace("-", "_"): OPTIONS.get(action, {})})
    keys = {k for name in names for k in PAYLOAD_KEYS[name]}
    if set(names) <= WRITES[action]:
        # The control: owned by Clover, the action would write this field.
        services.settings.ownership = {**DEFAULT_OWNERS, **dict.fromkeys(names, "clover")}
        control = services.plan_task(job)
        assert _written_keys(control.actions[0].rows) & keys, f"{action} writes no {names}"
    services.settings.ownership = {**DEFAULT_OWNERS, **dict.fromkeys(names, owner)}
    before = _web(sandbox)
    plan = services.plan_task(job)
    if action != "push-orders":  # its payloads are Clover orders
        assert not _written_keys(plan.actions[0].rows) & keys
    result = services.run_plan(plan)
    assert result.error is None
    sent = [
        e
        for e in services.log_entries(run_id=result.run_id, kind="exchange")
        if e.api == "bigcommerce" and e.method in ("POST", "PUT")
    ]
    for entry in sent:
        # The log keeps the first 2000 characters of a body: looked at as text.
        body = entry.request_body or ""
        found = [k for k in keys if f'"{k}":' in body]
        assert found == [], (entry.method, entry.path, body[:300])
    after = _web(sandbox)
    for name in names:
        read = WEB_FIELDS[name]
        changed = [i for i, p in before.items() if read(p) != read(after[i])]
        assert changed == [], f"{name} of products {changed} changed"


@pytest.mark.parametrize("action", CREATES)
def test_a_create_carries_what_bigcommerce_requires(
    action: str, services: Any, sandbox: Any
) -> None:
    """A product cannot be created without a name, price and weight, so a create carries
    Clover's (the web has none yet); owned by BigCommerce, no later action writes them."""
    weights = {"Cards": Decimal("0.03"), "T-Shirts": Decimal("0.2")}
    services.settings.weights = WeightRules(by_category=weights)
    services.settings.ownership = {**DEFAULT_OWNERS, "name": "bigcommerce", "price": "nobody"}
    plan = services.plan_task(task(action))
    creates = [r for r in plan.actions[0].rows if r.outcome is Outcome.CREATE]
    assert creates
    assert all({"name", "price", "weight"} <= set(r.payload) for r in creates)
    services.run_plan(plan)
    later = services.plan_task(task("update-products", "send-prices", stop_when_empty=False))
    for action_plan in later.actions:
        assert not _written_keys(action_plan.rows) & {"name", "price"}
