"""The BigCommerce emulator's state over the shared Store: "bigcommerce.*" tables and the indexes
(SKU, name, variants per product) that keep 100k-item catalogs fast."""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable

from esync_desktop.sandbox.bigcommerce.common import Doc, iso, now
from esync_desktop.sandbox.store import Store, Table

DEFAULT_LOCATION = 1


def norm_sku(sku: str) -> str:
    # SKUs are unique ignoring letter case (the products and variants specs say so).
    return sku.strip().lower()


def norm_name(name: str) -> str:
    # Undocumented whether names compare by case; the stricter choice (§5.4).
    return " ".join(name.split()).lower()


class BcDb:
    """Typed access to the tables; every handler runs under the store lock."""

    def __init__(self, store: Store, store_hash: str) -> None:
        self.store = store
        self.store_hash = store_hash
        self.info = store.table("bigcommerce.store")
        self.products = store.table("bigcommerce.products")
        self.variants = store.table("bigcommerce.variants")
        self.options = store.table("bigcommerce.options")
        self.categories = store.table("bigcommerce.categories")
        self.trees = store.table("bigcommerce.trees")
        self.locations = store.table("bigcommerce.locations")
        self.stock = store.table("bigcommerce.stock")
        self.tax_classes = store.table("bigcommerce.tax_classes")
        self.orders = store.table("bigcommerce.orders")
        self.order_products = store.table("bigcommerce.order_products")
        self.order_addresses = store.table("bigcommerce.order_addresses")
        self.transactions = store.table("bigcommerce.transactions")
        self.refunds = store.table("bigcommerce.refunds")
        # Inventory read lag (admin switch): reads answer the value from before a recent write.
        self.read_lag_ms = 0
        self.lagged_reads = False
        self._recent: dict[str, tuple[int, float]] = {}
        self.reindex()

    # -- ids and indexes -----------------------------------------------------------------------

    def next_id(self, kind: str, start: int = 1) -> int:
        return self.store.next_id(f"bigcommerce.{kind}", start)

    def reindex(self) -> None:
        """Rebuild the in-memory indexes from the tables (after a load, clear or seed)."""
        self.product_ids: list[int] = sorted(int(k) for k in self.products.rows)
        self.product_sku: dict[str, int] = {}
        self.product_name: dict[str, int] = {}
        self.variant_sku: dict[str, int] = {}
        self.variants_of: dict[int, list[int]] = {}
        self.options_of: dict[int, list[int]] = {}
        for product in self.products.rows.values():
            self._index_product(product)
        for vid in sorted(int(k) for k in self.variants.rows):
            variant = self.variants.rows[str(vid)]
            self.variants_of.setdefault(variant["product_id"], []).append(vid)
            if not self.is_base(variant) and variant.get("sku"):
                self.variant_sku[norm_sku(variant["sku"])] = vid
        for oid in sorted(int(k) for k in self.options.rows):
            option = self.options.rows[str(oid)]
            self.options_of.setdefault(option["product_id"], []).append(oid)
        self._recent.clear()

    def _index_product(self, product: Doc) -> None:
        if product.get("sku"):
            self.product_sku[norm_sku(product["sku"])] = product["id"]
        self.product_name[norm_name(product["name"])] = product["id"]

    def _unindex_product(self, product: Doc) -> None:
        if product.get("sku") and self.product_sku.get(norm_sku(product["sku"])) == product["id"]:
            del self.product_sku[norm_sku(product["sku"])]
        if self.product_name.get(norm_name(product["name"])) == product["id"]:
            del self.product_name[norm_name(product["name"])]

    # -- products ------------------------------------------------------------------------------

    def product(self, pid: int) -> Doc | None:
        return self.products.get(pid)

    def add_product(self, product: Doc) -> None:
        self.products.put(product["id"], product)
        bisect.insort(self.product_ids, product["id"])
        self._index_product(product)

    def reindex_product(self, before: Doc, after: Doc) -> None:
        self._unindex_product(before)
        self._index_product(after)

    def remove_product(self, pid: int) -> None:
        product = self.products.get(pid)
        if product is None:
            return
        self._unindex_product(product)
        for vid in list(self.variants_of.get(pid, [])):
            self.remove_variant(vid)
        for oid in self.options_of.pop(pid, []):
            self.options.delete(oid)
        for location_id in self.location_ids():
            self.stock.delete(self.stock_key(location_id, f"p{pid}"))
        self.products.delete(pid)
        index = bisect.bisect_left(self.product_ids, pid)
        if index < len(self.product_ids) and self.product_ids[index] == pid:
            del self.product_ids[index]

    def touch_product(self, pid: int) -> None:
        """Every catalog write moves `date_modified` (what delta syncs key on)."""
        product = self.products.get(pid)
        if product is not None:
            product["date_modified"] = iso(now())
            self.products.touch(pid)

    def sku_taken(self, sku: str, *, product_id: int = 0, variant_id: int = 0) -> bool:
        """True when another product or variant holds this SKU (case-insensitively)."""
        key = norm_sku(sku)
        owner = self.product_sku.get(key)
        if owner is not None and owner != product_id:
            return True
        holder = self.variant_sku.get(key)
        return holder is not None and holder != variant_id

    def name_taken(self, name: str, product_id: int = 0) -> bool:
        owner = self.product_name.get(norm_name(name))
        return owner is not None and owner != product_id

    # -- variants and options ------------------------------------------------------------------

    @staticmethod
    def is_base(variant: Doc) -> bool:
        return not variant.get("option_values")

    def variant(self, vid: int) -> Doc | None:
        return self.variants.get(vid)

    def variants_for(self, pid: int) -> list[Doc]:
        return [self.variants.rows[str(v)] for v in self.variants_of.get(pid, [])]

    def add_variant(self, variant: Doc) -> None:
        self.variants.put(variant["id"], variant)
        self.variants_of.setdefault(variant["product_id"], []).append(variant["id"])
        if not self.is_base(variant) and variant.get("sku"):
            self.variant_sku[norm_sku(variant["sku"])] = variant["id"]

    def set_variant_sku(self, variant: Doc, sku: str) -> None:
        old = variant.get("sku")
        if old and self.variant_sku.get(norm_sku(old)) == variant["id"]:
            del self.variant_sku[norm_sku(old)]
        variant["sku"] = sku
        if not self.is_base(variant) and sku:
            self.variant_sku[norm_sku(sku)] = variant["id"]
        self.variants.touch(variant["id"])

    def remove_variant(self, vid: int) -> None:
        variant = self.variants.delete(vid)
        if variant is None:
            return
        sku = variant.get("sku")
        if sku and self.variant_sku.get(norm_sku(sku)) == vid:
            del self.variant_sku[norm_sku(sku)]
        siblings = self.variants_of.get(variant["product_id"], [])
        if vid in siblings:
            siblings.remove(vid)
        for location_id in self.location_ids():
            self.stock.delete(self.stock_key(location_id, f"v{vid}"))

    def options_for(self, pid: int) -> list[Doc]:
        return [self.options.rows[str(o)] for o in self.options_of.get(pid, [])]

    def add_option(self, option: Doc) -> None:
        self.options.put(option["id"], option)
        self.options_of.setdefault(option["product_id"], []).append(option["id"])

    def remove_option(self, oid: int) -> None:
        option = self.options.delete(oid)
        if option is not None and oid in self.options_of.get(option["product_id"], []):
            self.options_of[option["product_id"]].remove(oid)

    def find_by_sku(self, sku: str) -> tuple[Doc, Doc | None] | None:
        """(product, variant) for any SKU; a simple product's SKU resolves to its base variant."""
        key = norm_sku(sku)
        vid = self.variant_sku.get(key)
        if vid is not None:
            variant = self.variants.rows[str(vid)]
            return self.products.rows[str(variant["product_id"])], variant
        pid = self.product_sku.get(key)
        if pid is None:
            return None
        product = self.products.rows[str(pid)]
        base = product.get("base_variant_id")
        return product, self.variants.get(base) if base else None

    # -- stock ---------------------------------------------------------------------------------

    @staticmethod
    def stock_key(location_id: int, target: str) -> str:
        return f"{location_id}:{target}"

    def stock_doc(self, location_id: int, target: str) -> Doc | None:
        return self.stock.get(self.stock_key(location_id, target))

    def onhand(self, location_id: int, target: str) -> int:
        key = self.stock_key(location_id, target)
        if self.lagged_reads and self.read_lag_ms > 0:
            recent = self._recent.get(key)
            if recent is not None and (time.monotonic() - recent[1]) * 1000 < self.read_lag_ms:
                return recent[0]
        doc = self.stock.get(key)
        return int(doc["quantity"]) if doc is not None else 0

    def set_onhand(
        self,
        location_id: int,
        target: str,
        quantity: int,
        *,
        product_id: int,
        variant_id: int | None,
        absolute: bool = True,
    ) -> Doc:
        key = self.stock_key(location_id, target)
        doc = self.stock.get(key)
        if doc is None:
            doc = {
                "location_id": location_id,
                "product_id": product_id,
                "variant_id": variant_id,
                "quantity": 0,
                "safety_stock": 0,
                "warning_level": 0,
                "is_in_stock": True,
                "bin_picking_number": "",
                "absolute": False,
            }
        self._recent[key] = (int(doc["quantity"]), time.monotonic())
        doc["quantity"] = quantity
        doc["absolute"] = bool(doc["absolute"]) or absolute
        self.stock.put(key, doc)
        return doc

    def product_target(self, product: Doc) -> str | None:
        """Where a product's own stock lives (`p{id}`), None unless tracked by product."""
        return f"p{product['id']}" if product["inventory_tracking"] == "product" else None

    def product_level(self, product: Doc, location_id: int = DEFAULT_LOCATION) -> int:
        """Catalog `inventory_level`: the default location's stock; variant tracking sums the
        variants (§9.5)."""
        tracking = product["inventory_tracking"]
        if tracking == "product":
            return self.onhand(location_id, f"p{product['id']}")
        if tracking == "variant":
            return sum(
                self.onhand(location_id, f"v{vid}")
                for vid in self.variants_of.get(product["id"], [])
            )
        return 0

    def variant_level(self, product: Doc, variant: Doc, location_id: int = DEFAULT_LOCATION) -> int:
        tracking = product["inventory_tracking"]
        if tracking == "variant":
            return self.onhand(location_id, f"v{variant['id']}")
        if tracking == "product" and product.get("base_variant_id") == variant["id"]:
            return self.onhand(location_id, f"p{product['id']}")
        return 0

    def location_ids(self) -> list[int]:
        return sorted(int(k) for k in self.locations.rows)

    # -- misc ----------------------------------------------------------------------------------

    def store_info(self) -> Doc:
        return self.info.get("store") or {}

    @staticmethod
    def sorted_rows(table: Table) -> list[Doc]:
        return sorted(table.rows.values(), key=lambda d: d["id"])

    def docs(self, table: Table, ids: Iterable[int]) -> list[Doc]:
        return [doc for i in ids if (doc := table.get(i)) is not None]
