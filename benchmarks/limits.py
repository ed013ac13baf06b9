"""What the APIs allow: the fewest calls a piece of work can take (from page and batch sizes)
and the shortest time those calls can take (from the rate and in-flight limits)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from esync_desktop.connectors import bigcommerce as bc
from esync_desktop.connectors import clover
from esync_desktop.connectors.bigcommerce_profile import BIGCOMMERCE_PACING, LOW_WATER_SHARE
from esync_desktop.connectors.clover_profile import CLOVER_PACING
from esync_desktop.sandbox.bigcommerce.limits import PLAN_QUOTAS, WINDOW_MS

# Reads of the catalogue task beside the two big listings: Clover's item groups (the matrix
# actions; a generated catalogue has none, so no attributes or options); BigCommerce's category
# tree (the create actions).
CLOVER_SMALL_LISTINGS = 1
BC_SMALL_LISTINGS = 1


@dataclass(frozen=True)
class Calls:
    """Calls on one side, reads and writes apart."""

    reads: int = 0
    writes: int = 0

    @property
    def total(self) -> int:
        return self.reads + self.writes


@dataclass(frozen=True)
class Minimum:
    clover: Calls
    bigcommerce: Calls


def clover_listing(rows: int) -> int:
    """Clover gives no count: pages of 1000 until a short one (a full last page needs one more)."""
    return rows // clover.PAGE_LIMIT + 1


def bc_listing(rows: int) -> int:
    """BigCommerce says how many pages there are: the first page is read even when empty."""
    return max(1, math.ceil(rows / bc.PAGE_LIMIT))


def full_read(items: int, products: int) -> Minimum:
    """Both catalogues in full: Clover items and their stock records, BigCommerce products."""
    return Minimum(
        Calls(reads=2 * clover_listing(items) + CLOVER_SMALL_LISTINGS),
        Calls(reads=bc_listing(products) + BC_SMALL_LISTINGS),
    )


def delta_read(items: int, modified: int) -> Minimum:
    """What can have changed: Clover items filtered by modifiedTime, every stock page (a stock
    change does not move the item's modifiedTime), the item groups (a group has no
    modifiedTime, and renaming one moves none of its items'); nothing from BigCommerce."""
    clover_reads = clover_listing(modified) + clover_listing(items) + CLOVER_SMALL_LISTINGS
    return Minimum(Calls(reads=clover_reads), Calls())


def creates(read: Minimum, count: int) -> Minimum:
    """BigCommerce has no batch create: one call per product."""
    return Minimum(read.clover, Calls(read.bigcommerce.reads, count))


def stock_writes(read: Minimum, count: int) -> Minimum:
    writes = math.ceil(count / bc.INVENTORY_BATCH)
    return Minimum(read.clover, Calls(read.bigcommerce.reads, writes))


def price_writes(read: Minimum, count: int) -> Minimum:
    writes = math.ceil(count / bc.PRODUCT_BATCH)
    return Minimum(read.clover, Calls(read.bigcommerce.reads, writes))


def ratio(actual: int, minimum: int) -> float:
    if minimum == 0:
        return 1.0 if actual == 0 else math.inf
    return actual / minimum


@dataclass(frozen=True)
class Rates:
    """Requests per second each side may send: Clover at the client's policy (clover.md §6:
    10/s of the 16/s documented), BigCommerce at the plan's quota less the reserve the client
    keeps for the store's other apps; requests in flight at once as the clients allow them."""

    clover: float
    bigcommerce: float
    clover_in_flight: int
    bc_in_flight: int

    @classmethod
    def for_plan(cls, plan: str) -> Rates:
        quota_rate = PLAN_QUOTAS[plan] / (WINDOW_MS / 1000)
        return cls(
            clover=CLOVER_PACING.rate,
            bigcommerce=min(quota_rate, BIGCOMMERCE_PACING.max_rate or quota_rate)
            * (1 - LOW_WATER_SHARE),
            clover_in_flight=CLOVER_PACING.max_in_flight,
            bc_in_flight=BIGCOMMERCE_PACING.max_in_flight,
        )


def side_bound(calls: Calls, rate: float, in_flight: int, latency_s: float) -> float:
    """The shortest time one side's calls can take: the rate limit, or the round trips (reads
    `in_flight` at a time, writes one at a time as both APIs ask), whichever is longer."""
    by_rate = calls.total / rate
    by_trips = calls.reads * latency_s / in_flight + calls.writes * latency_s
    return max(by_rate, by_trips)


def bound(clover_calls: Calls, bc_calls: Calls, rates: Rates, latency_s: float) -> float:
    """The two APIs are independent: the run can take no less than its slower side."""
    return max(
        side_bound(clover_calls, rates.clover, rates.clover_in_flight, latency_s),
        side_bound(bc_calls, rates.bigcommerce, rates.bc_in_flight, latency_s),
    )
