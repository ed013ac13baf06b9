"""What a plan reads, counted by the sandbox: a store without item groups costs one call for
the matrix actions, and listings read side by side come back whole and in order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from esync_desktop.sandbox.server import SandboxServer
from tests.sync.live import endpoint_count, services_for, task


@pytest.fixture
def plain_store() -> Iterator[SandboxServer]:
    """1,300 generated items, none in an item group; every fourth one on the web store."""
    server = SandboxServer(seed="empty", items=1300).start()
    try:
        yield server
    finally:
        server.stop()


def test_matrix_actions_stop_after_the_one_empty_item_groups_page(
    plain_store: SandboxServer,
) -> None:
    services = services_for(plain_store)
    try:
        plain_store.reset_counters()
        plan = services.plan_task(task("send-matrix", "send-inventory-matrix"))
    finally:
        services.stop()
    assert all(not a.rows for a in plan.actions)
    assert endpoint_count(plain_store, "clover", "GET", "/item_groups") == 1
    assert endpoint_count(plain_store, "clover", "GET", "/attributes") == 0
    assert endpoint_count(plain_store, "clover", "GET", "/options") == 0


def test_a_catalogue_read_side_by_side_has_every_item_once_in_order(
    plain_store: SandboxServer,
) -> None:
    services = services_for(plain_store)
    try:
        plain_store.reset_counters()
        plan = services.plan_task(
            task("send-standard", "send-inventory-standard", "send-prices", stop_when_empty=False)
        )
    finally:
        services.stop()
    standard, inventory, prices = plan.actions
    skus = [r.sku for r in standard.rows]
    assert skus == [f"GEN-{n:06d}" for n in range(1300)]  # Clover's order (oldest first)
    assert [r.sku for r in inventory.rows] == skus
    assert len(prices.rows) == 1300
    # Every page read once: 2 pages of items and of stock records, 2 of products (325).
    assert endpoint_count(plain_store, "clover", "GET", "/items") == 2
    assert endpoint_count(plain_store, "clover", "GET", "/item_stocks") == 2
    assert endpoint_count(plain_store, "bigcommerce", "GET", "/catalog/products") == 2
