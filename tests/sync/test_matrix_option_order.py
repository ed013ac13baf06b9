"""Options come out in the order of the item group's own attributes (`GET /item_groups/{id}
?expand=attributes`), not in `GET /attributes` order, which is newest first."""

from __future__ import annotations

from typing import Any

from esync_desktop.sync.model import Outcome
from tests.sync.live import task
from tests.sync.variants_live import add_variant, new_group

ORDER = ["Size", "Color", "Fit"]


def test_a_size_color_fit_group_comes_out_size_color_fit(services: Any, stores: Any) -> None:
    group = new_group(
        stores, "Field Chinos", {"Size": ["30", "32"], "Color": ["Khaki"], "Fit": ["Slim"]}
    )
    for size in ("30", "32"):
        chosen = zip(ORDER, (size, "Khaki", "Slim"), strict=True)
        picked = [group["options"][(a, v)] for a, v in chosen]
        add_variant(
            stores,
            group["id"],
            name=f"Field Chinos {size}",
            sku=f"FCH-{size}-KHA-SLM",
            option_ids=picked,
            category="T-Shirts",
        )
    # Clover lists attributes newest first: the order the engine must not use.
    listed = [a["name"] for a in stores.clover_get("/attributes", limit=1000)["elements"]]
    assert [n for n in listed if n in ORDER][:3] == ["Fit", "Color", "Size"]

    plan = services.plan_task(task("send-matrix"))
    [row] = [
        r
        for r in plan.actions[0].rows
        if r.outcome is Outcome.CREATE and r.clover_name == "Field Chinos"
    ]
    for variant in row.payload["variants"]:
        assert [v["option_display_name"] for v in variant["option_values"]] == ORDER

    services.run_plan(plan)
    product = stores.bc.get(
        "/v3/catalog/products", params={"name": "Field Chinos", "include": "options"}
    ).json()["data"][0]
    options = sorted(product["options"], key=lambda o: o["sort_order"])
    assert [o["display_name"] for o in options] == ORDER
