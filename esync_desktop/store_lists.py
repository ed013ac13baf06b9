"""The stores' own lists the window offers in pick lists: inventory locations, the weight unit,
both stores' categories, Clover's tenders beside the web orders' payment methods, the tax lists,
and the admin page of an item. A part of app.Services (its `_clients` and settings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from esync_desktop.connectors import admin_urls
from esync_desktop.connectors.bigcommerce import BIGCOMMERCE_URL, BigCommerceClient
from esync_desktop.connectors.clover import CLOVER_REGIONS, CloverClient
from esync_desktop.connectors.errors import ApiError
from esync_desktop.demo_stores import DemoStores
from esync_desktop.storage.settings import Settings
from esync_desktop.store_credentials import ConfigurationError
from esync_desktop.sync.categories import CategoryChoice, bc_category_choices, category_choices
from esync_desktop.sync.orders.choices import clover_tender_labels, recent_payment_methods
from esync_desktop.sync.reading import read_bc_categories, read_clover_categories
from esync_desktop.sync.tax_classes import (
    CloverTaxRate,
    TaxClass,
    read_bc_tax_classes,
    read_clover_tax_rates,
)

T = TypeVar("T")
C = TypeVar("C")
B = TypeVar("B")


@dataclass(frozen=True)
class TaxChoices:
    """Clover's tax rates and BigCommerce's tax classes (None and why when a store could not
    be read)."""

    clover: list[CloverTaxRate] | None
    bigcommerce: list[TaxClass] | None
    clover_error: str | None = None
    bc_error: str | None = None


@dataclass(frozen=True)
class StockLocation:
    """A BigCommerce inventory location, as the owner picks one for the stock steps."""

    id: int
    label: str
    code: str = ""
    is_default: bool = False
    is_active: bool = True

    @property
    def title(self) -> str:
        name = self.label or f"Location {self.id}"
        notes = [
            n for n, on in (("default", self.is_default), ("inactive", not self.is_active)) if on
        ]
        return f"{name} ({', '.join(notes)})" if notes else name


@dataclass(frozen=True)
class StoreCategories:
    """Both stores' categories for the rules' pick lists. A side that could not be read is None,
    with the owner's message (what is wrong, what to do) in its error."""

    clover: tuple[CategoryChoice, ...] | None
    bigcommerce: tuple[CategoryChoice, ...] | None
    clover_error: str | None = None
    bc_error: str | None = None


@dataclass(frozen=True)
class TenderChoices:
    """What push-orders' tender map offers: the Clover merchant's tenders and the payment
    methods of recent web orders. A side that could not be read is None, with the message."""

    tenders: tuple[str, ...] | None
    methods: tuple[str, ...] | None
    tenders_error: str | None = None
    methods_error: str | None = None


class StoreLists:
    """The pick lists' reads; Services supplies the clients and the settings."""

    settings: Settings
    _demo: DemoStores

    def _clients(self) -> tuple[CloverClient, BigCommerceClient, Any]:
        raise NotImplementedError

    def stock_locations(self) -> list[StockLocation]:
        """The store's inventory locations, default first; raises ConfigurationError or an
        ApiError (the owner's message) when the store cannot be read."""
        clover, bc, _ = self._clients()
        try:
            found = [
                StockLocation(
                    id=int(doc["id"]),
                    label=str(doc.get("label") or ""),
                    code=str(doc.get("code") or ""),
                    # The location document has no default flag: the store's first one is.
                    is_default=int(doc["id"]) == 1,
                    is_active=bool(doc.get("enabled", True)),
                )
                for doc in bc.iter_locations()
                if isinstance(doc.get("id"), int)
            ]
        finally:
            clover.close()
            bc.close()
        return sorted(found, key=lambda loc: (not loc.is_default, loc.id))

    def store_weight_unit(self) -> tuple[str | None, str]:
        """The BigCommerce store's weight unit (store_info's `weight_units`, e.g. "KGS"), or
        None and why it could not be read (not set up, not reachable)."""
        try:
            clover, bc, _ = self._clients()
        except ConfigurationError:
            return None, "the store is not set up (Connections page, or the ESYNC_BC_* variables)"
        try:
            unit, error = probe(lambda: bc.store_info().get("weight_units"))
        finally:
            clover.close()
            bc.close()
        return (unit, "") if unit else (None, error or "the store did not say")

    def admin_url(
        self,
        store: str,
        *,
        clover_id: str | None = None,
        bc_id: int | None = None,
        sku: str | None = None,
    ) -> str:
        """The page where the owner edits the item by hand: `store` "clover" (by item id) or
        "bigcommerce" (by product id, else a search for the SKU). Needs no token."""
        demo = self._demo.credentials
        if store == "clover":
            clover = self.settings.clover
            base = CLOVER_REGIONS.get(clover.region, CLOVER_REGIONS["na"])
            base, merchant = (
                (demo.clover_base_url, demo.clover_merchant_id)
                if demo is not None
                else (clover.base_url or base, clover.merchant_id)
            )
            return admin_urls.clover_item_url(base, merchant, clover_id)
        store_hash = self.settings.bigcommerce.store_hash
        base = self.settings.bigcommerce.base_url or BIGCOMMERCE_URL
        if demo is not None:
            base, store_hash = demo.bc_base_url, demo.bc_store_hash
        return admin_urls.bigcommerce_product_url(base, store_hash, bc_id, sku)

    def _read_both(
        self, from_clover: Callable[[CloverClient], C], from_bc: Callable[[BigCommerceClient], B]
    ) -> tuple[C | None, str | None, B | None, str | None]:
        """One list from each store, each with the store's message when it could not be read;
        raises ConfigurationError when the stores are not set up."""
        clover, bc, _ = self._clients()
        try:
            clover_found, clover_error = attempt(lambda: from_clover(clover))
            bc_found, bc_error = attempt(lambda: from_bc(bc))
        finally:
            clover.close()
            bc.close()
        return clover_found, clover_error, bc_found, bc_error

    def store_categories(self) -> StoreCategories:
        """The categories of both stores, by name as the rules match them (trim, any case),
        sorted."""
        names, clover_error, found, bc_error = self._read_both(
            read_clover_categories, read_bc_categories
        )
        return StoreCategories(
            clover=None if names is None else category_choices((name, "") for name in names),
            bigcommerce=None if found is None else bc_category_choices(found),
            clover_error=clover_error,
            bc_error=bc_error,
        )

    def tender_choices(self) -> TenderChoices:
        """Clover's tenders and the recent web orders' payment methods (2 calls)."""
        tenders, tenders_error, methods, methods_error = self._read_both(
            clover_tender_labels, recent_payment_methods
        )
        return TenderChoices(tenders, methods, tenders_error, methods_error)

    def tax_choices(self) -> TaxChoices:
        """Both stores' lists for the tax-class map."""
        rates, clover_error, classes, bc_error = self._read_both(
            read_clover_tax_rates, read_bc_tax_classes
        )
        return TaxChoices(rates, classes, clover_error, bc_error)


def attempt(call: Callable[[], T]) -> tuple[T | None, str | None]:
    """The call's result, or None and the store's message when it could not be reached/read."""
    try:
        return call(), None
    except ApiError as exc:
        return None, f"{exc.title}: {exc.message}"


def probe(call: Callable[[], object]) -> tuple[str | None, str | None]:
    try:
        return str(call() or ""), None
    except ApiError as exc:
        return None, f"{exc.title}: {exc.message}"
