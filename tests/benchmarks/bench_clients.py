"""Benchmark: list a generated catalogue through both clients against a local sandbox.

Run from the checkout: `python tests/benchmarks/bench_clients.py --items 20000 [--plan pro]`.
Prints, per side, the requests made, retries, 429s seen, elapsed time and items per second.
Not a test (pytest does not collect it): the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# Run as a script from anywhere: make the package importable from this checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.http import Exchange
from esync_desktop.sandbox.server import SandboxServer


class Tally:
    """Counts exchanges by status, thread-safe (the hook may run on any thread)."""

    def __init__(self) -> None:
        self.statuses: Counter[int | None] = Counter()
        self._lock = threading.Lock()

    def __call__(self, exchange: Exchange) -> None:
        with self._lock:
            self.statuses[exchange.status] += 1


def timed(name: str, listings: Iterable[tuple[str, Callable[[], Iterable[Any]]]]) -> int:
    total = 0
    for label, listing in listings:
        started = time.perf_counter()
        count = sum(1 for _ in listing())
        elapsed = time.perf_counter() - started
        rate = count / elapsed if elapsed else float("inf")
        print(f"  {name} {label:<12} {count:>7} rows in {elapsed:7.2f} s  ({rate:,.0f} rows/s)")
        total += count
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000, help="generated Clover items")
    parser.add_argument(
        "--plan", default="standard", help="BigCommerce plan: standard, plus, pro, unlimited"
    )
    args = parser.parse_args(argv)

    print(f"seeding a sandbox with {args.items} items (BigCommerce plan {args.plan})...")
    started = time.perf_counter()
    server = SandboxServer(seed="empty", items=args.items, plan=args.plan).start()
    print(f"  seeded and listening at {server.url} in {time.perf_counter() - started:.2f} s")
    creds = server.credentials
    try:
        clover_tally, bc_tally = Tally(), Tally()
        clover = CloverClient(
            server.url, creds.clover_merchant_id, creds.clover_token, on_exchange=clover_tally
        )
        bc = BigCommerceClient(
            server.url, creds.bc_store_hash, creds.bc_token, on_exchange=bc_tally
        )
        for name, client, tally, listings in (
            (
                "clover",
                clover,
                clover_tally,
                [
                    ("items", lambda: clover.iter_items()),
                    ("item_stocks", clover.iter_item_stocks),
                    ("categories", clover.iter_categories),
                ],
            ),
            (
                "bigcommerce",
                bc,
                bc_tally,
                [
                    ("products", lambda: bc.iter_products(include=("variants",))),
                    ("variants", bc.iter_variants),
                    ("categories", bc.iter_categories),
                    ("locations", bc.iter_locations),
                ],
            ),
        ):
            print(f"{name}:")
            started = time.perf_counter()
            rows = timed(name, listings)
            elapsed = time.perf_counter() - started
            print(
                f"  {name} total: {rows} rows, {client.request_count} requests, "
                f"{client.retry_count} retries, {tally.statuses.get(429, 0)} answers 429, "
                f"{elapsed:.2f} s, {rows / elapsed:,.0f} rows/s"
            )
            client.close()
        counters = server.counter_snapshot()
        print("sandbox counted:", {api: c["total"] for api, c in counters.items()})
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
