"""Stock by location for the facade: the merchants of the profile (or of the demo) read for the
stock actions, and each location's stock status for the tray and the home page."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from esync_desktop.connectors.clover import CloverClient
from esync_desktop.connectors.errors import ApiError
from esync_desktop.demo_stores import DemoStores
from esync_desktop.domain.plan import ActionPlan
from esync_desktop.storage.secrets import ENV_BC_STORE_HASH, ENV_CLOVER_MERCHANT_ID
from esync_desktop.storage.settings import StockSettings
from esync_desktop.storage.state.links import LinkChange
from esync_desktop.store_credentials import (
    ConfigurationError,
    MerchantCredentials,
    StoreCredentials,
    merchant_credentials,
)
from esync_desktop.sync import link_records as rec
from esync_desktop.sync.delta import Read
from esync_desktop.sync.reading import ReadNeeds, read_snapshot
from esync_desktop.sync.snapshot import Snapshot
from esync_desktop.sync.stock.read import MINUTE_MS, MerchantSource, read_stock

Steps = list[tuple[str, Mapping[str, Any]]]


def stock_step(action: str) -> bool:
    return action.startswith("send-inventory")


@dataclass(frozen=True)
class FirstDown:
    """The plan's read when the first Clover merchant did not answer: BigCommerce's catalogue,
    the stock steps to plan (the guard covers that merchant's location) and the other steps,
    which wait for the next sync (they need that merchant's catalogue)."""

    read: Read
    error: str
    steps: Steps
    waiting: list[ActionPlan]


@dataclass(frozen=True)
class LocationStatus:
    """One merchant's location: when its Clover stock was last read (confirmed), and whether
    the stale-stock guard now holds it (`stale`, with `mode` "buffer" or "zero")."""

    merchant_id: str
    merchant: str
    location_id: int
    location: str
    last_read: datetime | None
    stale: bool
    mode: str
    limit_minutes: int

    @property
    def message(self) -> str:
        """The owner's words for a stale location (empty when it is not)."""
        if not self.stale:
            return ""
        since = (
            "never"
            if self.last_read is None
            else self.last_read.astimezone().strftime("%Y-%m-%d %H:%M")
        )
        shown = "0" if self.mode == "zero" else "the last count less the buffers"
        return (
            f"Stock at {self.location} is stale: Clover merchant {self.merchant} not read since "
            f"{since} (limit {self.limit_minutes} min); the web store shows {shown} there."
        )


class StockByLocation:
    def __init__(self, services: Any) -> None:
        # The facade (app.Services), which holds this: its settings, keyring, demo and state.
        self._services = services

    def merchants(self, creds: StoreCredentials) -> list[MerchantCredentials]:
        services = self._services
        demo = services._demo
        if demo.credentials is not None:
            return list(demo.merchants)
        return merchant_credentials(services.settings, services.secrets, services.environ, creds)

    def by_location(self, creds: StoreCredentials) -> bool:
        """Whether the stock actions plan per location (see StockSettings.by_location)."""
        settings: StockSettings = self._services.settings.stock
        return settings.by_location(len(self.merchants(creds)))

    def read(
        self,
        snapshot: Snapshot,
        clover: CloverClient,
        bc: Any,
        creds: StoreCredentials,
        scope: str,
        groups: bool,
        cancel: threading.Event | None,
        started_ms: int,
        first_error: str | None = None,
    ) -> tuple[Snapshot, int]:
        """The snapshot with the stock by location, and the calls the further merchants took
        (`first_error`: the first merchant did not answer, see first_down)."""
        services = self._services
        merchants = self.merchants(creds)
        hook = services._engine_state.exchange_hook(lambda: None)
        clients = [
            CloverClient(m.base_url, m.merchant_id, m.token, on_exchange=hook)
            for m in merchants[1:]
        ]
        sources = [
            MerchantSource(m.merchant_id, m.title, m.location_id, client)
            for m, client in zip(merchants, [clover, *clients], strict=True)
        ]
        try:
            read = read_stock(
                snapshot,
                sources,
                bc,
                services._engine_state,
                scope,
                services.settings.stock,
                groups=groups,
                cancel=cancel,
                started_ms=started_ms,
                first_error=first_error,
            )
        finally:
            calls = sum(c.request_count for c in clients)
            for client in clients:
                client.close()
        return read, calls

    def first_down(
        self,
        exc: ApiError,
        steps: Steps,
        bc: Any,
        creds: StoreCredentials,
        scope: str,
        groups: bool,
        cancel: threading.Event | None,
    ) -> FirstDown | None:
        """When the first (the connection's) merchant does not answer the catalogue read and the
        task has a stock step planned per location, what the plan goes on with; None when the
        error ends the plan (BigCommerce failed, or no stock step could use the guard)."""
        if exc.api != "clover" or not any(stock_step(a) for a, _ in steps):
            return None
        if not self.by_location(creds):
            return None
        error = f"{exc.title}: {exc.message}"
        title = self.merchants(creds)[0].title
        kept = [(a, o) for a, o in steps if stock_step(a)]
        note = (
            f"not planned: Clover merchant {title} did not answer ({error}); "
            "it runs at the next sync"
        )
        waiting = [ActionPlan(a, (), note=note) for a, _ in steps if not stock_step(a)]
        return FirstDown(self._catalogue(bc, scope, groups, cancel), error, kept, waiting)

    def _catalogue(self, bc: Any, scope: str, groups: bool, cancel: threading.Event | None) -> Read:
        """BigCommerce's products as a delta run knows them (remembered), or read when the link
        table has none yet; Clover's side is its records as last read, which only give the
        guard's buffers their categories. Nothing is recorded in the link table."""
        store = self._services.state
        group_kinds = (rec.CLOVER_GROUP, rec.CLOVER_ATTRIBUTE, rec.CLOVER_OPTION)
        grouped = [store.link_records(scope, k) if groups else {} for k in group_kinds]
        clover = rec.ReplayClover(store.link_records(scope, rec.CLOVER_ITEM), None, *grouped)
        web: Any = bc
        if store.link_read(scope, rec.PART_BC_PRODUCTS) is not None:
            web = rec.ReplayBigCommerce(store.link_records(scope, rec.BC_PRODUCT), {})
        needs = ReadNeeds(groups=groups, categories=False, stocks=False, bigcommerce=True)
        return Read(read_snapshot(clover, web, needs, cancel), LinkChange(), full=False)

    def probe(self, creds: StoreCredentials) -> tuple[tuple[str, str | None, str | None], ...]:
        """Each further merchant reached on its own token: (its name here, its name in Clover
        or None, what is wrong or None)."""
        try:
            merchants = self.merchants(creds)[1:]
        except ConfigurationError as exc:
            return (("Clover merchants", None, str(exc)),)
        found: list[tuple[str, str | None, str | None]] = []
        for merchant in merchants:
            client = CloverClient(merchant.base_url, merchant.merchant_id, merchant.token)
            try:
                name = str(client.merchant().get("name") or "")
                found.append((merchant.title, name, None))
            except ApiError as exc:
                found.append((merchant.title, None, f"{exc.title}: {exc.message}"))
            finally:
                client.close()
        return tuple(found)

    def listed(self) -> list[tuple[str, str, int]]:
        """(merchant id, name, location id) of each merchant, the first first: the demo's
        while the demo stores run, else the settings' (no keyring, no network)."""
        demo = self._services._demo
        if demo.credentials is not None:
            return [(m.merchant_id, m.title, m.location_id) for m in demo.merchants]
        return [
            (m.merchant_id, m.name, m.location_id)
            for m in self._services.settings.stock_merchants()
        ]

    def status(self, now: datetime | None = None) -> list[LocationStatus]:
        """From the settings and the state database only: no network, no keyring (the tray
        asks on the window's thread)."""
        services = self._services
        demo = services._demo
        if demo.credentials is not None:
            scope = DemoStores.scope()
            merchants = [(m.merchant_id, m.title, m.location_id) for m in demo.merchants]
        else:
            env = services.environ
            first = env.get(ENV_CLOVER_MERCHANT_ID) or services.settings.clover.merchant_id
            store = env.get(ENV_BC_STORE_HASH) or services.settings.bigcommerce.store_hash
            if not first or not store:
                return []
            scope = f"{first}>{store}"
            # The first merchant's id as the run resolves it (the environment wins).
            merchants = [
                (first if n == 0 else m.merchant_id, m.name, m.location_id)
                for n, m in enumerate(services.settings.stock_merchants())
            ]
            merchants = [(i, name or f"Clover {i}", loc) for i, name, loc in merchants]
        stock = services.settings.stock
        moment = now or datetime.now(UTC)
        found = []
        for merchant_id, title, location_id in merchants:
            last = services._engine_state.last_stock_read(scope, merchant_id, levels=False)
            limit = stock.stale_after_minutes
            age_ms = None if last is None else moment.timestamp() * 1000 - last.read_ms
            stale = limit > 0 and age_ms is not None and age_ms >= limit * MINUTE_MS
            found.append(
                LocationStatus(
                    merchant_id,
                    title,
                    location_id,
                    (last.location if last else "") or f"Location {location_id}",
                    None if last is None else datetime.fromtimestamp(last.read_ms / 1000, UTC),
                    stale,
                    stock.stale_mode,
                    limit,
                )
            )
        return found
