"""Adding one variant to a product that already has options (bigcommerce.md §7): the
product's options are read, the option values the variant needs and the product lacks are
created (`POST /catalog/products/{id}/options/{option_id}/values`), then the variant is created
with the ids of its values (`POST /catalog/products/{id}/variants`). Creating a value is
decidable by reading the options again, so only the variant's create needs the journal."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from esync_desktop.connectors.bigcommerce import BigCommerceClient
from esync_desktop.connectors.errors import ConflictError
from esync_desktop.connectors.http import segment
from esync_desktop.domain.sku import sku_key

Doc = dict[str, Any]


class MissingOption(ValueError):
    """The product has no option of that name: a variant cannot add an option."""


class BcVariants:
    def __init__(self, client: BigCommerceClient) -> None:
        self.client = client

    def _path(self, product_id: int, *parts: str) -> str:
        return self.client._v3("catalog", "products", segment(product_id), *parts)

    def options(self, product_id: int) -> list[Doc]:
        return list(self.client._v3_pages(self._path(product_id, "options"), []))

    def _post(self, path: str, body: Doc, *, idempotent: bool) -> Doc:
        data = self.client.http.request("POST", path, body=body, idempotent=idempotent).data
        made = self.client._envelope("POST", path, data)
        if not isinstance(made, dict):
            raise self.client.http.bad_shape("POST", path, "the created object")
        return made

    def add(self, product_id: int, variant: Mapping[str, Any]) -> Doc:
        """Create the variant (and its missing option values); returns the variant."""
        options = {str(o.get("display_name") or "").casefold(): o for o in self.options(product_id)}
        refs = []
        for value in variant.get("option_values") or []:
            name, label = str(value["option_display_name"]), str(value["label"])
            option = options.get(name.casefold())
            if option is None:
                raise MissingOption(f"product {product_id} has no option {name!r}")
            found = next(
                (
                    v
                    for v in option.get("option_values") or []
                    if str(v.get("label") or "").casefold() == label.casefold()
                ),
                None,
            )
            if found is None:
                found = self._new_value(product_id, option, label)
            refs.append({"option_id": int(option["id"]), "id": int(found["id"])})
        body = {k: v for k, v in variant.items() if k != "option_values"}
        body["option_values"] = refs
        return self._post(self._path(product_id, "variants"), body, idempotent=False)

    def _new_value(self, product_id: int, option: Doc, label: str) -> Doc:
        """A label already there makes BigCommerce answer 409, never a second value, so the
        create is safe to retry; a 409 (a retry after a lost answer, another sync) is settled
        by reading the option's values."""
        path = self._path(product_id, "options", segment(option["id"]), "values")
        made: Doc | None
        try:
            made = self._post(path, {"label": label, "sort_order": 0}, idempotent=True)
        except ConflictError:
            values = self.client._v3_pages(path, [])
            made = next(
                (v for v in values if str(v.get("label") or "").casefold() == label.casefold()),
                None,
            )
            if made is None:
                raise
        option.setdefault("option_values", []).append(made)
        return made

    def by_sku(self, sku: str) -> Iterator[Doc]:
        """Variants whose SKU is this one (the SKU rule: trimmed, case-insensitive)."""
        wanted = sku_key(sku)
        for row in self.client.iter_variants(sku=sku.strip()):
            if isinstance(row, dict) and sku_key(row.get("sku")) == wanted:
                yield row
