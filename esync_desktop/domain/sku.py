"""SKU and name normalisation: how a Clover SKU is matched to a BigCommerce one.

The rule (also in docs/ENGINE.md):
- a SKU is trimmed of surrounding whitespace (spaces, tabs, newlines, no-break spaces);
- an empty SKU after trimming is no SKU;
- two SKUs match when their trimmed forms are equal ignoring case, compared with
  `str.casefold()` (so "tea-001" matches "TEA-001" and "STRASSE" matches "straße");
- inner characters are never changed: "MUG 01" and "MUG-01" are different SKUs.
What is sent to BigCommerce is the trimmed SKU with its case kept as typed in Clover.
Names are compared the same way (trim + casefold) when a rule asks for names to match.
"""

from __future__ import annotations


def clean_sku(raw: object) -> str | None:
    """The SKU as it should be sent: trimmed; None when missing or blank."""
    if not isinstance(raw, str):
        return None
    cleaned = raw.strip()
    return cleaned or None


def sku_key(raw: object) -> str | None:
    """The matching key of a SKU: trimmed and case-folded; None when there is no SKU."""
    cleaned = clean_sku(raw)
    return cleaned.casefold() if cleaned is not None else None


def clean_name(raw: object) -> str | None:
    """A name trimmed of surrounding whitespace; None when missing or blank."""
    if not isinstance(raw, str):
        return None
    cleaned = raw.strip()
    return cleaned or None


def name_key(raw: object) -> str | None:
    """The comparison key of a name (categories, product names): trimmed and case-folded."""
    cleaned = clean_name(raw)
    return cleaned.casefold() if cleaned is not None else None
