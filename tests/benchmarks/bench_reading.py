"""Reading and planning a large catalogue in memory: parse N Clover item documents and N/2
BigCommerce products (every field checked, as the preview does), check the JSON depth of one
1000-item Clover page against parsing it, and plan the five actions (best of 3 each).

    python -m tests.benchmarks.bench_reading [ITEMS]
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from esync_desktop.connectors import jsonio
from esync_desktop.domain.catalog import BcCategory
from esync_desktop.sync.actions import ACTIONS, plan_actions
from esync_desktop.sync.reading import parse_bc_product, parse_clover_item
from esync_desktop.sync.rules import Rules
from esync_desktop.sync.snapshot import Snapshot

T0 = 1_700_000_000_000


def clover_doc(n: int) -> dict[str, Any]:
    return {
        "id": f"ID{n:011d}",
        "name": f'Item "{n}"' if n % 7 == 0 else f"Item {n}",
        "sku": f"SKU-{n}",
        "price": 100 + n,
        "priceType": "FIXED",
        "modifiedTime": T0 + n,
        "hidden": False,
        "available": True,
        "itemStock": {"item": {"id": f"ID{n:011d}"}, "quantity": float(n % 50), "modifiedTime": T0},
        "categories": {"elements": [{"id": "C1", "name": "Mugs", "sortOrder": 1}]},
        "options": {"elements": []},
    }


def bc_doc(n: int) -> dict[str, Any]:
    variant = {"id": 10 * n + 1, "product_id": n + 1, "sku": f"SKU-{n}", "price": None,
               "inventory_level": 3, "option_values": []}  # fmt: skip
    return {"id": n + 1, "name": f"Item {n}", "sku": f"SKU-{n}", "price": Decimal("1.00"),
            "inventory_level": 3, "inventory_tracking": "product", "categories": [1],
            "variants": [variant]}  # fmt: skip


def best(label: str, work: Callable[[], Any]) -> Any:
    times, result = [], None
    for _ in range(3):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    print(f"{label:38} {min(times) * 1000:9.1f} ms")
    return result


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 50_000
    docs = [clover_doc(n) for n in range(count)]
    products = [bc_doc(n) for n in range(0, count, 2)]
    page = json.dumps({"elements": docs[:1000]}).encode()
    print(f"{count} Clover items, {len(products)} BigCommerce products; page {len(page)} bytes")
    best("JSON depth check, one page", lambda: jsonio.check_depth(page))
    best("json.loads, one page", lambda: json.loads(page))
    items = best("parse Clover items", lambda: [parse_clover_item(d, {}) for d in docs])
    parsed = best("parse BigCommerce products", lambda: [parse_bc_product(d) for d in products])
    snapshot = Snapshot(
        clover_items=tuple(items), bc_products=tuple(parsed), bc_categories=(BcCategory(1, "Mugs"),)
    )
    actions = [(a, {}) for a in ACTIONS]
    rules = Rules.build(default="1")
    best(
        "plan the five actions",
        lambda: plan_actions("bench", actions, snapshot, {}, rules, stop_when_empty=False),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
