"""Helpers for the variant tests: Clover item groups built through Clover's own REST calls
(clover.md §8.5: group, attributes, options, items, option_items), as a merchant's back office
would build them."""

from __future__ import annotations

import time
from typing import Any

from tests.sync.orders_live import Stores


def category_id(stores: Stores, name: str) -> str:
    found = stores.clover_get("/categories", limit=1000)["elements"]
    return next(str(c["id"]) for c in found if c["name"] == name)


def new_group(stores: Stores, name: str, attributes: dict[str, list[str]]) -> dict[str, Any]:
    """A group with its attributes created one after the other (each later than the last, so
    `GET /attributes`, newest first, lists them the other way round). Returns
    {"id", "options": {(attribute, option) -> option id}}."""
    group = stores.clover_post("/item_groups", {"name": name})
    options: dict[tuple[str, str], str] = {}
    for attribute, values in attributes.items():
        time.sleep(0.002)  # distinct createdTime, as a person adding them one by one
        made = stores.clover_post(
            "/attributes", {"name": attribute, "itemGroup": {"id": group["id"]}}
        )
        for value in values:
            option = stores.clover_post(f"/attributes/{made['id']}/options", {"name": value})
            options[(attribute, value)] = str(option["id"])
    return {"id": str(group["id"]), "options": options}


def option_id(stores: Stores, group_id: str, attribute: str, value: str) -> str:
    """The id of an option of one of the group's attributes, made when it is missing."""
    attrs = stores.clover_get(f"/item_groups/{group_id}", expand="attributes")["attributes"]
    found = next(a for a in attrs["elements"] if a["name"] == attribute)
    values = stores.clover_get(f"/attributes/{found['id']}/options")["elements"]
    existing = next((o for o in values if o["name"] == value), None)
    if existing is None:
        existing = stores.clover_post(f"/attributes/{found['id']}/options", {"name": value})
    return str(existing["id"])


def add_variant(
    stores: Stores,
    group_id: str,
    *,
    name: str,
    sku: str,
    option_ids: list[str],
    category: str,
    price: int = 2599,
    stock: int = 5,
) -> str:
    """One item of the group with its option values, category and stock; returns its id."""
    item = stores.clover_post(
        "/items", {"name": name, "sku": sku, "price": price, "itemGroup": {"id": group_id}}
    )
    item_id = str(item["id"])
    stores.clover_post(
        "/option_items",
        {"elements": [{"option": {"id": o}, "item": {"id": item_id}} for o in option_ids]},
    )
    stores.clover_post(
        "/category_items",
        {
            "elements": [
                {"category": {"id": category_id(stores, category)}, "item": {"id": item_id}}
            ]
        },
    )
    stores.clover_post(f"/item_stocks/{item_id}", {"quantity": stock})
    return item_id
