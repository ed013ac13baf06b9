"""The field-ownership and tax-class settings to and from JSON (beside settings_codec, which
calls these): a bad entry is dropped or reset with a warning, never a failed load."""

from __future__ import annotations

from typing import Any, Protocol

from esync_desktop.domain.ownership import DEFAULT_OWNERS, FIELDS, OWNERS

# BigCommerce's tax_class_id range (products spec: 0 to 255; 0 is the Default Tax Class).
MAX_TAX_CLASS_ID = 255


class ProblemLog(Protocol):
    def reset(self, where: str, value: Any, why: str, default: Any) -> None: ...
    def dropped(self, where: str, items: list[str], why: str) -> None: ...


def parse_ownership(value: Any, problems: ProblemLog) -> dict[str, str]:
    """Every field's owner: the defaults, with the file's valid choices over them."""
    owners = dict(DEFAULT_OWNERS)
    if value is None:
        return owners
    if not isinstance(value, dict):
        problems.reset("ownership", value, "an object", "the default owners")
        return owners
    bad: list[str] = []
    for name, owner in value.items():
        if name in FIELDS and owner in OWNERS:
            owners[name] = owner
        else:
            bad.append(f"{name!r}: {owner!r}")
    if bad:
        why = f"fields are {', '.join(FIELDS)}; owners are {', '.join(OWNERS)}"
        problems.dropped("ownership", bad, why)
    return owners


def parse_tax_class_map(value: Any, problems: ProblemLog) -> dict[str, int]:
    """Clover tax rate name -> BigCommerce tax class id."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.reset("tax_class_map", value, "an object", {})
        return {}
    mapping: dict[str, int] = {}
    bad: list[str] = []
    for rate, class_id in value.items():
        ok = (
            isinstance(class_id, int)
            and not isinstance(class_id, bool)
            and 0 <= class_id <= MAX_TAX_CLASS_ID
        )
        if ok and rate.strip():
            mapping[rate.strip()] = class_id
        else:
            bad.append(f"{rate!r} -> {class_id!r}")
    if bad:
        why = f"a Clover tax rate name and a tax class id from 0 to {MAX_TAX_CLASS_ID}"
        problems.dropped("tax_class_map", bad, why)
    return mapping
